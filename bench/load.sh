#!/usr/bin/env bash
# bench/load.sh — a working day's mix of 50 signed-in users against the
# release build for two minutes: officers browsing enterprises and logging
# visits, the chief on the tier board, department staff on their dashboards.
# Reports throughput, p50/p99 per kind of user, errors (there must be none)
# and the server's memory over time (it must stay flat).
#
#   bench/load.sh                               # 20,000 enterprises, 120 s
#   ENTERPRISES=5000 DURATION=20 bench/load.sh  # quicker
#   SKIP_BUILD=1 bench/load.sh                  # use target/release/sanse as is
#
# Each user is a wrk process with one connection and a session of its own,
# sending its next request as soon as the last is answered (no think time,
# so this is the most the mix gets through, not a pace):
#   30 officers    GET /enterprises/<id>, through the station's enterprises
#   14 officers    POST /enterprises/<id>/visits at their liaison enterprises
#                  (fresh form token each time; the answer is a 303)
#    1 chief       GET /evaluations/<last published quarter>
#    5 departments GET /department (dept.fire, dept.market, …)
# The server's VmRSS is sampled every 5 s.
#
# With INSTANCES=2, two sanse instances share the database behind nginx
# (Debian package nginx; its own configuration in the run's folder) on PORT,
# round robin with no stickiness: a user's requests, their form tokens and
# their sessions go to either instance. The report then says how many
# requests each instance answered (from nginx's log) and checks that a
# department's live stream through nginx receives a push published through
# the other instance.
#
# Knobs (environment): ENTERPRISES (20000), MONTHS (12), SEED (1), DURATION
# (120), PORT (18433; with INSTANCES=2 the instances use PORT+1 and PORT+2),
# INSTANCES (1 or 2), PG_SETTINGS, SKIP_BUILD=1, SANSE_BIN, KEEP=1.
set -euo pipefail

ENTERPRISES=${ENTERPRISES:-20000}
MONTHS=${MONTHS:-12}
SEED=${SEED:-1}
DURATION=${DURATION:-120}
PORT=${PORT:-18433}
INSTANCES=${INSTANCES:-1}
PG_SETTINGS=${PG_SETTINGS:--c shared_buffers=256MB -c max_wal_size=4GB}
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
lua=$repo/bench/http.lua
PASSWORD=sanse-seed-2026
export RUST_LOG=${RUST_LOG:-warn}

command -v wrk >/dev/null 2>&1 || die "wrk is needed (Debian/Ubuntu: apt-get install wrk; bench/http.sh installs it)"
bench_pg_binaries
bench_sanse_binary

sampler_pid=
pids=()
second_pid=
nginx_pid=
bench_before_cleanup() {
  if [ -n "$sampler_pid" ]; then kill "$sampler_pid" 2>/dev/null || true; fi
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$nginx_pid" ]; then kill "$nginx_pid" 2>/dev/null || true; fi
  if [ -n "$second_pid" ]; then kill "$second_pid" 2>/dev/null || true; wait "$second_pid" 2>/dev/null || true; fi
}
case "$INSTANCES" in
  1) ;;
  2) command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] \
       || die "INSTANCES=2 needs nginx (Debian: apt-get install nginx)" ;;
  *) die "INSTANCES is 1 or 2" ;;
esac
bench_cluster_start "$PG_SETTINGS"
say "sanse migrate; sanse seed --stations 1 --enterprises $ENTERPRISES --months $MONTHS"
"$sanse" --database-url "$url" migrate >/dev/null
"$sanse" --database-url "$url" seed --stations 1 --enterprises "$ENTERPRISES" \
  --months "$MONTHS" --seed "$SEED" >/dev/null
pg -d sanse -c 'analyze'
q1() { pg -d sanse -Atc "$1"; }

