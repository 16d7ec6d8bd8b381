"""How many rows a list holds, without reading every row of a large one.

A list counts exactly up to `LIST_EXACT_COUNT_LIMIT` rows (default 10,000): one query that stops
reading at the limit, so its cost does not grow with the visible set. Above the limit the figure is
PostgreSQL's own estimate of the filtered query (EXPLAIN, a millisecond), which pages show as
"about 296,000" and the API marks with `count_exact: false`; the exact figure is computed only when
asked (`?exact=1` on a page, `?exact_count=1` in the API). SQLite has no estimate: the list then
says "more than 10,000". Pages and API pages stop at the same depth, so every page offered exists
and no query skips more than that many rows.

An estimate is kept in the shared cache for `LIST_ESTIMATE_CACHE_SECONDS` (default 60), keyed by the
counted query's SQL and parameters (which hold the viewer's visible owners and the filters), so the next
request for the same list reads neither the limit's rows nor the plan again. Only estimates are kept: a list
within the limit is counted exactly on every request, and `?exact=1` always counts. With the database as the
cache (no `CACHE_URL`) nothing is kept, since the cache read would be a query itself.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Case, Count, Q, QuerySet, Sum, Value, When
from django.utils.functional import cached_property


def exact_count_limit() -> int:
    return settings.LIST_EXACT_COUNT_LIMIT


@dataclass(frozen=True)
class Tally:
    """A list's size: `count` is exact when `exact`, otherwise an estimate above the limit (or the limit
    itself when the database gives none, `estimated` False). `amount` is the sum of the amount column when
    it was asked for and the count is exact; None otherwise (never a partial sum)."""

    count: int
    exact: bool
    amount: Decimal | None = None
    estimated: bool = False
    limit: int | None = None  # the exact-count limit it was counted up to, when not LIST_EXACT_COUNT_LIMIT

    @property
    def more_than(self) -> int:
        """What an inexact count surely exceeds."""
        return exact_count_limit() if self.limit is None else self.limit


def _round_estimate(rows: float) -> int:
    """Three significant figures: an estimate does not pretend to be exact to the unit."""
    value = max(int(rows), 1)
    digits = len(str(value))
    step = 10 ** max(digits - 3, 0)
    return round(value / step) * step


def estimated_count(queryset: QuerySet) -> int | None:
    """The planner's estimate of how many rows the query returns (PostgreSQL only; None elsewhere)."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return None
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return _round_estimate(plan[0]["Plan"]["Plan Rows"])


def list_tally(queryset: QuerySet, *, amount_field: str | None = None, exact: bool = False,
               limit: int | None = None) -> Tally:
    """Count `queryset` (and sum `amount_field`) reading at most the limit's rows, in one query; above the
    limit, the planner's estimate (one more query). `exact` counts and sums everything, however many. `limit`:
    another exact-count limit than the lists' (a workbench card, which shows a figure and no pages)."""
    custom = limit
    limit = exact_count_limit() if limit is None else limit
    kept = None if exact else _estimate_key(queryset, limit)
    known = cache.get(kept) if kept is not None else None
    if known is not None:
        return Tally(count=known, exact=False, estimated=True, limit=custom)
    rows = queryset.order_by()
    # COUNT(*), not COUNT(id): the database then needs no column of the rows, and an index on the filter's
    # columns answers alone (the unassigned customers: 0.3 ms instead of a 5 ms scan of the table).
    aggregates = {"count": Count("*")}
    if amount_field:
        aggregates["amount"] = Sum(amount_field)
    if not exact:
        rows = rows[: limit + 1]
    totals = rows.aggregate(**aggregates)
    count = totals["count"] or 0
    amount = (totals.get("amount") or Decimal("0.00")) if amount_field else None
    if exact or count <= limit:
        return Tally(count=count, exact=True, amount=amount, limit=custom)
    return _beyond_limit(queryset, limit=limit, custom=custom, kept=kept)


def _beyond_limit(queryset: QuerySet, *, limit: int, custom: int | None, kept: str | None) -> Tally:
    """The tally of a list just read to hold more than `limit` rows: the planner's estimate (one query), kept
    under `kept` (see the module's docstring)."""
    estimate = estimated_count(queryset)
    if estimate is None or estimate <= limit:
        # No estimate, or one that contradicts what was just read: say only what is known.
        return Tally(count=limit, exact=False, estimated=False, limit=custom)
    if kept is not None:
        cache.set(kept, estimate, settings.LIST_ESTIMATE_CACHE_SECONDS)
    return Tally(count=estimate, exact=False, estimated=True, limit=custom)


