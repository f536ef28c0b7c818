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
#   4. sanse evaluate --station s001 --quarter <the current quarter>, twice
#      (the seed publishes every complete quarter, and a published quarter
#      is locked; the current one is scored on the records so far)
#      (a first run, then a re-run that replaces the draft)
#   5. the SQL floor script in a scratch database of the same cluster
#   6. prints a table, stops the cluster and removes the folder
#
# Knobs (environment): ENTERPRISES (100000), MONTHS (12), SEED (1),
# FLOOR_SQL (../shared/bench/eval-floor.sql next to the repository),
# PG_BINDIR (the PostgreSQL server binaries; found by itself otherwise),
# PG_SETTINGS (extra server settings, default "-c shared_buffers=512MB
# -c max_wal_size=4GB"), SKIP_BUILD=1 (use the existing target/release/sanse),
# SANSE_BIN (another sanse binary), KEEP=1 (leave the cluster running and its
# folder in place, for a look).
set -euo pipefail

ENTERPRISES=${ENTERPRISES:-100000}
MONTHS=${MONTHS:-12}
SEED=${SEED:-1}
PG_SETTINGS=${PG_SETTINGS:--c shared_buffers=512MB -c max_wal_size=4GB}
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
FLOOR_SQL=${FLOOR_SQL:-$repo/../shared/bench/eval-floor.sql}
# The app logs to stdout; keep its output to the figures.
export RUST_LOG=${RUST_LOG:-warn}

[ -f "$FLOOR_SQL" ] || die "the floor script is not at $FLOOR_SQL (set FLOOR_SQL)"
FLOOR_SQL=$(cd "$(dirname "$FLOOR_SQL")" && pwd)/$(basename "$FLOOR_SQL")

bench_pg_binaries
bench_sanse_binary

# ---------------------------------------------------------------- cluster
bench_cluster_start "$PG_SETTINGS"
pg -d postgres -c 'create database evalfloor'

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
# the bulk load only ("loaded"), not the publications that follow it
seed_rows=$(printf '%s\n' "$seed_out" | awk '$1 == "loaded" { print $2 }')
seed_secs=$(printf '%s\n' "$seed_out" | awk '$1 == "loaded" { print $5 }')
[ -n "$seed_rows" ] && [ -n "$seed_secs" ] || die "could not read the seeding report"

quarter=$(bench_current_quarter)

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
