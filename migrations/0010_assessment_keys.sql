-- An assessment belongs to an evaluation of its own station: one composite
-- reference says both, where two single ones (station, evaluation) said less
-- — an assessment could name another station than its evaluation's — and
-- cost the database two checks per row when a quarter is written (about
-- 96,000 rows for a station of 100,000 enterprises).
alter table evaluation add constraint evaluation_station_key unique (evaluation_id, station_id);
alter table assessment
    drop constraint assessment_station_id_fkey,
    drop constraint assessment_evaluation_id_fkey,
    add constraint assessment_evaluation_fkey foreign key (evaluation_id, station_id)
        references evaluation (evaluation_id, station_id) on delete cascade;
