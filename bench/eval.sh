#!/usr/bin/env bash
# bench/eval.sh — how fast Sanse seeds and evaluates a big station, measured
# against the SQL floor (../shared/bench/eval-floor.sql) in the same run.
#
#   bench/eval.sh                      # 100,000 enterprises, 12 months
#   ENTERPRISES=20000 bench/eval.sh    # smaller
#
# What it does:
#   1. cargo build --release
#   2. starts a throw-away PostgreSQL cluster in a temporary folder (Unix
#      socket only; as the `postgres` user when run as root, since
#      PostgreSQL refuses to run as root)
#   3. sanse migrate, then sanse seed --stations 1 --enterprises N --months M
#   4. sanse evaluate --station s001 --quarter <last complete quarter>, twice
#      (a first run, then a re-run that replaces the draft)
#   5. the SQL floor script in a scratch database of the same cluster
#   6. prints a table, stops the cluster and removes the folder
#
# Knobs (environment): ENTERPRISES (100000), MONTHS (12), SEED (1),
# FLOOR_SQL (../shared/bench/eval-floor.sql next to the repository),
# PG_BINDIR (the PostgreSQL server binaries; found by itself otherwise),
# PG_SETTINGS (extra server settings, default "-c shared_buffers=512MB
# -c max_wal_size=4GB"), SKIP_BUILD=1 (use the existing target/release/sanse),
# KEEP=1 (leave the cluster running and its folder in place, for a look).
set -euo pipefail

ENTERPRISES=${ENTERPRISES:-100000}
MONTHS=${MONTHS:-12}
SEED=${SEED:-1}
PG_SETTINGS=${PG_SETTINGS:--c shared_buffers=512MB -c max_wal_size=4GB}
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
FLOOR_SQL=${FLOOR_SQL:-$repo/../shared/bench/eval-floor.sql}
sanse=$repo/target/release/sanse
# The app logs to stdout; keep its output to the figures.
export RUST_LOG=${RUST_LOG:-warn}

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf 'eval.sh: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
# seconds between two `now` readings, 2 decimals
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

[ -f "$FLOOR_SQL" ] || die "the floor script is not at $FLOOR_SQL (set FLOOR_SQL)"
FLOOR_SQL=$(cd "$(dirname "$FLOOR_SQL")" && pwd)/$(basename "$FLOOR_SQL")

# ---------------------------------------------------------------- binaries
find_bindir() {
  local d
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir)
    if [ -x "$d/initdb" ]; then echo "$d"; return; fi
  fi
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -V -r); do
    if [ -x "$d/initdb" ]; then echo "$d"; return; fi
  done
  if command -v initdb >/dev/null 2>&1; then dirname "$(readlink -f "$(command -v initdb)")"; return; fi
  die "PostgreSQL server binaries (initdb, pg_ctl) not found; install postgresql or set PG_BINDIR"
}
bindir=$(find_bindir)
for b in initdb pg_ctl psql; do [ -x "$bindir/$b" ] || die "$bindir/$b is missing"; done

# PostgreSQL refuses to run as root: then the server runs as `postgres`.
if [ "$(id -u)" -eq 0 ]; then
  id postgres >/dev/null 2>&1 || die "running as root, but there is no postgres user to run the server as"
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

if [ "${SKIP_BUILD:-0}" != 1 ]; then
  say "cargo build --release"
  (cd "$repo" && cargo build --release)
fi
[ -x "$sanse" ] || die "$sanse is missing (build it, or drop SKIP_BUILD)"

