"""Reads of team selling on an opportunity, shared by the opportunity's "Team selling" tab and the API.

Contacts and activities come from the higher apps (accounts, opportunities) at call time; ids of rows that no
longer exist are ignored. Each function costs a constant number of queries.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from accounts.models import Contact
from opportunities.models import Activity
from team_selling.models import ContactStrategy, KeyInteraction, TeamMeeting, TeamPlan
from team_selling.services import pricing_check, selling_may_edit, team_people_ids
from teams.models import User


def _activities():
    return Activity.objects


def team_plan_list(*, viewer: User) -> QuerySet[TeamPlan]:
    """Plans of the opportunities the viewer sees, with their contact strategies (two queries)."""
    return (TeamPlan.objects.visible_to(viewer).select_related("pricing_authority", "updated_by")
            .prefetch_related(Prefetch("contact_strategies",
                                       queryset=ContactStrategy.objects.select_related("covered_by")
                                       .order_by("id")))
            .order_by("-updated_at", "-pk"))


def contact_strategy_list(*, viewer: User) -> QuerySet[ContactStrategy]:
    return (ContactStrategy.objects.filter(plan__in=TeamPlan.objects.visible_to(viewer).values("pk"))
            .select_related("plan", "covered_by").order_by("plan_id", "pk"))


def team_meeting_list(*, viewer: User) -> QuerySet[TeamMeeting]:
    return TeamMeeting.objects.visible_to(viewer).select_related("created_by").order_by("-pk")


def key_interaction_list(*, viewer: User) -> QuerySet[KeyInteraction]:
    return KeyInteraction.objects.visible_to(viewer).select_related("marked_by").order_by("-marked_at", "-pk")


def attach_activities(rows: list, *, with_people: bool = True) -> list:
    """Set `.activity` on each meeting or key interaction from one query (plus two prefetches); rows whose
    activity is gone get None."""
    ids = [row.activity_id for row in rows]
    activities = _activities().filter(pk__in=ids).select_related("owner")
    if with_people:
        activities = activities.prefetch_related("participants", "contacts")
    by_id = {activity.pk: activity for activity in activities}
    for row in rows:
        row.activity = by_id.get(row.activity_id)
    return rows


def _meeting_sort_key(meeting: TeamMeeting) -> datetime:
    return meeting.activity.due_at


def team_selling(*, viewer: User, opportunity, now: datetime | None = None) -> dict:
    """Everything the "Team selling" tab shows for an opportunity the viewer can see: the plan and its pricing
    check, a strategy per key contact (and the contacts still without one), the coming and past meetings, the
    log of key interactions and the done activities that could join it, and whether the viewer may edit."""
    now = now or timezone.now()
    plan = (TeamPlan.objects.select_related("pricing_authority", "updated_by")
            .filter(opportunity_id=opportunity.pk).first())
    # The contacts the viewer may see (a manager above the owner may not see a customer of another branch).
    contacts = list(Contact.objects.visible_to(viewer)
                    .filter(customer_id=opportunity.customer_id).order_by("name", "pk"))
    strategies: list[ContactStrategy] = []
    if plan is not None:
        by_contact = {contact.pk: contact for contact in contacts}
        for strategy in plan.contact_strategies.select_related("covered_by").order_by("pk"):
            strategy.contact = by_contact.get(strategy.contact_id)
            if strategy.contact is not None:
                strategies.append(strategy)
    covered = {strategy.contact_id for strategy in strategies}

    meetings = attach_activities(list(TeamMeeting.objects.filter(opportunity_id=opportunity.pk)
                                      .select_related("created_by")))
    meetings = sorted((m for m in meetings if m.activity is not None), key=_meeting_sort_key)
    upcoming = [m for m in meetings if m.activity.done_at is None]
    for meeting in upcoming:
        meeting.outcome_due = meeting.activity.due_at <= now
    held = [m for m in reversed(meetings) if m.activity.done_at is not None]

    interactions = attach_activities(list(KeyInteraction.objects.filter(opportunity_id=opportunity.pk)
                                          .select_related("marked_by")), with_people=True)
    # In the order the interactions took place (an activity's time), the latest first.
    log = sorted((i for i in interactions if i.activity is not None), key=lambda i: i.activity.due_at, reverse=True)
    candidates = key_candidates(opportunity=opportunity, marked={i.activity_id for i in interactions})

    may_edit = selling_may_edit(user=viewer, opportunity=opportunity)
    return {
        "plan": plan,
        "strategies": strategies,
        "contacts_without_strategy": [c for c in contacts if c.pk not in covered],
        "contact_count": len(contacts),
        "upcoming_meetings": upcoming,
        "held_meetings": held,
        "key_interactions": log,
        "key_candidates": candidates,
        "may_edit_selling": may_edit,
        "team_ids": team_people_ids(opportunity),
        "pricing_problems": _pricing_problems(plan, opportunity),
    }


def key_candidates(*, opportunity, marked: set[int] | None = None) -> list:
    """The latest activities of the opportunity that have taken place and are not in the log yet (one query)."""
    if marked is None:
        marked = set(KeyInteraction.objects.filter(opportunity_id=opportunity.pk).values_list("activity_id",
                                                                                             flat=True))
    return list(_activities().filter(opportunity_id=opportunity.pk, done_at__isnull=False)
                .exclude(pk__in=marked).select_related("owner").order_by("-done_at", "-pk")[:50])


def _pricing_problems(plan: TeamPlan | None, opportunity) -> list[str]:
    """Whether the opportunity's amount stays within the plan's price limits, against the list price of its
    lines (quantity × the product's list price)."""
    if plan is None or (plan.price_floor is None and plan.max_discount is None):
        return []
    list_amount = Decimal("0.00")
    for line in opportunity.lines.select_related("product"):
        if line.product.list_price is not None:
            list_amount += line.product.list_price * line.quantity
    return pricing_check(plan=plan, list_amount=list_amount, price=opportunity.amount)
