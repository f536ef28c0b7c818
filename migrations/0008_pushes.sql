-- Pushes to partner departments: what each department receives
-- (subscriptions), the pushes written in the publishing transaction (the
-- transactional outbox) with a data-minimised copy of every enterprise they
-- carry, acknowledgements, coordinated actions, API tokens and webhook
-- deliveries.

-- A department's webhook: deliveries are signed with the secret
-- (HMAC-SHA256), so it is kept as given, readable only by the server.
alter table department
    add column webhook_url text check (webhook_url ~ '^https?://[^[:space:]]+$' and length(webhook_url) <= 500),
    add column webhook_secret text,
    add column disabled_at timestamptz,
    add constraint department_webhook_pair check ((webhook_url is null) = (webhook_secret is null));

-- What a department receives: enterprises of the given levels, optionally
-- only of some industries, from one station or (station_id null) from all.
-- A department's subscriptions add up: an enterprise goes to it when any
-- of them matches.
create table subscription (
    subscription_id bigint generated always as identity primary key,
    department_id bigint not null references department on delete cascade,
    station_id bigint references station,
    levels tier_level[] not null check (cardinality(levels) between 1 and 3),
    -- empty: every industry
    industries text[] not null default '{}',
    created_at timestamptz not null default now(),
    created_by bigint references app_user
);
create index subscription_department_idx on subscription (department_id);

-- One push per department and published revision of an evaluation
-- (revision 0 is the first publication).
create table push (
    push_id bigint generated always as identity primary key,
    department_id bigint not null references department,
    station_id bigint not null references station,
    evaluation_id bigint not null references evaluation,
    quarter text not null check (quarter ~ '^[0-9]{4}-Q[1-4]$'),
    revision integer not null,
    -- why the revision was published; empty for revision 0
    reason text not null default '',
    created_at timestamptz not null,
    green integer not null,
    yellow integer not null,
    red integer not null,
    -- against this department's previous push from the station: enterprises
    -- new to the list, whose level changed, and no longer listed
    added integer not null,
    changed integer not null,
    removed integer not null,
    previous_push_id bigint references push,
    acknowledged_at timestamptz,
    acknowledged_by bigint references app_user,
    unique (department_id, evaluation_id, revision)
);
create index push_department_idx on push (department_id, push_id desc);
create index push_station_idx on push (station_id, push_id desc);
create index push_unacknowledged_idx on push (station_id, created_at) where acknowledged_at is null;

-- The enterprises a push carries, as they were when it was written: name,
-- credit code, address, industry, level, scores and the scoring reasons —
-- never narratives, parties or phone numbers.
create table push_item (
    push_id bigint not null references push on delete cascade,
    enterprise_id bigint not null references enterprise,
    name text not null,
    credit_code text not null,
    address text not null,
    industry_code text not null references industry,
    level tier_level not null,
    -- the level in the department's previous push; null: not in it
    previous_level tier_level,
    safety integer not null,
    hazards integer not null,
    cases integer not null,
    total integer not null,
    reasons jsonb not null,
    primary key (push_id, enterprise_id)
);
create index push_item_enterprise_idx on push_item (enterprise_id);
-- the dashboard's order: red, yellow, green, then by name
create index push_item_list_idx on push_item (push_id, level desc, name);

create type action_kind as enum ('joint_inspection', 'rectification_notice', 'guidance_visit', 'other');

-- What a department did about a red or yellow enterprise of a push.
create table coordinated_action (
    coordinated_action_id bigint generated always as identity primary key,
    push_id bigint not null,
    enterprise_id bigint not null,
    department_id bigint not null references department,
    station_id bigint not null references station,
    kind action_kind not null,
    acted_on date not null,
    note text not null check (length(note) <= 2000),
    recorded_by bigint not null references app_user,
    created_at timestamptz not null default now(),
    foreign key (push_id, enterprise_id) references push_item
);
create index coordinated_action_enterprise_idx on coordinated_action (enterprise_id, acted_on desc);
create index coordinated_action_push_idx on coordinated_action (push_id, enterprise_id);

-- Read-only API tokens of a department: shown once, only the SHA-256 kept.
create table api_token (
    api_token_id bigint generated always as identity primary key,
    department_id bigint not null references department,
    label text not null check (length(label) between 1 and 80),
    token_hash bytea not null unique,
    -- the first characters, so that an admin can tell tokens apart
    prefix text not null,
    created_at timestamptz not null default now(),
    created_by bigint references app_user,
    last_used_at timestamptz,
    revoked_at timestamptz,
    revoked_by bigint references app_user
);
create index api_token_department_idx on api_token (department_id);

-- The webhook outbox: one row per push for a department with a webhook,
-- written with the push; the worker delivers it until the receiver accepts.
create type delivery_status as enum ('pending', 'delivered', 'cancelled');

create table webhook_delivery (
    webhook_delivery_id bigint generated always as identity primary key,
    push_id bigint not null references push,
    department_id bigint not null references department,
    event_id uuid not null unique default gen_random_uuid(),
    status delivery_status not null default 'pending',
    attempts integer not null default 0,
    next_attempt_at timestamptz not null,
    last_attempt_at timestamptz,
    last_status integer,
    last_error text,
    delivered_at timestamptz,
    created_at timestamptz not null default now(),
    unique (push_id)
);
create index webhook_delivery_due_idx on webhook_delivery (next_attempt_at) where status = 'pending';
create index webhook_delivery_department_idx on webhook_delivery (department_id, webhook_delivery_id desc);

-- Every attempt, for the admin.
create table webhook_attempt (
    webhook_attempt_id bigint generated always as identity primary key,
    webhook_delivery_id bigint not null references webhook_delivery,
    at timestamptz not null,
    status integer,
    error text,
    duration_ms integer not null
);
create index webhook_attempt_delivery_idx on webhook_attempt (webhook_delivery_id, webhook_attempt_id desc);
