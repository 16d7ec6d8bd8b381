#!/usr/bin/env bash
# Schema-driven fuzzing of the REST API with schemathesis: every operation of /api/schema/, a bounded number of
# examples each, as an account manager and as an administrator, on the demo company. Fails on any 5xx
# (the `not_a_server_error` check). Runs in .ci/run against PostgreSQL (where bounded columns raise
# DataError, which SQLite does not); locally: DATABASE_URL=postgres://... bash scripts/fuzz_api.sh
#
#   FUZZ_EXAMPLES   examples per operation and role (default 6)
#   FUZZ_MAX_TIME   time budget per role in seconds (default 240; CI gives 75)
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to a database to fuzz (it is written to)}"
EXAMPLES=${FUZZ_EXAMPLES:-6}
MAX_TIME=${FUZZ_MAX_TIME:-240}
PORT=${FUZZ_PORT:-18767}
PY=.venv/bin/python
export DEBUG=0 SECRET_KEY="fuzz-$(head -c 32 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')" ALLOWED_HOSTS=127.0.0.1
export API_DOCS_PUBLIC=1 API_TOKEN_THROTTLE=10000/min SECURE_SSL_REDIRECT=0 SESSION_COOKIE_SECURE=0 CSRF_COOKIE_SECURE=0

$PY manage.py migrate --noinput -v0
# DEBUG off serves hashed static names from the manifest, as production does after its build's collectstatic;
# without it every page (the styled 404 that schemathesis' path probe reaches, too) fails to render.
$PY manage.py collectstatic --noinput -v0
$PY manage.py seed_demo --quiet
token() { $PY manage.py drf_create_token "$1" | awk '{print $3}'; }
MANAGER_TOKEN=$(token zhangwei)
ADMIN_TOKEN=$(token admin)

LOG=$(mktemp -d)
.venv/bin/gunicorn crm.wsgi:application --bind "127.0.0.1:${PORT}" --workers 2 --timeout 60 \
  --access-logfile /dev/null > "$LOG/gunicorn.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
trap 'exit 130' INT TERM
for _ in $(seq 60); do curl -fsS "http://127.0.0.1:${PORT}/healthz" >/dev/null 2>&1 && break; sleep 1; done

# The two roles run side by side as two processes, each with one worker thread: schemathesis' hypothesis parses
# lambda sources with ast.parse, which on CPython 3.11 is not thread-safe ("AST constructor recursion depth
# mismatch", CPython gh-106905, not fixed in 3.11), so two threads in one process can fail the run on the tool
# itself. Two processes give the same load without sharing that state.
fuzz() {
  local who=$1 header=$2
  echo "--- schemathesis as the ${who} (${EXAMPLES} examples per operation, at most ${MAX_TIME} s)"
  .venv/bin/schemathesis run "http://127.0.0.1:${PORT}/api/schema/" \
    --header "$header" --checks not_a_server_error --max-examples "$EXAMPLES" --max-time "$MAX_TIME" \
    --workers 1 --seed 20261206 --no-shrink --request-timeout 30 --warnings off
}
fuzz manager "Authorization: Token ${MANAGER_TOKEN}" > "$LOG/manager.log" 2>&1 &
MANAGER=$!
fuzz admin "Authorization: Token ${ADMIN_TOKEN}" > "$LOG/admin.log" 2>&1 &
ADMIN=$!
status=0
wait $MANAGER || status=1
wait $ADMIN || status=1
cat "$LOG/manager.log" "$LOG/admin.log"
if [ $status -ne 0 ]; then
  echo "--- server errors logged:"; grep -A30 " ERROR " "$LOG/gunicorn.log" | tail -120 || true
fi
exit $status
