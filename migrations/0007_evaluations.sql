-- Quarterly evaluations: the policy as data, one evaluation per station and
-- quarter (draft → published, revised only with a reason), one assessment
-- per enterprise with its stored inputs and reasons, objections, and the
-- re-inspections scheduled on publication.

-- The full policy, as validated JSON (the scoring module's Policy); the
-- typed columns of migration 0002 stay for the field-work modules.
alter table scoring_policy
    add column params jsonb,
    add column created_by bigint references app_user;

create type evaluation_status as enum ('draft', 'published');

create table evaluation (
    evaluation_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    quarter text not null check (quarter ~ '^[0-9]{4}-Q[1-4]$'),
    scoring_policy_id bigint not null references scoring_policy,
    status evaluation_status not null default 'draft',
    -- 0 = as first published; each published revision adds one
    revision integer not null default 0,
    run_at timestamptz not null,
    run_by bigint references app_user,
    published_at timestamptz,
    published_by bigint references app_user,
    version integer not null default 1,
    unique (station_id, quarter)
);

create table assessment (
    assessment_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    evaluation_id bigint not null references evaluation on delete cascade,
    enterprise_id bigint not null references enterprise,
    safety integer not null,
    hazards integer not null,
    cases integer not null,
    total integer not null,
    -- null = not yet evaluated (never inspected)
    computed_level tier_level,
    vetoed boolean not null,
    stale boolean not null,
    previous_level tier_level,
    override_level tier_level,
    override_reason text,
    override_by bigint references app_user,
    override_at timestamptz,
    final_level tier_level,
    -- against the previous quarter's final level: up, down, same, new
    movement text not null check (movement in ('up', 'down', 'same', 'new')),
    reasons jsonb not null,
    -- what was scored, kept so that anyone can re-score it later
    inputs jsonb not null,
    under_review boolean not null default false,
    version integer not null default 1,
    unique (evaluation_id, enterprise_id),
    check ((override_level is null) = (override_reason is null))
);
create index assessment_board_idx on assessment (evaluation_id, final_level);
create index assessment_enterprise_idx on assessment (enterprise_id);

-- Each published change: the first publication (revision 0) and every
-- revision with its reason.
create table evaluation_revision (
    evaluation_revision_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    evaluation_id bigint not null references evaluation,
    revision integer not null,
    reason text not null default '',
    at timestamptz not null default now(),
    by_user bigint not null references app_user,
    unique (evaluation_id, revision)
);

create type objection_status as enum ('open', 'upheld', 'rejected');

create table objection (
    objection_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    assessment_id bigint not null references assessment,
    received_on date not null,
    grounds text not null check (length(grounds) between 1 and 2000),
    recorded_by bigint not null references app_user,
    status objection_status not null default 'open',
    decided_level tier_level,
    decision_reason text,
    decided_by bigint references app_user,
    decided_at timestamptz
);
create index objection_assessment_idx on objection (assessment_id);

create table reinspection (
    reinspection_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    enterprise_id bigint not null references enterprise,
    evaluation_id bigint not null references evaluation,
    assigned_to bigint references app_user,
    due_on date not null,
    -- failed checklist items of the latest inspection, carried forward
    failed_items text[] not null default '{}',
    done_visit_id bigint references visit,
    created_at timestamptz not null default now(),
    unique (evaluation_id, enterprise_id)
);
create index reinspection_due_idx on reinspection (station_id, assigned_to, due_on) where done_visit_id is null;
