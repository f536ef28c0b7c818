-- Field work: everything an officer records about the station's enterprises.
-- Every record carries station_id (the tenant), a version for optimistic
-- locking, and soft-delete columns (only chiefs delete; the audit log keeps
-- what was deleted).

-- Scoring policy parameters needed by field work (issue 4 extends this table).
create table scoring_policy (
    scoring_policy_id bigint generated always as identity primary key,
    version integer not null unique,
    -- first quarter the version applies to, e.g. '2026-Q1'
    effective_from text not null check (effective_from ~ '^[0-9]{4}-Q[1-4]$'),
    mass_dispute_threshold integer not null check (mass_dispute_threshold > 0),
    demand_response_days integer not null check (demand_response_days > 0),
    created_at timestamptz not null default now()
);
insert into scoring_policy (version, effective_from, mass_dispute_threshold, demand_response_days)
values (1, '2020-Q1', 30, 15);

create type tier_level as enum ('green', 'yellow', 'red');

alter table enterprise
    add column version integer not null default 1,
    -- final level of the latest published evaluation; null = not yet evaluated
    add column current_level tier_level,
    add column deleted_at timestamptz,
    add column deleted_by bigint references app_user;
create index enterprise_station_name_idx on enterprise (station_id, name) where deleted_at is null;

-- Idempotent creation: each "new record" form carries a one-time token; a
-- second submission of the same token finds the first one's record.
create table form_submission (
    token text primary key check (length(token) between 16 and 64),
    station_id bigint not null references station,
    entity text not null,
    entity_id bigint not null,
    created_at timestamptz not null default now()
);

-- Versioned checklist templates for security inspections.
create table checklist_template (
    checklist_template_id bigint generated always as identity primary key,
    version integer not null unique,
    title text not null,
    title_en text not null,
    created_at timestamptz not null default now()
);
create table checklist_item (
    checklist_item_id bigint generated always as identity primary key,
    checklist_template_id bigint not null references checklist_template,
    position integer not null,
    text text not null,
    text_en text not null,
    unique (checklist_template_id, position)
);
insert into checklist_template (version, title, title_en)
values (1, '企业治安保卫安全检查表（2026版）', 'Enterprise security inspection checklist (2026)');
insert into checklist_item (checklist_template_id, position, text, text_en)
select 1, p, t, e from (values
    (1, '治安保卫责任制落实，明确安全保卫负责人', 'Security responsibility assigned; a named security manager'),
    (2, '重点部位（财务室、仓库、机房）防范措施到位', 'Key areas (cash office, warehouse, server room) protected'),
    (3, '视频监控覆盖主要出入口并正常运行，录像保存不少于30天', 'CCTV covers the main entrances, works, keeps 30 days of footage'),
    (4, '门卫值守及来访登记制度落实', 'Gate watch and visitor registration in place'),
    (5, '消防器材配置齐全、在有效期内，疏散通道畅通', 'Fire equipment complete and in date; escape routes clear'),
    (6, '危险物品（易燃易爆、剧毒）登记、存放、领用规范', 'Dangerous goods registered, stored and issued properly'),
    (7, '员工（含外来务工人员）信息登记完整', 'Staff records (including migrant workers) complete'),
    (8, '内部矛盾纠纷排查化解机制落实', 'Internal disputes are screened and resolved'),
    (9, '开展安全防范和法制宣传教育培训', 'Security and legal-education training held'),
    (10, '突发事件应急预案制定并组织演练', 'Emergency plan written and drilled')
) as items(p, t, e);

create type visit_kind as enum ('routine', 'inspection', 'legal', 'policy', 'follow_up');
create type check_answer as enum ('pass', 'fail', 'na');

create table visit (
    visit_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    enterprise_id bigint not null references enterprise,
    visited_on date not null,
    kind visit_kind not null,
    notes text not null default '',
    suggestions text not null default '',
    -- set for security inspections: the template version answered
    checklist_template_id bigint references checklist_template,
    -- the liaison officer took part (counts as liaison contact)
    liaison_contact boolean not null default false,
    created_by bigint not null references app_user,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1,
    deleted_at timestamptz,
    deleted_by bigint references app_user,
    check ((kind = 'inspection') = (checklist_template_id is not null))
);
create index visit_enterprise_idx on visit (station_id, enterprise_id, visited_on desc);
create trigger visit_updated_at before update on visit for each row execute function set_updated_at();

create table visit_officer (
    visit_id bigint not null references visit on delete cascade,
    user_id bigint not null references app_user,
    primary key (visit_id, user_id)
);

create table visit_check (
    visit_id bigint not null references visit on delete cascade,
    checklist_item_id bigint not null references checklist_item,
    answer check_answer not null,
    note text not null default '',
    primary key (visit_id, checklist_item_id)
);

create type hazard_severity as enum ('general', 'major');

