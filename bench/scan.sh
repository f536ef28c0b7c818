#!/usr/bin/env bash
# bench/scan.sh — external scanners against a running demo: wapiti (PyPI
# wapiti3) signed in as each role, and sqlmap on the forms and search
# parameters. Not a test: scans take minutes and their findings need reading.
#
#   bench/scan.sh                        # every role, 300 s of wapiti each
#   SCAN_TIME=60 ROLES="jn.chief" bench/scan.sh
#   ROLES= bench/scan.sh                 # sqlmap only
#
# What it does:
#   1. cargo build --release (unless SKIP_BUILD=1); a Python virtualenv in
#      /tmp/sanse-scan-venv with wapiti3 and sqlmap (pip, once)
#   2. sanse demo on a private data folder and PORT
#   3. for each role: signs in with curl, then wapiti with that session
#      (logout, the language switch and every delete/disable/revoke/publish
#      action excluded, so that the scan does not end its own session or
#      wipe the data it crawls), a JSON report per role in OUT
#   4. sqlmap (--batch, level 2, risk 1) on the search parameters, then on
#      every POST form of each role (found by reading the form pages, each
#      with its form token), the login form last
#   5. prints what each found, stops the demo and removes its data
#
# Knobs (environment): ROLES (jn.officer1 jn.chief dept.fire admin), SCAN_TIME
# (300 s of wapiti per role), ATTACK_TIME (60 s per attack module), PORT
# (18450), OUT (a temporary folder), FORMS (whose forms sqlmap tries:
# jn.officer1 jn.chief dept.fire admin login), SQLMAP_PARAMS=0 (no sqlmap on
# the search parameters), SKIP_BUILD=1, SANSE_BIN.
set -euo pipefail

ROLES=${ROLES-jn.officer1 jn.chief dept.fire admin}
# whose forms sqlmap fills in; `login` is the login form, anonymous
FORMS=${FORMS-jn.officer1 jn.chief dept.fire admin login}
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
"$sanse" --data-dir "$data/pg" demo --bind "127.0.0.1:$PORT" --trust-forwarded-for >"$OUT/demo.log" 2>&1 &
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

say "sqlmap on the search parameters"
bench_login jn.chief "$PASSWORD" "$OUT/sqlmap.cookies"
cookie=$(cookie_header "$OUT/sqlmap.cookies")
sqlmap_opts=(--batch --level 2 --risk 1 --dbms=PostgreSQL --output-dir "$OUT/sqlmap")
# The latest published quarter (the demo leaves the last one for the chief).
quarter=$(curl -fsS -b "$OUT/sqlmap.cookies" "$base/evaluations" \
  | grep -o 'href="/evaluations/[0-9]\{4\}-Q[1-4]"' | head -1 | sed 's|.*/||; s|"$||')
[ -n "$quarter" ] || die "no evaluated quarter on /evaluations"
params=("/enterprises?q=a&industry=x&sort=name" "/visits?q=a&from=2026-01-01"
  "/evaluations/$quarter?q=a&level=red" "/reports/monthly?month=2026-09&sort=visits")
[ "${SQLMAP_PARAMS:-1}" = 1 ] || params=()
for target in "${params[@]}"; do
  "$venv/bin/sqlmap" -u "$base$target" --cookie "$cookie" "${sqlmap_opts[@]}" \
    >>"$OUT/sqlmap.log" 2>&1 || true
done

# The POST forms, each as its role would fill it in. The form token is
# per session, but sqlmap is told where to read it (--csrf-token/--csrf-url)
# so that a rotated session or the pre-login cookie cannot make every
# answer a refusal. (No --method POST: sqlmap would fetch the token page by
# POST too, and be refused.) Prints "action<TAB>fields" of each form on a page worth
# testing (not logout, the language switch or a destructive action).
form_fields() {
  python3 -c '
import sys, urllib.parse
from html.parser import HTMLParser
skip = ("logout", "/lang", "delete", "disable", "enable", "revoke", "publish", "rotate", "retry")
class Forms(HTMLParser):
    def __init__(self):
        super().__init__(); self.forms = []; self.form = None; self.select = None; self.text = None
    def handle_starttag(self, tag, a):
        a = dict(a)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self.form = {"action": a.get("action") or "", "fields": [], "seen": set()}
        elif self.form is None:
            return
        elif tag == "input":
            kind, name = (a.get("type") or "text").lower(), a.get("name")
            if not name or kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if name in self.form["seen"]: return
                self.form["seen"].add(name)
            value = a.get("value") or ""
            if not value and kind in ("text", "search", "tel", "email", "password", "number"):
                value = "1" if kind == "number" else "test"
            self.form["fields"].append((name, value))
        elif tag == "select" and a.get("name"):
            self.select = [a["name"], None]
        elif tag == "option" and self.select is not None:
            value = a.get("value") or ""
            if self.select[1] is None and value or "selected" in a:
                self.select[1] = value
        elif tag == "textarea" and a.get("name"):
            self.text = a["name"]
    def handle_endtag(self, tag):
        if self.form is None: return
        if tag == "select" and self.select is not None:
            self.form["fields"].append((self.select[0], self.select[1] or "")); self.select = None
        elif tag == "textarea" and self.text:
            self.form["fields"].append((self.text, "test")); self.text = None
        elif tag == "form":
            self.forms.append(self.form); self.form = None
f = Forms(); f.feed(sys.stdin.read())
for form in f.forms:
    if form["action"] and not any(s in form["action"] for s in skip):
        print(form["action"] + "\t" + urllib.parse.urlencode(form["fields"]))
'
}

