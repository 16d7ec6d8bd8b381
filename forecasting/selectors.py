"""Reads of the forecasting area shared by pages, the API, the jobs and other apps.

Everything a person sees goes through `visible_to`; every function costs a fixed number of
queries whatever the size of the subtree (the hierarchy arithmetic is done in Python on rows
loaded once).

Definitions used throughout (see also forecasting/services.py):
- a person's **figure** for a period is the amount of their latest *reported* record (submitted
  or approved; a returned record and drafts report nothing). A person whose level does not
  submit under the period's rule passes their direct subordinates' figures through instead.
- **pipeline** of a person: the full amounts of the opportunities the rule counts (stage, close
  date in the period) whose primary owner is that person or anyone below them in the reporting
  line, confirmed or not: what the pipeline says without anyone's judgement.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Protocol

from django.db.models import Count, Prefetch, Q, QuerySet, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.money import CENT, ZERO
from forecasting.models import (
    COUNTED_CATEGORIES,
    REPORTED_STATUSES,
    Category,
    ChannelForecast,
    Forecast,
    ForecastDeadline,
    ForecastEvent,
    ForecastLine,
    ForecastLineProduct,
    ForecastPeriod,
    ForecastStatus,
    PeriodKind,
)
from forecasting.rules import (
    Person,
    Rules,
    counted_opportunities,
    id_in,
    level_of,
    people_tree,
    rules_for,
    stage_categories,
    subtree_ids,
)
from teams.hierarchy import descendants_sql
from teams.models import OrgUnit, OrgUnitKind, User
from teams.selectors import reporting_line

# --- Periods ---------------------------------------------------------------------------------

def period_list(*, viewer: User) -> QuerySet[ForecastPeriod]:
    return ForecastPeriod.objects.visible_to(viewer).prefetch_related(
        Prefetch("deadlines", queryset=ForecastDeadline.objects.order_by("due", "id"))
    ).order_by("-start", "kind")


def period_choices(*, viewer: User) -> QuerySet[ForecastPeriod]:
    """Periods as the pages' selector lists them, newest first (no deadlines: the selector shows none)."""
    return ForecastPeriod.objects.visible_to(viewer).order_by("-start", "kind")


def current_period(*, viewer: User, today: date | None = None) -> ForecastPeriod | None:
    """The open period containing today (the one I have a record in, else the month before the
    quarter), else the latest open one."""
    today = today or timezone.localdate()
    periods = ForecastPeriod.objects.visible_to(viewer).open()
    # The periods containing today and the latest one, in one query (the latest is the answer only when none
    # contains today).
    latest = periods.order_by("-start").values("pk")[:1]
    found = list(periods.filter(Q(start__lte=today, end__gte=today) | Q(pk=Subquery(latest))).order_by("end", "kind"))
    containing = [period for period in found if period.start <= today <= period.end]
    if len(containing) > 1:
        # The one the viewer or their subtree already works in, if any (a quarter forecast, say).
        worked = (Forecast.objects.visible_to(viewer).filter(period__in=containing).order_by("-created_at")
                  .values_list("period_id", flat=True).first())
        for period in containing:
            if period.pk == worked:
                return period
    return containing[0] if containing else (found[0] if found else None)


def previous_period(period: ForecastPeriod, periods: list[ForecastPeriod] | None = None) -> ForecastPeriod | None:
    """The period of the same kind just before this one, if it exists.

    `periods`, newest first (the page's selector), answers without a query when it holds the
    previous period; otherwise one query."""
    for candidate in periods or ():
        if candidate.kind == period.kind and candidate.end < period.start:
            return candidate
    return ForecastPeriod.objects.filter(kind=period.kind, end__lt=period.start).order_by("-start").first()


def reported_amount(*, period: ForecastPeriod | None, owner: User) -> Decimal | None:
    """The amount of the person's latest reported record for the period, if any (one query)."""
    if period is None:
        return None
    return (Forecast.objects.filter(period=period, owner=owner, status__in=REPORTED_STATUSES)
            .order_by("-version").values_list("amount", flat=True).first())


def deadline_for(period: ForecastPeriod, level: str | None) -> date | None:
    if not level:
        return None
    for deadline in period.deadlines.all():
        if deadline.level == level:
            return deadline.due
    return None


def deadline_state(due: date | None, record: Forecast | None, today: date | None = None) -> dict[str, Any]:
    """A person's deadline as every page shows it: the date, whether it has passed, and whether it
    passed with nothing reported (no record, a draft, or one sent back)."""
    passed = bool(due and due < (today or timezone.localdate()))
    unreported = record is None or record.status in (ForecastStatus.DRAFT, ForecastStatus.RETURNED)
    return {"due": due, "passed": passed, "overdue": passed and unreported}


