"""Reads of team selling on an opportunity, shared by the opportunity's "Team selling" tab and the API.

Contacts and activities are real foreign keys, read along with the rows (`select_related`/`prefetch_related`):
each function costs a constant number of queries.
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

# A meeting with its activity, the activity's organiser, other attendees and the customer's contacts.
MEETING_RELATED = ("activity__owner",)
MEETING_PEOPLE = ("activity__participants", "activity__contacts")


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
    """Meetings with their activity and its people (three queries per page)."""
    return (TeamMeeting.objects.visible_to(viewer).select_related("created_by", *MEETING_RELATED)
            .prefetch_related(*MEETING_PEOPLE).order_by("-pk"))


def key_interaction_list(*, viewer: User) -> QuerySet[KeyInteraction]:
    return (KeyInteraction.objects.visible_to(viewer).select_related("marked_by", "activity")
            .order_by("-marked_at", "-pk"))


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
        strategies = list(plan.contact_strategies.filter(contact__in=[c.pk for c in contacts])
                          .select_related("contact", "covered_by").order_by("pk"))
    covered = {strategy.contact_id for strategy in strategies}

    meetings = list(TeamMeeting.objects.filter(opportunity_id=opportunity.pk)
                    .select_related("created_by", *MEETING_RELATED).prefetch_related(*MEETING_PEOPLE)
                    .order_by("activity__due_at", "pk"))
    upcoming = [m for m in meetings if m.activity.done_at is None]
    for meeting in upcoming:
        meeting.outcome_due = meeting.activity.due_at <= now
    held = [m for m in reversed(meetings) if m.activity.done_at is not None]

    # In the order the interactions took place (an activity's time), the latest first.
    log = list(KeyInteraction.objects.filter(opportunity_id=opportunity.pk)
               .select_related("marked_by", "activity__owner").order_by("-activity__due_at", "-marked_at", "-pk"))

    may_edit = selling_may_edit(user=viewer, opportunity=opportunity)
    return {
        "plan": plan,
        "strategies": strategies,
        "contacts_without_strategy": [c for c in contacts if c.pk not in covered],
        "contact_count": len(contacts),
        "upcoming_meetings": upcoming,
        "held_meetings": held,
        "key_interactions": log,
        "key_candidates": key_candidates(opportunity=opportunity),
        "may_edit_selling": may_edit,
        "team_ids": team_people_ids(opportunity),
        "pricing_problems": _pricing_problems(plan, opportunity),
    }


def key_candidates(*, opportunity) -> list:
    """The latest activities of the opportunity that have taken place and are not in the log yet (one query)."""
    return list(Activity.objects.filter(opportunity_id=opportunity.pk, done_at__isnull=False,
                                        key_interaction__isnull=True)
                .select_related("owner").order_by("-done_at", "-pk")[:50])


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
