#!/usr/bin/env bash
# bench/monthly.sh — how fast the monthly service list of a big station
# renders, measured against GET /readyz (one trivial query) in the same run.
#
#   bench/monthly.sh                        # 5,000 enterprises, 12 months
#   ENTERPRISES=20000 REQUESTS=20 bench/monthly.sh
#
# What it does:
#   1. cargo build --release
#   2. starts a throw-away PostgreSQL cluster in a temporary folder (Unix
#      socket only; as the `postgres` user when run as root, since
#      PostgreSQL refuses to run as root)
#   3. sanse migrate, then sanse seed --stations 1 --enterprises N --months M
#   4. sanse serve on 127.0.0.1:PORT, signed in as the seeded chief
#      (s001.chief) with curl: GET /login for the form token, POST /login
#   5. picks the busiest month (most visits), then times REQUESTS sequential
#      requests each of GET /reports/monthly?month=…, GET /reports/monthly.csv
#      and GET /readyz (after a few untimed warm-up requests)
#   6. prints a table (mean, p50, p95, max, ratio to /readyz), stops the
#      server and the cluster and removes the folder
#
# Knobs (environment): ENTERPRISES (5000), MONTHS (12), SEED (1),
# REQUESTS (50), WARMUP (3), PORT (18431), PG_BINDIR (the PostgreSQL server
# binaries; found by itself otherwise), PG_SETTINGS (extra server settings,
# default "-c shared_buffers=256MB"), SKIP_BUILD=1 (use the existing
# target/release/sanse), SANSE_BIN (another sanse binary, e.g. a debug build;
# implies nothing about building), KEEP=1 (leave the cluster running and its
# folder in place, for a look).
set -euo pipefail

ENTERPRISES=${ENTERPRISES:-5000}
MONTHS=${MONTHS:-12}
SEED=${SEED:-1}
REQUESTS=${REQUESTS:-50}
WARMUP=${WARMUP:-3}
PORT=${PORT:-18431}
PG_SETTINGS=${PG_SETTINGS:--c shared_buffers=256MB}
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The seeded chief (crates/demo/src/seed: PASSWORD).
USERNAME=s001.chief
PASSWORD=sanse-seed-2026
# The app logs to stdout; keep its output to the figures.
export RUST_LOG=${RUST_LOG:-warn}

command -v curl >/dev/null 2>&1 || die "curl is needed"

bench_pg_binaries
bench_sanse_binary

# ---------------------------------------------------------------- cluster
bench_cluster_start "$PG_SETTINGS"

# ---------------------------------------------------------------- data
say "sanse migrate"
"$sanse" --database-url "$url" migrate >/dev/null

say "sanse seed --stations 1 --enterprises $ENTERPRISES --months $MONTHS"
"$sanse" --database-url "$url" seed --stations 1 --enterprises "$ENTERPRISES" \
  --months "$MONTHS" --seed "$SEED" >&2
pg -d sanse -c 'analyze'