# The first link on a page that matches a pattern, e.g. an enterprise id.
first_link() {
  curl -fsS -b "$1" "$base$2" | grep -o "href=\"$3\"" | head -1 | sed 's/^href="//; s/"$//'
}

sqlmap_forms() {
  local role=$1 jar=$OUT/sqlmap-$1.cookies page action fields
  shift
  bench_login "$role" "$PASSWORD" "$jar"
  for page in "$@"; do
    [ -n "$page" ] || continue
    while IFS=$'\t' read -r action fields; do
      say "sqlmap as $role: POST $action (the form on $page)"
      "$venv/bin/sqlmap" -u "$base$action" --data "$fields" \
        --cookie "$(cookie_header "$jar")" --csrf-token csrf --csrf-url "$base$page" \
        --skip "csrf,form_token,version" "${sqlmap_opts[@]}" >>"$OUT/sqlmap.log" 2>&1 || true
      forms_tried=$((forms_tried + 1))
    done < <(curl -fsS -b "$jar" "$base$page" | form_fields)
  done
}
forms_tried=0
for who in $FORMS; do
  case $who in
    jn.officer1)
      jar=$OUT/sqlmap-jn.officer1.cookies
      bench_login jn.officer1 "$PASSWORD" "$jar"
      enterprise=$(first_link "$jar" /enterprises '/enterprises/[0-9]*')
      sqlmap_forms jn.officer1 /enterprises/new "$enterprise/visits/new" "$enterprise/hazards/new" \
        "$enterprise/disputes/new" "$enterprise/demands/new" "$enterprise/incidents/new" \
        /trainings/new "$(first_link "$jar" /disputes '/disputes/[0-9]*')" \
        "$(first_link "$jar" /demands '/demands/[0-9]*')" /account/password ;;
    jn.chief)
      # The run form; then the last complete quarter, run as a draft: a
      # red enterprise's override form; then published: its objection form.
      jar=$OUT/chief.cookies
      bench_login jn.chief "$PASSWORD" "$jar"
      draft=$(bench_last_quarter)
      curl -fsS -o /dev/null -b "$jar" --data-urlencode "quarter=$draft" \
        --data-urlencode "csrf=$(page_csrf "$jar" "$base/evaluations")" "$base/evaluations"
      red=$(first_link "$jar" "/evaluations/$draft?level=red" "/evaluations/$draft/[0-9]*")
      [ -n "$red" ] || die "no red enterprise in the $draft draft"
      sqlmap_forms jn.chief /evaluations "$red"
      curl -fsS -o /dev/null -b "$jar" \
        --data-urlencode "csrf=$(page_csrf "$jar" "$base/evaluations")" "$base/evaluations/$draft/publish"
      sqlmap_forms jn.chief "$red" ;;
    dept.fire)
      bench_login dept.fire "$PASSWORD" "$OUT/fire.cookies"
      push=$(first_link "$OUT/fire.cookies" /department '/department/pushes/[0-9]*')
      sqlmap_forms dept.fire "$push" "$(first_link "$OUT/fire.cookies" "$push" "$push/enterprises/[0-9]*")" ;;
    admin)
      bench_login admin "$PASSWORD" "$OUT/admin.cookies"
      sqlmap_forms admin /admin/departments /admin/policies/new \
        "$(first_link "$OUT/admin.cookies" /admin/departments '/admin/departments/[0-9]*')" ;;
    login)
      # Last, since its failures throttle: the login form, anonymous, each
      # request from another address (the demo trusts X-Forwarded-For
      # here) so that the per-address limit does not make every answer the
      # same. A failed login answers 401, which sqlmap must be told is an
      # answer.
      say "sqlmap: POST /login"
      rm -f "$OUT/anon.cookies"
      curl -fsS -c "$OUT/anon.cookies" -o /dev/null "$base/login"
      "$venv/bin/sqlmap" -u "$base/login" --data "csrf=x&username=jn.officer1&password=test" \
        --cookie "$(cookie_header "$OUT/anon.cookies")" --csrf-token csrf --csrf-url "$base/login" \
        --skip csrf --tamper xforwardedfor --ignore-code 401 "${sqlmap_opts[@]}" \
        >>"$OUT/sqlmap.log" 2>&1 || true
      forms_tried=$((forms_tried + 1)) ;;
    *) die "FORMS: no forms known for $who" ;;
  esac
done

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
printf 'sqlmap: %s POST forms and %s pages of parameters; %s injectable, %s "not injectable" verdicts (see %s/sqlmap.log)\n' \
  "$forms_tried" "${#params[@]}" "$injectable" "$tested" "$OUT"
