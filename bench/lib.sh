# bench/lib.sh — the part the bench scripts share. Sourced, not run:
#
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# It gives:
#   repo, say, die, now, elapsed
#   bench_pg_binaries    finds the PostgreSQL server binaries (PG_BINDIR, or
#                        pg_config, or /usr/lib/postgresql/*/bin, or PATH):
#                        sets bindir and as_pg (runs a command as `postgres`
#                        when we are root, since PostgreSQL refuses root)
#   bench_sanse_binary   cargo build --release unless SKIP_BUILD=1; sets sanse
#                        (target/release/sanse, or SANSE_BIN)
#   bench_cluster_start  a throw-away cluster in a temporary folder (Unix
#                        socket only, trust auth, database `sanse` of user
#                        `sanse`, server settings from $1): sets dir, data,
#                        url, server_version, defines pg (psql); stops the
#                        cluster and removes the folder on exit, unless KEEP=1
#   bench_serve PORT     sanse serve on 127.0.0.1:PORT, waits for /readyz:
#                        sets server_pid and base (stopped on exit)
#   bench_login USER PASSWORD JAR
#                        signs in with curl (GET /login for the form token and
#                        the pre-login cookie, POST /login), cookies in JAR;
#                        from the address BENCH_FORWARDED_FOR when set
#   cookie_header JAR    "name=value; …" of a curl cookie jar, for wrk
#   page_csrf JAR URL    the form token on a page
#   bench_last_quarter   the last complete quarter (China time), e.g. 2026-Q1
#   bench_current_quarter the quarter of today (China time), e.g. 2026-Q2
#
# A script may define bench_before_cleanup, called first on exit.

bench_prog=$(basename "$0")
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

say() { printf '\n== %s\n' "$*" >&2; }
die() { printf '%s: %s\n' "$bench_prog" "$*" >&2; exit 1; }
now() { date +%s.%N; }
# seconds between two `now` readings, 2 decimals
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

# ---------------------------------------------------------------- binaries
bench_find_bindir() {
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

bench_pg_binaries() {
  local b
  bindir=$(bench_find_bindir)
  for b in initdb pg_ctl psql; do [ -x "$bindir/$b" ] || die "$bindir/$b is missing"; done
  # PostgreSQL refuses to run as root: then the server runs as `postgres`.
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root, but there is no postgres user to run the server as"
    as_pg() { runuser -u postgres -- "$@"; }
  else
    as_pg() { "$@"; }
  fi
}

bench_sanse_binary() {
  sanse=${SANSE_BIN:-$repo/target/release/sanse}
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    say "cargo build --release"
    (cd "$repo" && cargo build --release)
  fi
  [ -x "$sanse" ] || die "$sanse is missing (build it, or drop SKIP_BUILD)"
}

# ---------------------------------------------------------------- cluster
dir=
data=
server_pid=

bench_cleanup() {
  local status=$?
  if declare -F bench_before_cleanup >/dev/null; then bench_before_cleanup || true; fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  [ -n "$dir" ] || exit "$status"
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

# psql on the throw-away cluster (after bench_cluster_start)
pg() { "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p 5432 -U sanse "$@"; }

# $1: extra server settings (a list of -c options)
bench_cluster_start() {
  local settings=$1
  dir=$(mktemp -d /tmp/sanse-bench.XXXXXX)
  data=$dir/data
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  chmod 0755 "$dir"
  if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi

  say "starting a private PostgreSQL cluster in $dir"
  as_pg "$bindir/initdb" -D "$data" -U sanse --auth=trust -E UTF8 --locale=C.UTF-8 \
    --no-instructions >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  # shellcheck disable=SC2086 # settings is a list of -c options
  as_pg "$bindir/pg_ctl" start -D "$data" -l "$dir/server.log" -w -t 60 \
    -o "-c listen_addresses='' -k $dir -p 5432 $settings" >/dev/null \
    || { tail -20 "$dir/server.log" >&2; die "the server did not start"; }
  pg -d postgres -c 'create database sanse'
  url="postgres:///sanse?host=$dir&port=5432&user=sanse"
  server_version=$(pg -d postgres -Atc 'show server_version')
}

# ---------------------------------------------------------------- the app
bench_serve() {
  local port=$1
  base=http://127.0.0.1:$port
  "$sanse" --database-url "$url" serve --bind "127.0.0.1:$port" >"$dir/app.log" 2>&1 &
  server_pid=$!
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "$base/readyz" 2>/dev/null; then break; fi
    kill -0 "$server_pid" 2>/dev/null || { tail -20 "$dir/app.log" >&2; die "the server exited"; }
    sleep 0.1
  done
  curl -fsS -o /dev/null "$base/readyz" || { tail -20 "$dir/app.log" >&2; die "the server is not ready"; }
}

# "name=value; …" of a curl cookie jar ($1), without the one-time flash.
cookie_header() {
  awk -F'\t' 'NF == 7 && ($1 !~ /^#/ || $1 ~ /^#HttpOnly_/) && $6 != "sanse_flash" {
    printf "%s%s=%s", (n++ ? "; " : ""), $6, $7 }' "$1"
}

# The session's CSRF token (cookie jar $1), from the hidden field of page $2.
page_csrf() {
  curl -fsS -b "$1" "$2" | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1
}

# $1 user name, $2 password, $3 cookie jar
bench_login() {
  local user=$1 password=$2 jar=$3 token status
  # Many users signing in from one address would be throttled as an attack:
  # with BENCH_FORWARDED_FOR set (and a server trusting X-Forwarded-For),
  # each login comes from that address instead.
  local from=()
  [ -z "${BENCH_FORWARDED_FOR:-}" ] || from=(-H "X-Forwarded-For: $BENCH_FORWARDED_FOR")
  command -v curl >/dev/null 2>&1 || die "curl is needed"
  : >"$jar" # a fresh session (a signed-in one is sent away from /login)
  token=$(curl -fsS "${from[@]}" -c "$jar" -b "$jar" "$base/login" \
    | sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' | head -1)
  [ -n "$token" ] || die "no form token on the login page"
  status=$(curl -sS "${from[@]}" -o /dev/null -w '%{http_code}' -c "$jar" -b "$jar" \
    --data-urlencode "csrf=$token" --data-urlencode "username=$user" \
    --data-urlencode "password=$password" "$base/login")
  [ "$status" = 303 ] || die "login as $user answered $status, not 303"
}

# The last complete quarter, China time.
bench_last_quarter() {
  local year month q
  year=$(TZ=Asia/Shanghai date +%Y)
  month=$(TZ=Asia/Shanghai date +%-m)
  q=$(( (month - 1) / 3 + 1 - 1 ))
  if [ "$q" -eq 0 ]; then q=4; year=$((year - 1)); fi
  echo "$year-Q$q"
}

bench_current_quarter() {
  local year month
  year=$(TZ=Asia/Shanghai date +%Y)
  month=$(TZ=Asia/Shanghai date +%-m)
  echo "$year-Q$(( (month - 1) / 3 + 1 ))"
}
