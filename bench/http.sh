#!/usr/bin/env bash
# bench/http.sh — how fast the hot pages of Sanse answer under load, as
# ratios to GET /readyz (one trivial database round trip) in the same run,
# and how much memory the server takes meanwhile.
#
#   bench/http.sh                                   # 100,000 enterprises
#   ENTERPRISES=20000 DURATION=10 bench/http.sh     # smaller, shorter
#   SKIP_BUILD=1 bench/http.sh                      # use target/release/sanse as is
#
# What it does:
#   1. cargo build --release (unless SKIP_BUILD=1)
#   2. starts a throw-away PostgreSQL cluster in a temporary folder (as the
#      `postgres` user when run as root), sanse migrate, then
#      sanse seed --stations 1 --enterprises N --months M
#   3. sanse serve on 127.0.0.1:PORT; signs in with curl as the seeded
#      chief (s001.chief), an officer (s001.officer1, or the station's first
#      officer) and the fire department's user (dept.fire)
#   4. with wrk (installed with apt-get when missing and run as root) at
#      CONNECTIONS connections: for each target a WARMUP-second warm-up, then
#      DURATION seconds measured:
#        GET /readyz                        the baseline (measured first and last)
#        GET /evaluations/<last published quarter>            tier board, page 1
#        GET /evaluations/<quarter>?level=red&industry=manufacturing&page=2
#        GET /enterprises/<id>              cycling through IDS enterprises (bench/http.lua)
#        GET /enterprises?q=恒达             the list with a search (SEARCH: a trade
#                                           name, what an officer types to find one
#                                           enterprise; about 60 of 100,000 match)
#        GET /enterprises?q=科技             a broad search (SEARCH_BROAD: an industry
#                                           word in one name of nine; reported, no target)
#        GET /department                    the department dashboard, as dept.fire
#        POST /enterprises/<id>/visits      a routine visit by the officer at one
#                                           of their liaison enterprises, fresh
#                                           form token each time (303 = success)
#      while sampling the server's VmRSS every 0.5 s
#   5. prints one table (req/s, p50, p99, errors, ratio to /readyz, the
#      issue's targets and PASS/MISS) and the memory line, then stops the
#      server and the cluster and removes the folder
# A target the seeded data cannot serve (no published quarter, no department
# user) is skipped with a "not available" line.
#
# Knobs (environment): ENTERPRISES (100000), MONTHS (12), SEED (1),
# DURATION (15), WARMUP (3), CONNECTIONS (64), THREADS (2, wrk's), PORT
# (18432), SEARCH (恒达), SEARCH_BROAD (科技), BOARD_FILTER (level=red&industry=manufacturing&page=2),
# IDS (5000 enterprise ids to cycle through), PG_BINDIR, PG_SETTINGS (default
# "-c shared_buffers=256MB -c max_wal_size=4GB"), SKIP_BUILD=1, SANSE_BIN
# (another sanse binary), SANSE_DB_CONNECTIONS (the server's pool, read by
# sanse serve), KEEP=1 (leave the cluster running, for bench/explain.sh:
# CLUSTER=<its folder> bench/explain.sh).
set -euo pipefail

ENTERPRISES=${ENTERPRISES:-100000}
MONTHS=${MONTHS:-12}
SEED=${SEED:-1}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-3}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
PORT=${PORT:-18432}
SEARCH=${SEARCH:-恒达}
SEARCH_BROAD=${SEARCH_BROAD:-科技}
BOARD_FILTER=${BOARD_FILTER:-level=red&industry=manufacturing&page=2}
IDS=${IDS:-5000}
PG_SETTINGS=${PG_SETTINGS:--c shared_buffers=256MB -c max_wal_size=4GB}
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lua=$repo/bench/http.lua
# The seeded accounts (crates/demo/src/seed: PASSWORD).
PASSWORD=sanse-seed-2026
CHIEF=s001.chief
DEPARTMENT_USER=dept.fire
# The app logs to stdout; keep its output to the figures.
export RUST_LOG=${RUST_LOG:-warn}

# ---------------------------------------------------------------- tools
command -v curl >/dev/null 2>&1 || die "curl is needed"
if ! command -v wrk >/dev/null 2>&1; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing wrk (apt-get)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; } \
      || die "could not install wrk"
  else
    die "wrk is needed (Debian/Ubuntu: apt-get install wrk)"
  fi
fi

bench_pg_binaries
bench_sanse_binary

# ---------------------------------------------------------------- data
sampler_pid=
bench_before_cleanup() {
  if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2>/dev/null || true; fi
}
bench_cluster_start "$PG_SETTINGS"

say "sanse migrate"
"$sanse" --database-url "$url" migrate >/dev/null

