#!/usr/bin/env bash
# Schemathesis against a live `interdict serve` on loopback: a fresh data directory, a
# bootstrapped coalition (admin commands), the example watchlist, then every operation of the
# server's own OpenAPI document with a bounded number of generated examples. Fails on a 500, on
# an answer that does not conform to the document, or on a crash.
#   bench/schemathesis.sh target/debug/interdict [EXAMPLES]
set -euo pipefail
bin=$(readlink -f "$1"); examples=${2:-30}
cd "$(dirname "$0")/.."
st=${SCHEMATHESIS:-.ci/.venv/bin/schemathesis}
data=$(mktemp -d)
log=$(mktemp)
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$data" "$log"; }
trap cleanup EXIT
token=$("$bin" --data-dir "$data" --json admin init --email admin@secretariat.test | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
"$bin" --data-dir "$data" lists import --format csv --name coalition examples/watchlist.csv
# A member organisation's officer too: most operations (incidents, notifications, alerts) answer
# a secretariat admin with what it may do, and an officer's requests reach their other paths.
org=$("$bin" --data-dir "$data" --json admin org add --name "MX customs" --country MX --kind customs | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
"$bin" --data-dir "$data" --json admin user add --org "$org" --email officer@customs.mx.test --role officer >/dev/null
officer=$("$bin" --data-dir "$data" --json admin token create --user officer@customs.mx.test | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
"$bin" --data-dir "$data" serve --listen 127.0.0.1:0 --insecure-cookies 2>"$log" &
pid=$!
for _ in $(seq 1 100); do grep -q "serving on" "$log" && break; sleep 0.2; done
base=$(grep -o 'http://[0-9.:]*' "$log" | head -1)
[ -n "$base" ] || { cat "$log"; echo "the server did not start"; exit 1; }
echo "schemathesis: $base, $examples examples per operation"
# not_a_server_error: no 500; response_schema_conformance / content_type_conformance /
# status_code_conformance: every answer is one the document describes.
run() {
  local as=$1 bearer=$2; shift 2
  echo "== as $as"
  "$st" run "$base/api/openapi.json" \
    --url "$base" \
    --header "Authorization: Bearer $bearer" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance \
    --max-examples "$examples" \
    --exclude-path /api/v1/session \
    --request-timeout 30 \
    --seed 1 \
    --no-color "$@"
}
# The run must keep its credentials to the end: DELETE /api/v1/tokens/{id} (revoke_token) is
# given the caller's own token id by the links from GET /api/v1/tokens, and a revoked token made
# every later operation answer 401 unheard (35 of 60 operations once). So it runs last, alone.
alive() {
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $2" "$base/api/v1/tokens")
  [ "$code" = 200 ] || { echo "the $1 token answers $code after its run: the run lost its credentials"; exit 1; }
}
run admin "$token" --exclude-operation-id revoke_token
alive admin "$token"
run officer "$officer" --exclude-operation-id revoke_token
alive officer "$officer"
run "admin (revoking tokens)" "$token" --include-operation-id revoke_token
kill -0 "$pid" || { cat "$log"; echo "the server died"; exit 1; }
