#!/usr/bin/env bash
# bench/explain.sh — EXPLAIN (ANALYZE, BUFFERS) of the hot queries on a
# seeded database, written to bench/explain/<name>.txt, plus a summary of
# the sequential scans and sorts in bench/explain/summary.txt.
#
#   bench/explain.sh                                  # seeds 100,000 enterprises itself
#   ENTERPRISES=20000 bench/explain.sh                # smaller
#   KEEP=1 bench/http.sh; CLUSTER=/tmp/sanse-bench.XXXXXX bench/explain.sh
#                                                     # on a cluster left running
#
# Each query is PREPAREd with the parameter types the application sends and
# explained twice: with plan_cache_mode = force_custom_plan (the plan for
# these values, what the first five executions on a connection get), then,
# after five plain executions, in the default mode — the plan a pooled
# connection keeps using from then on (a generic plan shows $1, $2 … instead
# of the values).
#
# The SQL below is COPIED from the code; every query names the function it
# comes from. When a query changes there, change it here too. A query the
# code builds per filter is marked [built]: the copy is what the builder
# makes for that case, and it is not checked against the source.
#
# Knobs (environment): CLUSTER (the folder of a running throw-away cluster,
# e.g. left by KEEP=1 bench/http.sh: its socket is there, database sanse,
# user sanse; CLUSTER_PORT, default 5432), OUT (bench/explain), and when it
# seeds its own cluster: ENTERPRISES (100000), MONTHS (12), SEED (1),
# PG_BINDIR, PG_SETTINGS (default "-c shared_buffers=256MB -c max_wal_size=4GB"),
# SKIP_BUILD=1, SANSE_BIN, KEEP=1.
set -euo pipefail

ENTERPRISES=${ENTERPRISES:-100000}
MONTHS=${MONTHS:-12}
SEED=${SEED:-1}
PG_SETTINGS=${PG_SETTINGS:--c shared_buffers=256MB -c max_wal_size=4GB}
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OUT=${OUT:-$repo/bench/explain}
export RUST_LOG=${RUST_LOG:-warn}

bench_pg_binaries
if [ -n "${CLUSTER:-}" ]; then
  [ -S "$CLUSTER/.s.PGSQL.${CLUSTER_PORT:-5432}" ] || die "no PostgreSQL socket in $CLUSTER"
  db() { "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$CLUSTER" -p "${CLUSTER_PORT:-5432}" -U sanse -d sanse "$@"; }
  server_version=$(db -Atc 'show server_version')
else
  bench_sanse_binary
  bench_cluster_start "$PG_SETTINGS"
  db() { pg -d sanse "$@"; }
  say "sanse migrate"
  "$sanse" --database-url "$url" migrate >/dev/null
  say "sanse seed --stations 1 --enterprises $ENTERPRISES --months $MONTHS"
  "$sanse" --database-url "$url" seed --stations 1 --enterprises "$ENTERPRISES" \
    --months "$MONTHS" --seed "$SEED" >&2
  db -c 'analyze'
fi
q1() { db -Atc "$1"; }

