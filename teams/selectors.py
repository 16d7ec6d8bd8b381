"""Reads on the sales organisation shared by pages and the API."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import connections
from django.db.models import Aggregate, BooleanField, Count, IntegerField, Prefetch, QuerySet
from django.db.models.expressions import RawSQL

from teams.hierarchy import ancestors_sql, descendants_sql
from teams.models import OrgUnit, Territory, User


def user_list(*, viewer: User) -> QuerySet[User]:
    """People visible to `viewer`, with what a list row shows, in a constant number of queries."""
    return User.objects.visible_to(viewer).select_related("manager", "org_unit").order_by("username")


def org_unit_list(*, viewer: User) -> QuerySet[OrgUnit]:
    return (
        OrgUnit.objects.visible_to(viewer)
        .select_related("parent", "manager")
        .annotate(member_count=Count("members", distinct=True))
        .order_by("name")
    )


def org_chart(*, viewer: User) -> list[dict]:
    """The org unit tree with managers and members, built from two queries, roots first."""
    units = list(
        OrgUnit.objects.visible_to(viewer)
        .select_related("manager")
        .prefetch_related(
            Prefetch(
                "members",
                queryset=User.objects.filter(is_active=True).order_by("role", "username"),
            )
        )
        .order_by("name")
    )
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit)

    def build(unit: OrgUnit, depth: int) -> dict:
        return {
            "unit": unit,
            "depth": depth,
            "children": [build(child, depth + 1) for child in children.get(unit.pk, [])],
        }

    known = {unit.pk for unit in units}
    roots = [unit for unit in units if unit.parent_id is None or unit.parent_id not in known]
    return [build(root, 0) for root in roots]


def workbench_panel(user: User) -> dict | None:
    """The workbench's row about the person's place in the organisation: reporting line, subtree, direct reports."""
    if not (user and user.is_authenticated):
        return None
    superiors, direct_reports, subtree_size = people_around(user=user)
    return {
        "template": "teams/_workbench.html",
        "wide": True,  # a row of its own, below the areas' cards
        "direct_reports": direct_reports,
        "subtree_size": subtree_size,
        "superiors": superiors,
    }


def _line(user: User, by_id: dict[int, User]) -> list[User]:
    line, current = [], by_id.get(user.manager_id)
    while current is not None and current not in line:
        line.append(current)
        current = by_id.get(current.manager_id)
    return line


def reporting_line(*, user: User) -> list[User]:
    """The person's superiors, nearest first, from one query."""
    return _line(user, {person.pk: person for person in user.superiors().select_related("org_unit")})


def superiors_nearest_first(*, user: User, superiors: Iterable[User]) -> list[User]:
    """The person's superiors (`user.superiors()`, read by the caller with what it needs), nearest first, as
    reporting_line orders them (no query)."""
    return _line(user, {person.pk: person for person in superiors})


def people_around(*, user: User) -> tuple[list[User], list[User], int]:
    """The person's superiors (nearest first), their active direct reports (by username), with their org units,
    and how many active people their subtree holds, from one query. The person's own org unit comes with them
    and is kept on `user`: the workbench's card and every page's top bar show it, which otherwise cost a query
    of its own. On PostgreSQL the same query reads the ids of everyone in the person's subtree, which the other
    cards' `visible_to` ask for next (User.visible_owner_id_list): kept for the rest of the request.

    The query's condition and its subtree count have a fixed shape, so they are written as SQL (table and column
    names are code constants, the person's id a bound parameter): built from Q, Case, When and Subquery objects
    they cost Django more than the query cost the database."""
    table = User._meta.db_table
    superiors = ancestors_sql(table, "manager_id", user.pk)
    below = descendants_sql(table, "manager_id", user.pk, include_root=False)
    around = RawSQL(  # noqa: S611 - code constants, the id a bound parameter
        f'"{table}"."id" IN ({superiors.sql}) OR "{table}"."id" = %s'
        f' OR ("{table}"."is_active" AND "{table}"."manager_id" = %s)',
        (*superiors.params, user.pk, user.pk), output_field=BooleanField())
    count_below = (f'SELECT COUNT(*) FROM "{table}" below'  # noqa: S608 - code constants
                   f' WHERE below."is_active" AND below."id" IN ({below.sql})')
    subtree = RawSQL(f'CASE WHEN "{table}"."id" = %s THEN ({count_below}) END',  # noqa: S611 - the id bound
                     (user.pk, *below.params), output_field=IntegerField())
    people = User.objects.filter(around).select_related("org_unit").order_by("username").annotate(subtree_size=subtree)
    owners = user.visible_owner_ids()
    read_owners = owners is not None and connections[people.db].vendor == "postgresql"
    if read_owners:  # the ids every other card's visible_to asks for next: read here, not by a query of their own
        owner_array = User.VISIBLE_OWNER_ARRAY_SQL.format(owners=owners.sql)
        people = people.annotate(visible_owners=RawSQL(  # noqa: S611 - code constants, the id a bound parameter
            f'CASE WHEN "{table}"."id" = %s THEN ({owner_array}) END', (user.pk, *owners.params)))
    people = list(people)
    by_id = {person.pk: person for person in people}
    me = by_id.pop(user.pk, None)
    if me is not None and not User.org_unit.is_cached(user):
        User.org_unit.field.set_cached_value(user, me.org_unit)
    if me is not None and read_owners:
        user.visible_owner_id_list_read(me.visible_owners)
    direct_reports = [person for person in people if person.manager_id == user.pk and person.is_active]
    return _line(user, by_id), direct_reports, (me.subtree_size or 0) if me is not None else 0


# Figures that apps above teams add to each territory of the list, name -> a function making the aggregate
# (sales_planning adds "account_count", its named accounts, from its AppConfig.ready()).
TERRITORY_FIGURES: dict[str, Callable[[], Aggregate]] = {}


def territory_list(*, viewer: User) -> QuerySet[Territory]:
    """Territories with their unit, their member count and the registered figures (one query)."""
    figures = {name: make() for name, make in TERRITORY_FIGURES.items()}
    return (Territory.objects.visible_to(viewer).select_related("org_unit")
            .annotate(member_count=Count("members", distinct=True), **figures)
            .order_by("name"))