def _estimate_key(queryset: QuerySet, limit: int) -> str | None:
    """The cache key of the list's estimate, or None when estimates are not kept: not PostgreSQL (no
    estimate), the database as the cache (a read would cost the query it saves), or a keep time of 0."""
    if (settings.LIST_ESTIMATE_CACHE_SECONDS <= 0 or connections[queryset.db].vendor != "postgresql"
            or isinstance(caches["default"], DatabaseCache)):
        return None
    try:
        sql, params = queryset.order_by().values("pk").query.sql_with_params()
    except EmptyResultSet:  # a list Django knows to be empty (`.none()`, `__in=[]`): counted without a query
        return None
    digest = hashlib.sha256(repr((queryset.db, limit, sql, params)).encode()).hexdigest()
    return f"list-estimate:{digest}"


def list_tally_with_parts(queryset: QuerySet, parts: dict[str, Q], *, limit: int | None = None
                          ) -> tuple[Tally, dict[str, Tally]]:
    """`list_tally` of `queryset` and of `queryset.filter(part)` for each of `parts`, in one query while the whole
    is within the limit (each part, a subset of it, is then counted exactly by the same read: a conditional count);
    above the limit each part is tallied on its own, as `list_tally` would."""
    custom = limit
    limit = exact_count_limit() if limit is None else limit
    kept = _estimate_key(queryset, limit)
    known = cache.get(kept) if kept is not None else None
    if known is not None:  # the whole is known to be beyond the limit: the parts on their own
        return (Tally(count=known, exact=False, estimated=True, limit=custom),
                {name: list_tally(queryset.filter(part), limit=custom) for name, part in parts.items()})
    # COUNT(*) and a count of CASE WHEN part: the rows' own columns are read only where a part's test needs them.
    aggregates = {"count": Count("*")}
    aggregates.update({f"part_{name}": Count(Case(When(part, then=Value(1)))) for name, part in parts.items()})
    totals = queryset.order_by()[: limit + 1].aggregate(**aggregates)
    count = totals["count"] or 0
    if count <= limit:
        return (Tally(count=count, exact=True, limit=custom),
                {name: Tally(count=totals[f"part_{name}"] or 0, exact=True, limit=custom) for name in parts})
    whole = _beyond_limit(queryset, limit=limit, custom=custom, kept=kept)
    return whole, {name: list_tally(queryset.filter(part), limit=custom) for name, part in parts.items()}


def counts_together(querysets: dict[str, QuerySet]) -> dict[str, int]:
    """How many rows each queryset holds (`.count()` of each), in one query: a page's several small counters
    (a card's queues waiting for the reader) in one round trip instead of one each."""
    if not querysets:
        return {}
    counts: dict[str, int] = {}
    parts, params, names = [], [], []
    for name, queryset in querysets.items():
        queryset = queryset.order_by()
        if not queryset.query.values_select:
            queryset = queryset.values("pk")
        try:
            sql, part_params = queryset.query.sql_with_params()
        except EmptyResultSet:  # Django knows it is empty (`.none()`, `__in=[]`): nothing to ask the database
            counts[name] = 0
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) counted)")  # noqa: S608 - the queryset's own SQL, its params bound
        params.extend(part_params)
        names.append(name)
    if parts:
        with connections[next(iter(querysets.values())).db].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            counts.update(zip(names, cursor.fetchone(), strict=True))
    return {name: counts[name] for name in querysets}


class TallyPaginator(Paginator):
    """Django's paginator over a list counted by `list_tally`: its pages stop at the exact-count limit, so
    every page it offers exists (a count above the limit is known to exceed it) and no page skips more than
    the limit's rows."""

    def __init__(self, object_list, per_page, *, tally: Tally, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.tally = tally

    @cached_property
    def count(self) -> int:
        return min(self.tally.count, exact_count_limit())

    @property
    def truncated(self) -> bool:
        """Whether rows exist beyond the last page offered."""
        return not self.tally.exact or self.tally.count > exact_count_limit()


def wants_exact(request) -> bool:
    """Whether the reader asked for the exact figures (?exact=1 on a page, ?exact_count=1 in the API)."""
    return (request.GET.get("exact") or request.GET.get("exact_count") or "") in ("1", "true", "yes")
