"""Reads of the sales funnel shared by pages, the API, the daily job and the workbench.

A funnel belongs to a *holder*: a person (the opportunities they are primary owner of) or an org
unit (the opportunities of everyone in the unit and the units below it). Health compares the
current count or amount per open stage with the expected value (manual baseline, else history).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from django.db import connection, connections
from django.db.models import (
    BooleanField,
    Count,
    DateTimeField,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy

from crm.links import record_url
from crm.money import CENT, ZERO
from crm.request_memo import remembered
from funnel.models import (
    Baseline,
    BaselineSource,
    ClosedSnapshot,
    FunnelSettings,
    FunnelSnapshot,
    Lookback,
    SnapshotRun,
    StageChange,
    StageEntry,
    StageTaskDone,
)
from opportunities.models import Opportunity, Stage, StageOutcome
from opportunities.selectors import all_stages as opportunity_stages
from opportunities.selectors import open_stage_figures
from opportunities.services import may_edit_opportunity
from opportunities.stage_requirements import unmet_requirements
from teams.hierarchy import ancestors_sql
from teams.models import OrgUnit, Position, User, managed_unit_ids
from teams.selectors import superiors_nearest_first

HUNDRED = Decimal(100)
QUARTER_DAYS = 91
TREND_DAYS = 120


class Health:
    EXCELLENT = "excellent"
    GOOD = "good"
    WARNING = "warning"
    NO_BASELINE = "no_baseline"

    LABELS = {
        EXCELLENT: gettext_lazy("Excellent"),
        GOOD: gettext_lazy("Good"),
        WARNING: gettext_lazy("Warning"),
        NO_BASELINE: gettext_lazy("No baseline"),
    }


class Measure:
    COUNT = "count"
    AMOUNT = "amount"
    VALUES = (COUNT, AMOUNT)


# --- Stages ----------------------------------------------------------------------------------

def all_stages() -> list[Stage]:
    """Every stage in order, read once per page view (opportunities.selectors.all_stages)."""
    return opportunity_stages()


def open_stages() -> list[Stage]:
    """Every open stage in order (see all_stages)."""
    return [stage for stage in all_stages() if stage.outcome == StageOutcome.OPEN]


def funnel_stages(*, holding: Iterable[int] = ()) -> list[Stage]:
    """The open stages of the funnel in order: the active ones, and inactive ones still holding opportunities."""
    holding = set(holding)
    return [stage for stage in open_stages() if stage.active or stage.pk in holding]


def stage_list(*, viewer: User) -> QuerySet[Stage]:
    return Stage.objects.visible_to(viewer).order_by("order", "id")


# --- Holders and who may see them -------------------------------------------------------------

@dataclass(frozen=True)
class Holder:
    """Whose funnel: a person or an org unit (exactly one)."""

    user: User | None = None
    org_unit: OrgUnit | None = None

    @property
    def key(self) -> tuple[str, int]:
        return ("u", self.user.pk) if self.user is not None else ("o", self.org_unit.pk)

    @property
    def is_unit(self) -> bool:
        return self.org_unit is not None

    @property
    def label(self) -> str:
        return str(self.user if self.user is not None else self.org_unit)

    @property
    def query(self) -> str:
        return f"user={self.user.pk}" if self.user is not None else f"org_unit={self.org_unit.pk}"

    def owners(self):
        """The same owners for a filter that follows another index (the stuck list; the recent closes of a unit
        whose ids were not read, see owners_filter): a subquery for a unit, since a literal list of a thousand ids
        costs more to send than to test."""
        if self.user is not None:
            return [self.user.pk]
        return User.objects.filter(org_unit__in=self.org_unit.subtree_ids()).values("pk")

    def owners_filter(self, field: str = "primary_owner") -> Q:
        """`field` among the owners: as one array parameter when their ids are known without a query (a person, or
        a unit whose owner_ids() were read: a live funnel's), else as owners()' subquery (a large unit's funnel
        from the snapshot, which reads no ids otherwise)."""
        if self.user is not None or getattr(self, "_owner_ids", None) is not None:
            return Q(**{f"{field}__any_of": self.owner_ids()})
        return Q(**{f"{field}__in": self.owners()})

    def owner_ids(self) -> list[int]:
        """The primary owners whose opportunities make up this funnel. Resolved to a list first (one query):
        with literal ids the planner uses the owner index for a team instead of scanning every opportunity."""
        if self.user is not None:
            return [self.user.pk]
        cached = getattr(self, "_owner_ids", None)
        if cached is None:
            cached = list(User.objects.filter(org_unit__in=self.org_unit.subtree_ids()).values_list("pk", flat=True))
            object.__setattr__(self, "_owner_ids", cached)
        return cached


def holder_visible(*, viewer: User, user: User | None = None, org_unit: OrgUnit | None = None) -> bool:
    """Oneself and the people below; the units one manages and those below them; administrators all."""
    if not (viewer and viewer.is_authenticated and viewer.is_active):
        return False
    if viewer.is_admin:
        return True
    if user is not None:
        return user.pk == viewer.pk or viewer.is_superior_of(user)
    if org_unit is not None:
        return OrgUnit.objects.filter(pk=org_unit.pk, pk__in=managed_unit_ids(viewer)).exists()
    return False


def _int_or_none(value) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


def holder_get(*, viewer: User, user_id=None, org_unit_id=None) -> Holder:
    """The holder named by ids, or 404 when it does not exist or lies outside the viewer's subtree."""
    if user_id not in (None, ""):
        pk = _int_or_none(user_id)
        person = User.objects.select_related("org_unit").filter(pk=pk).first() if pk else None
        if person is None or not holder_visible(viewer=viewer, user=person):
            raise Http404
        return Holder(user=person)
    if org_unit_id not in (None, ""):
        pk = _int_or_none(org_unit_id)
        unit = OrgUnit.objects.select_related("parent", "manager").filter(pk=pk).first() if pk else None
        if unit is None or not holder_visible(viewer=viewer, org_unit=unit):
            raise Http404
        return Holder(org_unit=unit)
    return default_holder(viewer=viewer)


def managed_top_units(*, viewer: User) -> list[OrgUnit]:
    """The units the viewer manages that are not below another one they manage (administrators: the roots), read
    once per page view (crm.request_memo: the funnel page's default holder and its drill-down both ask). Callers
    read the list; they do not change it or its units."""

    def read() -> list[OrgUnit]:
        if viewer.is_admin:
            units = list(OrgUnit.objects.filter(parent__isnull=True).order_by("name"))
            _keep_own_unit(viewer, units)
            return units
        units = list(OrgUnit.objects.filter(manager=viewer).order_by("name"))
        _keep_own_unit(viewer, units)
        ids = {unit.pk for unit in units}
        return [unit for unit in units if unit.parent_id not in ids]

    return remembered(("funnel-managed-top-units", viewer.pk, viewer.is_admin), read)


def _keep_own_unit(viewer: User, units: Iterable[OrgUnit]) -> None:
    """The viewer's own org unit, when among units the page has read anyway, kept on the viewer: every page's top
    bar names it, which otherwise costs a query of its own (teams.selectors.people_around does the same)."""
    if viewer.org_unit_id is None or User.org_unit.is_cached(viewer):
        return
    for unit in units:
        if unit.pk == viewer.org_unit_id:
            User.org_unit.field.set_cached_value(viewer, unit)
            return


def default_holder(*, viewer: User) -> Holder:
    """A manager starts on the unit they manage; everyone else on their own funnel."""
    units = [unit for unit in managed_top_units(viewer=viewer) if not viewer.is_admin or unit.manager_id == viewer.pk]
    if units:
        return Holder(org_unit=units[0])
    return Holder(user=viewer)


# --- Current figures --------------------------------------------------------------------------

@dataclass
class Figure:
    count: int = 0
    amount: Decimal = ZERO
    stuck: int = 0

    def weighted(self, probability: int) -> Decimal:
        return (self.amount * probability / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def funnel_figures(*, holder: Holder, with_stuck: bool = False, today: date | None = None) -> dict[int, Figure]:
    """Count and amount (and, if asked, how many are stuck) per open stage of the holder's opportunities,
    from one aggregate query (and one more for the stuck ones, _stuck_counts)."""
    stages = open_stages()
    owners = holder.owner_ids()
    # The same grouped read as the workbench's opportunity card (read once when both ask).
    rows = open_stage_figures(owner_ids=owners, stage_ids=[s.pk for s in stages])
    figures = {stage_id: Figure(count=row.count, amount=row.amount) for stage_id, row in rows.items()}
    if with_stuck:
        for stage_id, count in _stuck_counts(owner_ids=owners, stages=stages, today=today).items():
            figures.setdefault(stage_id, Figure()).stuck = count
    return figures


# --- Baselines and health ---------------------------------------------------------------------

@dataclass
class Expected:
    count: Decimal | None = None
    amount: Decimal | None = None
    count_source: str = ""
    amount_source: str = ""

    def value(self, measure: str) -> Decimal | None:
        return self.count if measure == Measure.COUNT else self.amount

    def source(self, measure: str) -> str:
        return self.count_source if measure == Measure.COUNT else self.amount_source


def effective_expected(baselines: Iterable[Baseline]) -> dict[int, Expected]:
    """Per stage: a manual value where one is given, else the history value (each measure on its own)."""
    result: dict[int, Expected] = {}
    ordered = sorted(baselines, key=lambda b: b.source != BaselineSource.HISTORY)  # history first, manual last
    for baseline in ordered:
        expected = result.setdefault(baseline.stage_id, Expected())
        if baseline.expected_count is not None:
            expected.count, expected.count_source = baseline.expected_count, baseline.source
        if baseline.expected_amount is not None:
            expected.amount, expected.amount_source = baseline.expected_amount, baseline.source
    return result


def _holder_baseline_rows(holder: Holder) -> QuerySet[Baseline]:
    filters = {"user": holder.user} if holder.user is not None else {"org_unit": holder.org_unit}
    return Baseline.objects.filter(**filters)


def holder_baselines(*, holder: Holder) -> list[Baseline]:
    return list(_holder_baseline_rows(holder).select_related("stage", "set_by"))


def holder_expected(*, holder: Holder) -> dict[int, Expected]:
    """effective_expected of the holder's baselines, reading only what it needs (no stage row, no person, and no
    order: one row per stage and source at most, and effective_expected orders them by source itself)."""
    return effective_expected(_holder_baseline_rows(holder).order_by().values_list(
        "stage_id", "source", "expected_count", "expected_amount", named=True))


def health_status(*, current: Decimal | int, expected: Decimal | None,
                  settings: FunnelSettings | None = None) -> tuple[Decimal | None, str]:
    """Ratio current / expected in exact Decimal: above 100% excellent, 70% to 100% (both included) good,
    below 70% warning; without a positive expected value, no ratio and "no_baseline" (never a made-up number)."""
    if expected is None or Decimal(expected) <= 0:
        return None, Health.NO_BASELINE
    good_from = (settings.good_from_percent if settings else Decimal(70)) / HUNDRED
    excellent_above = (settings.excellent_above_percent if settings else HUNDRED) / HUNDRED
    ratio = Decimal(current) / Decimal(expected)
    if ratio > excellent_above:
        return ratio, Health.EXCELLENT
    if ratio >= good_from:
        return ratio, Health.GOOD
    return ratio, Health.WARNING


def ratio_display(ratio: Decimal | None) -> Decimal | None:
    """The ratio to 4 places, cut (not rounded) so 69.999% never shows as 70.00%."""
    return None if ratio is None else ratio.quantize(Decimal("0.0001"), rounding=ROUND_DOWN)


@dataclass
class StageHealth:
    stage: Stage
    figure: Figure
    expected: Expected
    count_ratio: Decimal | None = None
    count_status: str = Health.NO_BASELINE
    amount_ratio: Decimal | None = None
    amount_status: str = Health.NO_BASELINE
    @property
    def stuck(self) -> int:
        return self.figure.stuck

    @property
    def weighted(self) -> Decimal:
        return self.figure.weighted(self.stage.probability)

    def current(self, measure: str) -> Decimal:
        return Decimal(self.figure.count) if measure == Measure.COUNT else self.figure.amount

    def ratio(self, measure: str) -> Decimal | None:
        return self.count_ratio if measure == Measure.COUNT else self.amount_ratio

    def status(self, measure: str) -> str:
        return self.count_status if measure == Measure.COUNT else self.amount_status

    def percent(self, measure: str) -> Decimal | None:
        ratio = self.ratio(measure)
        return None if ratio is None else (ratio * HUNDRED).quantize(CENT, rounding=ROUND_DOWN)


def funnel_health(*, holder: Holder, settings: FunnelSettings | None = None,
                  with_stuck: bool = False, figures: Mapping[int, Figure] | None = None) -> list[StageHealth]:
    """Per open stage: the holder's count, amount and weighted amount (and stuck count), the expected values
    and the health by count and by amount (four queries whatever the size of the funnel). `figures`, when
    given, are used instead of the live ones (a unit's figures from the day's snapshot). The settings (the
    health thresholds) are read only when some stage has an expected value to compare with."""
    if figures is None:
        figures = funnel_figures(holder=holder, with_stuck=with_stuck)
    expected = holder_expected(holder=holder)
    if settings is None and any(e.count is not None or e.amount is not None for e in expected.values()):
        settings = FunnelSettings.load()
    rows = []
    for stage in funnel_stages(holding=figures):
        figure = figures.get(stage.pk, Figure())
        row = StageHealth(stage=stage, figure=figure, expected=expected.get(stage.pk, Expected()))
        row.count_ratio, row.count_status = health_status(current=figure.count, expected=row.expected.count,
                                                          settings=settings)
        row.amount_ratio, row.amount_status = health_status(current=figure.amount, expected=row.expected.amount,
                                                            settings=settings)
        rows.append(row)
    return rows


# --- The funnel page: live, or a large unit's figures from the day's snapshot --------------------

# A unit with more open opportunities than this (at the day's snapshot) is shown from the snapshot: counting
# tens of thousands of rows live costs more than the page may take. Smaller units and people are live.
LIVE_UNIT_LIMIT = 10_000


def _run_time(field: str, *, day: date | None = None) -> RawSQL:
    """A time of the day's snapshot run (None: the latest finished one) as a scalar subquery. Written as SQL (the
    names from the model, the day a bound parameter): a Subquery costs Django more to build than the query
    costs PostgreSQL."""
    quote = connection.ops.quote_name
    run, column = SnapshotRun._meta, SnapshotRun._meta.get_field
    select = f"SELECT {quote(column(field).column)} FROM {quote(run.db_table)}"  # noqa: S608 - names from the model
    if day is None:
        return RawSQL(f"{select} WHERE {quote(column('finished_at').column)} IS NOT NULL"  # noqa: S611
                      f" ORDER BY {quote(column('date').column)} DESC LIMIT 1", (), output_field=DateTimeField())
    return RawSQL(f"{select} WHERE {quote(column('date').column)} = %s", (day,),  # noqa: S611
                  output_field=DateTimeField())


def _snapshot_rows(holder: Holder, start: date, end: date) -> tuple[list[tuple], datetime | None]:
    """The holder's snapshot rows from `start` to `end`, by date and stage (date, stage, count, amount, stuck,
    expected count, expected amount), and when the opportunities of the `end` day's snapshot were read (None: no
    such day or not yet): one query, read once per page view (crm.request_memo: a unit's figures from the day's
    snapshot and its trend are the same rows). Callers read the list; they do not change it."""

    def read() -> tuple[list[tuple], datetime | None]:
        rows = list(FunnelSnapshot.objects.for_holder(user=holder.user, org_unit=holder.org_unit)
                    .filter(date__gte=start, date__lte=end).order_by("date", "stage_id")
                    .annotate(end_taken_at=_run_time("taken_at", day=end))  # one value for every row
                    .values_list("date", "stage_id", "count", "amount", "stuck", "expected_count", "expected_amount",
                                 "end_taken_at"))
        return [row[:7] for row in rows], (rows[0][7] if rows else None)

    return remembered(("funnel-snapshot-rows", holder.key, start, end), read)


def unit_snapshot_figures(*, org_unit: OrgUnit, day: date | None = None) -> tuple[dict[int, Figure], datetime] | None:
    """The unit's count, amount and stuck count per open stage from the day's snapshot, and when the
    opportunities were read for it; None when the day has no snapshot yet (one query: the rows of the trend
    up to that day, which the funnel page shows too)."""
    day = day or timezone.localdate()
    rows, taken_at = _snapshot_rows(Holder(org_unit=org_unit), day - timedelta(days=TREND_DAYS), day)
    days_rows = [row for row in rows if row[0] == day]
    if not days_rows or taken_at is None:
        return None
    figures = {stage_id: Figure(count=count, amount=amount, stuck=stuck)
               for _day, stage_id, count, amount, stuck, _count, _amount in days_rows}
    return figures, taken_at


@dataclass
class FunnelReading:
    """The funnel page's figures: `rows` per open stage, and `as_of`, the time of the snapshot they come from
    (None: read live now), and `day`, that snapshot's date."""

    rows: list[StageHealth]
    as_of: datetime | None = None
    day: date | None = None

    @property
    def live(self) -> bool:
        return self.as_of is None


def funnel_reading(*, holder: Holder, settings: FunnelSettings | None = None, live: bool = False,
                   day: date | None = None) -> FunnelReading:
    """A person's funnel is read live, and so is a unit's when asked (`live`), when the day has no snapshot
    yet, or when the unit is small (at most LIVE_UNIT_LIMIT open opportunities). A larger unit's count,
    amount and stuck count come from the day's snapshot, as of the time it was taken: the sum of its people's
    figures at that moment, as the live figures were then."""
    settings = settings or FunnelSettings.load()
    if holder.is_unit and not live:
        day = day or timezone.localdate()
        found = unit_snapshot_figures(org_unit=holder.org_unit, day=day)
        if found is not None and sum(figure.count for figure in found[0].values()) > LIVE_UNIT_LIMIT:
            figures, as_of = found
            return FunnelReading(rows=funnel_health(holder=holder, settings=settings, figures=figures), as_of=as_of,
                                 day=day)
    return FunnelReading(rows=funnel_health(holder=holder, settings=settings, with_stuck=True))


# --- Days in stage and stuck opportunities ----------------------------------------------------

def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def days_since(moment: datetime | None, *, today: date | None = None) -> int:
    if moment is None:
        return 0
    today = today or timezone.localdate()
    return max(0, (today - timezone.localtime(moment).date()).days)


def is_stuck(*, stage: Stage, days: int) -> bool:
    """Stuck when the days in the stage exceed the stage's limit (a stage without a limit never is)."""
    return bool(stage.outcome == StageOutcome.OPEN and stage.stuck_after_days and days > stage.stuck_after_days)


def _stuck_limits(stages: Iterable[Stage]) -> list[tuple[int, list[int]]]:
    """The open stages with a limit, grouped by it: (days, stage ids), fewest days first."""
    by_limit: dict[int, list[int]] = defaultdict(list)
    for stage in stages:
        if stage.outcome == StageOutcome.OPEN and stage.stuck_after_days:
            by_limit[stage.stuck_after_days].append(stage.pk)
    return sorted(by_limit.items())


def _stuck_counts(*, owner_ids: list[int], stages: list[Stage], today: date | None = None) -> dict[int, int]:
    """How many of these owners' open opportunities are stuck, per stage: stuck_queryset's rows, counted per stage
    in one grouped query (the rule is written once, there)."""
    stuck = stuck_queryset(owner_ids=owner_ids, stages=stages, today=today)
    if stuck is None:
        return {}
    return dict(stuck.order_by().values_list("stage_id").annotate(count=Count("*")))


def stuck_queryset(*, owner_ids=None, stages: list[Stage] | None = None, today: date | None = None,
                   same_stage: bool = True) -> QuerySet[Opportunity] | None:
    """Open opportunities (of these owners; None: everyone's) past their stage's limit, annotated with
    `entered_at`; None when no stage has a limit.

    Read from the StageEntry that every opportunity has (written on creation and on every move, back-filled
    by the nightly job): per stage a range scan of the (stage, entered_at) index, `entered_at < midnight of
    (today - limit)`, joined to the opportunities by key, so the cost follows the stuck ones, not the funnel.
    An entry left in another stage (the stage changed outside the move service) counts only once the
    nightly job has repaired it. `same_stage=False` leaves that test to the caller (see stuck_oldest).

    The condition has a fixed shape (a branch per limit, with the stages sharing it) and is written as SQL with
    the stages' ids and the cutoffs as parameters: built from Q objects, its twenty-odd lookups through the join
    cost Django more than the query cost the database. It names the opportunity and stage-entry tables, so the
    queryset is read, counted and sliced, never nested in another query (which renames its tables)."""
    today = today or timezone.localdate()
    stages = stages if stages is not None else open_stages()
    by_limit = _stuck_limits(stages)
    if not by_limit:
        return None
    ops = connections[Opportunity.objects.db].ops
    opportunity, entry = ops.quote_name(Opportunity._meta.db_table), ops.quote_name(StageEntry._meta.db_table)
    entry_stage, entered = f"{entry}.{ops.quote_name('stage_id')}", f"{entry}.{ops.quote_name('entered_at')}"
    stage = f"{opportunity}.{ops.quote_name('stage_id')}"
    # Stages sharing a limit share a branch: fewer branches for the planner to weigh (seven branches, one a stage,
    # took it 0.6 ms to plan a query that runs in 0.03 ms; the same range scans per stage either way).
    branches, params = [], []
    for days, stage_ids in by_limit:
        marks = ", ".join(["%s"] * len(stage_ids))
        branches.append(f"({entry_stage} IN ({marks}) AND {entered} < %s)")
        params += [*stage_ids, ops.adapt_datetimefield_value(_midnight(today - timedelta(days=days)))]
    condition = " OR ".join(branches)
    if same_stage:  # the opportunity is in its entry's stage too: an entry left in another stage never counts
        condition = f"{entry_stage} = {stage} AND ({condition})"
    queryset = Opportunity.objects.filter(RawSQL(condition, params,  # noqa: S611 - code constants, values bound
                                                 output_field=BooleanField()))
    if owner_ids is not None:
        queryset = queryset.filter(primary_owner__in=owner_ids)
    queryset = queryset.annotate(entered_at=F("stage_entry__entered_at"), entry_stage_id=F("stage_entry__stage_id"))
    # The annotation joins the stage entries as an outer join; the condition above needs one on each row found.
    queryset.query.demote_joins([StageEntry._meta.db_table])
    return queryset


def _stuck_seen(*, viewer: User, holder: Holder, today: date | None, same_stage: bool) -> QuerySet[Opportunity]:
    queryset = stuck_queryset(owner_ids=holder.owners(), today=today, same_stage=same_stage)
    if queryset is None:
        return Opportunity.objects.none()
    owners = viewer.visible_owner_ids()
    if owners is not None and holder.user != viewer:
        # The list is by primary owner: those in the viewer's subtree (a cheaper test than visible_to, and
        # never wider: every opportunity it keeps is one visible_to keeps). One's own funnel needs no test:
        # the subtree starts with oneself.
        queryset = queryset.filter(primary_owner__in=owners)
    return queryset.order_by("entered_at", "id")


def stuck_opportunities(*, viewer: User, holder: Holder, today: date | None = None,
                        same_stage: bool = True) -> QuerySet[Opportunity]:
    """The holder's open opportunities past their stage's limit, longest first, as the viewer may see them."""
    return _stuck_seen(viewer=viewer, holder=holder, today=today, same_stage=same_stage).select_related(
        "stage", "customer", "primary_owner")


def stuck_oldest(*, viewer: User, holder: Holder, limit: int = 20, today: date | None = None,
                 counted: int | None = None) -> list[Opportunity]:
    """The holder's `limit` longest-stuck opportunities, oldest first, with their days in stage (the same ones
    stuck_opportunities lists first). `counted`: how many stuck ones the holder has, counted live just before
    (funnel_figures with_stuck); when that is none, the list is empty without a query.

    Whether the opportunity is still in its entry's stage is checked here, not in the query: in SQL that
    test makes the planner expect few matches and sort every stuck entry of the company (in parallel
    workers) rather than read the entries oldest first and stop at `limit` of the holder's. Such stale
    entries are rare (the nightly job repairs them), so one query is the rule."""
    if counted == 0:
        return []
    today = today or timezone.localdate()
    # The keys first (a narrow query with a short plan), then those rows with what the list shows.
    keys = (_stuck_seen(viewer=viewer, holder=holder, today=today, same_stage=False)
            .values_list("pk", "stage_id", "entry_stage_id", "entered_at"))
    found: dict[int, datetime] = {}
    offset = 0
    while len(found) < limit:
        batch = list(keys[offset:offset + limit])
        found.update((pk, entered) for pk, stage_id, entry_stage_id, entered in batch if stage_id == entry_stage_id)
        if len(batch) < limit:
            break
        offset += limit
    wanted = list(found)[:limit]
    if not wanted:
        return []
    rows = Opportunity.objects.filter(pk__in=wanted).select_related("stage", "customer", "primary_owner").in_bulk()
    opportunities = []
    for pk in wanted:
        opportunity = rows[pk]
        opportunity.entered_at = found[pk]
        opportunities.append(opportunity)
    return attach_days(opportunities, today=today)


def attach_days(opportunities: Iterable[Opportunity], *, today: date | None = None) -> list[Opportunity]:
    """Set `days_in_stage` and `stuck` on opportunities annotated with `entered_at` (stuck_queryset)."""
    today = today or timezone.localdate()
    result = []
    for opportunity in opportunities:
        opportunity.days_in_stage = days_since(opportunity.entered_at, today=today)
        opportunity.stuck = is_stuck(stage=opportunity.stage, days=opportunity.days_in_stage)
        result.append(opportunity)
    return result


def stuck_counts(*, holder: Holder, today: date | None = None) -> dict[int, int]:
    """Stuck opportunities per stage (one aggregate query)."""
    return {stage_id: figure.stuck for stage_id, figure in funnel_figures(holder=holder, with_stuck=True,
                                                                           today=today).items() if figure.stuck}


def entered_at(*, opportunity: Opportunity) -> datetime:
    """When the opportunity entered its current stage (the last move into it, else its creation): from its stage
    entry when the opportunity was read with it (the opportunity page joins it), else one query."""
    relation = Opportunity.stage_entry.related
    if relation.is_cached(opportunity):
        entry = relation.get_cached_value(opportunity)
        return entry.entered_at if entry is not None and entry.stage_id == opportunity.stage_id \
            else opportunity.created_at
    # The one column, unordered (one row at most: the opportunity is the entry's key).
    entered = list(StageEntry.objects.filter(opportunity=opportunity, stage_id=opportunity.stage_id).values_list(
        "entered_at", flat=True)[:1])
    return entered[0] if entered else opportunity.created_at


# --- The stage path on the opportunity page ---------------------------------------------------

@dataclass
class ChecklistItem:
    position: int
    text: str
    done: StageTaskDone | None = None


def stage_checklist(*, opportunity: Opportunity, stage: Stage | None = None) -> list[ChecklistItem]:
    """The tasks of the opportunity's current stage (or `stage`) in the UI language, each with who ticked it
    off on this opportunity and when (one query)."""
    stage = stage or opportunity.stage
    items = [ChecklistItem(position=position, text=text) for position, text in enumerate(stage.checklist)]
    if items:
        # Unordered: one row per position at most (stagetaskdone_once), and the model's ordering by the stage's
        # order joined the stage table for nothing.
        done = {row.position: row for row in StageTaskDone.objects.filter(opportunity=opportunity, stage=stage)
                .select_related("done_by").order_by()}
        for item in items:
            item.done = done.get(item.position)
    return items


def may_tick_tasks(user: User | None, opportunity: Opportunity) -> bool:
    """Whoever may edit the opportunity ticks off its stage's tasks: the primary owner, their superiors and
    administrators."""
    return bool(user) and may_edit_opportunity(user, opportunity)


@dataclass
class PathStage:
    stage: Stage
    state: str  # done, current, todo
    blocked: list[str] = field(default_factory=list)  # unmet entry requirements (moving forward)


def may_move(user: User | None, opportunity: Opportunity) -> bool:
    """The primary owner, anyone above them in the reporting line, and administrators move an opportunity;
    the other members of the sales team do not."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_admin or user.pk == opportunity.primary_owner_id or user.is_superior_of(opportunity.primary_owner)


def may_reopen(user: User | None, opportunity: Opportunity) -> bool:
    """A closed (won or lost) opportunity is reopened or re-closed only by a superior of the primary owner
    or an administrator, never by the owner alone."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_admin or user.is_superior_of(opportunity.primary_owner)


def stage_panel(*, opportunity: Opportunity, viewer: User, today: date | None = None) -> dict:
    """What the opportunity page shows of the funnel: the path of stages (each a one-click move), the current
    stage's checklist, days in stage and the stuck flag, the latest loss reason, and who may move it."""
    stages = list(Stage.objects.filter(active=True).order_by("order", "id"))
    current = opportunity.stage
    closed = current.outcome != StageOutcome.OPEN
    movable = may_move(viewer, opportunity)
    reopen = may_reopen(viewer, opportunity) if closed else False
    path = []
    for stage in stages:
        if stage.outcome != StageOutcome.OPEN:
            continue
        if stage.pk == current.pk:
            state = "current"
        elif closed or stage.order < current.order:
            state = "done"
        else:
            state = "todo"
        path.append(PathStage(stage=stage, state=state))
    if current.outcome == StageOutcome.OPEN and current.pk not in {step.stage.pk for step in path}:
        path.append(PathStage(stage=current, state="current"))  # an inactive stage it still sits in
        path.sort(key=lambda step: (step.stage.order, step.stage.pk))
    won = next((s for s in stages if s.outcome == StageOutcome.WON), None)
    lost = next((s for s in stages if s.outcome == StageOutcome.LOST), None)
    checked: dict[str, str | None] = {}  # each requirement checked once for all the targets below
    if movable and not closed:
        for step in path:
            if step.state == "todo":
                step.blocked = forward_requirements_unmet(opportunity=opportunity, target=step.stage, stages=stages,
                                                          checked=checked)
    won_blocked = (forward_requirements_unmet(opportunity=opportunity, target=won, stages=stages, checked=checked)
                   if movable and won and not closed else [])
    entered = entered_at(opportunity=opportunity)
    days = days_since(entered, today=today)
    checklist = stage_checklist(opportunity=opportunity, stage=current)
    last_loss = None
    if current.outcome == StageOutcome.LOST:
        last_loss = (StageChange.objects.filter(opportunity=opportunity, to_outcome=StageOutcome.LOST)
                     .order_by("-changed_at", "-id").first())
    return {
        "opportunity": opportunity,
        "path": path,
        "current": current,
        "closed": closed,
        "won_stage": won,
        "lost_stage": lost,
        "won_blocked": won_blocked,
        "checklist": checklist,
        "checklist_done": sum(1 for item in checklist if item.done),
        "may_tick": may_tick_tasks(viewer, opportunity),
        "entered_at": entered,
        "days_in_stage": days,
        "stuck": is_stuck(stage=current, days=days),
        "may_move": movable and (reopen if closed else True),
        "may_reopen": reopen,
        "last_loss": last_loss,
    }


def forward_requirements_unmet(*, opportunity: Opportunity, target: Stage, stages: list[Stage] | None = None,
                               checked: dict[str, str | None] | None = None) -> list[str]:
    """The entry requirements not met by the opportunity for a forward move to `target`: those of every
    stage passed on the way (skipping a stage does not skip its requirements) and of the target itself.
    `checked`: answers of checks already made (see opportunities.stage_requirements.unmet_requirements)."""
    current = opportunity.stage
    if current.outcome != StageOutcome.OPEN or target.outcome == StageOutcome.LOST or target.order <= current.order:
        return []
    if stages is None:
        stages = list(Stage.objects.filter(active=True).order_by("order", "id"))
    passed = [s for s in stages if s.outcome == StageOutcome.OPEN and current.order < s.order <= target.order]
    if target.pk not in {s.pk for s in passed}:
        passed.append(target)
    codes = [code for stage in passed for code in (stage.requirements or [])]
    return unmet_requirements(opportunity, codes, checked)


@dataclass
class OpenTask:
    """A checklist task a forward move would leave undone."""

    stage: Stage
    text: str

    @property
    def required(self) -> bool:
        return self.stage.tasks_required

    def __str__(self) -> str:
        return f"{self.stage.code} {self.text}"


def open_tasks_left(*, opportunity: Opportunity, target: Stage, stages: list[Stage] | None = None) -> list[OpenTask]:
    """The checklist tasks a forward move to `target` leaves undone: the unticked ones of the stage it leaves
    and every task of the open stages it skips (never ticked: one ticks only the current stage's). None for a
    move back, a reopening or a loss (one query for the ticks when the current stage has a checklist)."""
    current = opportunity.stage
    if current.outcome != StageOutcome.OPEN or target.outcome == StageOutcome.LOST or target.order <= current.order:
        return []
    if stages is None:
        stages = list(Stage.objects.filter(active=True).order_by("order", "id"))
    left = [OpenTask(stage=current, text=item.text) for item in stage_checklist(opportunity=opportunity, stage=current)
            if not item.done]
    for stage in stages:
        if stage.outcome == StageOutcome.OPEN and current.order < stage.order < target.order and stage.pk != target.pk:
            left += [OpenTask(stage=stage, text=text) for text in stage.checklist]
    return left


def stage_history(*, opportunity: Opportunity) -> list[StageChange]:
    return list(StageChange.objects.filter(opportunity=opportunity).select_related("changed_by")
                .order_by("-changed_at", "-id"))


# --- The daily snapshot: figures of everyone, from aggregate queries --------------------------

def owner_figures(*, stage_ids: Iterable[int], today: date | None = None) -> dict[int, dict[int, Figure]]:
    """Count, amount and stuck count per primary owner and open stage, for the whole company, from two
    GROUP BYs (the opportunities; the stuck ones through the stage entries)."""
    result: dict[int, dict[int, Figure]] = defaultdict(dict)
    stage_ids = list(stage_ids)
    rows = (Opportunity.objects.filter(stage_id__in=stage_ids).order_by()
            .values_list("primary_owner_id", "stage_id").annotate(count=Count("id"), amount=Sum("amount")))
    for owner_id, stage_id, count, amount in rows:
        result[owner_id][stage_id] = Figure(count=count, amount=amount or ZERO)
    stuck = stuck_queryset(stages=list(Stage.objects.filter(pk__in=stage_ids)), today=today)
    if stuck is not None:
        for owner_id, stage_id, count in (stuck.order_by().values_list("primary_owner_id", "stage_id")
                                          .annotate(count=Count("id"))):
            result[owner_id].setdefault(stage_id, Figure()).stuck = count
    return result


def rollup(*, people: Mapping[int, Mapping[Hashable, Figure]], membership: Mapping[int, int | None],
           parents: Mapping[int, int | None]) -> dict[int, dict[Hashable, Figure]]:
    """Each unit's figures: the sum over everyone in it and in the units below it (each person once), by the
    people's keys (a stage id; an outcome for the closes)."""
    units: dict[int, dict[Hashable, Figure]] = {pk: {} for pk in parents}
    for person_id, by_stage in people.items():
        unit_id, seen = membership.get(person_id), set()
        while unit_id is not None and unit_id not in seen and unit_id in units:
            seen.add(unit_id)
            target = units[unit_id]
            for stage_id, figure in by_stage.items():
                total = target.setdefault(stage_id, Figure())
                total.count += figure.count
                total.amount += figure.amount
                total.stuck += figure.stuck
            unit_id = parents.get(unit_id)
    return units


def _lookback_dates(as_of: date, settings: FunnelSettings) -> list[date]:
    return [as_of - timedelta(days=QUARTER_DAYS * n) for n in range(1, settings.lookback_quarters + 1)]


def _averages(queryset) -> dict[tuple[tuple[str, int], int], tuple[Decimal, Decimal, int]]:
    rows = (queryset.order_by().values_list("user_id", "org_unit_id", "stage_id")
            .annotate(days=Count("id"), count=Sum("count"), amount=Sum("amount")))
    result = {}
    for user_id, unit_id, stage_id, days, count, amount in rows:
        key = ("u", user_id) if user_id is not None else ("o", unit_id)
        result[(key, stage_id)] = (
            (Decimal(count or 0) / days).quantize(CENT, rounding=ROUND_HALF_UP),
            (Decimal(amount or 0) / days).quantize(CENT, rounding=ROUND_HALF_UP),
            days,
        )
    return result


@dataclass
class HistoryValue:
    count: Decimal
    amount: Decimal
    lookback: str
    days: int


def history_expectations(*, as_of: date, settings: FunnelSettings | None = None) -> dict[tuple, HistoryValue]:
    """Expected count and amount per (holder, stage) from the snapshots before `as_of`: by default the average
    of the same day of the last 4 quarters (91, 182, 273, 364 days back, where present), else of the last
    90 days where that is all there is; in 'days' mode, of the last N days. Two aggregate queries at most.

    A stage the history expects fewer than `min_expected_count` opportunities in (default 1) gets no value,
    by count or by amount: the stage was mostly empty then, and a ratio against an average of a fraction of
    one deal (a team's 5.7 million against 11,776: 48,315%) would be a made-up judgement, not a baseline."""
    settings = settings or FunnelSettings.load()
    result: dict[tuple, HistoryValue] = {}
    window_start = as_of - timedelta(days=settings.lookback_days)
    days_text = f"days:{settings.lookback_days} ({window_start.isoformat()}..{(as_of - timedelta(days=1)).isoformat()})"
    if settings.lookback == Lookback.QUARTERS:
        dates = _lookback_dates(as_of, settings)
        quarter_text = f"quarters:{settings.lookback_quarters} ({', '.join(d.isoformat() for d in dates)})"
        for key, (count, amount, days) in _averages(FunnelSnapshot.objects.filter(date__in=dates)).items():
            result[key] = HistoryValue(count, amount, quarter_text, days)
    covered = {holder for holder, _stage in result}
    if covered and not FunnelSnapshot.objects.filter(date__gte=window_start, date__lt=as_of).exclude(
            _holder_q(covered)).exists():
        return _enough(result, settings)
    window = FunnelSnapshot.objects.filter(date__gte=window_start, date__lt=as_of)
    for key, (count, amount, days) in _averages(window).items():
        if key[0] not in covered:
            result[key] = HistoryValue(count, amount, days_text, days)
    return _enough(result, settings)


def _enough(history: dict[tuple, HistoryValue], settings: FunnelSettings) -> dict[tuple, HistoryValue]:
    """The history values that expect at least the configured fewest opportunities in their stage."""
    return {key: value for key, value in history.items() if value.count >= settings.min_expected_count}


def _holder_q(keys: Iterable[tuple[str, int]]) -> Q:
    users = [pk for kind, pk in keys if kind == "u"]
    units = [pk for kind, pk in keys if kind == "o"]
    return Q(user_id__in=users) | Q(org_unit_id__in=units)


def manual_expectations() -> dict[tuple, Baseline]:
    return {(("u", b.user_id) if b.user_id else ("o", b.org_unit_id), b.stage_id): b
            for b in Baseline.objects.filter(source=BaselineSource.MANUAL)}


# --- Trend -----------------------------------------------------------------------------------

def latest_snapshot_time() -> datetime | None:
    """When the opportunities of the latest finished daily snapshot were read (None before the first): the
    trend and a unit's snapshot figures are as of then."""
    run = SnapshotRun.objects.filter(finished_at__isnull=False).order_by("-date").values(
        "taken_at", "finished_at").first()
    return (run["taken_at"] or run["finished_at"]) if run else None


def settings_and_snapshot_time() -> tuple[FunnelSettings, datetime | None]:
    """FunnelSettings.load() and latest_snapshot_time() from one query: the settings row, with the latest
    finished run's times as subqueries (two queries the first time, when the settings are created)."""
    found = (FunnelSettings.objects.order_by("pk")
             .annotate(run_taken_at=_run_time("taken_at"), run_finished_at=_run_time("finished_at")).first())
    if found is None:
        return FunnelSettings.load(), latest_snapshot_time()
    return found, found.run_taken_at or found.run_finished_at


def health_trend(*, holder: Holder, days: int = TREND_DAYS, today: date | None = None) -> dict:
    """Per open stage, the daily health ratio (%) by count and by amount from the snapshots, for the chart
    (one query, which a unit's figures from the day's snapshot share): None where that day had no expected
    value."""
    today = today or timezone.localdate()
    rows, _taken_at = _snapshot_rows(holder, today - timedelta(days=days), today)
    dates = sorted({row[0] for row in rows})
    index = {day: position for position, day in enumerate(dates)}
    stages = funnel_stages(holding={row[1] for row in rows})
    series = {stage.pk: {"count": [None] * len(dates), "amount": [None] * len(dates)} for stage in stages}
    for day, stage_id, count, amount, _stuck, expected_count, expected_amount in rows:
        if stage_id not in series:
            continue
        for measure, current, expected in (("count", count, expected_count), ("amount", amount, expected_amount)):
            ratio, _status = health_status(current=current, expected=expected)
            if ratio is not None:
                series[stage_id][measure][index[day]] = float((ratio * HUNDRED).quantize(Decimal("0.1")))
    return {
        "dates": [day.isoformat() for day in dates],
        "series": [{"name": f"{stage.code} {stage.name}", **series[stage.pk]} for stage in stages],
    }


# --- Drill-down ---------------------------------------------------------------------------------

def _pk_in(model, ids: RawSQL) -> RawSQL:
    """Whether the row's key is among `ids` (a RawSQL subquery of ids), as a column: cheaper for Django to build
    than an ExpressionWrapper around Q(pk__in=...), for the same SQL."""
    quote = connection.ops.quote_name
    column = f"{quote(model._meta.db_table)}.{quote(model._meta.pk.column)}"
    return RawSQL(f"{column} IN ({ids.sql})", ids.params, output_field=BooleanField())  # noqa: S611 - model names


def drill_down(*, viewer: User, holder: Holder) -> dict:
    """Links for the funnel page: where the viewer can start (themselves, the units they manage), the path
    down to the holder, and the holder's child units and people (two queries for a unit, one for a person,
    besides the viewer's units, which the page has read already)."""
    starts = [Holder(user=viewer)] + [Holder(org_unit=unit) for unit in managed_top_units(viewer=viewer)]
    children_units: list[OrgUnit] = []
    people: list[User] = []
    path: list[Holder] = []
    if holder.org_unit is not None:
        unit = holder.org_unit
        # The child units and the units above in one read, each row saying which it is (and, for a viewer who is
        # not an administrator, whether it lies in what they manage): the path stops below the first one not.
        above = ancestors_sql(OrgUnit._meta.db_table, "parent_id", unit.pk)
        flags = {"is_above": _pk_in(OrgUnit, above)}
        if not viewer.is_admin:
            flags["managed"] = _pk_in(OrgUnit, managed_unit_ids(viewer))
        units = list(OrgUnit.objects.filter(Q(parent=unit) | Q(pk__in=above)).annotate(**flags).order_by("name"))
        children_units = [u for u in units if u.parent_id == unit.pk]
        people = list(User.objects.sales_people().filter(org_unit=unit).order_by("role", "username"))
        ancestors = {u.pk: u for u in units if u.is_above}
        current = ancestors.get(unit.parent_id)
        while current is not None and (viewer.is_admin or current.managed):
            path.insert(0, Holder(org_unit=current))
            current = ancestors.get(current.parent_id)
    else:
        person = holder.user
        # The direct reports who sell (sales_people) and the superiors in one read, each row saying which it is; on
        # one's own funnel, oneself too with one's org unit, which the top bar shows (_keep_own_unit).
        reports = User.objects.sales_people().filter(pk=OuterRef("pk"), manager=person)
        line = ancestors_sql(User._meta.db_table, "manager_id", person.pk)
        wanted = Q(manager=person) | Q(pk__in=line)
        own_unit = person.pk == viewer.pk and viewer.org_unit_id is not None and not User.org_unit.is_cached(viewer)
        if own_unit:
            wanted |= Q(pk=person.pk)
        rows = User.objects.filter(wanted).annotate(is_report=Exists(reports), is_superior=_pk_in(User, line))
        rows = list((rows.select_related("org_unit") if own_unit else rows).order_by("role", "username"))
        if own_unit:
            _keep_own_unit(viewer, [row.org_unit for row in rows if row.pk == person.pk and row.org_unit])
        people = [row for row in rows if row.is_report]
        chain = superiors_nearest_first(user=person, superiors=[row for row in rows if row.is_superior])
        if not viewer.is_admin:
            pks = [superior.pk for superior in chain]
            chain = chain[: pks.index(viewer.pk) + 1] if viewer.pk in pks else []
        path = [Holder(user=superior) for superior in reversed(chain)]
    return {"starts": starts, "path": path, "units": children_units, "people": people}


# --- Closed in the last days --------------------------------------------------------------------

CLOSED_DAYS = 90  # the funnel page's "won / lost, last 90 days"; the daily snapshot keeps a unit's for this many


def _closed_outcomes() -> dict[int, str]:
    return {stage.pk: stage.outcome for stage in all_stages()
            if stage.outcome in (StageOutcome.WON, StageOutcome.LOST)}


def _closed_rows(outcomes: dict[int, str], *, owners: Q, today: date, days: int):
    """Won and lost opportunities of `owners` closed from `days` days before `today` to `today` (both included),
    unordered: the callers group and sum them."""
    # The won and lost stages by id, a literal list (see opportunities.filters.stage_ids): joined with the stage
    # table, PostgreSQL read every closed opportunity of the company and then filtered the days (27 ms at 300,000);
    # so it reads the days' closed ones from the closed_on index. A won or lost one is dated by closed_on alone.
    return (Opportunity.objects.filter(owners, stage_id__in=list(outcomes),
                                       closed_on__range=(today - timedelta(days=days), today)).order_by())


def closed_recently(*, holder: Holder, days: int = CLOSED_DAYS, today: date | None = None,
                    reading: FunnelReading | None = None) -> dict:
    """Won and lost: the holder's opportunities closed in the last `days` days (today included) and still
    closed, dated by the day they were closed (`closed_on`), as every report dates them (one query, and the
    stages if the page has not read them yet). With a `reading` from the day's snapshot (a large unit), they come
    from the same snapshot, as of the same moment (`as_of` in the result), unless it has none for them."""
    today = today or timezone.localdate()
    result = {StageOutcome.WON: Figure(), StageOutcome.LOST: Figure()}
    if reading is not None and not reading.live and reading.day is not None and holder.is_unit:
        rows = list(ClosedSnapshot.objects.filter(date=reading.day, org_unit=holder.org_unit, days=days)
                    .values_list("outcome", "count", "amount"))
        if len(rows) == len(result):
            for outcome, count, amount in rows:
                result[outcome] = Figure(count=count, amount=amount)
            return {"days": days, "won": result[StageOutcome.WON], "lost": result[StageOutcome.LOST],
                    "as_of": reading.as_of}
    # The owners as one array parameter when known (a person, a live unit): a person's or a team's closes come from
    # the (owner, closed_on) index alone (an account manager's 90 days: 0.8 -> 0.1 ms; a team of 31: 4 -> 0.8 ms).
    outcomes = _closed_outcomes()
    rows = (_closed_rows(outcomes, owners=holder.owners_filter(), today=today, days=days)
            .values_list("stage_id").annotate(count=Count("*"), amount=Sum("amount")))
    for stage_id, count, amount in rows:
        before = result[outcomes[stage_id]]
        result[outcomes[stage_id]] = Figure(count=before.count + count, amount=before.amount + (amount or ZERO))
    return {"days": days, "won": result[StageOutcome.WON], "lost": result[StageOutcome.LOST], "as_of": None}


def owner_closes(*, today: date, days: int = CLOSED_DAYS) -> dict[int, dict[str, Figure]]:
    """For the daily snapshot: each primary owner's won and lost of the `days` days up to `today`, by outcome
    (one GROUP BY over the company's closes of those days)."""
    outcomes = _closed_outcomes()
    result: dict[int, dict[str, Figure]] = defaultdict(dict)
    rows = (_closed_rows(outcomes, owners=Q(), today=today, days=days)
            .values_list("primary_owner_id", "stage_id").annotate(count=Count("*"), amount=Sum("amount")))
    for owner_id, stage_id, count, amount in rows:
        figure = result[owner_id].setdefault(outcomes[stage_id], Figure())
        figure.count += count
        figure.amount += amount or ZERO
    return result


# --- Workbench ---------------------------------------------------------------------------------

def subtree_warnings(*, viewer: User, limit: int = 6) -> list[dict]:
    """For a manager: the units they manage (and below) and their direct reports whose funnel is in warning
    by count on the latest snapshot, worst first (one query: the latest day is its subquery)."""
    latest = FunnelSnapshot.objects.order_by("-date").values("date")[:1]
    holders = Q(org_unit__in=managed_unit_ids(viewer)) | Q(user__in=User.objects.filter(manager=viewer).values("pk"))
    # Of the person or unit only the name the card shows (a person's row is wide).
    rows = (FunnelSnapshot.objects.filter(holders, date=Subquery(latest), expected_count__gt=0)
            .select_related("user", "org_unit", "stage")
            .only("count", "expected_count", "stage", "user__display_name", "user__first_name", "user__last_name",
                  "user__username", "org_unit__name"))
    found = []
    for row in rows:
        ratio, status = health_status(current=row.count, expected=row.expected_count)
        if status == Health.WARNING:
            holder = Holder(user=row.user) if row.user_id else Holder(org_unit=row.org_unit)
            found.append({"holder": holder, "stage": row.stage, "ratio": ratio,
                          "percent": (ratio * HUNDRED).quantize(CENT, rounding=ROUND_DOWN)})
    found.sort(key=lambda item: (item["ratio"], item["stage"].order))
    return found[:limit]


def workbench_stuck(*, viewer: User, holder: Holder, limit: int = 5) -> list[Opportunity]:
    """The holder's `limit` longest-stuck opportunities with what a line of the card shows (the name, the stage,
    the days in it, the link to it as `detail_url`): the stages come from the page's list of them, not a join per
    row (one query), and the links from one reverse()."""
    stages = {stage.pk: stage for stage in all_stages()}
    rows = list(stuck_opportunities(viewer=viewer, holder=holder).select_related(None)
                .only("name", "stage_id")[:limit])
    detail_url = record_url("opportunities:opportunity-detail")
    for row in rows:
        row.stage = stages[row.stage_id]
        row.detail_url = detail_url(row.pk)
    return attach_days(rows)


def workbench_panel(user: User) -> dict | None:
    """My funnel's stages in warning, my stuck opportunities and, for managers, where their subtree is in
    warning; nothing for someone with no funnel and nobody below. Heads of the company or a division see their
    part of the organisation only, administrators nothing."""
    if not (user and user.is_authenticated and user.is_active) or user.is_admin:
        return None
    me = Holder(user=user)
    personal = user.has_own_book
    health = funnel_health(holder=me) if personal else []
    has_funnel = any(row.figure.count or row.expected.count for row in health)
    # Someone reports to me or I lead a unit: someone reports to me when my subtree (the ids the page has read for
    # every card's visible_to, inactive people included) holds more than me; else one query on the units. None for
    # the head of the company or of a division, whose position, read above, already says they lead one.
    heads_a_unit = user.position in (Position.COMPANY_HEAD, Position.DIVISION_HEAD)
    manages = (heads_a_unit or len(user.visible_owner_id_list()) > 1
               or OrgUnit.objects.filter(manager=user).exists())
    if not has_funnel and not manages:
        return None
    stuck = workbench_stuck(viewer=user, holder=me) if personal else []
    return {
        "template": "funnel/_workbench.html",
        "personal": personal,
        "warnings": [row for row in health if row.count_status == Health.WARNING],
        "health": health,
        "stuck": stuck,
        "stuck_count": stuck_opportunities(viewer=user, holder=me).count() if len(stuck) == 5 else len(stuck),
        "subtree_warnings": subtree_warnings(viewer=user) if manages else [],
        "manages": manages,
    }