station_id=$(q1 "select station_id from station where code = 's001'")
quarter=$(q1 "select quarter from evaluation where station_id = $station_id and status = 'published'
              order by quarter desc limit 1")
[ -n "$quarter" ] || die "the seed published no quarter"
mapfile -t officers < <(q1 "select username || ' ' || user_id from app_user
  where station_id = $station_id and role = 'officer' and disabled_at is null
    and exists (select 1 from enterprise e where e.liaison_officer_id = user_id)
  order by username limit 44")
[ "${#officers[@]}" -eq 44 ] || die "44 officers with liaison enterprises are needed (ENTERPRISES too small?)"
mapfile -t departments < <(q1 "select username from app_user where role = 'department'
  and disabled_at is null order by username limit 5")
[ "${#departments[@]}" -eq 5 ] || die "the seed made fewer than 5 department users"
ids_file=$dir/enterprise-ids
q1 "select enterprise_id from enterprise where station_id = $station_id and deleted_at is null
    order by md5(enterprise_id::text)" >"$ids_file"

# Fifty people sign in from one machine here: each from an address of its
# own (X-Forwarded-For, trusted for this run), as from fifty phones.
export SANSE_TRUST_FORWARDED_FOR=true
if [ "$INSTANCES" = 1 ]; then
  say "sanse serve on 127.0.0.1:$PORT"
  bench_serve "$PORT"
else
  say "two sanse instances on 127.0.0.1:$((PORT + 1)) and :$((PORT + 2)), nginx on :$PORT"
  "$sanse" --database-url "$url" serve --bind "127.0.0.1:$((PORT + 2))" >"$dir/app2.log" 2>&1 &
  second_pid=$!
  bench_serve "$((PORT + 1))"
  mkdir -p "$dir/nginx"
  cat >"$dir/nginx/nginx.conf" <<NGINX
daemon off;
worker_processes 1;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 1024; }
http {
  log_format upstream '\$upstream_addr \$status';
  access_log $dir/nginx/access.log upstream;
  client_body_temp_path $dir/nginx/body;
  proxy_temp_path $dir/nginx/proxy;
  fastcgi_temp_path $dir/nginx/fastcgi;
  uwsgi_temp_path $dir/nginx/uwsgi;
  scgi_temp_path $dir/nginx/scgi;
  upstream sanse {
    server 127.0.0.1:$((PORT + 1));
    server 127.0.0.1:$((PORT + 2));
    keepalive 32;
  }
  server {
    listen 127.0.0.1:$PORT;
    client_max_body_size 5m;
    location / {
      proxy_pass http://sanse;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
      # Here the load generator plays fifty phones, so the address it sends
      # is passed on as it is; in production set it to \$remote_addr.
      proxy_set_header X-Forwarded-For \$http_x_forwarded_for;
      # the department's live stream
      proxy_buffering off;
      proxy_read_timeout 1h;
    }
  }
}
NGINX
  "$(command -v nginx || echo /usr/sbin/nginx)" -p "$dir/nginx" -c "$dir/nginx/nginx.conf" \
    >"$dir/nginx/out.log" 2>&1 &
  nginx_pid=$!
  base=http://127.0.0.1:$PORT
  for _ in $(seq 1 50); do
    if curl -fsS -o /dev/null "$base/readyz" 2>/dev/null; then break; fi
    sleep 0.1
  done
  curl -fsS -o /dev/null "$base/readyz" \
    || { cat "$dir/nginx/out.log" "$dir/nginx/error.log" >&2 2>/dev/null; die "nginx does not answer"; }
fi
rss_kb() {
  local total=0 p kb
  for p in $server_pid $second_pid; do
    kb=$(awk '/^VmRSS:/ { print $2 }' "/proc/$p/status" 2>/dev/null || echo 0)
    total=$((total + kb))
  done
  echo "$total"
}


say "signing in 50 users"
today=$(TZ=Asia/Shanghai date +%F)
out=$dir/out
mkdir -p "$out"
# kind user cookie [mode arguments…]: one wrk process, one connection
start_user() {
  local kind=$1 n=$2
  shift 2
  wrk -t1 -c1 -d"${DURATION}s" --timeout 30s -s "$lua" "$@" >"$out/$kind.$n" 2>&1 &
  pids+=($!)
}
n=0
officer_cmds=()
officer_cookies=()
for line in "${officers[@]}"; do
  read -r user user_id <<<"$line"
  jar=$dir/$user.cookies
  BENCH_FORWARDED_FOR=10.0.0.$n bench_login "$user" "$PASSWORD" "$jar"
  cookie=$(cookie_header "$jar")
  n=$((n + 1))
  officer_cookies+=("$cookie")
  if [ "$n" -le 30 ]; then
    officer_cmds+=("browse $n page $ids_file")
  else
    liaison=$dir/$user.liaison
    q1 "select enterprise_id from enterprise where liaison_officer_id = $user_id
        and deleted_at is null order by enterprise_id" >"$liaison"
    csrf=$(page_csrf "$jar" "$base/enterprises/$(head -1 "$liaison")/visits/new")
    [ -n "$csrf" ] || die "no form token for $user"
    officer_cmds+=("visit $n visit $liaison $csrf $user_id $today")
  fi
done
BENCH_FORWARDED_FOR=10.0.1.1 bench_login s001.chief "$PASSWORD" "$dir/chief.cookies"
chief_cookie=$(cookie_header "$dir/chief.cookies")
dept_cookies=()
for user in "${departments[@]}"; do
  BENCH_FORWARDED_FOR=10.0.2.${#dept_cookies[@]} bench_login "$user" "$PASSWORD" "$dir/$user.cookies"
  dept_cookies+=("$(cookie_header "$dir/$user.cookies")")
done

live_result=
if [ "$INSTANCES" = 2 ]; then
  # A department's live stream through nginx, held by one instance, must
  # receive a publication made through nginx (either instance).
  current=$(bench_current_quarter)
  say "live stream check: ${departments[0]} listens, s001.chief publishes $current"
  "$sanse" --database-url "$url" evaluate --station s001 --quarter "$current" >/dev/null
  curl -sN --max-time 60 -H "Cookie: ${dept_cookies[0]}" -H "Accept: text/event-stream" \
    "$base/department/live" >"$dir/live.txt" 2>/dev/null &
  live_pid=$!
  sleep 1
  csrf=$(page_csrf "$dir/chief.cookies" "$base/evaluations/$current")
  published=$(curl -sS -o /dev/null -w '%{http_code}' -b "$dir/chief.cookies" \
    -H "Sec-Fetch-Site: same-origin" --data-urlencode "csrf=$csrf" "$base/evaluations/$current/publish")
  live_result="publish answered $published; the live stream did NOT receive the push within 20 s"
  for _ in $(seq 1 100); do
    if grep -q '^event: push' "$dir/live.txt"; then
      live_result="publish answered $published; the live stream through nginx received the push"
      break
    fi
    sleep 0.2
  done
  kill "$live_pid" 2>/dev/null || true
  wait "$live_pid" 2>/dev/null || true
fi

visits_before=$(q1 "select count(*) from visit")
rss_idle=$(rss_kb)
say "the load: 50 users for ${DURATION}s"
( while :; do printf '%s %s\n' "$(date +%s)" "$(rss_kb)"; sleep 5; done ) >"$dir/rss" &
sampler_pid=$!
for i in "${!officer_cmds[@]}"; do
  # shellcheck disable=SC2086 # a prepared argument list (no spaces inside)
  set -- ${officer_cmds[$i]}
  kind=$1 k=$2 mode=$3
  shift 3
  start_user "$kind" "$k" "$base/" -- "$mode" "${officer_cookies[$i]}" "$@"
done
start_user board 1 "$base/evaluations/$quarter" -- get "$chief_cookie"
k=0
for c in "${dept_cookies[@]}"; do
  k=$((k + 1))
  start_user department "$k" "$base/department" -- get "$c"
done
wait "${pids[@]}"
pids=()
kill "$sampler_pid" 2>/dev/null || true
wait "$sampler_pid" 2>/dev/null || true
sampler_pid=
visits_after=$(q1 "select count(*) from visit")

# ---------------------------------------------------------------- report
printf '\nSanse load: 50 users for %ss on %d enterprises, %s, PostgreSQL %s, server pool %s connections\n\n' \
  "$DURATION" "$ENTERPRISES" "$([ "$INSTANCES" = 2 ] && echo "two instances behind nginx" || echo "one instance")" \
  "$server_version" "${SANSE_DB_CONNECTIONS:-16 (default)}"
for kind in browse visit board department; do
  cat "$out/$kind".* | awk -v kind="$kind" -v d="$DURATION" '
    $1 == "RESULT" { n++; req += $2; if ($3 > us) us = $3; p50[n] = $4 / 1000; if ($5 / 1000 > p99) p99 = $5 / 1000
                     err += $7 + $8 + $9 + $10 + $11 }
    END {
      asort(p50); med = p50[int((n + 1) / 2)]
      label["browse"] = "officers browsing enterprise pages"; label["visit"] = "officers logging visits (POST)"
      label["board"] = "chief on the tier board"; label["department"] = "departments on their dashboard"
      printf "%-36s %5d users %9.1f req/s   p50 %7.1f ms   p99 %8.1f ms   errors %d\n",
        label[kind], n, req / (us / 1e6), med, p99, err
      if (err > 0) exit 1
    }' || errors=1
done
printf '\n(p50: the median of the users'"'"' medians; p99: the worst user'"'"'s 99th percentile)\n'
printf 'visits written: %d\n' "$((visits_after - visits_before))"
if [ "$INSTANCES" = 2 ]; then
  printf 'live update: %s\n' "$live_result"
  case "$live_result" in *NOT*) errors=1 ;; esac
  awk '{ n[$1]++; if ($2 >= 500) bad++ } END {
    for (u in n) printf "requests answered by %s: %d\n", u, n[u]
    printf "5xx through nginx: %d\n", bad + 0 }' "$dir/nginx/access.log"
fi
awk -v kb="$rss_idle" 'BEGIN { printf "\nserver memory (VmRSS, MB; both instances together when two) every 5 s: idle %.1f;", kb / 1024 }'
awk '{ printf " %.0f", $2 / 1024 }' "$dir/rss"
awk 'NR == 2 { first = $2 } { last = $2; if ($2 > peak) peak = $2 }
  END { printf "\nfrom %.1f MB (after 5 s) to %.1f MB at the end, peak %.1f MB: %s\n", first / 1024, last / 1024,
        peak / 1024, (last < 1.2 * first) ? "flat" : "GROWING" }' "$dir/rss"
warnings=$(cat "$dir"/app*.log | grep -c -E 'WARN|ERROR' || true)
printf 'server log: %d warnings and errors\n' "$warnings"
[ -z "${errors:-}" ] || die "some requests failed"
