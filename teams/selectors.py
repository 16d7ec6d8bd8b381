"""Reads on the sales organisation shared by pages and the API."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from teams.models import OrgUnit, User


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


def workbench(*, user: User) -> dict:
    """What the home page shows about the person's place in the organisation."""
    direct_reports = list(user.direct_reports.filter(is_active=True).select_related("org_unit"))
    return {
        "direct_reports": direct_reports,
        "subtree_size": user.subordinates().filter(is_active=True).count(),
        "superiors": reporting_line(user=user),
    }


def reporting_line(*, user: User) -> list[User]:
    """The person's superiors, nearest first, from one query."""
    by_id = {person.pk: person for person in user.superiors().select_related("org_unit")}
    line, current = [], by_id.get(user.manager_id)
    while current is not None and current not in line:
        line.append(current)
        current = by_id.get(current.manager_id)
    return line
