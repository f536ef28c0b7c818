-- Indexes for the month-based views: the monthly service list, the station
-- dashboard's thirteen months of activity, and the record lists filtered by
-- a date range. Each record type by station and the date it is counted on.
create index visit_station_date_idx on visit (station_id, visited_on) where deleted_at is null;
create index hazard_station_found_idx on hazard (station_id, found_on) where deleted_at is null;
create index hazard_station_rectified_idx on hazard (station_id, rectified_on)
    where deleted_at is null and rectified_on is not null;
create index dispute_station_reported_idx on dispute (station_id, reported_on) where deleted_at is null;
create index dispute_station_resolved_idx on dispute (station_id, resolved_on)
    where deleted_at is null and resolved_on is not null;
create index incident_station_date_idx on incident (station_id, occurred_on) where deleted_at is null;
create index demand_station_received_idx on demand (station_id, received_on) where deleted_at is null;
create index demand_station_resolved_idx on demand (station_id, resolved_on)
    where deleted_at is null and resolved_on is not null;
create index training_station_date_idx on training (station_id, held_on) where deleted_at is null;