create table hazard (
    hazard_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    enterprise_id bigint not null references enterprise,
    visit_id bigint references visit,
    found_on date not null,
    severity hazard_severity not null,
    description text not null check (length(description) between 1 and 2000),
    deadline date not null check (deadline >= found_on),
    rectified_on date check (rectified_on >= found_on),
    rectification_note text not null default '',
    verified_by bigint references app_user,
    created_by bigint not null references app_user,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1,
    deleted_at timestamptz,
    deleted_by bigint references app_user,
    check ((rectified_on is null) = (verified_by is null))
);
create index hazard_enterprise_idx on hazard (station_id, enterprise_id);
create index hazard_open_idx on hazard (station_id, deadline) where rectified_on is null and deleted_at is null;
create trigger hazard_updated_at before update on hazard for each row execute function set_updated_at();

create type dispute_kind as enum ('wages', 'contract', 'labour', 'neighbourhood', 'other');
create type dispute_status as enum ('reported', 'mediating', 'resolved', 'referred', 'closed');
create type mediation_force as enum ('street', 'community', 'judicial', 'enterprise', 'mediator');

create table dispute (
    dispute_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    enterprise_id bigint not null references enterprise,
    reported_on date not null,
    parties text not null check (length(parties) between 1 and 500),
    kind dispute_kind not null,
    people_involved integer not null check (people_involved between 1 and 100000),
    mediation_forces mediation_force[] not null default '{}',
    status dispute_status not null default 'reported',
    summary text not null default '',
    resolution text not null default '',
    resolved_on date,
    closed_on date,
    created_by bigint not null references app_user,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1,
    deleted_at timestamptz,
    deleted_by bigint references app_user
);
create index dispute_enterprise_idx on dispute (station_id, enterprise_id);
create trigger dispute_updated_at before update on dispute for each row execute function set_updated_at();

-- Status changes with their reasons (reopening needs one).
create table dispute_event (
    dispute_event_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    dispute_id bigint not null references dispute,
    from_status dispute_status,
    to_status dispute_status not null,
    reason text not null default '',
    at timestamptz not null default now(),
    by_user bigint not null references app_user
);
create index dispute_event_dispute_idx on dispute_event (dispute_id);

create type follow_up_method as enum ('visit', 'phone', 'survey');

create table dispute_follow_up (
    dispute_follow_up_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    dispute_id bigint not null references dispute,
    assigned_to bigint not null references app_user,
    due_on date not null,
    done_on date,
    method follow_up_method,
    note text not null default '',
    created_at timestamptz not null default now(),
    version integer not null default 1,
    check ((done_on is null) = (method is null))
);
create index dispute_follow_up_due_idx on dispute_follow_up (station_id, assigned_to, due_on) where done_on is null;

create type incident_category as enum ('criminal', 'public_order', 'fire_safety', 'fraud', 'theft', 'other');
create type incident_severity as enum ('minor', 'serious', 'major');

create table incident (
    incident_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    enterprise_id bigint not null references enterprise,
    occurred_on date not null,
    category incident_category not null,
    severity incident_severity not null,
    enterprise_victim boolean not null default false,
    summary text not null check (length(summary) between 1 and 2000),
    created_by bigint not null references app_user,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1,
    deleted_at timestamptz,
    deleted_by bigint references app_user
);
create index incident_enterprise_idx on incident (station_id, enterprise_id, occurred_on);
create trigger incident_updated_at before update on incident for each row execute function set_updated_at();

create type demand_kind as enum ('difficulty', 'opinion', 'suggestion');
create type demand_status as enum ('open', 'responded', 'resolved');

create table demand (
    demand_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    enterprise_id bigint not null references enterprise,
    received_on date not null,
    kind demand_kind not null,
    content text not null check (length(content) between 1 and 2000),
    assignee_id bigint not null references app_user,
    due_on date not null check (due_on >= received_on),
    status demand_status not null default 'open',
    response text not null default '',
    responded_on date,
    resolved_on date,
    created_by bigint not null references app_user,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1,
    deleted_at timestamptz,
    deleted_by bigint references app_user
);
create index demand_enterprise_idx on demand (station_id, enterprise_id);
create index demand_open_idx on demand (station_id, due_on) where status = 'open' and deleted_at is null;
create trigger demand_updated_at before update on demand for each row execute function set_updated_at();

-- A due date moves only with a recorded reason.
create table demand_extension (
    demand_extension_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    demand_id bigint not null references demand,
    old_due_on date not null,
    new_due_on date not null check (new_due_on > old_due_on),
    reason text not null check (length(reason) between 1 and 500),
    at timestamptz not null default now(),
    by_user bigint not null references app_user
);

create type training_kind as enum ('legal', 'safety', 'drill');

create table training (
    training_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    held_on date not null,
    kind training_kind not null,
    topic text not null check (length(topic) between 1 and 200),
    attendee_count integer not null check (attendee_count between 0 and 100000),
    created_by bigint not null references app_user,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    version integer not null default 1,
    deleted_at timestamptz,
    deleted_by bigint references app_user
);
create trigger training_updated_at before update on training for each row execute function set_updated_at();

create table training_enterprise (
    training_id bigint not null references training on delete cascade,
    enterprise_id bigint not null references enterprise,
    primary key (training_id, enterprise_id)
);
create index training_enterprise_idx on training_enterprise (enterprise_id);