# ---------------------------------------------------------------- cluster
dir=$(mktemp -d /tmp/sanse-bench.XXXXXX)
data=$dir/data
cleanup() {
  local status=$?
  if [ "${KEEP:-0}" = 1 ]; then
    echo "KEEP=1: cluster left running; psql -h $dir -U sanse sanse; stop with: $bindir/pg_ctl stop -D $data" >&2
    return
  fi
  if [ -f "$data/postmaster.pid" ]; then
    as_pg "$bindir/pg_ctl" stop -D "$data" -m fast -w >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
chmod 0755 "$dir"
[ "$(id -u)" -eq 0 ] && chown postgres: "$dir"

say "starting a private PostgreSQL cluster in $dir"
as_pg "$bindir/initdb" -D "$data" -U sanse --auth=trust -E UTF8 --locale=C.UTF-8 \
  --no-instructions >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
# shellcheck disable=SC2086 # PG_SETTINGS is a list of -c options
as_pg "$bindir/pg_ctl" start -D "$data" -l "$dir/server.log" -w -t 60 \
  -o "-c listen_addresses='' -k $dir -p 5432 $PG_SETTINGS" >/dev/null \
  || { tail -20 "$dir/server.log" >&2; die "the server did not start"; }
pg() { "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p 5432 -U sanse "$@"; }
pg -d postgres -c 'create database sanse' -c 'create database evalfloor'
url="postgres:///sanse?host=$dir&port=5432&user=sanse"
server_version=$(pg -d postgres -Atc 'show server_version')

# ---------------------------------------------------------------- the app
say "sanse migrate"
"$sanse" --database-url "$url" migrate >/dev/null

say "sanse seed --stations 1 --enterprises $ENTERPRISES --months $MONTHS"
t0=$(now)
seed_out=$("$sanse" --database-url "$url" seed --stations 1 --enterprises "$ENTERPRISES" \
  --months "$MONTHS" --seed "$SEED")
t1=$(now)
printf '%s\n' "$seed_out" >&2
seed_wall=$(elapsed "$t0" "$t1")
# "  total   6012345 rows in 58.2 s (103300 rows/s)"
seed_rows=$(printf '%s\n' "$seed_out" | awk '$1 == "total" { print $2 }')
seed_secs=$(printf '%s\n' "$seed_out" | awk '$1 == "total" { print $5 }')
[ -n "$seed_rows" ] && [ -n "$seed_secs" ] || die "could not read the seeding report"

# The last complete quarter, China time.
year=$(TZ=Asia/Shanghai date +%Y)
month=$(TZ=Asia/Shanghai date +%-m)
q=$(( (month - 1) / 3 + 1 - 1 ))
if [ "$q" -eq 0 ]; then q=4; year=$((year - 1)); fi
quarter="$year-Q$q"

evaluate() {
  local out
  out=$("$sanse" --database-url "$url" evaluate --station s001 --quarter "$quarter")
  printf '%s\n' "$out" >&2
  # "s001 2026-Q1: 96012 enterprises assessed with policy v1 in 12.34 s (7780 per second)"
  printf '%s\n' "$out" | sed -n 's/^.*: \([0-9]*\) enterprises assessed .* in \([0-9.]*\) s .*$/\1 \2/p'
}
say "sanse evaluate --station s001 --quarter $quarter (first run)"
read -r assessed eval_secs < <(evaluate)
say "sanse evaluate --station s001 --quarter $quarter (re-run: replaces the draft)"
read -r _ reeval_secs < <(evaluate)
[ -n "${assessed:-}" ] && [ -n "${eval_secs:-}" ] && [ -n "${reeval_secs:-}" ] \
  || die "could not read the evaluation's output"

# ---------------------------------------------------------------- the floor
say "SQL floor: $FLOOR_SQL (n_ent=$ENTERPRISES)"
t0=$(now)
pg -d evalfloor -v n_ent="$ENTERPRISES" -v workdir="$dir" -v keep=1 -f "$FLOOR_SQL" >"$dir/floor.out" 2>&1 \
  || { tail -30 "$dir/floor.out" >&2; die "the floor script failed"; }
t1=$(now)
floor_wall=$(elapsed "$t0" "$t1")
step_ms() { # the fastest run of the steps whose name starts with $1
  pg -d evalfloor -Atc "select coalesce(min(ms), 0) from evalbench.bench_timing where step like '$1%'"
}
floor_a=$(step_ms 'A ')
floor_w1=$(step_ms 'W1')
floor_w3=$(step_ms 'W3')
floor_c1=$(step_ms 'C1')
floor_c2=$(step_ms 'C2')

# ---------------------------------------------------------------- the table
awk -v n="$ENTERPRISES" -v months="$MONTHS" -v quarter="$quarter" -v pgv="$server_version" \
    -v rows="$seed_rows" -v seed="$seed_secs" -v seed_wall="$seed_wall" \
    -v assessed="$assessed" -v ev="$eval_secs" -v rev="$reeval_secs" \
    -v a="$floor_a" -v w1="$floor_w1" -v w3="$floor_w3" -v c1="$floor_c1" -v c2="$floor_c2" \
    -v floor_wall="$floor_wall" 'BEGIN {
  floor = (a + w1) / 1000; refloor = (a + w3) / 1000; app = (c1 + c2) / 1000
  printf "\nSanse evaluation benchmark: %d enterprises, %d months of records, quarter %s, PostgreSQL %s\n\n", n, months, quarter, pgv
  printf "%-52s %10s  %s\n", "step", "seconds", "rate"
  printf "%-52s %10.2f  %.0f rows/s (%d rows; %.1f s with process start)\n", "seeding", seed, rows / seed, rows, seed_wall
  printf "%-52s %10.2f  %.0f enterprises/s (%d assessed)\n", "evaluation, first run", ev, assessed / ev, assessed
  printf "%-52s %10.2f  %.0f enterprises/s\n", "evaluation, re-run (replaces the draft)", rev, assessed / rev
  printf "%-52s %10.3f  %.0f enterprises/s\n", "floor: counts in SQL (A, best run) + write (W1)", floor, n / floor
  printf "%-52s %10.3f\n", "floor: counts (A) + delete and rewrite (W3)", refloor
  printf "%-52s %10.3f\n", "floor: pull counts to a client + COPY back (C1+C2)", app
  printf "%-52s %9.1fx\n", "ratio evaluation / floor (A+W1)", ev / floor
  printf "%-52s %9.1fx\n", "ratio re-run / floor (A+W3)", rev / refloor
  printf "\n(the floor script itself, with its data generation, took %.0f s)\n", floor_wall
}'
