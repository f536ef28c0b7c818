-- Foundation: tenants (branch, station), partner departments, users, sessions,
-- login throttling, the append-only audit log, and the enterprise register.
-- Every station-owned table carries station_id so the schema can later be
-- distributed by station.

create or replace function set_updated_at() returns trigger
language plpgsql as $$
begin
    new.updated_at = now();
    return new;
end;
$$;

create table branch (
    branch_id bigint generated always as identity primary key,
    name text not null unique,
    name_en text not null,
    created_at timestamptz not null default now()
);

create table station (
    station_id bigint generated always as identity primary key,
    branch_id bigint not null references branch,
    code text not null unique check (code ~ '^[a-z0-9-]{2,40}$'),
    name text not null,
    name_en text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create trigger station_updated_at before update on station
    for each row execute function set_updated_at();

create table department (
    department_id bigint generated always as identity primary key,
    code text not null unique check (code ~ '^[a-z0-9-]{2,40}$'),
    name text not null,
    name_en text not null,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create trigger department_updated_at before update on department
    for each row execute function set_updated_at();

create type user_role as enum ('officer', 'chief', 'department', 'admin');
create type ui_lang as enum ('zh', 'en');

create table app_user (
    user_id bigint generated always as identity primary key,
    username text not null check (username ~ '^[a-z0-9._-]{2,40}$'),
    display_name text not null check (length(display_name) between 1 and 80),
    role user_role not null,
    station_id bigint references station,
    department_id bigint references department,
    password_hash text not null,
    lang ui_lang not null default 'zh',
    disabled_at timestamptz,
    failed_logins integer not null default 0,
    locked_until timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    -- officers and chiefs belong to a station, department users to a department
    constraint app_user_scope check (
        (role in ('officer', 'chief') and station_id is not null and department_id is null)
        or (role = 'department' and department_id is not null and station_id is null)
        or (role = 'admin' and station_id is null and department_id is null)
    )
);
create unique index app_user_username_key on app_user (username);
create index app_user_station_idx on app_user (station_id) where station_id is not null;
create trigger app_user_updated_at before update on app_user
    for each row execute function set_updated_at();

-- The cookie holds a random 256-bit token; only its SHA-256 is stored.
create table session (
    session_id bigint generated always as identity primary key,
    token_hash bytea not null unique,
    user_id bigint not null references app_user on delete cascade,
    csrf_token text not null,
    created_at timestamptz not null,
    last_seen_at timestamptz not null
);
create index session_user_idx on session (user_id);

create table login_attempt (
    login_attempt_id bigint generated always as identity primary key,
    addr text not null,
    attempted_at timestamptz not null
);
create index login_attempt_addr_idx on login_attempt (addr, attempted_at);

create table audit_event (
    audit_event_id bigint generated always as identity primary key,
    at timestamptz not null default now(),
    actor_user_id bigint references app_user,
    -- who, as typed or known: kept even for unknown users of failed logins
    actor_label text not null,
    station_id bigint references station,
    action text not null,
    entity text not null,
    entity_id bigint,
    summary text not null default '',
    addr text,
    request_id text
);
create index audit_event_at_idx on audit_event (at);
create index audit_event_entity_idx on audit_event (entity, entity_id);

create function audit_event_append_only() returns trigger
language plpgsql as $$
begin
    raise exception 'audit_event is append-only';
end;
$$;
create trigger audit_event_no_update before update or delete on audit_event
    for each statement execute function audit_event_append_only();

create table industry (
    code text primary key,
    name text not null,
    name_en text not null,
    sort_order integer not null
);
insert into industry (code, name, name_en, sort_order) values
    ('manufacturing', '制造业', 'Manufacturing', 1),
    ('chemicals', '危险化学品', 'Hazardous chemicals', 2),
    ('construction', '建筑施工', 'Construction', 3),
    ('logistics', '物流仓储', 'Logistics and warehousing', 4),
    ('retail', '批发零售', 'Wholesale and retail', 5),
    ('catering', '餐饮住宿', 'Catering and lodging', 6),
    ('entertainment', '娱乐场所', 'Entertainment venues', 7),
    ('finance', '金融网点', 'Financial outlets', 8),
    ('technology', '信息技术', 'Information technology', 9),
    ('education', '教育培训', 'Education and training', 10),
    ('healthcare', '医疗卫生', 'Healthcare', 11),
    ('property', '物业管理', 'Property management', 12),
    ('other', '其他', 'Other', 99);

create type enterprise_status as enum ('active', 'closed');

create table enterprise (
    enterprise_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    name text not null check (length(name) between 2 and 100),
    -- unified social credit code (GB 32100-2015), validated in Rust
    credit_code text not null check (credit_code ~ '^[0-9A-HJ-NP-RTUWXY]{18}$'),
    industry_code text not null references industry,
    address text not null,
    legal_rep text not null,
    security_manager text not null,
    security_phone text not null,
    employee_count integer not null check (employee_count >= 0),
    liaison_officer_id bigint references app_user,
    status enterprise_status not null default 'active',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    constraint enterprise_station_credit_code_key unique (station_id, credit_code)
);
create index enterprise_liaison_idx on enterprise (liaison_officer_id);
create trigger enterprise_updated_at before update on enterprise
    for each row execute function set_updated_at();
