-- A form token names one form of one station for one kind of record: the
-- same token posted for another kind or by another station is another
-- form, not a clash on the key.
alter table form_submission drop constraint form_submission_pkey;
alter table form_submission add primary key (station_id, entity, token);
