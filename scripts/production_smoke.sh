#!/usr/bin/env bash
# Production smoke run.
#
#   scripts/production_smoke.sh                 rehearse production locally: gunicorn,
#       COACHING_ENV=production, a private PostgreSQL database, its own Redis, the mail
#       worker as a separate process (tests/e2e/test_production.py, plus the production
#       booking journey once it is enabled). Needs PostgreSQL (TEST_DATABASE_URL or
#       127.0.0.1:5432), redis-server and chromium.
#   scripts/production_smoke.sh https://host    check a deployed site from outside:
#       health, HTTPS redirect, HSTS and the other headers, Secure cookies, robots.
#       SMOKE_INSECURE=1 accepts a self-signed certificate; SMOKE_HTTP_REDIRECT=0 skips
#       the port-80 redirect check (both for the local rehearsal).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -eq 0 ]]; then
  export COACHING_TEST_DB=postgresql
  export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgresql+psycopg://postgres@127.0.0.1:5432/test}"
  files=(tests/e2e/test_production.py)
  if ! grep -q '"journeys_pending/test_production_booking.py"' tests/e2e/conftest.py; then
    files+=(tests/e2e/journeys_pending/test_production_booking.py)
  fi
  exec .venv/bin/pytest -q -p no:cacheprovider "${files[@]}"
fi

base="${1%/}"
curl_opts=(--max-time 15)
[[ "${SMOKE_INSECURE:-0}" == 1 ]] && curl_opts+=(--insecure)
failures=0
check() {  # check "what" command...
  local what="$1"; shift
  if "$@"; then echo "ok    $what"; else echo "FAIL  $what"; failures=$((failures + 1)); fi
}
headers() { curl -fsS "${curl_opts[@]}" -o /dev/null -D - "$base$1" | tr -d '\r'; }

health="$(curl -fsS "${curl_opts[@]}" "$base/healthz" || true)"
check "/healthz reports the database ok" grep -q '"database": *"ok"' <<<"$health"

home="$(headers / || true)"
check "home page answers 200" grep -qE '^HTTP/[0-9.]+ 200' <<<"$home"
check "HSTS is sent" grep -qi '^strict-transport-security: max-age=' <<<"$home"
check "CSP without unsafe-eval" bash -c 'grep -i "^content-security-policy:" | grep -qv "unsafe-eval"' <<<"$home"
check "nosniff is sent" grep -qi '^x-content-type-options: nosniff' <<<"$home"
check "framing is refused" grep -qi '^x-frame-options: deny' <<<"$home"

if [[ "$base" == https://* && "${SMOKE_HTTP_REDIRECT:-1}" != 0 ]]; then
  plain="$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' --max-time 15 "http://${base#https://}/" || true)"
  check "http:// redirects to https://" grep -qE '^30[18] https://' <<<"$plain"
fi

cookies="$(for path in /book /dashboard/login /assessment; do headers "$path" || true; done \
  | grep -i '^set-cookie:' || true)"
if [[ -n "$cookies" ]]; then
  check "every cookie is Secure" bash -c '! grep -vqi "; *secure"' <<<"$cookies"
  check "every cookie has SameSite" bash -c '! grep -vqi "samesite="' <<<"$cookies"
else
  echo "note  no page set a cookie on GET (nothing to check for Secure)"
fi

robots="$(curl -fsS "${curl_opts[@]}" "$base/robots.txt" || true)"
check "robots.txt keeps out of /dashboard/" grep -q 'Disallow: /dashboard/' <<<"$robots"
dash="$(headers /dashboard/ || true)"
check "/dashboard/ sends strangers to the login" grep -qiE '^location: .*/dashboard/login' <<<"$dash"

if ((failures)); then echo "$failures check(s) failed"; exit 1; fi
echo "all checks passed for $base"
