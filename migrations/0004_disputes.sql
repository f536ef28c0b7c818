-- Dispute follow-ups: a follow-up scheduled after a resolution is moot once
-- the dispute is reopened; it is cancelled (kept for the history), not
-- deleted. Who recorded a follow-up is shown on the dispute page.
alter table dispute_follow_up
    add column cancelled_at timestamptz,
    add column done_by bigint references app_user,
    add constraint dispute_follow_up_done_or_cancelled check (done_on is null or cancelled_at is null);

-- Pending = neither done nor cancelled.
drop index dispute_follow_up_due_idx;
create index dispute_follow_up_due_idx on dispute_follow_up (station_id, assigned_to, due_on)
    where done_on is null and cancelled_at is null;
create index dispute_follow_up_dispute_idx on dispute_follow_up (dispute_id);
