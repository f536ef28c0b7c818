-- Sign-in throttling that counts failures only, and lets a browser that
-- signed in to an account before through while others' failures hold the
-- account (README: "Signing in and locking").

-- Every failed or refused sign-in (and wrong current password on a password
-- change); successful ones are not counted.
create table login_failure (
    login_failure_id bigint generated always as identity primary key,
    addr text not null,
    -- null: a user name that names no account
    user_id bigint references app_user on delete cascade,
    failed_at timestamptz not null
);
create index login_failure_addr_idx on login_failure (addr, failed_at);
create index login_failure_user_idx on login_failure (user_id, failed_at);

-- Browsers that signed in to an account: the cookie carries a random token,
-- the table only its SHA-256. Revoked (deleted) when the password changes or
-- is reset and when the account is disabled.
create table login_device (
    login_device_id bigint generated always as identity primary key,
    user_id bigint not null references app_user on delete cascade,
    token_hash bytea not null unique,
    created_at timestamptz not null,
    last_used_at timestamptz not null
);
create index login_device_user_idx on login_device (user_id);

-- A known device's own failures.
alter table login_failure
    add column login_device_id bigint references login_device on delete cascade;
create index login_failure_device_idx on login_failure (login_device_id, failed_at)
    where login_device_id is not null;

-- Until when sign-ins from unknown devices are refused at once, after too
-- many failures from them.
alter table app_user add column unknown_devices_held_until timestamptz;
alter table app_user drop column failed_logins;
alter table app_user drop column locked_until;

drop table login_attempt;
