"""Reads on opportunities shared by pages, the API and the workbench: each scoped by `visible_to`
and built so that a page costs a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.history import Change, HistoryEntry, field_label, newest_first, record_entries
from crm.request_memo import remembered
from crm.stored_text import render
from opportunities.models import (
    ActionPlan,
    Activity,
    Assessment,
    AssessmentAnswer,
    AssessmentQuestion,
    Dimension,
    Opportunity,
    OpportunityLine,
    OpportunityTeamMember,
    OwnerChange,
    Stage,
    StageOutcome,
)
from teams.models import NAME_FIELDS, User

# --- Opportunities -------------------------------------------------------------------------

def opportunity_list(*, viewer: User) -> QuerySet[Opportunity]:
    """Opportunities the viewer may see, with what a list row shows (one query per page)."""
    return Opportunity.objects.visible_to(viewer).select_related("customer", "stage", "primary_owner")


# What a row of the list page shows: the wide columns (description, competitors; the stage's tasks, checklists and
# requirements) stay in the tables.
LIST_ROW_FIELDS = (
    "name", "amount", "expected_close_date", "confirmed", "assessment_score", "high_value", "customer_id",
    "stage_id", "primary_owner_id", "customer__name", "stage__code", "stage__name_zh", "stage__name_en",
    "stage__outcome", "primary_owner__username", "primary_owner__display_name", "primary_owner__first_name",
    "primary_owner__last_name",
)


def opportunity_list_rows(*, viewer: User) -> QuerySet[Opportunity]:
    """The list page's rows: only the columns a row shows (one query per page)."""
    return opportunity_list(viewer=viewer).only(*LIST_ROW_FIELDS)


def opportunity_list_api(*, viewer: User) -> QuerySet[Opportunity]:
    """The list of the API, which also carries each opportunity's lines (one more query per page)."""
    return opportunity_list(viewer=viewer).prefetch_related(
        Prefetch("lines", queryset=OpportunityLine.objects.select_related("product").order_by("position", "id"))
    )


# What a row of the API's list carries, as plain values: the opportunity's own columns, the customer's name, the
# stage and the owner's name (not the customer's or the person's other columns). A page of 25 builds no model
# instance for each opportunity, customer, stage, owner, line and product (about 300 a page, most of its Python).
API_ROW_VALUES = (
    "pk", "name", "customer_id", "description", "amount", "currency", "expected_close_date", "closed_on",
    "primary_owner_id", "confirmed", "assessment_score", "high_value", "source", "competitors", "created_at",
    "updated_at", "customer__name", "stage__code", "stage__outcome", "stage__name_zh", "stage__name_en",
    "stage__probability", "primary_owner__username", "primary_owner__display_name", "primary_owner__first_name",
    "primary_owner__last_name",
)
API_LINE_VALUES = ("pk", "opportunity_id", "product_id", "product__code", "product__name", "configuration",
                   "quantity", "unit_price", "discount", "amount")


def opportunity_list_visible(*, viewer: User) -> QuerySet[Opportunity]:
    """The opportunities `viewer` may see, bare: what the API's filters apply to and what its list counts
    (no join a filter does not ask for)."""
    return Opportunity.objects.visible_to(viewer)


def opportunity_api_values(queryset: QuerySet[Opportunity]) -> QuerySet[dict]:
    """These opportunities as the API's rows, plain values (`opportunities.api.opportunity_rows_json` writes
    them); their lines come from `opportunity_lines_values` (one more query per page)."""
    return queryset.values(*API_ROW_VALUES)


def opportunity_list_api_values(*, viewer: User) -> QuerySet[dict]:
    """The API's rows that `viewer` may see, as values (one row: the API's detail)."""
    return opportunity_api_values(opportunity_list_visible(viewer=viewer))


def opportunity_lines_values(opportunity_ids: list[int]) -> dict[int, list[dict]]:
    """The lines of these opportunities as values, each opportunity's in its order (position, then id)."""
    lines: dict[int, list[dict]] = {pk: [] for pk in opportunity_ids}
    for line in (OpportunityLine.objects.filter(opportunity_id__in=opportunity_ids).order_by("position", "id")
                 .values(*API_LINE_VALUES)):
        lines[line["opportunity_id"]].append(line)
    return lines


CUSTOMER_TAB_ROWS = 20


