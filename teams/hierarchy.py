"""Tree queries over self-referencing tables, each one SQL statement whatever the depth.

A recursive CTE works the same on PostgreSQL and SQLite, needs no extra columns to keep in
step, and is used as a subquery (`pk__in=...`), so callers compose it with other filters.
The recursion stops at `MAX_DEPTH` so that a cycle that slipped into the data (by a raw SQL
edit, say) cannot make a query run forever.
"""

from __future__ import annotations

from django.db.models.expressions import RawSQL

MAX_DEPTH = 50


def descendants_sql(table: str, parent_column: str, root_id: int, *, include_root: bool) -> RawSQL:
    """Ids of every row under `root_id` (and the root itself if asked) as a subquery."""
    root_filter = "" if include_root else "WHERE depth > 0"
    sql = (
        f"WITH RECURSIVE tree(id, depth) AS ("  # noqa: S608 - table and column are code constants
        f" SELECT id, 0 FROM {table} WHERE id = %s"
        f" UNION SELECT child.id, tree.depth + 1 FROM {table} child"
        f" JOIN tree ON child.{parent_column} = tree.id WHERE tree.depth < {MAX_DEPTH}"
        f") SELECT id FROM tree {root_filter}"
    )
    return RawSQL(sql, (root_id,))  # noqa: S611 - the id is a bound parameter


def ancestors_sql(table: str, parent_column: str, start_id: int) -> RawSQL:
    """Ids of every row above `start_id` (its parent, the parent's parent, ...) as a subquery."""
    sql = (
        f"WITH RECURSIVE up(id, parent, depth) AS ("  # noqa: S608 - table and column are code constants
        f" SELECT id, {parent_column}, 0 FROM {table} WHERE id = %s"
        f" UNION SELECT p.id, p.{parent_column}, up.depth + 1 FROM {table} p"
        f" JOIN up ON p.id = up.parent WHERE up.depth < {MAX_DEPTH}"
        f") SELECT id FROM up WHERE depth > 0"
    )
    return RawSQL(sql, (start_id,))  # noqa: S611 - the id is a bound parameter
