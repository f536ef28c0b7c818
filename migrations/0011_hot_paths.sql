-- The hot paths at 100,000 enterprises (issue 7).
--
-- 1. The tier board's counts (per level, per movement, the level matrix and
--    how many were assessed) are kept once per evaluation in
--    evaluation_tally, maintained by statement triggers on assessment from
--    the changed rows only, instead of being counted from every assessment
--    on every request.
-- 2. The board's sorts and level filter are served by indexes:
--    (evaluation, total) for the default sort, (evaluation, level red
--    first, total) for the level filter and the level sort.
-- 3. Searching enterprises by any part of the name, credit code or address
--    uses a GIN index of the text's characters and character pairs; Chinese
--    has no word boundaries and a search is often two characters, which
--    pg_trgm (three characters, and letters only in the database's locale)
--    does not serve.

create table evaluation_tally (
    evaluation_id bigint not null references evaluation on delete cascade,
    -- level codes, or 'unrated'
    previous_level text not null,
    final_level text not null,
    movement text not null,
    vetoed boolean not null,
    overridden boolean not null,
    -- may fall to 0; rows at 0 are kept (they are few) and read as none
    n bigint not null,
    primary key (evaluation_id, previous_level, final_level, movement, vetoed, overridden)
);

-- Adds the signed count of each group of the changed rows. The statement
-- triggers below name their transition tables new_rows and old_rows.
create function assessment_tally_insert() returns trigger language plpgsql as $$
begin
    insert into evaluation_tally as t
    select evaluation_id, coalesce(previous_level::text, 'unrated'),
           coalesce(final_level::text, 'unrated'), movement, vetoed,
           override_level is not null, count(*)
    from new_rows
    group by 1, 2, 3, 4, 5, 6
    order by 1, 2, 3, 4, 5, 6
    on conflict (evaluation_id, previous_level, final_level, movement, vetoed, overridden)
    do update set n = t.n + excluded.n;
    return null;
end $$;

create function assessment_tally_update() returns trigger language plpgsql as $$
begin
    insert into evaluation_tally as t
    select evaluation_id, p, f, m, v, o, sum(d)
    from (select evaluation_id, coalesce(previous_level::text, 'unrated') p,
                 coalesce(final_level::text, 'unrated') f, movement m, vetoed v,
                 override_level is not null o, 1 d
          from new_rows
          union all
          select evaluation_id, coalesce(previous_level::text, 'unrated'),
                 coalesce(final_level::text, 'unrated'), movement, vetoed,
                 override_level is not null, -1
          from old_rows) c
    group by 1, 2, 3, 4, 5, 6
    having sum(d) <> 0
    order by 1, 2, 3, 4, 5, 6
    on conflict (evaluation_id, previous_level, final_level, movement, vetoed, overridden)
    do update set n = t.n + excluded.n;
    return null;
end $$;

-- Rows of an evaluation being deleted itself (the cascade) are skipped.
create function assessment_tally_delete() returns trigger language plpgsql as $$
begin
    update evaluation_tally t set n = t.n - c.n
    from (select evaluation_id, coalesce(previous_level::text, 'unrated') p,
                 coalesce(final_level::text, 'unrated') f, movement m, vetoed v,
                 override_level is not null o, count(*) n
          from old_rows
          group by 1, 2, 3, 4, 5, 6) c
    where t.evaluation_id = c.evaluation_id and t.previous_level = c.p
      and t.final_level = c.f and t.movement = c.m and t.vetoed = c.v
      and t.overridden = c.o;
    return null;
end $$;

create trigger assessment_tally_insert after insert on assessment
    referencing new table as new_rows
    for each statement execute function assessment_tally_insert();
create trigger assessment_tally_update after update on assessment
    referencing old table as old_rows new table as new_rows
    for each statement execute function assessment_tally_update();
create trigger assessment_tally_delete after delete on assessment
    referencing old table as old_rows
    for each statement execute function assessment_tally_delete();

insert into evaluation_tally
select evaluation_id, coalesce(previous_level::text, 'unrated'),
       coalesce(final_level::text, 'unrated'), movement, vetoed,
       override_level is not null, count(*)
from assessment
group by 1, 2, 3, 4, 5, 6;

-- The board, default sort (total, then name) and its reverse.
create index assessment_total_idx on assessment (evaluation_id, total);
-- The board filtered to a level, and sorted by level (red first, unrated last).
drop index assessment_board_idx;
create index assessment_level_idx on assessment (evaluation_id, final_level desc nulls last, total);

-- Every character and every pair of adjacent characters of a text,
-- lower-cased: what an enterprise is found by. (Duplicates are left in: GIN
-- removes them when it indexes the array.)
create function search_grams(t text) returns text[]
    language sql immutable strict parallel safe
    return array(select substr(l, i, 1)
                 from (select lower(t) as l) s, generate_series(1, char_length(l)) i)
        || array(select substr(l, i, 2)
                 from (select lower(t) as l) s, generate_series(1, char_length(l) - 1) i);

-- What a search for q must find among those: q's character when q is one,
-- else each pair of q's adjacent characters.
create function search_query_grams(q text) returns text[]
    language sql immutable strict parallel safe
    return case when char_length(q) = 1 then array[lower(q)]
           else array(
               select distinct substr(s.l, i, 2)
               from (select lower(q) as l) s, generate_series(1, char_length(s.l) - 1) i)
           end;

create index enterprise_search_idx on enterprise
    using gin (search_grams(name || ' ' || credit_code || ' ' || address));

-- Room on each page for a changed row (a level set on publication, an
-- edit), so that such an update stays on its page and leaves the indexes
-- alone (a HOT update) — the search index above holds dozens of entries
-- per enterprise.
alter table enterprise set (fillfactor = 90);