# ---------------------------------------------------------------- values
station=$(q1 "select station_id from station where code = 's001'")
[ -n "$station" ] || die "no station s001 in the database"
enterprises=$(q1 "select count(*) from enterprise where station_id = $station and deleted_at is null")
read -r evaluation quarter < <(q1 "select evaluation_id, quarter from evaluation
  where station_id = $station order by status = 'published' desc, quarter desc limit 1" | tr '|' ' ') || true
[ -n "${evaluation:-}" ] || die "no evaluation of s001 in the database (the seed publishes them)"
# The enterprise with the most visits: the longest timeline.
enterprise=$(q1 "select enterprise_id from visit where station_id = $station and deleted_at is null
                 group by 1 order by count(*) desc, 1 limit 1")
[ -n "$enterprise" ] || die "no visits in the database"
read -r department push < <(q1 "select u.department_id, coalesce(max(p.push_id), 0)
  from app_user u left join push p using (department_id)
  where u.username = 'dept.fire' group by 1" | tr '|' ' ') || true
# The busiest month (most visits), as bench/monthly.sh chooses it.
month=$(q1 "select to_char(visited_on, 'YYYY-MM') from visit where deleted_at is null
            group by 1 order by count(*) desc, 1 desc limit 1")
prev=$(q1 "select (to_date('$month', 'YYYY-MM') - interval '1 month')::date")
month_first=$(q1 "select to_date('$month', 'YYYY-MM')")
next=$(q1 "select (to_date('$month', 'YYYY-MM') + interval '1 month')::date")
today=$(TZ=Asia/Shanghai date +%F)

mkdir -p "$OUT"
rm -f "$OUT"/*.txt
explained=()
stale=()

# Whether the SQL ($1) is still, whitespace aside, in the source file named
# by "(src/….rs)" in $2.
in_step() {
  local file sql src
  file=$(printf '%s' "$2" | sed -n 's/.*(\(src\/[^)]*\.rs\)).*/\1/p')
  [ -n "$file" ] && [ -f "$repo/$file" ] || return 1
  sql=$(printf '%s' "$1" | tr -s ' \n\t' ' ' | sed 's/^ //; s/ $//')
  src=$(tr -s ' \n\t' ' ' <"$repo/$file")
  [[ "$src" == *"$sql"* ]]
}

# $1 name (the file), $2 where it comes from, $3 parameter types, $4 the
# values (SQL literals); the SQL on stdin.
explain() {
  local name=$1 origin=$2 types=$3 values=$4 sql out i
  sql=$(cat)
  out=$OUT/$name.txt
  explained+=("$name")
  if [[ "$origin" != "[built]"* ]] && ! in_step "$sql" "$origin"; then
    stale+=("$name")
    printf '\n%s: the SQL of %s is no longer in the code (%s): update bench/explain.sh\n' \
      "$bench_prog" "$name" "$origin" >&2
  fi
  printf '.' >&2
  {
    printf -- '-- %s\n-- from %s\n' "$name" "$origin"
    printf -- '-- %s enterprises at station s001 (%s), PostgreSQL %s, %s\n' \
      "$enterprises" "${CLUSTER:+an existing cluster}${CLUSTER:-seeded by bench/explain.sh}" \
      "$server_version" "$(date -u +%F)"
    printf -- '-- parameters: (%s)\n\n' "$values"
    printf '%s\n' "$sql"
  } >"$out"
  local args=${types:+($types)} vals=${values:+($values)}
  {
    printf '\\pset pager off\n'
    printf 'prepare q%s as\n%s;\n' "$args" "$sql"
    printf '\\echo\n\\echo == the plan for these values (plan_cache_mode = force_custom_plan)\n'
    printf 'set plan_cache_mode = force_custom_plan;\n'
    printf 'explain (analyze, buffers) execute q%s;\n' "$vals"
    printf 'set plan_cache_mode = auto;\n\\o /dev/null\n'
    for i in 1 2 3 4 5; do printf 'execute q%s;\n' "$vals"; done
    printf '\\o\n\\echo\n\\echo == after five executions, as a pooled connection runs it (plan_cache_mode = auto)\n'
    printf 'explain (analyze, buffers) execute q%s;\n' "$vals"
    printf '\\echo\n'
    printf "select format('== prepared statement q: %%s custom plans, %%s generic plans', custom_plans, generic_plans) from pg_prepared_statements where name = 'q' \\g (tuples_only=on)\n"
  } | db >>"$out" 2>&1 || { cat "$out" >&2; die "explaining $name failed"; }
}

say "EXPLAIN (ANALYZE, BUFFERS) into $OUT (station $station, evaluation $evaluation $quarter, enterprise $enterprise, push ${push:-none}, month $month)"

# ------------------------------------------------- every request: the session
# auth::session::lookup (src/auth/session.rs), an unknown token
explain session_lookup "auth::session::lookup (src/auth/session.rs)" \
  "bytea, timestamptz, timestamptz" \
  "sha256('bench'), now() - interval '8 hours', now() - interval '7 days'" <<'SQL'
select s.session_id, s.csrf_token, s.last_seen_at,
                  u.user_id, u.username, u.display_name,
                  u.role as "role: Role", u.lang as "lang: Lang",
                  u.station_id, u.department_id,
                  coalesce(st.name, d.name) as scope_name,
                  coalesce(st.name_en, d.name_en) as scope_name_en
           from session s
           join app_user u on u.user_id = s.user_id
           left join station st on st.station_id = u.station_id
           left join department d on d.department_id = u.department_id
           where s.token_hash = $1
             and u.disabled_at is null
             and d.disabled_at is null
             and s.last_seen_at > $2
             and s.created_at > $3
SQL

# ------------------------------------------------- the tier board
# evaluations::queries::get (src/evaluations/queries.rs)
explain board_evaluation "evaluations::queries::get (src/evaluations/queries.rs)" \
  "bigint, text" "$station, '$quarter'" <<'SQL'
select ev.evaluation_id, ev.quarter, ev.status = 'published' as "published!", ev.revision,
                  p.version as policy_version, ev.run_at, ev.published_at,
                  (select coalesce(sum(t.n), 0)::bigint from evaluation_tally t
                   where t.evaluation_id = ev.evaluation_id) as "assessed!"
           from evaluation ev join scoring_policy p using (scoring_policy_id)
           where ev.station_id = $1 and ev.quarter = $2
SQL
# evaluations::queries::tally (src/evaluations/queries.rs): counts per level,
# movement and the matrix, kept by triggers (migration 0011)
explain board_tally "evaluations::queries::tally (src/evaluations/queries.rs)" \
  "bigint" "$evaluation" <<'SQL'
select previous_level, final_level, movement, vetoed, overridden, n
         from evaluation_tally where evaluation_id = $1 and n > 0
SQL

# The board's rows and filtered count are BUILT per filter
# (evaluations::queries::board and board_count push only the conditions in
# use); below is what they build for each case, so the source check is
# skipped for them ([built]).
board_select="select a.enterprise_id, e.name, e.credit_code, i.name as industry, i.name_en as industry_en,
                  u.display_name as liaison_name, a.safety, a.hazards, a.cases, a.total,
                  a.computed_level, a.final_level, a.previous_level, a.movement, a.vetoed,
                  a.override_level is not null as overridden, a.under_review
           from assessment a
           join enterprise e on e.enterprise_id = a.enterprise_id
           join industry i on i.code = e.industry_code
           left join app_user u on u.user_id = e.liaison_officer_id"
explain board_page1 "[built] evaluations::queries::board (src/evaluations/queries.rs), page 1, default sort" \
  "bigint" "$evaluation" <<SQL
$board_select
           where a.evaluation_id = \$1
           order by a.total, e.name, a.enterprise_id
           limit 50
SQL
explain board_page1_level_sort "[built] evaluations::queries::board (src/evaluations/queries.rs), page 1, ?sort=level" \
  "bigint" "$evaluation" <<SQL
$board_select
           where a.evaluation_id = \$1
           order by a.final_level desc nulls last, a.total, e.name, a.enterprise_id
           limit 50
SQL
# ?level=red&industry=manufacturing&page=2: the count (an industry filter is
# not in the tally) and the page
explain board_count_filtered "[built] evaluations::queries::board_count (src/evaluations/queries.rs), level=red&industry=manufacturing" \
  "bigint, text" "$evaluation, 'manufacturing'" <<'SQL'
select count(*)
           from assessment a join enterprise e on e.enterprise_id = a.enterprise_id
           where a.evaluation_id = $1
             and a.final_level = 'red'
             and e.industry_code = $2
SQL
explain board_page2_filtered "[built] evaluations::queries::board (src/evaluations/queries.rs), level=red&industry=manufacturing&page=2" \
  "bigint, text" "$evaluation, 'manufacturing'" <<SQL
$board_select
           where a.evaluation_id = \$1
             and a.final_level = 'red'
             and e.industry_code = \$2
           order by a.total, e.name, a.enterprise_id
           limit 50 offset 50
SQL
# a search on the board (?q=恒达)
explain board_page1_search "[built] evaluations::queries::board (src/evaluations/queries.rs), q=恒达" \
  "bigint, text, text, text" "$evaluation, '恒达', '%恒达%', '%恒达%'" <<SQL
$board_select
           where a.evaluation_id = \$1
             and search_grams(e.name || ' ' || e.credit_code || ' ' || e.address)
                 @> search_query_grams(\$2)
             and (e.name ilike \$3 or e.credit_code ilike \$4)
           order by a.total, e.name, a.enterprise_id
           limit 50
SQL
# web::record::station_officers (src/web/record.rs): the board's and the list's liaison filter
explain station_officers "web::record::station_officers (src/web/record.rs)" \
  "bigint" "$station" <<'SQL'
select user_id, display_name from app_user
         where station_id = $1 and role in ('officer', 'chief') and disabled_at is null
         order by role desc, display_name
SQL

# ------------------------------------------------- the enterprise list
# BUILT per filter too (enterprises::queries::count and list).
enterprise_select="select e.enterprise_id, e.name, e.credit_code, e.industry_code, i.name as industry,
                  i.name_en as industry_en, e.address, e.legal_rep, e.security_manager,
                  e.security_phone, e.employee_count, e.liaison_officer_id,
                  u.display_name as liaison_name, e.status, e.current_level, e.version,
                  e.updated_at
           from enterprise e
           join industry i on i.code = e.industry_code
           left join app_user u on u.user_id = e.liaison_officer_id"
enterprise_search="
             and search_grams(e.name || ' ' || e.credit_code || ' ' || e.address)
                 @> search_query_grams(\$2)
             and (e.name ilike \$3 or e.credit_code ilike \$4 or e.address ilike \$5)"
for term in 恒达 科技; do
  name=enterprise_search; [ "$term" = 科技 ] && name=enterprise_search_broad
  explain ${name}_count "[built] enterprises::queries::count (src/enterprises/queries.rs), q=$term" \
    "bigint, text, text, text, text" "$station, '$term', '%$term%', '%$term%', '%$term%'" <<SQL
select count(*) from enterprise e
           where e.station_id = \$1 and e.deleted_at is null$enterprise_search
             and e.status = 'active'
SQL
  explain ${name}_page "[built] enterprises::queries::list (src/enterprises/queries.rs), q=$term, page 1" \
    "bigint, text, text, text, text" \
    "$station, '$term', '%$term%', '%$term%', '%$term%'" <<SQL
$enterprise_select
           where e.station_id = \$1 and e.deleted_at is null$enterprise_search
             and e.status = 'active'
           order by e.name, e.enterprise_id
           limit 25
SQL
done
# the list as it opens, without a search
explain enterprise_list_count "[built] enterprises::queries::count (src/enterprises/queries.rs), no filter" \
  "bigint" "$station" <<'SQL'
select count(*) from enterprise e
           where e.station_id = $1 and e.deleted_at is null
             and e.status = 'active'
SQL
explain enterprise_list_page "[built] enterprises::queries::list (src/enterprises/queries.rs), no filter, page 1" \
  "bigint" "$station" <<SQL
$enterprise_select
           where e.station_id = \$1 and e.deleted_at is null
             and e.status = 'active'
           order by e.name, e.enterprise_id
           limit 25
SQL

# ------------------------------------------------- the enterprise page (enterprises::show)
# enterprises::queries::get (src/enterprises/queries.rs)
explain enterprise_get "enterprises::queries::get (src/enterprises/queries.rs)" \
  "bigint, bigint" "$enterprise, $station" <<'SQL'
select e.enterprise_id, e.name, e.credit_code, e.industry_code, i.name as industry,
                  i.name_en as industry_en, e.address, e.legal_rep, e.security_manager,
                  e.security_phone, e.employee_count, e.liaison_officer_id,
                  u.display_name as "liaison_name?", e.status as "status: Status",
                  e.current_level as "current_level: Level", e.version, e.updated_at
           from enterprise e
           join industry i on i.code = e.industry_code
           left join app_user u on u.user_id = e.liaison_officer_id
           where e.enterprise_id = $1 and e.station_id = $2 and e.deleted_at is null
SQL
# visits::queries::for_enterprise (src/visits/queries.rs), via visits::timeline
explain enterprise_visits "visits::queries::for_enterprise (src/visits/queries.rs)" \
  "bigint, bigint" "$station, $enterprise" <<'SQL'
select v.visit_id, v.visited_on, v.kind as "kind: VisitKind", v.notes,
                  (select count(*) from visit_check c
                   where c.visit_id = v.visit_id and c.answer = 'fail') as "failed!"
           from visit v
           where v.station_id = $1 and v.enterprise_id = $2 and v.deleted_at is null
           order by v.visited_on desc, v.visit_id desc
SQL
# hazards::queries::for_enterprise (src/hazards/queries.rs), via hazards::timeline
explain enterprise_hazards "hazards::queries::for_enterprise (src/hazards/queries.rs)" \
  "bigint, bigint" "$station, $enterprise" <<'SQL'
select h.hazard_id, e.name as enterprise_name, h.found_on,
                  h.severity as "severity: Severity", h.description, h.deadline, h.rectified_on
           from hazard h
           join enterprise e on e.enterprise_id = h.enterprise_id
           where h.station_id = $1 and h.enterprise_id = $2 and h.deleted_at is null
           order by h.found_on desc, h.hazard_id desc
SQL
# disputes::queries::mass_threshold (src/disputes/queries.rs), twice per page
explain enterprise_mass_threshold "disputes::queries::mass_threshold (src/disputes/queries.rs)" \
  "" "" <<'SQL'
select mass_dispute_threshold from scoring_policy order by version desc limit 1
SQL
# disputes::queries::for_enterprise (src/disputes/queries.rs), via disputes::timeline
explain enterprise_disputes "disputes::queries::for_enterprise (src/disputes/queries.rs)" \
  "bigint, bigint" "$station, $enterprise" <<'SQL'
select dispute_id, reported_on, kind as "kind: Kind", parties, people_involved,
                  status as "status: Status"
           from dispute
           where station_id = $1 and enterprise_id = $2 and deleted_at is null
           order by reported_on desc, dispute_id desc
SQL
# incidents::queries::for_enterprise (src/incidents/queries.rs), via incidents::timeline
explain enterprise_incidents "incidents::queries::for_enterprise (src/incidents/queries.rs)" \
  "bigint, bigint" "$station, $enterprise" <<'SQL'
select incident_id, occurred_on, category as "category: Category",
                  severity as "severity: Severity", summary
           from incident
           where station_id = $1 and enterprise_id = $2 and deleted_at is null
           order by occurred_on desc
SQL
# demands::queries::for_enterprise (src/demands/queries.rs), via demands::timeline
explain enterprise_demands "demands::queries::for_enterprise (src/demands/queries.rs)" \
  "bigint, bigint" "$station, $enterprise" <<'SQL'
select d.demand_id, e.name as enterprise_name, d.received_on, d.kind as "kind: Kind",
                  d.status as "status: Status", d.content, d.due_on
           from demand d
           join enterprise e on e.enterprise_id = d.enterprise_id
           where d.station_id = $1 and d.enterprise_id = $2 and d.deleted_at is null
           order by d.received_on desc, d.demand_id desc
SQL
# trainings::queries::for_enterprise (src/trainings/queries.rs), via trainings::timeline
explain enterprise_trainings "trainings::queries::for_enterprise (src/trainings/queries.rs)" \
  "bigint, bigint" "$station, $enterprise" <<'SQL'
select t.training_id, t.held_on, t.kind as "kind: Kind", t.topic
           from training t
           join training_enterprise te on te.training_id = t.training_id
           where t.station_id = $1 and te.enterprise_id = $2 and t.deleted_at is null
           order by t.held_on desc, t.training_id desc
SQL
# hazards::queries::open_for_enterprise (src/hazards/queries.rs), via hazards::open_items
explain enterprise_open_hazards "hazards::queries::open_for_enterprise (src/hazards/queries.rs)" \
  "bigint, bigint" "$station, $enterprise" <<'SQL'
select h.hazard_id, e.name as enterprise_name, h.found_on,
                  h.severity as "severity: Severity", h.description, h.deadline, h.rectified_on
           from hazard h
           join enterprise e on e.enterprise_id = h.enterprise_id
           where h.station_id = $1 and h.enterprise_id = $2 and h.deleted_at is null
             and h.rectified_on is null
           order by h.deadline, h.hazard_id
SQL
# disputes::queries::unresolved (src/disputes/queries.rs), via disputes::open_items
explain enterprise_unresolved_disputes "disputes::queries::unresolved (src/disputes/queries.rs)" \
  "bigint, bigint" "$station, $enterprise" <<'SQL'
select d.dispute_id, e.name as enterprise_name, d.reported_on, d.kind as "kind: Kind",
                  d.parties, d.people_involved, d.status as "status: Status"
           from dispute d
           join enterprise e on e.enterprise_id = d.enterprise_id
           where d.station_id = $1 and d.enterprise_id = $2 and d.deleted_at is null
             and d.status in ('reported', 'mediating')
           order by d.reported_on, d.dispute_id
SQL
# disputes::queries::pending_for_enterprise (src/disputes/queries.rs), via disputes::open_items
explain enterprise_pending_follow_ups "disputes::queries::pending_for_enterprise (src/disputes/queries.rs)" \
  "bigint, bigint" "$station, $enterprise" <<'SQL'
select d.dispute_id, e.name as enterprise_name, d.parties, d.kind as "kind: Kind",
                  d.people_involved, f.due_on, a.display_name as assigned_to_name
           from dispute_follow_up f
           join dispute d on d.dispute_id = f.dispute_id
           join enterprise e on e.enterprise_id = d.enterprise_id
           join app_user a on a.user_id = f.assigned_to
           where f.station_id = $1 and d.station_id = $1 and d.enterprise_id = $2
             and d.deleted_at is null and d.status = 'resolved'
             and f.done_on is null and f.cancelled_at is null
           order by f.due_on, f.dispute_follow_up_id
SQL
# demands::queries::unfinished_for_enterprise (src/demands/queries.rs), via demands::open_items
explain enterprise_unfinished_demands "demands::queries::unfinished_for_enterprise (src/demands/queries.rs)" \
  "bigint, bigint" "$station, $enterprise" <<'SQL'
select d.demand_id, e.name as enterprise_name, d.received_on, d.kind as "kind: Kind",
                  d.status as "status: Status", d.content, d.due_on
           from demand d
           join enterprise e on e.enterprise_id = d.enterprise_id
           where d.station_id = $1 and d.enterprise_id = $2 and d.deleted_at is null
             and d.status in ('open', 'responded')
           order by d.status, d.due_on, d.demand_id
SQL
# evaluations::reinspection_open_items (src/evaluations/mod.rs)
explain enterprise_reinspection "evaluations::reinspection_open_items (src/evaluations/mod.rs)" \
  "bigint, bigint" "$station, $enterprise" <<'SQL'
select r.enterprise_id, e.name, r.due_on, r.failed_items
         from reinspection r join enterprise e on e.enterprise_id = r.enterprise_id
         where r.station_id = $1 and r.enterprise_id = $2 and r.done_visit_id is null
           and not exists (select 1 from visit v where v.station_id = r.station_id and v.enterprise_id = r.enterprise_id
                           and v.kind = 'inspection' and v.deleted_at is null
                           and v.created_at > r.created_at)
SQL
# evaluations::queries::history (src/evaluations/queries.rs), via evaluations::history
explain enterprise_level_history "evaluations::queries::history (src/evaluations/queries.rs)" \
  "bigint, bigint" "$station, $enterprise" <<'SQL'
select ev.quarter, a.total, a.computed_level as "computed_level: Level",
                  a.final_level as "final_level: Level", a.override_level is not null as "overridden!",
                  a.vetoed
           from assessment a join evaluation ev on ev.evaluation_id = a.evaluation_id
           where a.station_id = $1 and a.enterprise_id = $2 and ev.status = 'published'
           order by ev.quarter desc
SQL
# pushes::queries::actions (src/pushes/queries.rs), ActionsOf::Station
explain enterprise_actions "pushes::queries::actions (src/pushes/queries.rs), as the station" \
  "bigint, bigint, bigint" "null, $station, $enterprise" <<'SQL'
select ca.coordinated_action_id, d.name as department_name,
                  d.name_en as department_name_en, p.quarter, ca.kind::text as "kind!",
                  ca.acted_on, ca.note, u.display_name as recorded_by_name
           from coordinated_action ca
           join push p using (push_id)
           join department d on d.department_id = ca.department_id
           join app_user u on u.user_id = ca.recorded_by
           where ca.enterprise_id = $3
             and (ca.department_id = $1 or ca.station_id = $2)
           order by ca.acted_on desc, ca.coordinated_action_id desc
SQL

# ------------------------------------------------- the department dashboard
if [ -n "${department:-}" ] && [ "${push:-0}" != 0 ]; then
  # pushes::queries::latest_push_id (src/pushes/queries.rs)
  explain department_latest_push "pushes::queries::latest_push_id (src/pushes/queries.rs)" \
    "bigint" "$department" <<'SQL'
select push_id from push where department_id = $1
         order by quarter desc, push_id desc limit 1
SQL
  # pushes::queries::pushes (src/pushes/queries.rs), PUSH_LIST = 40
  explain department_pushes "pushes::queries::pushes (src/pushes/queries.rs)" \
    "bigint, bigint" "$department, 40" <<'SQL'
select p.push_id, p.quarter, p.revision, p.reason, s.name as station_name,
                  s.name_en as station_name_en, p.created_at, p.green, p.yellow, p.red,
                  p.added, p.changed, p.removed, p.acknowledged_at,
                  u.display_name as "acknowledged_by_name?",
                  exists(select 1 from push later
                         where later.department_id = p.department_id
                           and later.evaluation_id = p.evaluation_id
                           and later.revision > p.revision) as "superseded!"
           from push p
           join station s using (station_id)
           left join app_user u on u.user_id = p.acknowledged_by
           where p.department_id = $1
           order by p.quarter desc, p.push_id desc
           limit $2
SQL
  # pushes::queries::items_count (src/pushes/queries.rs), no filter
  explain department_items_count "pushes::queries::items_count (src/pushes/queries.rs), no filter" \
    "bigint, text, tier_level, text, text" "$push, '', null, '', ''" <<'SQL'
select count(*) as "n!" from push_item pi
           where pi.push_id = $1
             and ($2 = '' or pi.name ilike $2 or pi.credit_code ilike $2)
             and ($3::tier_level is null or pi.level = $3)
             and ($4 = '' or pi.industry_code = $4)
             and ($5 = '' or ($5 = 'new' and pi.previous_level is null)
                  or ($5 = 'changed' and pi.level <> pi.previous_level)
                  or ($5 = 'same' and pi.level = pi.previous_level))
SQL
  # pushes::queries::items (src/pushes/queries.rs), page 1, no filter
  explain department_items "pushes::queries::items (src/pushes/queries.rs), page 1, no filter" \
    "bigint, text, tier_level, text, text, bigint, bigint" "$push, '', null, '', '', 50, 0" <<'SQL'
select pi.enterprise_id, pi.name, pi.credit_code, pi.address,
                  i.name as industry, i.name_en as industry_en,
                  pi.level as "level: Level", pi.previous_level as "previous_level: Level",
                  pi.safety, pi.hazards, pi.cases, pi.total, pi.reasons,
                  (select count(*) from coordinated_action ca
                   where ca.push_id = pi.push_id and ca.enterprise_id = pi.enterprise_id) as "actions!"
           from push_item pi join industry i on i.code = pi.industry_code
           where pi.push_id = $1
             and ($2 = '' or pi.name ilike $2 or pi.credit_code ilike $2)
             and ($3::tier_level is null or pi.level = $3)
             and ($4 = '' or pi.industry_code = $4)
             and ($5 = '' or ($5 = 'new' and pi.previous_level is null)
                  or ($5 = 'changed' and pi.level <> pi.previous_level)
                  or ($5 = 'same' and pi.level = pi.previous_level))
           order by pi.level desc, pi.name, pi.enterprise_id
           limit $6 offset $7
SQL
  # pushes::queries::removed (src/pushes/queries.rs)
  explain department_removed "pushes::queries::removed (src/pushes/queries.rs)" \
    "bigint" "$push" <<'SQL'
select old.name, old.level as "level: Level"
           from push p join push_item old on old.push_id = p.previous_push_id
           where p.push_id = $1
             and not exists (select 1 from push_item now
                             where now.push_id = p.push_id and now.enterprise_id = old.enterprise_id)
           order by old.name
           limit 200
SQL
else
  printf '\n== department dashboard: not available — no user dept.fire or no push to its department\n' >&2
fi

# ------------------------------------------------- the monthly list
# reports::queries::month_counts (src/reports/queries.rs), the busiest month
explain monthly_counts "reports::queries::month_counts (src/reports/queries.rs), month $month" \
  "bigint, date, date, date" "$station, '$prev', '$month_first', '$next'" <<'SQL'
with
           r (enterprise_id, col, cur, inspection) as (
               select enterprise_id, 0, visited_on >= $3, kind = 'inspection'
               from visit
               where station_id = $1 and deleted_at is null
                 and visited_on >= $2 and visited_on < $4
               union all
               select enterprise_id, 1, found_on >= $3, false
               from hazard
               where station_id = $1 and deleted_at is null
                 and found_on >= $2 and found_on < $4
               union all
               select enterprise_id, 2, rectified_on >= $3, false
               from hazard
               where station_id = $1 and deleted_at is null
                 and rectified_on >= $2 and rectified_on < $4
               union all
               select enterprise_id, 3, resolved_on >= $3, false
               from dispute
               where station_id = $1 and deleted_at is null
                 and resolved_on >= $2 and resolved_on < $4
               union all
               select enterprise_id, 4, occurred_on >= $3, false
               from incident
               where station_id = $1 and deleted_at is null
                 and occurred_on >= $2 and occurred_on < $4
               union all
               select enterprise_id, 5, received_on >= $3, false
               from demand
               where station_id = $1 and deleted_at is null
                 and received_on >= $2 and received_on < $4
               union all
               select enterprise_id, 6, resolved_on >= $3, false
               from demand
               where station_id = $1 and deleted_at is null
                 and resolved_on >= $2 and resolved_on < $4
               union all
               select te.enterprise_id, 7, tr.held_on >= $3, false
               from training tr
               join training_enterprise te on te.training_id = tr.training_id
               where tr.station_id = $1 and tr.deleted_at is null
                 and tr.held_on >= $2 and tr.held_on < $4),
           c as (
               select enterprise_id,
                      count(*) filter (where col = 0 and cur) as visits,
                      count(*) filter (where col = 0 and cur and inspection) as inspections,
                      count(*) filter (where col = 1 and cur) as hazards_found,
                      count(*) filter (where col = 2 and cur) as hazards_rectified,
                      count(*) filter (where col = 3 and cur) as disputes_resolved,
                      count(*) filter (where col = 4 and cur) as incidents,
                      count(*) filter (where col = 5 and cur) as demands_received,
                      count(*) filter (where col = 6 and cur) as demands_resolved,
                      count(*) filter (where col = 7 and cur) as trainings,
                      count(*) filter (where col = 0 and not cur) as p_visits,
                      count(*) filter (where col = 0 and not cur and inspection) as p_inspections,
                      count(*) filter (where col = 1 and not cur) as p_hazards_found,
                      count(*) filter (where col = 2 and not cur) as p_hazards_rectified,
                      count(*) filter (where col = 3 and not cur) as p_disputes_resolved,
                      count(*) filter (where col = 4 and not cur) as p_incidents,
                      count(*) filter (where col = 5 and not cur) as p_demands_received,
                      count(*) filter (where col = 6 and not cur) as p_demands_resolved,
                      count(*) filter (where col = 7 and not cur) as p_trainings
               from r
               group by enterprise_id)
           select e.enterprise_id, e.name, e.credit_code,
                  e.status = 'closed' as "closed!",
                  e.current_level as "current_level: Level",
                  u.display_name as "liaison?",
                  c.visits as "visits!",
                  c.inspections as "inspections!",
                  c.hazards_found as "hazards_found!",
                  c.hazards_rectified as "hazards_rectified!",
                  c.disputes_resolved as "disputes_resolved!",
                  c.incidents as "incidents!",
                  c.demands_received as "demands_received!",
                  c.demands_resolved as "demands_resolved!",
                  c.trainings as "trainings!",
                  c.p_visits as "p_visits!",
                  c.p_inspections as "p_inspections!",
                  c.p_hazards_found as "p_hazards_found!",
                  c.p_hazards_rectified as "p_hazards_rectified!",
                  c.p_disputes_resolved as "p_disputes_resolved!",
                  c.p_incidents as "p_incidents!",
                  c.p_demands_received as "p_demands_received!",
                  c.p_demands_resolved as "p_demands_resolved!",
                  c.p_trainings as "p_trainings!"
           from c
           join enterprise e on e.enterprise_id = c.enterprise_id
                            and e.station_id = $1 and e.deleted_at is null
           left join app_user u on u.user_id = e.liaison_officer_id
SQL
# reports::queries::active_enterprises (src/reports/queries.rs)
explain monthly_active_enterprises "reports::queries::active_enterprises (src/reports/queries.rs)" \
  "bigint" "$station" <<'SQL'
select count(*) as "n!" from enterprise
           where station_id = $1 and deleted_at is null and status = 'active'
SQL
printf '\n' >&2

# ---------------------------------------------------------------- summary
# Per file: execution time of both plans, whether the second is generic,
# sequential scans reading 10,000 rows or more, and sorts of 10,000 rows or
# more (or spilling to disk).
summary=$OUT/summary.txt
{
  printf 'EXPLAIN summary: %s enterprises at s001, PostgreSQL %s, %s (bench/explain.sh)\n' \
    "$enterprises" "$server_version" "$(date -u +%F)"
  printf 'custom = the plan for the values; pooled = after five executions (generic if marked)\n'
  printf 'big = a sequential scan reading, or a sort of, 10,000 rows or more (or a sort on disk)\n\n'
  printf '%-32s %11s %11s  %s\n' "query" "custom ms" "pooled ms" "big scans and sorts"
  for name in "${explained[@]}"; do
    awk -v name="$name" '
      function rows_of(line,   a) {
        loops = 1
        if (!match(line, /rows=[0-9]+ loops=[0-9]+\)/)) return 0
        split(substr(line, RSTART, RLENGTH), a, /[= )]/)
        loops = a[4]
        return a[2] * a[4]
      }
      function big(what) { if (!seen[what]++) found = found (found == "" ? "" : "; ") what }
      function end_scan() {
        if (scan_pending && scan_rows >= 10000)
          big(sprintf("%s: seq scan of %s (%d rows%s)", part, scan_tbl, scan_rows,
                      scan_loops > 1 ? sprintf(" in %d loops", scan_loops) : ""))
        scan_pending = 0
      }
      function end_sort() {
        if (sort_pending && (sort_in >= 10000 || sort_how ~ /Disk|external/))
          big(sprintf("%s: sort of %d rows (%s)", part, sort_in, sort_how))
        sort_pending = 0
      }
      /^== the plan for these values/ { part = "custom"; next }
      /^== after five executions/ { end_scan(); end_sort(); part = "pooled"; next }
      /^ *== prepared statement q:/ { generic = ($(NF - 2) > 0) }
      part == "" { next }
      /\(cost=.*\(actual|\(cost=.*never executed/ {
        end_scan()
        r = rows_of($0)
        # the node after a Sort is its input
        if (sort_pending) { sort_in = r; end_sort() }
        if ($0 ~ /Seq Scan on /) {
          match($0, /Seq Scan on [a-z_]+/); scan_tbl = substr($0, RSTART + 12, RLENGTH - 12)
          scan_rows = r; scan_loops = loops; scan_pending = 1
        }
        if ($0 ~ /(^|->  )Sort  \(cost/) { sort_pending = 1; sort_in = 0; sort_how = "" }
        next
      }
      scan_pending && /Rows Removed by Filter:/ { scan_rows += $NF * scan_loops }
      sort_pending && sort_how == "" && /^ *Sort Method:/ { how = $0; sub(/^ *Sort Method: */, "", how); sort_how = how }
      /Execution Time:/ { end_scan(); end_sort(); t[part] = $3 }
      END {
        printf "%-32s %11s %11s  %s\n", name, t["custom"], t["pooled"] (generic ? " generic" : ""),
          (found == "" ? "-" : found)
      }' "$OUT/$name.txt"
  done
  if [ "${#stale[@]}" -gt 0 ]; then
    printf '\nOUT OF STEP with the code (the plans above are of the old SQL): %s\n' "${stale[*]}"
  fi
} >"$summary"
cat "$summary"
printf '\n(the plans are in %s/<query>.txt)\n' "${OUT#"$repo"/}"
