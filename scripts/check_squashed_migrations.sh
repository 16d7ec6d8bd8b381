#!/usr/bin/env bash
# Prove that the squashed migrations build the same database as the whole history they replace: a new
# PostgreSQL database migrated by this tree, and another migrated by the same tree without its squashed
# migrations (so by every replaced one), have the same tables, columns, indexes, constraints and rows
# (scripts/db_shape.py). Also says how long each path takes.
#
#   bash scripts/check_squashed_migrations.sh
#
# Needs PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth) and psql. Uses this repo's .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
PY="$ROOT/.venv/bin/python"
psql_q() { psql -h 127.0.0.1 -p 5432 -U postgres -X -v ON_ERROR_STOP=1 -q "$@"; }
SQUASHED="crm_squashed_$$"
HISTORY="crm_history_$$"
tmp=$(mktemp -d)
cleanup() {
  psql_q -d postgres -c "DROP DATABASE IF EXISTS ${SQUASHED} WITH (FORCE)" >/dev/null 2>&1 || true
  psql_q -d postgres -c "DROP DATABASE IF EXISTS ${HISTORY} WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

# The tree as committed and changed, without its squashed migrations.
git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf - | tar -xf - -C "$tmp"
squashes=$(grep -l "^    replaces = \[" "$tmp"/*/migrations/0*.py)
[ -n "$squashes" ] || { echo "no squashed migration found"; exit 1; }
# A migration written after a squash depends on it; without the squash it follows the last migration of its
# app that the squash replaced (what Django's loader does while both exist).
"$PY" - "$tmp" $squashes <<'PYTHON'
import ast
import sys
from pathlib import Path

tree, squashes = Path(sys.argv[1]), [Path(name) for name in sys.argv[2:]]
renamed = {}
for path in squashes:
    app = path.parent.parent.name
    module = ast.parse(path.read_text())
    replaces = next(ast.literal_eval(node.value) for node in ast.walk(module)
                    if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "replaces")
    renamed[(app, path.stem)] = [name for label, name in replaces if label == app][-1]
for path in tree.glob("*/migrations/0*.py"):
    if path in squashes:
        continue
    text = original = path.read_text()
    for (app, squash), last in renamed.items():
        text = text.replace(f'("{app}", "{squash}")', f'("{app}", "{last}")')
        text = text.replace(f"('{app}', '{squash}')", f"('{app}', '{last}')")
    if text != original:
        path.write_text(text)
        print(f"{path.relative_to(tree)}: follows the replaced migrations")
PYTHON
rm $squashes

unset CELERY_BROKER_URL PYTHONPATH
export DEBUG=1 CELERY_TASK_ALWAYS_EAGER=1 DJANGO_SETTINGS_MODULE=crm.settings
for db in "$SQUASHED" "$HISTORY"; do psql_q -d postgres -c "CREATE DATABASE ${db}"; done

migrate() {  # migrate TREE DB LABEL
  local started=$SECONDS
  (cd "$1" && DATABASE_URL="postgres://postgres@127.0.0.1:5432/$2" "$PY" manage.py migrate --noinput -v0)
  echo "$3: migrated in $(( SECONDS - started )) s"
  (cd "$1" && DATABASE_URL="postgres://postgres@127.0.0.1:5432/$2" "$PY" "$ROOT/scripts/db_shape.py" dump "$tmp/$2.json")
}
migrate "$ROOT" "$SQUASHED" "squashed migrations"
migrate "$tmp" "$HISTORY" "the whole history"
"$PY" scripts/db_shape.py compare "$tmp/$HISTORY.json" "$tmp/$SQUASHED.json"
