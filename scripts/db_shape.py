"""The shape and the content of the database at DATABASE_URL, to compare two ways of building it.

    python scripts/db_shape.py dump FILE      # tables, columns, indexes, constraints, extensions, every row
    python scripts/db_shape.py compare A B    # exit 1 and say what differs

Rows are compared without their ids (and the ids they point at through content types and schedules), which
depend on the order rows were written in; timestamps of when a row was written are left out.
"""

from __future__ import annotations

import json
import os
import sys

IDS = ("id", "content_type_id", "crontab_id", "interval_id")
WHEN = ("date_changed", "last_run_at", "created", "created_at", "updated_at")


def dump(path: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")
    os.environ.setdefault("DEBUG", "1")
    sys.path.insert(0, os.getcwd())
    import django

    django.setup()
    from django.db import connection

    shape: dict = {"columns": {}, "rows": {}, "indexes": [], "constraints": [], "extensions": []}
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT column_name, data_type, is_nullable, column_default, character_maximum_length,"
                    " numeric_precision, numeric_scale FROM information_schema.columns WHERE table_name = %s",
                    [table])
                shape["columns"][table] = sorted(map(list, cursor.fetchall()))
            else:
                cursor.execute(f'PRAGMA table_info("{table}")')
                shape["columns"][table] = sorted([r[1], r[2], r[3], r[4], r[5]] for r in cursor.fetchall())
                cursor.execute(f'PRAGMA foreign_key_list("{table}")')
                shape["constraints"] += sorted([table, *map(str, r[2:7])] for r in cursor.fetchall())
            if table == "django_migrations":
                continue
            cursor.execute(f'SELECT * FROM "{table}"')  # noqa: S608 -- a name the database listed
            names = [d[0] for d in cursor.description]
            rows = []
            for values in cursor.fetchall():
                row = {k: str(v) for k, v in zip(names, values, strict=True) if k not in IDS + WHEN}
                rows.append(json.dumps(row, sort_keys=True, ensure_ascii=False))
            shape["rows"][table] = sorted(rows)
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
            shape["indexes"] = sorted(map(list, cursor.fetchall()))
            cursor.execute("SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid)"
                           " FROM pg_constraint WHERE connamespace = 'public'::regnamespace")
            shape["constraints"] = sorted(map(list, cursor.fetchall()))
            cursor.execute("SELECT extname FROM pg_extension")
            shape["extensions"] = sorted(r[0] for r in cursor.fetchall())
        else:
            cursor.execute("SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index'")
            shape["indexes"] = sorted([a, b, s or ""] for a, b, s in cursor.fetchall())
    with open(path, "w") as out:
        json.dump(shape, out, ensure_ascii=False, sort_keys=True)
    print(f"{len(tables)} tables, {sum(map(len, shape['rows'].values()))} rows")


def compare(first: str, second: str) -> int:
    with open(first) as a, open(second) as b:
        one, two = json.load(a), json.load(b)
    differences = 0
    for part in ("columns", "rows"):
        for table in sorted(set(one[part]) | set(two[part])):
            x, y = one[part].get(table), two[part].get(table)
            if x != y:
                differences += 1
                print(f"{part} of {table} differ:")
                print("  only in the first: ", [i for i in x or [] if i not in (y or [])][:5])
                print("  only in the second:", [i for i in y or [] if i not in (x or [])][:5])
    for part in ("indexes", "constraints", "extensions"):
        if one[part] != two[part]:
            differences += 1
            print(f"{part} differ:")
            print("  only in the first: ", [i for i in one[part] if i not in two[part]][:10])
            print("  only in the second:", [i for i in two[part] if i not in one[part]][:10])
    print(f"{len(one['columns'])} tables compared: {differences or 'no'} difference(s)")
    return 1 if differences else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["dump"] and len(sys.argv) == 3:
        dump(sys.argv[2])
    elif sys.argv[1:2] == ["compare"] and len(sys.argv) == 4:
        sys.exit(compare(sys.argv[2], sys.argv[3]))
    else:
        sys.exit(__doc__)
