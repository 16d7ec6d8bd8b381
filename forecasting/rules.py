"""The forecast rules as the other modules read them: which stages count, the default category of
each stage, confirmation, levels and their deadlines, and each person's level.

Reads only; every function here costs a fixed number of queries whatever the size of the company.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL

from forecasting.models import (
    Category,
    ForecastPeriod,
    ForecastRule,
    Level,
    PeriodKind,
    default_levels,
)
from opportunities.models import Stage, StageOutcome
from teams.models import OrgUnit, OrgUnitKind, Role, User

# Days after the period's start by which each level submits, when nobody set the deadlines: each
# level gets two days after the one below it to sum, revise and submit upward.
DEFAULT_DEADLINE_OFFSETS = {
    Level.ACCOUNT_MANAGER: 4,
    Level.TEAM: 6,
    Level.REGION: 8,
    Level.DIVISION: 10,
}

# The stage -> category mapping the data migration seeds (and the fallback for a stage it lacks).
DEFAULT_STAGE_CATEGORIES = {
    ("01", StageOutcome.OPEN): Category.PIPELINE,
    ("02", StageOutcome.OPEN): Category.PIPELINE,
    ("03", StageOutcome.OPEN): Category.PIPELINE,
    ("04", StageOutcome.OPEN): Category.PIPELINE,
    ("05", StageOutcome.OPEN): Category.BEST_CASE,
    ("06", StageOutcome.OPEN): Category.BEST_CASE,
    ("07", StageOutcome.OPEN): Category.COMMIT,
    ("08", StageOutcome.WON): Category.COMMIT,
    ("08", StageOutcome.LOST): Category.OMITTED,
}


@dataclass(frozen=True)
class Rules:
    """The rule in force for one period."""

    stage_ids: frozenset[int]
    confirmed_only: bool = True
    levels: tuple[str, ...] = field(default_factory=lambda: tuple(default_levels()))
    reminder_days: int = 3
    source: ForecastRule | None = None

    def submits(self, level: str | None) -> bool:
        return bool(level) and level in self.levels


def rules_for(period: ForecastPeriod) -> Rules:
    """The period's own rule, else the default rule, else all open stages and won (one query, two
    without any rule).

    Every page and service of the area starts here, so the rule and its stages come in one query:
    one row per counted stage (the rule's row once with no stage when it counts none).
    """
    rows = list(
        ForecastRule.objects.filter(Q(period=period) | Q(period__isnull=True))
        .values_list("pk", "period_id", "confirmed_only", "levels", "reminder_days", "stages")
    )
    if rows:
        own = [row for row in rows if row[1] is not None]  # the period's own rule first
        chosen = own or rows
        pk, period_id, confirmed_only, levels, reminder_days, _stage = chosen[0]
        levels = tuple(level for level in (levels or []) if level in Level.values)
        rule = ForecastRule(pk=pk, period_id=period_id, confirmed_only=confirmed_only, levels=list(levels),
                            reminder_days=reminder_days)
        return Rules(stage_ids=frozenset(row[5] for row in chosen if row[5] is not None),
                     confirmed_only=confirmed_only, levels=levels, reminder_days=reminder_days, source=rule)
    stages = Stage.objects.filter(outcome__in=[StageOutcome.OPEN, StageOutcome.WON]).values_list("pk", flat=True)
    return Rules(stage_ids=frozenset(stages))


def stage_categories() -> dict[int, str]:
    """Default category per stage id: the admin's table, else the shipped mapping, else by outcome
    (one query)."""
    rows = Stage.objects.values_list("pk", "code", "outcome", "forecast_category__category")
    result = {}
    for pk, code, outcome, chosen in rows:
        if chosen:
            result[pk] = chosen
            continue
        fallback = DEFAULT_STAGE_CATEGORIES.get((code, outcome))
        if fallback is None:
            fallback = {StageOutcome.WON: Category.COMMIT, StageOutcome.LOST: Category.OMITTED}.get(
                outcome, Category.PIPELINE)
        result[pk] = str(fallback)
    return result


def counted_opportunities(period: ForecastPeriod, rules: Rules, *, confirmed: bool | None = None) -> QuerySet:
    """Opportunities the rule counts for the period: a counted stage, and inside the period an open one's
    expected close date or a won one's day of winning (Opportunity.objects.closing_between).

    `confirmed=None` applies the rule's confirmation setting; False ignores confirmation (the
    pipeline figure).
    """
    from opportunities.models import Opportunity

    opportunities = Opportunity.objects.closing_between(period.start, period.end).filter(stage_id__in=rules.stage_ids)
    if confirmed is None:
        confirmed = rules.confirmed_only
    if confirmed:
        opportunities = opportunities.filter(confirmed=True)
    return opportunities


def id_in(model, field: str, ids) -> Q | RawSQL:
    """`field IN ids` for a long list of ids: on PostgreSQL one array parameter (`= ANY(%s)`), since
    binding a thousand separate parameters costs the driver more than the query itself; a plain IN
    elsewhere. The index on the column is used either way."""
    ids = list(ids)
    if connection.vendor != "postgresql":
        return Q(**{f"{field}__in": ids})
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.get_field(field).column)}"
    # Names from the model, the ids a bound parameter: nothing from the request reaches the SQL text.
    return RawSQL(f"{column} = ANY(%s)", (ids,), output_field=BooleanField())  # noqa: S611


# --- Levels ------------------------------------------------------------------------------------

_UNIT_LEVEL = {OrgUnitKind.TEAM: Level.TEAM, OrgUnitKind.REGION: Level.REGION, OrgUnitKind.DIVISION: Level.DIVISION}
_RANK = {OrgUnitKind.TEAM: 1, OrgUnitKind.REGION: 2, OrgUnitKind.DIVISION: 3, OrgUnitKind.COMPANY: 4}


def _level(role: str, unit_kind: str | None, managed_kind: str | None) -> str | None:
    if managed_kind is not None:
        return _UNIT_LEVEL.get(managed_kind)  # the company head is above the levels that submit
    if role == Role.ACCOUNT_MANAGER:
        return Level.ACCOUNT_MANAGER
    if role == Role.MANAGER:
        if unit_kind == OrgUnitKind.COMPANY:
            return None
        return _UNIT_LEVEL.get(unit_kind, Level.TEAM)
    return None


def managed_kinds(user_ids=None) -> dict[int, str]:
    """The highest kind of org unit each person manages (one query)."""
    units = OrgUnit.objects.filter(manager__isnull=False)
    if user_ids is not None:
        units = units.filter(id_in(OrgUnit, "manager", user_ids))
    best: dict[int, str] = {}
    for manager_id, kind in units.values_list("manager_id", "kind"):
        if _RANK.get(kind, 0) > _RANK.get(best.get(manager_id), 0):
            best[manager_id] = kind
    return best


def level_of(user: User) -> str | None:
    """The level a person submits from: the unit they manage, else their role (one query)."""
    managed = managed_kinds([user.pk]).get(user.pk)
    unit_kind = user.org_unit.kind if user.org_unit_id else None
    return _level(user.role, unit_kind, managed)


@dataclass
class Person:
    """One person of a subtree, as the roll-ups read them."""

    id: int
    manager_id: int | None
    org_unit_id: int | None
    level: str | None
    name: str
    children: list[int] = field(default_factory=list)


def people_tree(root_ids) -> dict[int, Person]:
    """The sales people in the given subquery of ids, with their level and children (two queries)."""
    rows = list(
        User.objects.sales_people().filter(pk__in=root_ids)
        .values_list("pk", "manager_id", "org_unit_id", "role", "org_unit__kind", "display_name", "username")
    )
    managed = managed_kinds([row[0] for row in rows]) if len(rows) < 5000 else managed_kinds()
    people = {
        pk: Person(pk, manager_id, unit_id, _level(role, unit_kind, managed.get(pk)), display or username)
        for pk, manager_id, unit_id, role, unit_kind, display, username in rows
    }
    for person in people.values():
        parent = people.get(person.manager_id)
        if parent is not None:
            parent.children.append(person.id)
    return people


def subtree_ids(people: dict[int, Person], root: int) -> list[int]:
    """Ids of `root` and everyone under it in an already-loaded tree (no query)."""
    found, stack, seen = [], [root], set()
    while stack:
        current = stack.pop()
        if current in seen or current not in people:
            continue
        seen.add(current)
        found.append(current)
        stack.extend(people[current].children)
    return found


# --- Period arithmetic ---------------------------------------------------------------------------

def period_bounds(kind: str, day: date) -> tuple[date, date]:
    """First and last day of the month, quarter or year containing `day`."""
    if kind == PeriodKind.YEAR:
        return date(day.year, 1, 1), date(day.year, 12, 31)
    if kind == PeriodKind.QUARTER:
        first_month = 3 * ((day.month - 1) // 3) + 1
        start = date(day.year, first_month, 1)
        last_month = first_month + 2
    else:
        start = date(day.year, day.month, 1)
        last_month = day.month
    end = date(day.year, last_month, calendar.monthrange(day.year, last_month)[1])
    return start, end


def period_kind_of(start: date, end: date) -> str | None:
    """The kind of a calendar month, quarter or year from its first and last day; None for other dates."""
    for kind in (PeriodKind.MONTH, PeriodKind.QUARTER, PeriodKind.YEAR):
        if period_bounds(kind, start) == (start, end):
            return kind.value
    return None


def period_default_name(kind: str, start: date) -> str:
    if kind == PeriodKind.YEAR:
        return f"{start.year}"
    if kind == PeriodKind.QUARTER:
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def default_deadlines(start: date, final: date | None = None) -> dict[str, date]:
    """Each level's deadline: the offsets after the start, or, given the final (the last level's)
    deadline, the same two days per level counted back from it (never before the start)."""
    if final is None:
        return {str(level): start + timedelta(days=offset) for level, offset in DEFAULT_DEADLINE_OFFSETS.items()}
    last = max(DEFAULT_DEADLINE_OFFSETS.values())
    return {str(level): max(start, final - timedelta(days=last - offset))
            for level, offset in DEFAULT_DEADLINE_OFFSETS.items()}