def customer_opportunities(*, viewer: User, customer) -> tuple[list[Opportunity], bool]:
    """The newest CUSTOMER_TAB_ROWS opportunities with one customer that `viewer` may see, for the customer page,
    and whether there are more (the tab then links to the full list, filtered on the customer): one query,
    however many the customer has."""
    # The customer's key narrows the rows first: visible_to by key, no memberships read before (one query).
    rows = list(Opportunity.objects.visible_to(viewer, by_key=True).filter(customer=customer)
                .select_related("customer", "stage", "primary_owner").only(*LIST_ROW_FIELDS)
                .order_by("-created_at", "-id")[: CUSTOMER_TAB_ROWS + 1])
    return rows[:CUSTOMER_TAB_ROWS], len(rows) > CUSTOMER_TAB_ROWS


def opportunity_get(*, viewer: User, pk: int) -> Opportunity:
    """One opportunity, or 404 when it does not exist or the viewer may not see it (one query: visible_to by
    key, no list of the viewer's subtree and memberships read first)."""
    return get_object_or_404(Opportunity.objects.visible_to(viewer, by_key=True)
                             .select_related("customer", "stage", "primary_owner"), pk=pk)


def _page_deferred() -> list[str]:
    """The customer's and the primary owner's columns the opportunity page does not show: all but the customer's
    id and name and the person's id and name (teams.models.NAME_FIELDS)."""
    customer = Opportunity._meta.get_field("customer").related_model
    return ([f"customer__{f.name}" for f in customer._meta.concrete_fields if f.name not in ("id", "name")]
            + [f"primary_owner__{f.name}" for f in User._meta.concrete_fields if f.name not in ("id", *NAME_FIELDS)])


def opportunity_page(*, viewer: User, pk: int, select_related: tuple[str, ...] = ()) -> Opportunity:
    """`opportunity_get` for the opportunity's own page (all its tabs and the parts apps add to it), which shows of
    the customer its name and link and of the primary owner their name: the customer's other 24 columns and the
    person's other 12 (a password hash among them) stay in the tables. One query, joining also the one-to-one
    relations in `select_related` (what the page's header parts read: page_parts.header_select_related); 404 as
    `opportunity_get`. The page reads no other column of those two (a test renders every tab for each kind of
    viewer and refuses any deferred read)."""
    return get_object_or_404(Opportunity.objects.visible_to(viewer, by_key=True)
                             .select_related("customer", "stage", "primary_owner", *select_related)
                             .defer(*_page_deferred()), pk=pk)


def opportunity_totals(queryset: QuerySet[Opportunity]) -> dict:
    """How many and how much, in one aggregate query."""
    totals = queryset.order_by().aggregate(count=Count("id"), amount=Sum("amount"))
    return {"count": totals["count"] or 0, "amount": totals["amount"] or Decimal("0.00")}


def team_customer_ids(user: User) -> QuerySet:
    """The customers of the opportunities whose sales team includes `user`: they see those customers too
    (registered with accounts in opportunities/apps.py, a subquery of Customer.objects.visible_to)."""
    # The primary owner's team row mirrors Opportunity.primary_owner, so: the customers of my own opportunities
    # (index-only on opportunity_owner_customer) and of the teams I joined (opportunityteam_secondary); a join
    # of all my memberships with the opportunity table read every opportunity (90 ms at 300,000).
    own = Opportunity.objects.filter(primary_owner=user).order_by().values_list("customer_id", flat=True)
    joined = Opportunity.objects.filter(
        pk__in=OpportunityTeamMember.objects.filter(user=user, is_primary=False).values("opportunity_id")
    ).order_by().values_list("customer_id", flat=True)
    return own.union(joined)


def team_of(*, opportunity: Opportunity) -> list[OpportunityTeamMember]:
    return list(opportunity.team.select_related("user", "added_by").order_by("-is_primary", "added_at", "id"))


def lines_of(*, opportunity: Opportunity) -> list[OpportunityLine]:
    return list(opportunity.lines.select_related("product").order_by("position", "id"))


# --- Assessment ----------------------------------------------------------------------------

@dataclass
class DimensionGroup:
    code: str
    label: str
    questions: list = field(default_factory=list)  # [(question, answer or None)]


def assessment_questions() -> list[AssessmentQuestion]:
    return list(AssessmentQuestion.objects.filter(active=True).order_by("order", "id"))


