-- A CSV register upload waiting for the user's choice (import all, import
-- only the valid rows, or cancel). Rows are kept as parsed text so the
-- choice is made on exactly what was shown.
create table enterprise_import (
    enterprise_import_id bigint generated always as identity primary key,
    station_id bigint not null references station,
    user_id bigint not null references app_user,
    filename text not null,
    -- array of rows, each an array of cell strings (header row first)
    rows jsonb not null,
    created_at timestamptz not null default now()
);
create index enterprise_import_station_idx on enterprise_import (station_id, created_at);