def period_deadline(period: ForecastPeriod) -> date | None:
    """The period's final deadline: the last level's (the business division's by default)."""
    dues = [deadline.due for deadline in period.deadlines.all()]
    return max(dues) if dues else None


# --- Records -----------------------------------------------------------------------------------

def forecast_list(*, viewer: User) -> QuerySet[Forecast]:
    """Records visible to `viewer` with their owner and period; the lines come from `forecast_line_rows`."""
    return (
        Forecast.objects.visible_to(viewer)
        .select_related("owner", "period")
        .order_by("-period__start", "owner__username", "-version")
    )


LINE_COLUMNS = ("id", "forecast_id", "opportunity_id", "opportunity_name", "customer_name", "stage_code",
                "expected_close_date", "opportunity_amount", "amount", "category")


def forecast_line_rows(forecast_ids) -> dict[int, list[tuple]]:
    """The lines of the given records as plain rows (`LINE_COLUMNS`), per record, in the order the
    record shows them (one query; a list of a page of records reads thousands of lines)."""
    rows: dict[int, list[tuple]] = defaultdict(list)
    lines = (ForecastLine.objects.filter(forecast_id__in=list(forecast_ids)).order_by("expected_close_date", "id")
             .values_list(*LINE_COLUMNS))
    for row in lines:
        rows[row[1]].append(row)
    return rows


def forecast_get(*, viewer: User, pk: int) -> Forecast:
    """One visible record (Forecast.DoesNotExist otherwise: the caller makes it a 404)."""
    return Forecast.objects.visible_to(viewer).select_related("owner", "period", "org_unit", "decided_by").get(pk=pk)


def forecast_events(*, forecast: Forecast) -> list[ForecastEvent]:
    return list(forecast.events.select_related("actor").order_by("at", "id"))


def forecast_versions(*, forecast: Forecast) -> list[Forecast]:
    """Every version of the same person's record for the same period, newest first."""
    return list(
        Forecast.objects.filter(period_id=forecast.period_id, owner_id=forecast.owner_id)
        .select_related("decided_by").order_by("-version")
    )


def forecast_trail(*, forecast: Forecast) -> list[ForecastEvent]:
    """The events of every version of the person's record for the period, oldest first."""
    return list(
        ForecastEvent.objects.filter(forecast__period_id=forecast.period_id, forecast__owner_id=forecast.owner_id)
        .select_related("actor", "forecast").order_by("at", "id")
    )


# What the roll-ups and the team page read of each person's records (a subtree holds a thousand).
FIGURE_FIELDS = ("id", "period_id", "owner_id", "status", "version", "lock_version", "amount", "own_total",
                 "subordinate_total", "commit_amount", "best_case_amount", "pipeline_amount", "submitted_at")


def latest_records(period: ForecastPeriod, owner_ids=None) -> tuple[dict[int, Forecast], dict[int, Forecast]]:
    """(latest record of any status, latest reported record) per owner (everyone: None), one query."""
    latest: dict[int, Forecast] = {}
    reported: dict[int, Forecast] = {}
    records = Forecast.objects.filter(period=period).only(*FIGURE_FIELDS)
    if owner_ids is not None:
        records = records.filter(id_in(Forecast, "owner", owner_ids))
    records = records.order_by("owner_id", "-version")
    for record in records:
        latest.setdefault(record.owner_id, record)
        if record.status in REPORTED_STATUSES:
            reported.setdefault(record.owner_id, record)
    return latest, reported


def newer_reported_exists(forecast: Forecast) -> bool:
    return Forecast.objects.filter(
        period_id=forecast.period_id, owner_id=forecast.owner_id, version__gt=forecast.version,
        status__in=REPORTED_STATUSES,
    ).exists()


# --- The hierarchy's figures -------------------------------------------------------------------

@dataclass
class Figure:
    """One person's place in a period's roll-up."""

    person: Person
    submits: bool
    latest: Forecast | None = None
    reported: Forecast | None = None
    amount: Decimal = ZERO
    categories: dict[str, Decimal] = field(default_factory=lambda: {c.value: ZERO for c in COUNTED_CATEGORIES})
    pipeline: Decimal = ZERO
    pipeline_count: int = 0
    own_counted: Decimal = ZERO  # the person's own opportunities a record of theirs would hold
    people: int = 0
    submitted_people: int = 0

    @property
    def status(self) -> str:
        """The status a superior sees: the latest record's, or `not_submitted`."""
        if self.latest is None:
            return "not_submitted"
        return self.latest.status


