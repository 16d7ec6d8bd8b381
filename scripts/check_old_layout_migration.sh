#!/usr/bin/env bash
# Prove that a PostgreSQL database created and filled by the OLD app layout migrates to the
# current code without losing a row (models moved between apps keep their tables and content types).
#
#   bash scripts/check_old_layout_migration.sh [OLD_COMMIT]
#
#   OLD_COMMIT  the old layout's commit (argument or env; default 21d5177, the last commit
#               before the restructure). Its tree is extracted with `git archive`.
#   NEW_TREE    the tree to migrate to (env; default: this repository's working tree).
#   ORPHANS=1   before migrating, make some rows point at deleted rows, as a real database may have (a
#               named account of a deleted customer, a team plan of a deleted opportunity with its
#               contact strategies, a strategy of a deleted contact, a meeting of a deleted activity, a key
#               interaction of a deleted opportunity): the migration must still pass and remove exactly
#               those, and every other table must keep its rows.
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) and psql. Uses this repo's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
started=$SECONDS

OLD_COMMIT="${1:-${OLD_COMMIT:-21d5177}}"
ORPHANS="${ORPHANS:-}"
NEW_TREE="${NEW_TREE:-$ROOT}"
PY="$ROOT/.venv/bin/python"
PGHOST=127.0.0.1
PGPORT=5432
PGUSER=postgres
DB="crm_layout_$$"

die() { printf 'old-layout migration: FAIL: %s\n' "$*" >&2; exit 1; }
say() { printf '[old-layout %3ss] %s\n' "$(( SECONDS - started ))" "$*"; }

[ -x "$PY" ] || die "$PY not found: run 'make install' first"
[ -f "$NEW_TREE/manage.py" ] || die "NEW_TREE=$NEW_TREE has no manage.py"
NEW_TREE=$(cd "$NEW_TREE" && pwd)
command -v psql >/dev/null || die "psql is not installed"
psql_q() { psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -X -v ON_ERROR_STOP=1 -q "$@"; }
psql_q -d postgres -tAc 'SELECT 1' >/dev/null 2>&1 \
  || die "PostgreSQL is not reachable at $PGUSER@$PGHOST:$PGPORT (start it, e.g. .ci/run's 'services' step)"
git rev-parse --verify -q "${OLD_COMMIT}^{commit}" >/dev/null \
  || die "commit '$OLD_COMMIT' not found (a shallow clone? try 'git fetch --unshallow')"