say "sanse seed --stations 1 --enterprises $ENTERPRISES --months $MONTHS"
"$sanse" --database-url "$url" seed --stations 1 --enterprises "$ENTERPRISES" \
  --months "$MONTHS" --seed "$SEED" >&2
pg -d sanse -c 'analyze'

q1() { pg -d sanse -Atc "$1"; }
station_id=$(q1 "select station_id from station where code = 's001'")
[ -n "$station_id" ] || die "the seed made no station s001"
# The officer who posts the visits: s001.officer1 if the seed names them so.
read -r officer officer_id < <(q1 "
  select username, user_id from app_user
  where station_id = $station_id and role = 'officer' and disabled_at is null
  order by username = 's001.officer1' desc, username limit 1" | tr '|' ' ') || true
[ -n "${officer:-}" ] || die "the seed made no officer at s001"
quarter=$(q1 "select quarter from evaluation
              where station_id = $station_id and status = 'published'
              order by quarter desc limit 1")
has_dept=$(q1 "select count(*) from app_user where username = '$DEPARTMENT_USER' and disabled_at is null")
dept_pushes=$(q1 "select count(*) from push p join app_user u using (department_id)
                  where u.username = '$DEPARTMENT_USER'")

ids_file=$dir/enterprise-ids
q1 "select enterprise_id from enterprise
    where station_id = $station_id and deleted_at is null
    order by md5(enterprise_id::text) limit $IDS" >"$ids_file"
liaison_file=$dir/liaison-ids
q1 "select enterprise_id from enterprise
    where station_id = $station_id and deleted_at is null and liaison_officer_id = $officer_id
    order by enterprise_id" >"$liaison_file"
[ -s "$ids_file" ] || die "no enterprises were seeded"
[ -s "$liaison_file" ] || die "$officer is the liaison of no enterprise"
enterprises=$(q1 "select count(*) from enterprise where deleted_at is null")
total_rows=$(q1 "select sum(n_live_tup)::bigint from pg_stat_user_tables")

# ---------------------------------------------------------------- the app
say "sanse serve on 127.0.0.1:$PORT"
bench_serve "$PORT"
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$server_pid/status" 2>/dev/null || echo 0; }
rss_idle=$(rss_kb)


if [ "${has_dept:-0}" -gt 0 ]; then
  say "logging in as $CHIEF, $officer and $DEPARTMENT_USER"
else
  say "logging in as $CHIEF and $officer (the seed made no $DEPARTMENT_USER)"
fi
chief_jar=$dir/chief.cookies
bench_login "$CHIEF" "$PASSWORD" "$chief_jar"
chief_cookie=$(cookie_header "$chief_jar")
officer_jar=$dir/officer.cookies
bench_login "$officer" "$PASSWORD" "$officer_jar"
officer_cookie=$(cookie_header "$officer_jar")
dept_cookie=
if [ "${has_dept:-0}" -gt 0 ]; then
  dept_jar=$dir/dept.cookies
  bench_login "$DEPARTMENT_USER" "$PASSWORD" "$dept_jar"
  dept_cookie=$(cookie_header "$dept_jar")
fi

# ---------------------------------------------------------------- the load
results=$dir/results
: >"$results"
notes=$dir/notes
: >"$notes"
runs=0

# status of a GET of $2 with the cookie jar $1
get_status() { curl -sS -o /dev/null -w '%{http_code}' -b "$1" "$2"; }

# $1 label, $2 goal (base, read, write, none), $3 URL, then wrk's script
# arguments. Warm-up, measured run with RSS sampling, one line in $results:
# label goal req/s p50_ms p99_ms errors rss_first rss_last rss_peak (kB).
measure() {
  local label=$1 goal=$2 target=$3 out samples line
  shift 3
  runs=$((runs + 1))
  out=$dir/wrk.$runs.out
  samples=$dir/rss.$runs
  say "$label: ${WARMUP}s warm-up, ${DURATION}s measured at $CONNECTIONS connections"
  if [ "$WARMUP" != 0 ]; then
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" --timeout 10s -s "$lua" "$target" -- "$@" \
      >"$out.warmup" 2>&1 || { cat "$out.warmup" >&2; die "wrk failed ($label, warm-up)"; }
  fi
  ( while :; do rss_kb; sleep 0.5; done ) >"$samples" &
  sampler_pid=$!
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --timeout 10s -s "$lua" "$target" -- "$@" \
    >"$out" 2>&1 || { cat "$out" >&2; die "wrk failed ($label)"; }
  kill "$sampler_pid" 2>/dev/null || true
  wait "$sampler_pid" 2>/dev/null || true
  sampler_pid=
  line=$(awk '$1 == "RESULT"' "$out")
  [ -n "$line" ] || { cat "$out" >&2; die "no result from wrk ($label)"; }
  grep -v '^RESULT' "$out" | sed 's/^/   /' >&2
  # shellcheck disable=SC2086 # RESULT's fields
  set -- $line
  awk -v label="$label" -v goal="$goal" -v n="$2" -v us="$3" -v p50="$4" -v p99="$5" \
      -v err=$(($7 + $8 + $9 + ${10} + ${11})) -v first="$(head -1 "$samples")" \
      -v last="$(tail -1 "$samples")" -v peak="$(sort -n "$samples" | tail -1)" 'BEGIN {
    printf "%s\t%s\t%.1f\t%.2f\t%.2f\t%d\t%d\t%d\t%d\n", label, goal, n / (us / 1e6),
      p50 / 1000, p99 / 1000, err, first, last, peak }' >>"$results"
  if [ $(($7 + $8 + $9 + ${10} + ${11})) -gt 0 ]; then
    echo "$label: errors among $2 answers: $7 with a status of 400 or more, ${11} timeouts (10 s), $(($8 + $9 + ${10})) socket errors" >>"$notes"
  fi
}

# $1 label, $2 why
unavailable() {
  printf '%s\tna\t%s\n' "$1" "$2" >>"$results"
  printf '\n== %s: not available — %s\n' "$1" "$2" >&2
}

# $1 label, $2 cookie jar, $3 URL: checks the page answers 200 first
measure_page() {
  local label=$1 jar=$2 target=$3 status
  status=$(get_status "$jar" "$target")
  if [ "$status" != 200 ]; then
    unavailable "$label" "GET ${target#"$base"} answered $status"
    return
  fi
  shift 3
  measure "$label" "$@"
}

measure base.1 base "$base/readyz" get ""

if [ -n "$quarter" ]; then
  measure_page "tier board p1" "$chief_jar" "$base/evaluations/$quarter" \
    read "$base/evaluations/$quarter" get "$chief_cookie"
  measure_page "tier board filtered" "$chief_jar" "$base/evaluations/$quarter?$BOARD_FILTER" \
    read "$base/evaluations/$quarter?$BOARD_FILTER" get "$chief_cookie"
  echo "tier board: /evaluations/$quarter (the last published quarter); filtered: ?$BOARD_FILTER" >>"$notes"
else
  unavailable "tier board p1" "the seed published no quarter for s001 (yet)"
  unavailable "tier board filtered" "the seed published no quarter for s001 (yet)"
fi

first_id=$(head -1 "$ids_file")
measure_page "enterprise page" "$chief_jar" "$base/enterprises/$first_id" \
  read "$base/" page "$chief_cookie" "$ids_file"
echo "enterprise page: /enterprises/<id>, cycling through $(wc -l <"$ids_file" | tr -d ' ') enterprises" >>"$notes"

# $1 label, $2 goal, $3 the search text
measure_search() {
  local url matches
  url=$(curl -Gso /dev/null -w '%{url_effective}' --data-urlencode "q=$3" "$base/enterprises")
  matches=$(q1 "select count(*) from enterprise where station_id = $station_id and deleted_at is null
                and status = 'active' and (name ilike '%$3%' or credit_code ilike '%$3%'
                or address ilike '%$3%')")
  measure_page "$1" "$chief_jar" "$url" "$2" "$url" get "$chief_cookie"
  echo "$1: /enterprises?q=$3 ($matches matching enterprises)" >>"$notes"
}
measure_search "enterprise search" read "$SEARCH"
measure_search "search, broad" none "$SEARCH_BROAD"

if [ "${has_dept:-0}" -eq 0 ]; then
  unavailable "department dashboard" "the seed made no user $DEPARTMENT_USER (yet)"
elif [ "${dept_pushes:-0}" -eq 0 ]; then
  unavailable "department dashboard" "$DEPARTMENT_USER's department has no push (no published quarter yet)"
else
  measure_page "department dashboard" "$dept_jar" "$base/department" \
    none "$base/department" get "$dept_cookie"
  echo "department dashboard: /department as $DEPARTMENT_USER ($dept_pushes pushes)" >>"$notes"
fi

# The visit form: one POST by hand first (it must answer 303 to /visits/<id>).
today=$(TZ=Asia/Shanghai date +%F)
visit_enterprise=$(head -1 "$liaison_file")
csrf=$(page_csrf "$officer_jar" "$base/enterprises/$visit_enterprise/visits/new")
[ -n "$csrf" ] || die "no csrf field on the visit form"
check=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' -b "$officer_jar" \
  --data-urlencode "csrf=$csrf" --data-urlencode "form_token=$(printf 'b%031x' "$RANDOM")" \
  --data-urlencode "visited_on=$today" --data-urlencode "kind=routine" \
  --data-urlencode "officers=$officer_id" --data-urlencode "notes=bench/http.sh" \
  "$base/enterprises/$visit_enterprise/visits")
case "$check" in
  "303 "*/visits/[0-9]*)
    visits_before=$(q1 "select count(*) from visit")
    measure "visit POST" write "$base/" visit "$officer_cookie" "$liaison_file" "$csrf" \
      "$officer_id" "$today"
    visits_after=$(q1 "select count(*) from visit")
    posted=$(awk -F'\t' '$1 == "visit POST" { printf "%.0f", $3 * '"$DURATION"' }' "$results")
    echo "visit POST: /enterprises/<id>/visits by $officer at $(wc -l <"$liaison_file" | tr -d ' ') liaison enterprises; $((visits_after - visits_before)) visits written in warm-up + run (about $posted in the run)" >>"$notes"
    ;;
  *) unavailable "visit POST" "the check POST answered '$check', not a 303 to /visits/<id>" ;;
esac

measure base.2 base "$base/readyz" get ""
rss_after=$(rss_kb)

# ---------------------------------------------------------------- the table
printf '\nSanse HTTP benchmark: %d enterprises (%s rows), %d months of records, PostgreSQL %s\n' \
  "$enterprises" "$total_rows" "$MONTHS" "$server_version"
printf 'wrk, %d connections, %d threads, %ss per target after %ss warm-up; server pool %s connections\n\n' \
  "$CONNECTIONS" "$THREADS" "$DURATION" "$WARMUP" "${SANSE_DB_CONNECTIONS:-16 (default)}"
awk -F'\t' -v idle="$rss_idle" -v after="$rss_after" '
  { row[NR] = $0 }
  $1 ~ /^base/ { base += $3; nbase++ }
  $2 != "na" {
    if (first == "") first = $7
    last = $8; if ($9 > peak) peak = $9
  }
  END {
    base = base / nbase
    printf "%-22s %9s %8s %8s %7s %9s %8s  %-26s %s\n", "target", "req/s", "p50 ms", "p99 ms", "errors",
      "÷ readyz", "RSS MB", "goal (issue 7)", "result"
    for (i = 1; i <= NR; i++) {
      split(row[i], f, "\t")
      label = f[1]
      if (label == "base.1") label = "GET /readyz"
      if (label == "base.2") label = "GET /readyz (again)"
      if (f[2] == "na") { printf "%-22s %s\n", label, "not available: " f[3]; continue }
      ratio = f[3] / base
      goal = ""; result = ""
      if (f[2] == "base") goal = "baseline (mean of both)"
      if (f[2] == "read") {
        goal = "≥ 0.30, p99 < 50 ms"
        result = (ratio >= 0.3 && f[5] < 50 && f[6] == 0) ? "PASS" : "MISS"
      }
      if (f[2] == "write") {
        goal = "≥ 0.15"
        result = (ratio >= 0.15 && f[6] == 0) ? "PASS" : "MISS"
      }
      if (f[2] == "none") goal = "(none set)"
      printf "%-22s %9.0f %8.2f %8.2f %7d %9.2f %8.1f  %-26s %s\n", label, f[3], f[4], f[5], f[6],
        ratio, f[8] / 1024, goal, result
    }
    mb = 1024
    # flat: it grew by less than a fifth from the start of the load to its end
    flat = (last - first) < 0.2 * first
    printf "\nserver memory (VmRSS): idle %.1f MB; under load: %.1f MB at the start, %.1f MB at the end, peak %.1f MB; %.1f MB after\n",
      idle / mb, first / mb, last / mb, peak / mb, after / mb
    printf "goal: under 150 MB and flat (end under 1.2 × start): %s\n",
      (peak < 150 * mb && flat) ? "PASS" : "MISS"
  }' "$results"
printf '(RSS MB: the server'"'"'s resident memory at the end of that run)\n\n'
sed 's/^/  /' "$notes"

# What the server logged (RUST_LOG=warn): the commonest messages.
log_lines=$(sed 's/\x1b\[[0-9;]*m//g' "$dir/app.log" | grep -cE ' (WARN|ERROR) ' || true)
if [ "${log_lines:-0}" -gt 0 ]; then
  printf '\nthe server logged %s warnings and errors; the commonest:\n' "$log_lines"
  sed 's/\x1b\[[0-9;]*m//g' "$dir/app.log" | grep -E ' (WARN|ERROR) ' \
    | sed -E 's/^[^ ]+ +//; s/ id=[0-9a-f]+//; s/(summary|db\.statement)=.*//; s/elapsed=[^ ]+//; s/ +$//' | cut -c1-150 \
    | sort | uniq -c | sort -rn | head -5
fi