def assessment_latest(*, opportunity: Opportunity) -> Assessment | None:
    return (
        Assessment.objects.filter(opportunity=opportunity).select_related("author")
        .prefetch_related(Prefetch("answers", queryset=AssessmentAnswer.objects.order_by("order", "id")))
        .order_by("-created_at", "-id").first()
    )


def assessment_history(*, opportunity: Opportunity) -> list[Assessment]:
    return list(Assessment.objects.filter(opportunity=opportunity).select_related("author").order_by("-created_at",
                                                                                                       "-id"))


def assessment_form_groups(*, questions: list[AssessmentQuestion], latest: Assessment | None) -> list[DimensionGroup]:
    """The active questions in their four dimensions, each with the latest answer given to it."""
    previous = {answer.code: answer.answer for answer in latest.answers.all()} if latest else {}
    groups = {code: DimensionGroup(code=code, label=str(label)) for code, label in Dimension.choices}
    for question in questions:
        group = groups.setdefault(question.dimension, DimensionGroup(code=question.dimension, label=question.dimension))
        group.questions.append((question, previous.get(question.code)))
    return [group for group in groups.values() if group.questions]


def assessment_as_dict(assessment: Assessment | None) -> dict:
    """The API's shape: {"score", "high_value", "dimensions": {...}} (None values before the first)."""
    if assessment is None:
        return {"id": None, "score": None, "high_value": None, "threshold": None, "dimensions": None,
                "answers": {}, "author": None, "created_at": None}
    return {
        "id": assessment.pk,
        "score": assessment.score,
        "high_value": assessment.high_value,
        "threshold": assessment.threshold,
        "dimensions": assessment.dimensions,
        "answers": {answer.code: answer.answer for answer in assessment.answers.all()},
        "author": assessment.author_id,
        "created_at": assessment.created_at,
    }


# --- History -------------------------------------------------------------------------------

def opportunity_timeline(*, opportunity: Opportunity) -> list[HistoryEntry]:
    """Field changes (django-simple-history), owner changes and assessments, newest first; a change of
    owner is told once, by its owner-change row with its reason."""
    records = opportunity.history.select_related("history_user").order_by("history_date", "history_id")
    entries = record_entries(
        records, Opportunity, exclude=("assessment_score", "high_value", "confirmed_at"),
        told_elsewhere=("primary_owner",), on_create=("primary_owner", "customer", "stage", "amount"),
    )
    for change in OwnerChange.objects.filter(opportunity=opportunity).select_related(
        "old_owner", "new_owner", "changed_by"
    ):
        entries.append(HistoryEntry(change.created_at, change.changed_by, "owner", _("Primary owner changed"),
                                    changes=[Change(field_label(Opportunity, "primary_owner"),
                                                    str(change.old_owner), str(change.new_owner))],
                                    note=render(change.reason)))
    for assessment in assessment_history(opportunity=opportunity):
        entries.append(HistoryEntry(
            assessment.created_at, assessment.author, "assessment", _("Assessed"),
            note=_("Score %(score)d of 20") % {"score": assessment.score},
        ))
    return newest_first(entries)


# --- Activities ----------------------------------------------------------------------------

def activity_list(*, viewer: User) -> QuerySet[Activity]:
    return (
        Activity.objects.visible_to(viewer)
        .select_related("customer", "opportunity", "owner")
        .prefetch_related("participants", "contacts")
    )


def activities_of(*, opportunity: Opportunity) -> list[Activity]:
    return list(
        Activity.objects.filter(opportunity=opportunity).select_related("owner", "plan")
        .prefetch_related("participants", "contacts").order_by("due_at", "id")
    )