def pipeline_by_owner(period: ForecastPeriod, rules: Rules,
                      owner_ids=None) -> dict[int, tuple[Decimal, int, Decimal]]:
    """Per primary owner (one query): sum and count of the counted-stage opportunities, confirmed or
    not (the pipeline), and the sum of those the rule counts in a record (confirmed, if it says so)."""
    from opportunities.models import Opportunity

    opportunities = counted_opportunities(period, rules, confirmed=False)
    if owner_ids is not None:
        opportunities = opportunities.filter(id_in(Opportunity, "primary_owner", owner_ids))
    counted = Sum("amount", filter=Q(confirmed=True)) if rules.confirmed_only else Sum("amount")
    rows = (opportunities.values("primary_owner_id").annotate(total=Sum("amount"), n=Count("*"), counted=counted)
            .order_by().values_list("primary_owner_id", "total", "n", "counted"))
    return {owner: (total or ZERO, n, own or ZERO) for owner, total, n, own in rows}


def subtree_figures(*, root: User, period: ForecastPeriod, rules: Rules | None = None) -> dict[int, Figure]:
    """Figures of `root` and everyone below them for the period (five queries whatever the depth)."""
    rules = rules or rules_for(period)
    people = people_tree(root.subordinate_ids(include_self=True))
    # The ids as a plain list: PostgreSQL then uses the (owner, close date) index instead of
    # joining the recursive subquery, and the tree is loaded anyway. At the top of the company the
    # subtree is (nearly) everyone: no filter at all, the rows of others are simply not used.
    ids = list(people) if root.manager_id is not None else None
    latest, reported = latest_records(period, ids)
    pipeline = pipeline_by_owner(period, rules, ids)
    return compute_figures(people, latest, reported, pipeline, rules, root_ids=[root.pk])


def compute_figures(people: dict[int, Person], latest: dict[int, Forecast], reported: dict[int, Forecast],
                    pipeline: dict[int, tuple[Decimal, int]], rules: Rules, *, root_ids) -> dict[int, Figure]:
    """Post-order walk of the loaded tree: each person's figure, pipeline and counts (no query)."""
    figures: dict[int, Figure] = {}
    for root in root_ids:
        if root not in people:
            continue
        order, stack, seen = [], [root], set()
        while stack:
            current = stack.pop()
            if current in seen:
                continue
            seen.add(current)
            order.append(current)
            stack.extend(people[current].children)
        for pk in reversed(order):  # children before their manager
            person = people[pk]
            figure = Figure(person=person, submits=rules.submits(person.level), latest=latest.get(pk),
                            reported=reported.get(pk))
            figure.pipeline, figure.pipeline_count, figure.own_counted = pipeline.get(pk, (ZERO, 0, ZERO))
            figure.people = 1
            figure.submitted_people = 1 if figure.reported is not None else 0
            children = [figures[c] for c in person.children if c in figures]
            for child in children:
                figure.pipeline += child.pipeline
                figure.pipeline_count += child.pipeline_count
                figure.people += child.people
                figure.submitted_people += child.submitted_people
            if figure.submits or figure.reported is not None:
                if figure.reported is not None:
                    figure.amount = figure.reported.amount
                    figure.categories = dict(figure.reported.category_totals())
            else:
                # A level that does not submit passes its subordinates' figures through.
                for child in children:
                    figure.amount += child.amount
                    for key, value in child.categories.items():
                        figure.categories[key] += value
            figures[pk] = figure
    return figures


# --- My forecast -------------------------------------------------------------------------------

@dataclass
class GridRow:
    opportunity: Any
    category: str
    amount: Decimal
    counted: bool
    line: ForecastLine | None = None


