#!/usr/bin/env bash
# bench/scan.sh — external scanners against a running demo: wapiti (PyPI
# wapiti3) signed in as each role, and sqlmap on the forms and search
# parameters. Not a test: scans take minutes and their findings need reading.
#
#   bench/scan.sh                        # every role, 300 s of wapiti each
#   SCAN_TIME=60 ROLES="jn.chief" bench/scan.sh
#
# What it does:
#   1. cargo build --release (unless SKIP_BUILD=1); a Python virtualenv in
#      /tmp/sanse-scan-venv with wapiti3 and sqlmap (pip, once)
#   2. sanse demo on a private data folder and PORT
#   3. for each role: signs in with curl, then wapiti with that session
#      (logout, the language switch and every delete/disable/revoke/publish
#      action excluded, so that the scan does not end its own session or
#      wipe the data it crawls), a JSON report per role in OUT
#   4. sqlmap (--batch, level 2, risk 1) on the search parameters and on the
#      login form
#   5. prints what each found, stops the demo and removes its data
#
# Knobs (environment): ROLES (jn.officer1 jn.chief dept.fire admin), SCAN_TIME
# (300 s of wapiti per role), ATTACK_TIME (60 s per attack module), PORT
# (18450), OUT (a temporary folder),
# SKIP_BUILD=1, SANSE_BIN.
set -euo pipefail

ROLES=${ROLES:-jn.officer1 jn.chief dept.fire admin}
SCAN_TIME=${SCAN_TIME:-300}
# wapiti's scan time does not bound its attack modules; this does, per module
ATTACK_TIME=${ATTACK_TIME:-60}
PORT=${PORT:-18450}
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
OUT=${OUT:-$(mktemp -d /tmp/sanse-scan.XXXXXX)}
PASSWORD=sanse-demo-2026
export RUST_LOG=${RUST_LOG:-warn}

venv=/tmp/sanse-scan-venv
if [ ! -x "$venv/bin/wapiti" ] || [ ! -x "$venv/bin/sqlmap" ]; then
  say "installing wapiti3 and sqlmap into $venv (pip)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q wapiti3 sqlmap
fi
bench_sanse_binary

data=$(mktemp -d /tmp/sanse-scan-data.XXXXXX)
demo_pid=
cleanup() {
  if [ -n "$demo_pid" ]; then kill "$demo_pid" 2>/dev/null || true; wait "$demo_pid" 2>/dev/null || true; fi
  rm -rf "$data"
}
trap cleanup EXIT
say "sanse demo on 127.0.0.1:$PORT"
"$sanse" --data-dir "$data/pg" demo --bind "127.0.0.1:$PORT" >"$OUT/demo.log" 2>&1 &
demo_pid=$!
base=http://127.0.0.1:$PORT
for _ in $(seq 1 600); do
  if curl -fsS -o /dev/null "$base/readyz" 2>/dev/null; then break; fi
  kill -0 "$demo_pid" 2>/dev/null || { tail -20 "$OUT/demo.log" >&2; die "the demo exited"; }
  sleep 0.2
done

excludes=()
for pattern in "$base/logout" "$base/lang" "$base/*/delete" "$base/*/*/delete" \
  "$base/*/*/*/delete" "$base/*/disable" "$base/*/*/*/disable" "$base/*/revoke" \
  "$base/*/*/*/revoke" "$base/*/publish" "$base/*/*/publish" "$base/department/live"; do
  excludes+=(-x "$pattern")
done

for role in $ROLES; do
  jar=$OUT/$role.cookies
  bench_login "$role" "$PASSWORD" "$jar"
  cookie=$(cookie_header "$jar")
  # Start from the role's home page (/ only redirects there).
  home=$(curl -sS -o /dev/null -w '%{redirect_url}' -b "$jar" "$base/")
  say "wapiti as $role from $home (${SCAN_TIME}s)"
  "$venv/bin/wapiti" -u "$home" --scope domain -C "$cookie" "${excludes[@]}" \
    --max-scan-time "$SCAN_TIME" --max-attack-time "$ATTACK_TIME" --flush-session \
    -f json -o "$OUT/wapiti-$role.json" \
    >"$OUT/wapiti-$role.log" 2>&1 || true
done

say "sqlmap on the search parameters and the login form"
bench_login jn.chief "$PASSWORD" "$OUT/sqlmap.cookies"
cookie=$(cookie_header "$OUT/sqlmap.cookies")
for target in "/enterprises?q=a&industry=x&sort=name" "/visits?q=a&from=2026-01-01" \
  "/evaluations/2026-Q3?q=a&level=red" "/reports/monthly?month=2026-09&sort=visits"; do
  "$venv/bin/sqlmap" -u "$base$target" --cookie "$cookie" --batch --level 2 --risk 1 \
    --output-dir "$OUT/sqlmap" >>"$OUT/sqlmap.log" 2>&1 || true
done
"$venv/bin/sqlmap" -u "$base/login" --forms --batch --level 2 --risk 1 \
  --output-dir "$OUT/sqlmap" >>"$OUT/sqlmap.log" 2>&1 || true

printf '\nSanse external scans (%s), reports in %s\n\n' "$(date -u +%F)" "$OUT"
for role in $ROLES; do
  python3 - "$OUT/wapiti-$role.json" "$role" <<'PY'
import json, sys
path, role = sys.argv[1], sys.argv[2]
try:
    report = json.load(open(path))
except Exception as e:
    print(f"wapiti as {role}: no report ({e})")
    sys.exit()
found = {k: len(v) for k, v in report.get("vulnerabilities", {}).items() if v}
anomalies = {k: len(v) for k, v in report.get("anomalies", {}).items() if v}
crawled = report.get("infos", {}).get("crawled_pages_nbr", "?")
print(f"wapiti as {role}: {crawled} pages crawled; vulnerabilities: {found or 'none'}; anomalies: {anomalies or 'none'}")
PY
done
injectable=$(grep -c "is vulnerable\|appears to be injectable\|is injectable" "$OUT/sqlmap.log" || true)
tested=$(grep -c "do not appear to be injectable\|does not seem to be injectable" "$OUT/sqlmap.log" || true)
printf 'sqlmap: %s injectable, %s "not injectable" verdicts (see %s/sqlmap.log)\n' \
  "$injectable" "$tested" "$OUT"