# The busiest month of the station: most visits (the largest column).
read -r month month_visits < <(pg -d sanse -Atc "
  select to_char(visited_on, 'YYYY-MM'), count(*) from visit
  where deleted_at is null group by 1 order by 2 desc, 1 desc limit 1" | tr '|' ' ')
[ -n "${month:-}" ] || die "no visits were seeded"
month_records=$(pg -d sanse -Atc "
  with m as (select to_date('$month', 'YYYY-MM') as d1,
                    (to_date('$month', 'YYYY-MM') + interval '1 month')::date as d2)
  select (select count(*) from visit, m where deleted_at is null and visited_on >= d1 and visited_on < d2)
       + (select count(*) from hazard, m where deleted_at is null and found_on >= d1 and found_on < d2)
       + (select count(*) from hazard, m where deleted_at is null and rectified_on >= d1 and rectified_on < d2)
       + (select count(*) from dispute, m where deleted_at is null and resolved_on >= d1 and resolved_on < d2)
       + (select count(*) from incident, m where deleted_at is null and occurred_on >= d1 and occurred_on < d2)
       + (select count(*) from demand, m where deleted_at is null and received_on >= d1 and received_on < d2)
       + (select count(*) from demand, m where deleted_at is null and resolved_on >= d1 and resolved_on < d2)
       + (select count(*) from training t join training_enterprise te using (training_id), m
          where t.deleted_at is null and held_on >= d1 and held_on < d2)")

# ---------------------------------------------------------------- the app
say "sanse serve on 127.0.0.1:$PORT"
bench_serve "$PORT"

say "logging in as $USERNAME"
jar=$dir/cookies
bench_login "$USERNAME" "$PASSWORD" "$jar"

page="$base/reports/monthly?month=$month"
csv="$base/reports/monthly.csv?month=$month"
check=$(curl -sS -b "$jar" -o "$dir/page.html" -w '%{http_code} %{size_download}' "$page")
read -r page_status page_bytes <<<"$check"
[ "$page_status" = 200 ] || die "GET $page answered $page_status"
rows=$(grep -o 'id="e-[0-9]*"' "$dir/page.html" | wc -l | tr -d ' ')

# Times of $REQUESTS sequential GETs of $1 (seconds, one a line), after
# $WARMUP untimed ones; fails on any status but 200.
timings() {
  local target=$1 i out
  for i in $(seq 1 "$WARMUP"); do curl -sS -b "$jar" -o /dev/null "$target"; done
  for i in $(seq 1 "$REQUESTS"); do
    out=$(curl -sS -b "$jar" -o /dev/null -w '%{http_code} %{time_total}' "$target")
    [ "${out%% *}" = 200 ] || die "GET $target answered ${out%% *}"
    echo "${out#* }"
  done
}
# "mean p50 p95 max" in milliseconds
stats() {
  sort -n | awk '{ t[NR] = $1 * 1000; s += $1 * 1000 }
    END {
      p50 = t[int((NR + 1) / 2)]; p95 = t[int(NR * 0.95 + 0.999)]
      printf "%.1f %.1f %.1f %.1f\n", s / NR, p50, p95, t[NR]
    }'
}

say "timing $REQUESTS requests each (month $month)"
# (into files, so that a failed request stops the script)
timings "$page" >"$dir/t.page"
timings "$csv" >"$dir/t.csv"
timings "$base/readyz" >"$dir/t.readyz"
read -r pm p50 p95 pmax < <(stats <"$dir/t.page")
read -r cm c50 c95 cmax < <(stats <"$dir/t.csv")
read -r rm r50 r95 rmax < <(stats <"$dir/t.readyz")

# ---------------------------------------------------------------- the table
awk -v n="$ENTERPRISES" -v months="$MONTHS" -v month="$month" -v pgv="$server_version" \
    -v rows="$rows" -v bytes="$page_bytes" -v recs="$month_records" -v visits="$month_visits" \
    -v reqs="$REQUESTS" \
    -v pm="$pm" -v p50="$p50" -v p95="$p95" -v pmax="$pmax" \
    -v cm="$cm" -v c50="$c50" -v c95="$c95" -v cmax="$cmax" \
    -v rm="$rm" -v r50="$r50" -v r95="$r95" -v rmax="$rmax" 'BEGIN {
  printf "\nSanse monthly service list benchmark: %d enterprises, %d months of records, PostgreSQL %s\n", n, months, pgv
  printf "month %s: %d counted records (%d visits), %d rows, page %.0f kB; %d sequential requests each\n\n", month, recs, visits, rows, bytes / 1024, reqs
  printf "%-34s %9s %9s %9s %9s %8s\n", "request", "mean ms", "p50 ms", "p95 ms", "max ms", "÷ readyz"
  printf "%-34s %9.1f %9.1f %9.1f %9.1f %7.1fx\n", "GET /reports/monthly", pm, p50, p95, pmax, pm / rm
  printf "%-34s %9.1f %9.1f %9.1f %9.1f %7.1fx\n", "GET /reports/monthly.csv", cm, c50, c95, cmax, cm / rm
  printf "%-34s %9.1f %9.1f %9.1f %9.1f %7.1fx\n", "GET /readyz", rm, r50, r95, rmax, 1
}'