def my_forecast(*, viewer: User, period: ForecastPeriod, periods: list[ForecastPeriod] | None = None) -> dict[str, Any]:
    """The account manager's grid: the period's opportunities they own as primary owner, each with
    its confirmation, forecast amount and category (from their draft if any), and the totals.
    `periods`: the page's list of periods, where the previous period is looked up first."""
    from opportunities.models import Opportunity

    rules = rules_for(period)
    categories = stage_categories()
    owned = list(
        Opportunity.objects.closing_between(period.start, period.end)
        .filter(primary_owner=viewer, stage_id__in=rules.stage_ids)
        .select_related("customer", "stage").order_by("expected_close_date", "id")
    )
    team_only = list(
        Opportunity.objects.closing_between(period.start, period.end).filter(team__user=viewer)
        .exclude(primary_owner=viewer).select_related("customer", "stage", "primary_owner")
        .order_by("expected_close_date", "id")
    )
    records = list(
        Forecast.objects.filter(period=period, owner=viewer).select_related("decided_by").order_by("-version")
    )
    latest = records[0] if records else None
    draft = latest if latest is not None and latest.is_draft else None
    # The grid shows the latest record's lines (editable while it is a draft).
    lines = {line.opportunity_id: line for line in latest.lines.all()} if latest is not None else {}
    rows, totals = [], {c.value: ZERO for c in Category}
    for opportunity in owned:
        line = lines.get(opportunity.pk)
        counted = opportunity.confirmed or not rules.confirmed_only
        category = line.category if line else categories.get(opportunity.stage_id, Category.PIPELINE)
        amount = line.amount if line else opportunity.amount
        rows.append(GridRow(opportunity=opportunity, category=category, amount=amount, counted=counted, line=line))
        if counted:
            totals[categories.get(opportunity.stage_id, Category.PIPELINE)] += opportunity.amount
    opportunities_total = sum((totals[c.value] for c in COUNTED_CATEGORIES), ZERO)
    previous = previous_period(period, periods)
    previous_amount = reported_amount(period=previous, owner=viewer)
    level = level_of(viewer)
    return {
        "period": period,
        "rules": rules,
        "rows": rows,
        "team_only": team_only,
        "records": records,
        "latest": latest,
        "draft": draft,
        "summary": forecast_summary(latest, totals),
        "opportunities_total": opportunities_total,
        "level": level,
        "deadline": deadline_state(deadline_for(period, level), latest),
        "previous": previous,
        "previous_amount": previous_amount,
        "quota": quota_figure(user=viewer, period=period),
    }


def forecast_summary(record: Forecast | None, opportunity_totals: Mapping[str, Decimal]) -> dict[str, Any]:
    """What the summary cards of "my forecast" show, and what it is: the figures of the person's latest
    record for the period, named by its status and version; without a record, the figures their
    counted opportunities give now (what a first record would start from)."""
    if record is None:
        totals = {c.value: opportunity_totals.get(c.value, ZERO) for c in COUNTED_CATEGORIES}
        return {"label": _("No record yet: from my confirmed opportunities now"), "record": None,
                "categories": totals, "total": sum(totals.values(), ZERO)}
    labels = {
        ForecastStatus.DRAFT: _("Draft version %(version)d"),
        ForecastStatus.SUBMITTED: _("Submitted version %(version)d"),
        ForecastStatus.APPROVED: _("Approved version %(version)d"),
        ForecastStatus.RETURNED: _("Returned version %(version)d"),
    }
    return {"label": labels[record.status] % {"version": record.version}, "record": record,
            "categories": record.category_totals(), "total": record.amount}


class QuotaProvider(Protocol):
    def __call__(self, *, user: User | None, org_unit: OrgUnit | None, period_start: date,
                 period_end: date) -> Decimal | None: ...


# Quotas are set in sales_planning, an app above forecasting: it registers its reader from its
# AppConfig.ready() (sales_planning/apps.py), and the forecast pages show the quota beside the forecast.
_quota_provider: QuotaProvider | None = None


def register_quota_provider(provider: QuotaProvider | None) -> None:
    """Set (or, registered again, replace; None: remove) the reader of a person's or unit's quota."""
    global _quota_provider
    _quota_provider = provider


def quota_figure(*, user: User | None = None, org_unit: OrgUnit | None = None,
                 period: ForecastPeriod) -> Decimal | None:
    """The quota of a person or unit for the forecast period, from the registered provider; None without one."""
    if _quota_provider is None:
        return None
    return _quota_provider(user=user, org_unit=org_unit, period_start=period.start, period_end=period.end)


# --- The machine forecast ------------------------------------------------------------------------

@dataclass
class MachineFigures:
    """What the registered provider answers: per date range asked, each primary owner's sum over their open
    opportunities expected to close in it of amount × predicted win probability, plus the deals won in it in full;
    `source` "model" (learned) or "stage"
    (the stage probabilities, when the history is too small or the model no better)."""

    source: str
    by_owner: list[dict[int, Decimal]]
    settings_url: str = ""


class MachineForecastProvider(Protocol):
    def __call__(self, *, ranges: list[tuple[date, date]], owner_ids: list[int] | None) -> MachineFigures: ...