def action_plans_of(*, opportunity: Opportunity) -> list[ActionPlan]:
    return list(
        ActionPlan.objects.filter(opportunity=opportunity).select_related("created_by")
        .prefetch_related(Prefetch("steps", queryset=Activity.objects.select_related("owner").order_by("sequence")))
    )


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _day_bounds(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


@dataclass
class AgendaDay:
    day: date
    activities: list = field(default_factory=list)

    @property
    def is_today(self) -> bool:
        return self.day == timezone.localdate()


def agenda(*, viewer: User, start: date, scope: str = "mine", person: User | None = None) -> dict:
    """A week of activities, by day: mine (owner or taking part) or everything my team does."""
    first = week_start(start)
    after, before = _day_bounds(first), _day_bounds(first + timedelta(days=7))
    activities = activity_list(viewer=viewer)
    if scope == "mine":
        activities = activities.filter(Q(owner=viewer) | Q(participants=viewer)).distinct()
    elif person is not None:
        activities = activities.filter(owner=person)
    week = list(activities.filter(due_at__gte=after, due_at__lt=before).order_by("due_at", "id"))
    days = [AgendaDay(first + timedelta(days=offset)) for offset in range(7)]
    for activity in week:
        index = (timezone.localtime(activity.due_at).date() - first).days
        if 0 <= index < 7:
            days[index].activities.append(activity)
    overdue_qs = activities.filter(done_at__isnull=True, due_at__lt=_day_bounds(timezone.localdate()))
    overdue = list(overdue_qs.order_by("due_at", "id")[:20])
    return {"days": days, "start": first, "previous": first - timedelta(days=7), "next": first + timedelta(days=7),
            "overdue": overdue, "count": len(week)}


# --- Workbench -----------------------------------------------------------------------------

def all_stages() -> list[Stage]:
    """Every stage in order, read once per page view (crm.request_memo: the workbench's opportunity and funnel
    cards, the funnel's health, figures, stuck list and recent closes each asked for them). Callers read the
    list; they do not change it or its stages."""
    return remembered(("stages",), lambda: list(Stage.objects.order_by("order", "id")))


@dataclass(frozen=True)
class StageFigure:
    count: int
    amount: Decimal
    high_value: int


def open_stage_figures(*, owner_ids: list[int], stage_ids: list[int]) -> dict[int, StageFigure]:
    """Per stage (of `stage_ids`): how many opportunities the owners hold, their amount and how many are of high
    value, from one grouped query (once per page view: the workbench's opportunity card and funnel card both
    read the person's). The stages' ids go as a literal list: as a subquery, PostgreSQL joins the stage table
    (no statistics) and reads the person's opportunities once per stage through a bitmap AND. COUNT(*), not
    COUNT(id): the (owner, stage) index carries amount and high_value, so the figures come from the index alone."""

    def read() -> dict[int, StageFigure]:
        rows = (Opportunity.objects.filter(stage_id__in=stage_ids, primary_owner__any_of=owner_ids)
                .order_by().values_list("stage_id")
                .annotate(count=Count("*"), amount=Sum("amount"),
                          high_value=Count("high_value", filter=Q(high_value=True))))
        return {stage_id: StageFigure(count=count, amount=amount or Decimal("0.00"), high_value=high_value)
                for stage_id, count, amount, high_value in rows}

    return remembered(("open-stage-figures", tuple(owner_ids), tuple(stage_ids)), read)


def workbench_panel(user: User) -> dict | None:
    """Today's activities and my open opportunities, for the home page (four queries, the stages' shared with
    the funnel card); nothing for those with no opportunities of their own (heads of the company or a division,
    administrators)."""
    if not (user and user.is_authenticated and user.has_own_book):
        return None
    today = timezone.localdate()
    # Mine or taking part: the participation as a key subquery, so no DISTINCT over every column of the rows and
    # only what a line of the card shows (the time, the subject, whether it is done, the customer's name).
    taking_part = Activity.participants.through.objects.filter(user=user).values("activity_id")
    todays = list(
        Activity.objects.filter(Q(owner=user) | Q(pk__in=taking_part))
        .filter(due_at__gte=_day_bounds(today), due_at__lt=_day_bounds(today + timedelta(days=1)))
        .select_related("customer").only("subject", "due_at", "done_at", "customer__name")
        .order_by("due_at", "id")[:8]
    )
    open_stages = [stage.pk for stage in all_stages() if stage.outcome == StageOutcome.OPEN]
    # One pass over my open opportunities for the three figures (two passes cost 22 ms at 1,250 of them).
    figures = open_stage_figures(owner_ids=[user.pk], stage_ids=open_stages).values()
    overdue = Activity.objects.filter(owner=user, done_at__isnull=True, due_at__lt=_day_bounds(today)).count()
    return {
        "template": "opportunities/_workbench.html",
        "today": todays,
        "open_count": sum(figure.count for figure in figures),
        "open_amount": sum((figure.amount for figure in figures), Decimal("0.00")),
        "high_value_count": sum(figure.high_value for figure in figures),
        "overdue_count": overdue,
    }
