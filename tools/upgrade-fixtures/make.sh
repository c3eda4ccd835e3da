#!/usr/bin/env bash
# Writes the upgrade fixture of one earlier release (issue 19: "a database written by each
# earlier release is kept as a fixture and migrated forward in a test").
#
#   tools/upgrade-fixtures/make.sh NAME BINARY SOURCE_TREE [POSTGRES_ADMIN_URL]
#
# With POSTGRES_ADMIN_URL (postgres://postgres@127.0.0.1:5432/postgres) and a release that had
# the PostgreSQL backend, the same commands also run against a fresh PostgreSQL database,
# dumped with pg_dump as NAME.postgres.sql (tokens in NAME.postgres.json).
#
# BINARY is `interdict` built from the release's commit (a `git worktree add --detach` of it,
# `cargo build -p interdict`); SOURCE_TREE is that worktree, whose examples/ the release's
# commands read. The data directory that release writes, as it wrote it, is dumped as SQL text
# (reviewable, diffable) to crates/cli/tests/fixtures/upgrade/NAME.sql with SQLite's
# user_version appended, and what the test needs to check it (tokens, the audit key) beside it
# as NAME.json and NAME.audit.key. Only the example files of the repository are imported; no
# watchlist from ../shared is copied in.
#
# Which commands a release had decides what it writes:
#   engine era (no `admin`): lists, ALR, PEN and recorded screening;
#   platform releases: also the secretariat, an organisation, users and tokens;
#   releases with `incidents`: also incidents and the audit log.
set -euo pipefail
name=$1
bin=$(readlink -f "$2")
tree=$(readlink -f "$3")
pg_admin=${4:-}
out="$(cd "$(dirname "$0")/../.." && pwd)/crates/cli/tests/fixtures/upgrade"
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$work/data"
export INTERDICT_AUDIT_KEY="$work/audit.key"
# Writes what the release can write into $database; leaves its tokens in $tokens.
write_release() {
database=$1
# The engine era had only a data directory (`--data-dir`); later releases take `--database`.
where() { if "$bin" --help | grep -q -- '--database'; then echo "--database $1"; else echo "--data-dir $1"; fi; }
has() { "$bin" "$@" --help >/dev/null 2>&1; }

"$bin" $(where "$database") lists import --format csv examples/watchlist.csv --name coalition >/dev/null
"$bin" $(where "$database") alr import examples/alr.csv >/dev/null
"$bin" $(where "$database") pens import examples/pens.csv >/dev/null
"$bin" $(where "$database") screen examples/declarations.csv --record >/dev/null || [ $? -eq 1 ]

tokens='{}'
if has admin init; then
  admin=$("$bin" $(where "$database") --json admin init --email admin@secretariat.test)
  org=$("$bin" $(where "$database") --json admin org add --name "Aduanas de Mexico" --country MX --kind customs | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
  "$bin" $(where "$database") --json admin user add --org "$org" --email officer@aduanas.test --role officer >/dev/null
  officer=$("$bin" $(where "$database") --json admin token create --user officer@aduanas.test | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  tokens=$(python3 -c 'import json,sys; a=json.loads(sys.argv[1]); print(json.dumps({"admin": a["token"], "officer": sys.argv[2], "organisation": sys.argv[3]}))' "$admin" "$officer" "$org")
fi
if has incidents import; then
  head -41 examples/incidents.csv > "$work/incidents.csv"
  "$bin" $(where "$database") incidents import "$work/incidents.csv" --user officer@aduanas.test >/dev/null || [ $? -eq 1 ]
fi

}
cd "$tree"
write_release "$data"
db="$data/interdict.sqlite3"
sqlite3 "$db" 'PRAGMA wal_checkpoint(TRUNCATE);' >/dev/null
version=$(sqlite3 "$db" 'PRAGMA user_version;')
{
  echo "-- Written by $(git -C "$tree" rev-parse HEAD) ($(git -C "$tree" log -1 --format=%cs)), schema $version,"
  echo "-- by tools/upgrade-fixtures/make.sh. Do not edit: regenerate from that commit."
  sqlite3 "$db" .dump
  echo "PRAGMA user_version=$version;"
} > "$out/$name.sql"
python3 - "$out/$name.json" "$tokens" "$(git -C "$tree" rev-parse HEAD)" "$version" <<'PY'
import json, sys
path, tokens, commit, version = sys.argv[1], json.loads(sys.argv[2]), sys.argv[3], int(sys.argv[4])
json.dump({"commit": commit, "schema": version, **tokens}, open(path, "w"), indent=1)
open(path, "a").write("\n")
PY
[ -f "$work/audit.key" ] && cp "$work/audit.key" "$out/$name.audit.key"
echo "$out/$name.sql: schema $version, $(grep -c '^INSERT' "$out/$name.sql") rows"

if [ -n "$pg_admin" ] && "$bin" --help | grep -q -- '--database'; then
  pgname="interdict_fixture_$$"
  psql "$pg_admin" -qc "CREATE DATABASE $pgname" >/dev/null
  trap 'psql "$pg_admin" -qc "DROP DATABASE IF EXISTS $pgname WITH (FORCE)" >/dev/null 2>&1; rm -rf "$work"' EXIT
  rm -f "$work/audit.key"
  write_release "${pg_admin%/*}/$pgname"
  {
    echo "-- Written by $(git -C "$tree" rev-parse HEAD) ($(git -C "$tree" log -1 --format=%cs)) on PostgreSQL,"
    echo "-- by tools/upgrade-fixtures/make.sh. Do not edit: regenerate from that commit."
    pg_dump --no-owner "${pg_admin%/*}/$pgname" | grep -v '^SELECT pg_catalog.set_config(.search_path'
  } > "$out/$name.postgres.sql"
  python3 -c 'import json,sys; t=json.loads(sys.argv[1]); json.dump({"commit": sys.argv[2], **t}, open(sys.argv[3], "w"), indent=1); open(sys.argv[3], "a").write("\n")' "$tokens" "$(git -C "$tree" rev-parse HEAD)" "$out/$name.postgres.json"
  [ -f "$work/audit.key" ] && cp "$work/audit.key" "$out/$name.postgres.audit.key"
  echo "$out/$name.postgres.sql: $(grep -c '^COPY' "$out/$name.postgres.sql") tables"
fi