# The learned win probability lives in insights, the top app: it registers its reader from its AppConfig.ready()
# (insights/apps.py), and the forecast pages and API show the machine forecast beside the submitted one.
_machine_provider: MachineForecastProvider | None = None


def register_machine_forecast_provider(provider: MachineForecastProvider | None) -> None:
    """Set (or, registered again, replace; None: remove) the reader of the machine forecast."""
    global _machine_provider
    _machine_provider = provider


def machine_rollup(*, period: ForecastPeriod, people: Mapping[int, Person],
                   owner_ids: list[int] | None) -> tuple[dict[int, Decimal], str] | None:
    """Each person's machine forecast for the period, their own opportunities plus everyone's below them in the
    loaded tree (one query), and its source; None without a provider."""
    if _machine_provider is None:
        return None
    figures = _machine_provider(ranges=[(period.start, period.end)], owner_ids=owner_ids)
    return _roll_up(people, figures.by_owner[0]), figures.source


def _roll_up(people: Mapping[int, Person], own: Mapping[int, Decimal]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = {}
    order, seen = [], set()
    # From the tops of the loaded tree, so that every person comes after their manager in `order`.
    for root in [pk for pk, person in people.items() if person.manager_id not in people]:
        stack = [root]
        while stack:
            current = stack.pop()
            if current in seen or current not in people:
                continue
            seen.add(current)
            order.append(current)
            stack.extend(people[current].children)
    for pk in reversed(order):  # children before their manager
        totals[pk] = own.get(pk, ZERO) + sum((totals.get(c, ZERO) for c in people[pk].children), ZERO)
    return totals


def machine_for_records(records) -> dict[int, Decimal] | None:
    """The machine forecast of each record's owner and everyone below them, for the record's period: for a page
    of records, four queries whatever its size; None without a provider."""
    records = list(records)
    if _machine_provider is None:
        return None
    if not records:
        return {}
    people = people_tree(User.objects.sales_people().values("pk"))
    periods = sorted({(r.period.start, r.period.end) for r in records})
    position = {span: i for i, span in enumerate(periods)}
    figures = _machine_provider(ranges=periods, owner_ids=None)
    result = {}
    for record in records:
        own = figures.by_owner[position[(record.period.start, record.period.end)]]
        ids = subtree_ids(people, record.owner_id) or [record.owner_id]
        result[record.pk] = sum((own.get(pk, ZERO) for pk in ids), ZERO).quantize(CENT)
    return result


# --- Team forecast -----------------------------------------------------------------------------

def team_forecast(*, viewer: User, period: ForecastPeriod, person: User,
                  periods: list[ForecastPeriod] | None = None) -> dict[str, Any]:
    """One row per direct subordinate of `person` (the viewer or anyone in their subtree): status,
    their figure, their subtree's pipeline, their adjustment; `person`'s own record beside the sum.
    `periods`: the page's list of periods, where the previous period is looked up first."""
    rules = rules_for(period)
    figures = subtree_figures(root=person, period=period, rules=rules)
    me = figures.get(person.pk)
    rows = []
    if me is not None:
        children = sorted((figures[c] for c in me.person.children if c in figures), key=lambda f: f.person.name)
        for figure in children:
            rows.append({
                "figure": figure,
                "has_reports": bool(figure.person.children),
                "adjustment": figure.reported.adjustment if figure.reported is not None else None,
            })
    subordinate_sum = sum((row["figure"].amount for row in rows), ZERO)
    if me is not None:
        own_lines = me.own_counted
    else:
        own_lines = counted_opportunities(period, rules).filter(primary_owner=person).aggregate(
            total=Sum("amount"))["total"] or ZERO
    pending = [
        row["figure"].latest for row in rows
        if row["figure"].latest is not None and row["figure"].latest.status == ForecastStatus.SUBMITTED
    ]
    chain = []
    if person.pk != viewer.pk:
        line = reporting_line(user=person)
        for superior in reversed(line):
            if superior.pk == viewer.pk or viewer.is_superior_of(superior):
                chain.append(superior)
    previous = previous_period(period, periods)
    previous_amount = reported_amount(period=previous, owner=person)
    machine = _machine_context(period, figures, person, rows, me)
    return {
        "machine": machine,
        "period": period,
        "rules": rules,
        "person": person,
        "me": me,
        "rows": rows,
        "subordinate_sum": subordinate_sum,
        "own_lines": own_lines,
        "suggested": subordinate_sum + own_lines,
        "pending": pending,
        "chain": chain,
        "previous": previous,
        "previous_amount": previous_amount,
        "quota": quota_figure(user=person, period=period),
        "chart": {
            "names": [row["figure"].person.name for row in rows],
            "figures": [str(row["figure"].amount) for row in rows],
            "pipeline": [str(row["figure"].pipeline) for row in rows],
        },
    }


def _machine_context(period: ForecastPeriod, figures: dict[int, Figure], person: User, rows: list[dict],
                     me: Figure | None) -> dict[str, Any] | None:
    """The machine forecast beside the reported figures: the person's subtree total, each row's, and the gap
    (reported − machine), flagged when it is more than GAP_FLAG of the machine figure."""
    rolled = machine_rollup(period=period, people={pk: f.person for pk, f in figures.items()},
                            owner_ids=list(figures) if person.manager_id is not None else None)
    if rolled is None:
        return None
    totals, source = rolled
    for row in rows:
        row["machine"] = totals.get(row["figure"].person.id, ZERO).quantize(CENT)
        row["machine_gap"] = _gap(row["figure"].amount if row["figure"].reported is not None else None, row["machine"])
    total = totals.get(person.pk, ZERO).quantize(CENT)
    # A level that passes its reports' figures through compares once someone below has reported.
    reported = (me.amount if me is not None and (me.reported is not None or (not me.submits and me.submitted_people))
                else None)
    return {"total": total, "source": source, "gap": _gap(reported, total)}


# The gap between a reported figure and the machine forecast is highlighted above this share of the latter.
GAP_FLAG = Decimal("0.20")


def _gap(reported: Decimal | None, machine: Decimal) -> dict[str, Any] | None:
    if reported is None:
        return None
    gap = reported - machine
    flagged = abs(gap) > GAP_FLAG * machine if machine else gap != 0
    return {"amount": gap, "flagged": flagged}


def subtree_person(*, viewer: User, pk: int | None) -> User:
    """The viewer, or a person in the viewer's subtree (User.DoesNotExist otherwise)."""
    if not pk or int(pk) == viewer.pk:
        return viewer
    people = User.objects.select_related("org_unit")
    if viewer.is_admin:
        return people.get(pk=pk)
    return people.filter(pk__in=viewer.subordinate_ids()).get(pk=pk)


def awaiting_my_decision(*, viewer: User, period: ForecastPeriod | None = None) -> QuerySet[Forecast]:
    """Submitted records of my direct subordinates (the ones I would approve or return)."""
    records = Forecast.objects.filter(owner__manager=viewer, status=ForecastStatus.SUBMITTED)
    if period is not None:
        records = records.filter(period=period)
    return records.select_related("owner", "period").order_by("submitted_at", "id")


# --- Division view and production plan ---------------------------------------------------------

def divisions_for(*, viewer: User) -> QuerySet[OrgUnit]:
    """Business divisions whose head is the viewer or below them (all of them for administrators)."""
    divisions = OrgUnit.objects.filter(kind=OrgUnitKind.DIVISION).select_related("manager")
    owners = viewer.visible_owner_ids()
    if owners is None:
        return divisions.order_by("name")
    return divisions.filter(manager__in=owners).order_by("name")


def _plan_lines(period: ForecastPeriod, owners, *, statuses) -> QuerySet[ForecastLineProduct]:
    """Product rows of the lines of each owner's latest record with one of `statuses`."""
    records = Forecast.objects.filter(period=period, status__in=statuses)
    if owners is not None:
        records = records.filter(owner__in=owners)
    latest_ids = []
    seen: set[int] = set()
    for pk, owner_id in records.order_by("owner_id", "-version").values_list("pk", "owner_id"):
        if owner_id not in seen:
            seen.add(owner_id)
            latest_ids.append(pk)
    return (
        ForecastLineProduct.objects.filter(line__forecast_id__in=latest_ids)
        .exclude(line__category=Category.OMITTED)
        .select_related("product", "line", "line__forecast")
    )


def plan_rows(period: ForecastPeriod, owners, *, statuses=(ForecastStatus.APPROVED,)) -> list[dict[str, Any]]:
    """Forecast by product and month from the latest records with `statuses`.

    Each opportunity counts once (from the most recently submitted record that holds it). A
    product's quantity and amount are pro-rated by the line's forecast amount over the
    opportunity's amount when the owner forecast less (or more) than the full amount.
    """
    chosen: dict[int, tuple] = {}
    items = _plan_lines(period, owners, statuses=statuses)
    by_line: dict[int, list[ForecastLineProduct]] = defaultdict(list)
    for item in items:
        by_line[item.line_id].append(item)
    for line_items in by_line.values():
        line = line_items[0].line
        key = line.opportunity_id or -line.pk
        stamp = line.forecast.submitted_at or line.forecast.created_at
        if key not in chosen or stamp > chosen[key][0]:
            chosen[key] = (stamp, line, line_items)
    sums: dict[tuple[int, str], list] = {}
    for _stamp, line, line_items in chosen.values():
        ratio = (line.amount / line.opportunity_amount) if line.opportunity_amount else Decimal(1)
        month = f"{line.expected_close_date.year}-{line.expected_close_date.month:02d}"
        for item in line_items:
            entry = sums.setdefault((item.product_id, month), [item.product, ZERO, ZERO])
            entry[1] += item.quantity * ratio
            entry[2] += item.amount * ratio
    rows = []
    for (_product_id, month), (product, quantity, amount) in sorted(
        sums.items(), key=lambda kv: (kv[1][0].code, kv[0][1])
    ):
        rows.append({"product": product.pk, "product_code": product.code, "product_name": product.name,
                     "month": month, "quantity": quantity.quantize(CENT), "amount": amount.quantize(CENT)})
    return rows


def production_plan(*, viewer: User, period: ForecastPeriod) -> list[dict[str, Any]]:
    """The approved forecast by product and month: the lines of every person's latest approved
    record the viewer may see (the whole company for administrators)."""
    return plan_rows(period, viewer.visible_owner_ids())


def division_period(*, viewer: User, division: OrgUnit, today: date | None = None) -> ForecastPeriod | None:
    """The period the division page opens on: of the open periods containing today (a month and its quarter,
    say), the first where the division has reported or channel figures; else the usual current period."""
    today = today or timezone.localdate()
    default = current_period(viewer=viewer, today=today)
    containing = list(ForecastPeriod.objects.visible_to(viewer).open().filter(start__lte=today, end__gte=today)
                      .order_by("end", "kind"))
    if len(containing) < 2:
        return default
    head = division.manager
    owners = head.subordinate_ids(include_self=True) if head is not None else []
    reported = set(Forecast.objects.filter(period__in=containing, owner__in=owners, status__in=REPORTED_STATUSES)
                   .values_list("period_id", flat=True).distinct())
    channel = set(ChannelForecast.objects.visible_to(viewer).filter(period__in=containing, org_unit=division)
                  .values_list("period_id", flat=True).distinct())
    with_data = [period for period in containing if period.pk in reported | channel]
    if default is not None and default.pk in reported | channel:
        return default
    return with_data[0] if with_data else default


def division_view(*, viewer: User, period: ForecastPeriod, division: OrgUnit) -> dict[str, Any]:
    """Own forecast vs channel forecasts for one division, by product, with the difference."""
    head = division.manager
    figure = None
    if head is not None:
        figure = subtree_figures(root=head, period=period).get(head.pk)
    owners = head.subordinate_ids(include_self=True) if head is not None else []
    own_rows = plan_rows(period, owners, statuses=REPORTED_STATUSES) if head is not None else []
    channel = list(
        ChannelForecast.objects.visible_to(viewer).filter(period=period, org_unit=division)
        .select_related("product").order_by("product__code", "partner_name")
    )
    products: dict[int, dict[str, Any]] = {}
    for row in own_rows:
        entry = products.setdefault(row["product"], {"code": row["product_code"], "name": row["product_name"],
                                                     "own_quantity": ZERO, "own_amount": ZERO,
                                                     "channel_quantity": ZERO, "channel_amount": ZERO})
        entry["own_quantity"] += row["quantity"]
        entry["own_amount"] += row["amount"]
    for item in channel:
        entry = products.setdefault(item.product_id, {"code": item.product.code, "name": item.product.name,
                                                      "own_quantity": ZERO, "own_amount": ZERO,
                                                      "channel_quantity": ZERO, "channel_amount": ZERO})
        entry["channel_quantity"] += item.quantity
        entry["channel_amount"] += item.amount
    comparison = []
    for entry in sorted(products.values(), key=lambda e: e["code"]):
        entry["difference"] = entry["own_amount"] - entry["channel_amount"]
        entry["quantity_difference"] = entry["own_quantity"] - entry["channel_quantity"]
        comparison.append(entry)
    own_total = sum((e["own_amount"] for e in comparison), ZERO)
    channel_total = sum((e["channel_amount"] for e in comparison), ZERO)
    machine = None
    if head is not None:
        tree = people_tree(head.subordinate_ids(include_self=True))
        rolled = machine_rollup(period=period, people=tree, owner_ids=list(tree))
        if rolled is not None:
            total = rolled[0].get(head.pk, ZERO).quantize(CENT)
            reported = figure.amount if figure is not None and figure.reported is not None else None
            machine = {"total": total, "source": rolled[1], "gap": _gap(reported, total)}
    return {
        "machine": machine,
        "division": division,
        "head": head,
        "figure": figure,
        "channel": channel,
        "comparison": comparison,
        "own_total": own_total,
        "channel_total": channel_total,
        "difference": own_total - channel_total,
        "chart": {
            "products": [e["code"] for e in comparison],
            "own": [str(e["own_amount"]) for e in comparison],
            "channel": [str(e["channel_amount"]) for e in comparison],
        },
    }


def channel_forecast_list(*, viewer: User) -> QuerySet[ChannelForecast]:
    return (ChannelForecast.objects.visible_to(viewer).select_related("period", "org_unit", "product")
            .order_by("-period__start", "org_unit__name", "partner_name", "product__code"))


# --- For other areas ---------------------------------------------------------------------------

def forecast_amount(*, user: User | None = None, org_unit: OrgUnit | None = None, period_start: date,
                    period_end: date) -> Decimal:
    """The forecast of one person, or of a unit (its manager's figure), for [period_start, period_end]:
    `forecast_amounts` for one id."""
    if user is None and org_unit is not None:
        user = org_unit.manager
    if user is None:
        return ZERO
    return forecast_amounts(user_ids=[user.pk], period_start=period_start, period_end=period_end)[user.pk]


def workbench_panel(user: User) -> dict[str, Any] | None:
    """The forecast due (period, my deadline, my status) and, for managers, records awaiting me."""
    if not (user and user.is_authenticated):
        return None
    period = current_period(viewer=user)
    if period is None:
        return None
    level = level_of(user)
    mine = Forecast.objects.filter(period=period, owner=user).order_by("-version").first()
    waiting = None
    if user.is_manager:
        waiting = list(awaiting_my_decision(viewer=user)[:6])
    return {
        "template": "forecasting/_workbench.html",
        "period": period,
        "deadline": deadline_state(deadline_for(period, level), mine),
        "mine": mine,
        "waiting": waiting,
        "waiting_count": awaiting_my_decision(viewer=user).count() if waiting is not None else 0,
    }


def forecast_amounts(*, user_ids, period_start: date, period_end: date) -> dict[int, Decimal]:
    """What "the forecast for a period" is, wherever it is shown beside a quota or a won amount: each
    person's figure in the forecast hierarchy, as the team forecast page shows it (`compute_figures`).

    - A person who submits: the amount of their latest reported (submitted or approved) record; a manager's
      record already holds their subordinates' (the roll-up). Nothing reported yet: 0.
    - A level that does not submit (the company head, a unit whose level the rule leaves out): the sum of
      the figures of the people below.
    - A unit's forecast is its manager's figure.
    Over the forecast periods lying inside [period_start, period_end]: quarters first, then months outside
    those quarters, so no month is counted twice. Each id maps to its amount (0 without a forecast); a
    constant number of queries whatever the number of people (two per forecast period in the range)."""
    ids = [pk for pk in dict.fromkeys(user_ids) if pk is not None]
    result = dict.fromkeys(ids, ZERO)
    if not ids:
        return result
    periods = sorted(ForecastPeriod.objects.filter(start__gte=period_start, end__lte=period_end),
                     key=lambda p: (p.kind != PeriodKind.QUARTER, p.start))
    if not periods:
        return result
    if len(ids) <= 50:
        subtrees = Q()
        for pk in ids:
            subtrees |= Q(pk__in=descendants_sql(User._meta.db_table, "manager_id", pk, include_root=True))
        people = people_tree(User.objects.filter(subtrees).values("pk"))
    else:
        people = people_tree(User.objects.values("pk"))
    covered: dict[int, list[tuple[date, date]]] = {pk: [] for pk in ids}
    for period in periods:
        _latest, reported = latest_records(period, list(people))
        figures = compute_figures(people, {}, reported, {}, rules_for(period), root_ids=ids)
        for pk in ids:
            figure = figures.get(pk)
            if figure is None or not figure.submitted_people:
                continue  # nobody in this person's part of the tree reported for the period
            if any(period.start <= end and start <= period.end for start, end in covered[pk]):
                continue
            result[pk] += figure.amount
            covered[pk].append((period.start, period.end))
    return result