tmp=$(mktemp -d)
db_created=""
cleanup() {
  local rc=$?
  if [ -n "$db_created" ]; then
    psql_q -d postgres -c "DROP DATABASE IF EXISTS ${DB} WITH (FORCE)" >/dev/null 2>&1 || true
  fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT

say "old layout: $(git rev-parse --short "$OLD_COMMIT") -> new tree: $NEW_TREE (database $DB)"
mkdir -p "$tmp/old"
git archive "$OLD_COMMIT" | tar -x -C "$tmp/old"

psql_q -d postgres -c "CREATE DATABASE ${DB}" >/dev/null
db_created=1

# Only this script's settings: development mode, our database, Celery tasks run eagerly.
unset CELERY_BROKER_URL PYTHONPATH
export CELERY_TASK_ALWAYS_EAGER=1
export DEBUG=1 DATABASE_URL="postgres://${PGUSER}@${PGHOST}:${PGPORT}/${DB}"
export DJANGO_SETTINGS_MODULE=crm.settings

# run_in TREE LOG manage.py-args...: quiet on success, the log's tail on failure.
run_in() {
  local tree=$1 log=$2; shift 2
  if ! (cd "$tree" && "$PY" manage.py "$@") >"$log" 2>&1; then
    echo "--- manage.py $* failed in $tree; last lines of its output:" >&2
    tail -n 40 "$log" >&2
    die "manage.py $* failed in $tree"
  fi
}

# Exact row count of every table in schema public but django_migrations: "table<TAB>rows", sorted.
count_rows() {
  psql_q -d "$DB" -tA -F $'\t' -c "
    SELECT c.relname,
           (xpath('/row/n/text()',
                  query_to_xml(format('SELECT count(*) AS n FROM %I.%I', n.nspname, c.relname),
                               false, true, '')))[1]::text::bigint
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> 'django_migrations'
     ORDER BY c.relname" | LC_ALL=C sort >"$1"
}
content_types() {
  psql_q -d "$DB" -tA -F $'\t' -c \
    "SELECT id, app_label, model FROM django_content_type ORDER BY id" >"$1"
}

say "old tree: migrate"
run_in "$tmp/old" "$tmp/old-migrate.log" migrate --noinput
say "old tree: seed_demo"
run_in "$tmp/old" "$tmp/old-seed.log" seed_demo --quiet
# The tables the orphan rows live in: with ORPHANS=1 they may lose exactly their orphans.
ORPHAN_TABLES="teams_territoryaccount teams_teamplan teams_contactstrategy teams_teammeeting teams_keyinteraction"
MISSING=2000000000  # an id no row has
if [ -n "$ORPHANS" ]; then
  say "old tree: making orphans"
  psql_q -d "$DB" -c "
    UPDATE teams_territoryaccount SET customer_id = ${MISSING} WHERE id = (SELECT min(id) FROM teams_territoryaccount);
    UPDATE teams_teamplan SET opportunity_id = ${MISSING}
     WHERE id = (SELECT min(plan_id) FROM teams_contactstrategy);
    UPDATE teams_contactstrategy SET contact_id = ${MISSING} + 1
     WHERE id = (SELECT max(id) FROM teams_contactstrategy
                  WHERE plan_id <> (SELECT min(plan_id) FROM teams_contactstrategy));
    UPDATE teams_teammeeting SET activity_id = ${MISSING} WHERE id = (SELECT min(id) FROM teams_teammeeting);
    UPDATE teams_keyinteraction SET opportunity_id = ${MISSING} WHERE id = (SELECT min(id) FROM teams_keyinteraction);"
  orphan_rows=$(psql_q -d "$DB" -tAc "
    SELECT (SELECT count(*) FROM teams_territoryaccount WHERE customer_id = ${MISSING})
         + (SELECT count(*) FROM teams_teamplan WHERE opportunity_id = ${MISSING})
         + (SELECT count(*) FROM teams_contactstrategy WHERE contact_id = ${MISSING} + 1)
         + (SELECT count(*) FROM teams_teammeeting WHERE activity_id = ${MISSING})
         + (SELECT count(*) FROM teams_keyinteraction WHERE opportunity_id = ${MISSING})")
  [ "$orphan_rows" = 5 ] || die "expected 5 orphan rows in the demo data, made $orphan_rows (is the demo data smaller?)"
fi
count_rows "$tmp/before.tsv"
content_types "$tmp/ct-before.tsv"
say "old tree: $(wc -l <"$tmp/before.tsv") tables, $(awk -F'\t' '{s+=$2} END {print s+0}' "$tmp/before.tsv") rows"

say "new tree: migrate"
run_in "$NEW_TREE" "$tmp/new-migrate.log" migrate --noinput
count_rows "$tmp/after.tsv"
content_types "$tmp/ct-after.tsv"

failed=""
# 1. Every old table still exists with exactly the same number of rows. Tables that later migrations add
#    rows to (the permissions and content types of new models, new beat schedules) may grow, never shrink.
LC_ALL=C join -t $'\t' -a 1 -a 2 -e '-' -o 0,1.2,2.2 "$tmp/before.tsv" "$tmp/after.tsv" >"$tmp/joined.tsv"
awk -F'\t' -v skip="${ORPHANS:+$ORPHAN_TABLES}" '
  BEGIN { n = split(skip, names, " "); for (i = 1; i <= n; i++) orphan[names[i]] }
  function grows(t) { return t == "auth_permission" || t == "django_content_type" || t ~ /^django_celery_beat_/ }
  $2 != "-" && $2 != $3 && !($1 in orphan) && !(grows($1) && $3 != "-" && $3 + 0 > $2 + 0)' \
  "$tmp/joined.tsv" >"$tmp/diff.tsv"
if [ -n "$ORPHANS" ]; then
  dangling=$(psql_q -d "$DB" -tAc "
    SELECT (SELECT count(*) FROM teams_territoryaccount a LEFT JOIN accounts_customer c ON c.id = a.customer_id
             WHERE c.id IS NULL)
         + (SELECT count(*) FROM teams_teamplan p LEFT JOIN opportunities_opportunity o ON o.id = p.opportunity_id
             WHERE o.id IS NULL)
         + (SELECT count(*) FROM teams_contactstrategy s LEFT JOIN accounts_contact c ON c.id = s.contact_id
             WHERE c.id IS NULL)
         + (SELECT count(*) FROM teams_teammeeting m LEFT JOIN opportunities_activity a ON a.id = m.activity_id
             WHERE a.id IS NULL)
         + (SELECT count(*) FROM teams_keyinteraction k LEFT JOIN opportunities_opportunity o
             ON o.id = k.opportunity_id WHERE o.id IS NULL)")
  lost=$(awk -F'\t' -v skip="$ORPHAN_TABLES" 'BEGIN { n = split(skip, names, " "); for (i = 1; i <= n; i++) o[names[i]] }
    ($1 in o) { s += $2 - $3 } END { print s + 0 }' "$tmp/joined.tsv")
  echo "orphans: 5 made; ${lost} rows removed from the orphan tables (the team plan's contact strategies with it); ${dangling} left dangling"
  [ "$dangling" = 0 ] || failed=1
  [ "$lost" -ge 5 ] || { echo "fewer rows removed than orphans made"; failed=1; }
fi
awk -F'\t' '$2 == "-"' "$tmp/joined.tsv" >"$tmp/new.tsv"
if [ -s "$tmp/diff.tsv" ]; then
  echo "Tables whose row count changed or that disappeared (before -> after; '-' = table gone):"
  { printf 'table\tbefore\tafter\n'; cat "$tmp/diff.tsv"; } | column -t -s $'\t' | sed 's/^/  /'
  failed=1
fi
if [ -s "$tmp/new.tsv" ]; then
  echo "New tables (allowed):"
  awk -F'\t' '{printf "  %s (%s rows)\n", $1, $3}' "$tmp/new.tsv"
fi
for t in django_content_type auth_permission; do
  printf '%s: %s -> %s rows\n' "$t" \
    "$(awk -F'\t' -v t="$t" '$1 == t {print $2}' "$tmp/joined.tsv")" \
    "$(awk -F'\t' -v t="$t" '$1 == t {print $3}' "$tmp/joined.tsv")"
done

# 2. Content type ids are preserved: every old id is still there (a moved model's row is relabelled,
#    not replaced), so generic foreign keys, permissions and admin log entries keep pointing right.
LC_ALL=C join -t $'\t' -v 1 <(cut -f1 "$tmp/ct-before.tsv" | LC_ALL=C sort) \
  <(cut -f1 "$tmp/ct-after.tsv" | LC_ALL=C sort) >"$tmp/ct-lost.txt" || true
if [ -s "$tmp/ct-lost.txt" ]; then
  echo "Content types deleted by the migration (their ids are gone):"
  awk -F'\t' 'NR == FNR {lost[$1]; next} $1 in lost {printf "  #%s %s.%s\n", $1, $2, $3}' \
    "$tmp/ct-lost.txt" "$tmp/ct-before.tsv"
  failed=1
fi
LC_ALL=C join -t $'\t' "$tmp/ct-before.tsv" "$tmp/ct-after.tsv" \
  | awk -F'\t' '$2"."$3 != $4"."$5 {printf "  #%s %s.%s -> %s.%s\n", $1, $2, $3, $4, $5}' >"$tmp/ct-moved.txt"
if [ -s "$tmp/ct-moved.txt" ]; then
  echo "Content types relabelled (id kept):"; cat "$tmp/ct-moved.txt"
fi

# 3. No stale content types: every row maps to a model installed in the new tree.
run_in "$NEW_TREE" "$tmp/stale.log" shell -c '
from django.contrib.contenttypes.models import ContentType
for ct in ContentType.objects.order_by("id"):
    if ct.model_class() is None:
        print(f"STALE\t#{ct.id} {ct.app_label}.{ct.model}")
print("STALE-CHECK-DONE")
'
grep -q '^STALE-CHECK-DONE$' "$tmp/stale.log" || { cat "$tmp/stale.log" >&2; die "stale content type check did not run"; }
if grep -q '^STALE'$'\t' "$tmp/stale.log"; then
  echo "Stale content types (no installed model in the new tree):"
  grep '^STALE'$'\t' "$tmp/stale.log" | cut -f2 | sed 's/^/  /'
  failed=1
fi

tables=$(wc -l <"$tmp/before.tsv")
rows=$(awk -F'\t' '{s+=$2} END {print s+0}' "$tmp/before.tsv")
new=$(wc -l <"$tmp/new.tsv")
if [ -n "$failed" ]; then
  die "$tables old tables, $rows rows: see above ($(( SECONDS - started ))s)"
fi
printf 'old-layout migration%s: %s tables, %s rows, all kept%s; %s new tables (%ss)\n' \
  "${ORPHANS:+ with orphans}" "$tables" "$rows" "${ORPHANS:+ but the orphans}" "$new" "$(( SECONDS - started ))"
