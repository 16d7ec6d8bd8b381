"""Reads on tender records and partners shared by pages, the API, the funnel and the workbench: each
scoped by `visible_to` and built so that a page costs a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from functools import cached_property

from django.db import connections
from django.db.models import BooleanField, DateTimeField, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from bids.models import (
    AGENT_SCHEMES_MINIMUM,
    MILESTONE_FIELDS,
    BidAgent,
    BidCompetitor,
    BidLine,
    BidProject,
    BidScheme,
    BidStatus,
    CompetitorBrand,
    Milestone,
    Partner,
    PartnerCreditRating,
    SalesMethod,
    percent_of,
)
from crm.history import HistoryEntry, newest_first, record_entries
from crm.links import record_url
from opportunities.models import OpportunityTeamMember
from teams.models import User

UPCOMING_DAYS = 14


# --- Tender records -------------------------------------------------------------------------------

def bid_list(*, viewer: User) -> QuerySet[BidProject]:
    """Tender records the viewer may see, with what a list row shows (one query per page)."""
    return BidProject.objects.visible_to(viewer).select_related(
        "opportunity__customer", "opportunity__stage", "opportunity__primary_owner",
    )


def bid_list_api(*, viewer: User) -> QuerySet[BidProject]:
    """The API list, which also carries lines, agents (with their partner) and competitors: a constant
    three more queries per page."""
    return bid_list(viewer=viewer).prefetch_related(
        Prefetch("lines", queryset=BidLine.objects.order_by("position", "id")),
        Prefetch("bid_agents", queryset=BidAgent.objects.select_related("partner").order_by("position", "id")),
        Prefetch("bid_competitors", queryset=BidCompetitor.objects.select_related("brand").order_by("position",
                                                                                                      "id")),
    )


def bid_get(*, viewer: User, pk: int) -> BidProject:
    """One tender record, or 404 when it does not exist or the viewer does not see its opportunity."""
    return get_object_or_404(bid_list_api(viewer=viewer), pk=pk)


def bid_of(*, opportunity) -> BidProject | None:
    """The opportunity's tender record, if it has one."""
    return BidProject.objects.filter(opportunity_id=opportunity.pk).first()


def agents_of(*, bid: BidProject) -> list[BidAgent]:
    return list(bid.bid_agents.all())


def competitors_of(*, bid: BidProject) -> list[BidCompetitor]:
    return list(bid.bid_competitors.all())


def lines_of(*, bid: BidProject) -> list[BidLine]:
    return list(bid.lines.all())


def bid_warnings(bid: BidProject) -> list[str]:
    """What the tender team should be warned about: agents with a poor credit standing or suspended.

    Reads `bid.bid_agents.all()`, so a prefetched list costs nothing more.
    """
    warnings = []
    for row in bid.bid_agents.all():
        partner = row.partner
        if partner.poor_credit:
            warnings.append(_("Agent %(partner)s has a poor credit standing (%(rating)s, %(date)s): check payment "
                              "terms and guarantees before bidding with it.")
                            % {"partner": partner.name, "rating": partner.get_credit_rating_display(),
                               "date": partner.credit_rated_on or "—"})
        if partner.suspended:
            warnings.append(_("Agent %(partner)s is suspended.") % {"partner": partner.name})
    return warnings


def bid_completeness_problems(bid: BidProject) -> list[str]:
    """What a tender still lacks to be bid: the tender type (for a tender), the agents its scheme needs, each
    agent's scheme and quote, and at least one line."""
    problems = []
    if bid.sales_method == SalesMethod.TENDER and not bid.tender_type:
        problems.append(_("the tender type"))
    agents = list(bid.bid_agents.all())
    minimum = AGENT_SCHEMES_MINIMUM.get(bid.scheme, 0)
    if len(agents) < minimum:
        problems.append(_("the participating agents (at least %(count)d for this scheme)") % {"count": minimum})
    if bid.scheme != BidScheme.DIRECT:
        for row in agents:
            if not row.scheme.strip() or row.quote is None:
                problems.append(_("the scheme and quote of agent %(partner)s") % {"partner": row.partner.name})
    if not bid.lines.exists():
        problems.append(_("at least one line (configuration, quantity, target price, our quote)"))
    return problems


def stage_requirement_bid_record(opportunity) -> str | None:
    """The stage entry requirement "bid_record" (registered with opportunities.stage_requirements in
    bids/apps.py; administrators set it on stage 05): None when met, else what to do, translated.

    The sales method is recorded on the tender record itself (`BidProject.sales_method`), so an
    opportunity shows how it is sold by having one:
    - no tender record at all: not met. The person is asked to create the tender record, or to
      create it with the sales method special-price approval (批点) or distribution (分销) when the
      deal is not tendered: one select on the tender form, nothing else is required then;
    - a record whose sales method is not a tender: met;
    - a tender: met when the record can be bid (see `bid_completeness_problems`: tender type, the
      agents and their schemes and quotes when the scheme involves agents, at least one line) and
      the tender was not cancelled (a re-issued tender reopens the record first).
    """
    bid = (BidProject.objects.filter(opportunity_id=opportunity.pk)
           .prefetch_related(Prefetch("bid_agents", queryset=BidAgent.objects.select_related("partner")))
           .first())
    if bid is None:
        return _("Create the tender record of this opportunity before it enters bidding (stage 05); if it is not "
                 "sold by tender, create the record with the sales method special-price approval or distribution.")
    if bid.sales_method != SalesMethod.TENDER:
        return None
    if bid.status == BidStatus.CANCELLED:
        return _("The tender was cancelled: reopen the tender record for the re-issued tender first.")
    problems = bid_completeness_problems(bid)
    if problems:
        return _("Complete the tender record before bidding: %(missing)s.") % {"missing": "; ".join(problems)}
    return None


def next_key_date(bid: BidProject, *, now: datetime | None = None) -> tuple[str, str, datetime] | None:
    """The next key date still ahead, as (milestone, label, when)."""
    now = now or timezone.now()
    ahead = [(m, label, when) for m, label, when in bid.key_dates() if when is not None and when >= now]
    return min(ahead, key=lambda item: item[2]) if ahead else None


@dataclass
class Totals:
    target: Decimal
    quote: Decimal

    @property
    def gap(self) -> Decimal:
        return self.quote - self.target

    @property
    def gap_percent(self) -> Decimal | None:
        return percent_of(self.gap, self.target)


def line_totals(lines: list[BidLine]) -> Totals:
    """The sums of the lines' target and quote amounts, in Decimal."""
    return Totals(target=sum((line.target_amount for line in lines), Decimal("0.00")),
                  quote=sum((line.quote_amount for line in lines), Decimal("0.00")))


@dataclass
class ComparisonBar:
    label: str
    amount: Decimal
    kind: str  # target, ours, competitor, agent
    gap: Decimal | None = None
    gap_percent: Decimal | None = None


def bid_comparison(*, bid: BidProject) -> dict:
    """Our quote against the customer's target and against the competitors' known prices, in totals
    and line by line, plus the chart's data (numbers as strings: Decimal never becomes a float here)."""
    lines = list(bid.lines.all())
    totals = line_totals(lines)
    bars = [ComparisonBar(_("Customer's target"), totals.target, "target"),
            ComparisonBar(_("Our quote"), totals.quote, "ours", totals.gap, totals.gap_percent)]
    for row in bid.bid_competitors.all():
        if row.known_price is not None:
            difference = totals.quote - row.known_price
            bars.append(ComparisonBar(row.brand.name, row.known_price, "competitor", difference,
                                      percent_of(difference, row.known_price)))
    for row in bid.bid_agents.all():
        if row.quote is not None:
            bars.append(ComparisonBar(_("Agent %(name)s") % {"name": row.partner.name}, row.quote, "agent"))
    cheapest = min((bar for bar in bars if bar.kind == "competitor"), key=lambda bar: bar.amount, default=None)
    chart = {
        "totals": {"labels": [bar.label for bar in bars], "amounts": [str(bar.amount) for bar in bars],
                   "kinds": [bar.kind for bar in bars]},
        "lines": {"labels": [line.configuration[:30] for line in lines],
                  "target": [str(line.target_amount) for line in lines],
                  "quote": [str(line.quote_amount) for line in lines]},
    }
    return {"lines": lines, "totals": totals, "bars": bars, "chart": chart, "cheapest_competitor": cheapest,
            "below_cheapest": cheapest is not None and totals.quote <= cheapest.amount}


# --- Timeline -------------------------------------------------------------------------------------

def _generic_reasons() -> set[str]:
    """The services' routine change reasons: the timeline's titles already say them."""
    return {_("Created"), _("Edited"), _("Line added"), _("Line changed"), _("Line removed"), _("Lines replaced"),
            _("Agent added"), _("Agent changed"), _("Agent removed"), _("Competitor added"), _("Competitor changed"),
            _("Competitor removed"), _("Named on a tender")}


def bid_timeline(*, bid: BidProject) -> list[HistoryEntry]:
    """Every change of the record, its lines, agents and competitors (django-simple-history), newest first."""
    generic = _generic_reasons()
    entries = record_entries(
        bid.history.select_related("history_user").order_by("history_date", "history_id"), BidProject,
        exclude=("outcome_at", "outcome_by", "submitted_at", "created_by"), kind="record",
        titles={"created": _("Tender record created"), "changed": _("Tender record changed")},
        generic_reasons=generic,
    )
    entries += record_entries(
        BidLine.history.filter(bid_id=bid.pk).select_related("history_user").order_by("history_date", "history_id"),
        BidLine, exclude=("bid", "position"), kind="line", subject=lambda r: r.configuration,
        titles={"created": _("Line added"), "changed": _("Line changed"), "deleted": _("Line removed")},
        on_create=("quantity", "target_price", "quote"), generic_reasons=generic,
    )
    partners = dict(Partner.objects.filter(
        pk__in=BidAgent.history.filter(bid_id=bid.pk).values("partner_id")).values_list("pk", "name"))
    entries += record_entries(
        BidAgent.history.filter(bid_id=bid.pk).select_related("history_user").order_by("history_date", "history_id"),
        BidAgent, exclude=("bid", "partner", "position"), kind="agent",
        subject=lambda r: partners.get(r.partner_id, ""),
        titles={"created": _("Agent added"), "changed": _("Agent changed"), "deleted": _("Agent removed")},
        on_create=("quote",), generic_reasons=generic,
    )
    brands = dict(CompetitorBrand.objects.filter(
        pk__in=BidCompetitor.history.filter(bid_id=bid.pk).values("brand_id")).values_list("pk", "name"))
    entries += record_entries(
        BidCompetitor.history.filter(bid_id=bid.pk).select_related("history_user")
        .order_by("history_date", "history_id"),
        BidCompetitor, exclude=("bid", "brand", "position"), kind="competitor",
        subject=lambda r: brands.get(r.brand_id, ""),
        titles={"created": _("Competitor added"), "changed": _("Competitor changed"),
                "deleted": _("Competitor removed")},
        on_create=("known_price",), generic_reasons=generic,
    )
    return newest_first(entries)


@dataclass
class KeyDate:
    milestone: str
    label: str
    when: datetime | None
    state: str  # past, next, future, unset


def key_date_path(*, bid: BidProject) -> list[KeyDate]:
    """The five key dates in tender order, each marked past, next (the first still ahead), future or unset."""
    now = timezone.now()
    upcoming = next_key_date(bid, now=now)
    path = []
    for milestone, label, when in bid.key_dates():
        if when is None:
            state = "unset"
        elif when < now:
            state = "past"
        elif upcoming is not None and upcoming[0] == milestone:
            state = "next"
        else:
            state = "future"
        path.append(KeyDate(milestone, label, when, state))
    return path


# --- Partners and competing brands ---------------------------------------------------------------

def partner_list(*, viewer: User) -> QuerySet[Partner]:
    return Partner.objects.visible_to(viewer)


def partner_list_api(*, viewer: User) -> QuerySet[Partner]:
    return partner_list(viewer=viewer).prefetch_related("contacts")


def partner_get(*, viewer: User, pk: int) -> Partner:
    return get_object_or_404(partner_list_api(viewer=viewer), pk=pk)


def partner_ratings(*, partner: Partner) -> list[PartnerCreditRating]:
    """The credit standing's history, newest rating first."""
    return list(partner.credit_ratings.select_related("recorded_by").order_by("-rated_on", "-id"))


def partner_bids(*, partner: Partner, viewer: User) -> list[BidAgent]:
    """The tenders the viewer may see in which this partner takes part."""
    return list(
        BidAgent.objects.filter(partner=partner, bid__in=BidProject.objects.visible_to(viewer).values("pk"))
        .select_related("bid__opportunity__customer").order_by("-bid__created_at", "-id")
    )


def competitor_brand_list(*, viewer: User) -> QuerySet[CompetitorBrand]:
    return CompetitorBrand.objects.visible_to(viewer)


# --- Workbench ------------------------------------------------------------------------------------

@dataclass
class Deadline:
    bid: BidProject
    milestone: str
    label: str
    when: datetime
    url: str = ""  # the tender's page, where a page links each deadline to it (the workbench's card)

    @cached_property
    def days_left(self) -> int:
        return (timezone.localtime(self.when).date() - timezone.localdate()).days


def _upcoming_window(*, now: datetime, until: datetime, connection) -> tuple[RawSQL, RawSQL]:
    """The card's two fixed-shape expressions over the five key-date columns, as SQL: whether a tender has a key
    date in [now, until], and the soonest such date (each date outside the window counts as a moment after it,
    so the least of them is the soonest inside). Table and column names are code constants, the moments bound
    parameters. Built from Q, Case, When and Coalesce objects, they cost Django more than the query cost the
    database."""
    ops = connection.ops
    table = ops.quote_name(BidProject._meta.db_table)
    columns = [f"{table}.{ops.quote_name(BidProject._meta.get_field(name).column)}"
               for name in MILESTONE_FIELDS.values()]
    low, high = ops.adapt_datetimefield_value(now), ops.adapt_datetimefield_value(until)
    after = ops.adapt_datetimefield_value(until + timedelta(days=1))
    inside = [f"({column} >= %s AND {column} <= %s)" for column in columns]
    window = RawSQL(" OR ".join(inside), [low, high] * len(columns), output_field=BooleanField())  # noqa: S611
    least = "LEAST" if connection.vendor == "postgresql" else "MIN"  # SQLite's MIN(a, b, ...)
    soonest = RawSQL(  # noqa: S611 - code constants, the moments bound parameters
        f"{least}(" + ", ".join(f"COALESCE(CASE WHEN {test} THEN {column} END, %s)"
                                for test, column in zip(inside, columns, strict=True)) + ")",
        [low, high, after] * len(columns), output_field=DateTimeField())
    return window, soonest


def upcoming_deadlines(*, viewer: User, days: int = UPCOMING_DAYS, limit: int = 10) -> list[Deadline]:
    """Key dates of the viewer's visible open tenders in the next `days` days, soonest first (one query).

    Only the `limit` tenders whose soonest key date in the window comes first are read: they hold the `limit`
    soonest dates (each of them has one no later than any date of a tender after them), so the card costs the
    same for a company with thousands of tenders in the window. Each deadline shows the tender's key dates and
    its opportunity's name, so only those columns are read."""
    now = timezone.now()
    until = now + timedelta(days=days)
    bids = BidProject.objects.visible_to(viewer).open()
    window, soonest = _upcoming_window(now=now, until=until, connection=connections[bids.db])
    bids = (bids.filter(window).select_related("opportunity")
            .only(*MILESTONE_FIELDS.values(), "opportunity__name")
            .annotate(soonest=soonest).order_by("soonest", "id")[:limit])
    # The key dates as BidProject.key_dates() lists them, their labels translated once rather than once a tender.
    milestones = [(milestone, str(label), MILESTONE_FIELDS[milestone]) for milestone, label in Milestone.choices]
    deadlines = []
    for bid in bids:
        for milestone, label, name in milestones:
            when = getattr(bid, name)
            if when is not None and now <= when <= until:
                deadlines.append(Deadline(bid, milestone, label, when))
    deadlines.sort(key=lambda deadline: (deadline.when, deadline.bid.pk))
    return deadlines[:limit]


def key_dates_on(*, day: date) -> list[Deadline]:
    """Every open tender's key dates falling on `day` (company time), with the opportunity, its customer, primary
    owner and sales team (one query and one for the teams), in the order of the day. For the daily reminder: no
    viewer, it reads the whole company's tenders."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)
    window = Q()
    for name in MILESTONE_FIELDS.values():
        window |= Q(**{f"{name}__gte": start, f"{name}__lt": end})
    bids = (BidProject.objects.open().filter(window)
            .select_related("opportunity__primary_owner", "opportunity__customer")
            .prefetch_related(Prefetch("opportunity__team",
                                       queryset=OpportunityTeamMember.objects.select_related("user")))
            .order_by("id"))
    dates = [Deadline(bid, milestone, label, when) for bid in bids for milestone, label, when in bid.key_dates()
             if when is not None and start <= when < end]
    dates.sort(key=lambda deadline: (deadline.when, deadline.bid.pk))
    return dates


def workbench_panel(user: User) -> dict | None:
    """Upcoming tender deadlines (next 14 days) of the tenders I may see, for the home page."""
    if not (user and user.is_authenticated):
        return None
    deadlines = upcoming_deadlines(viewer=user)
    url = record_url("bids:bid-detail")  # one reverse() for the card, not one a line
    for deadline in deadlines:
        deadline.url = url(deadline.bid.pk)
    return {
        "template": "bids/_workbench.html",
        "deadlines": deadlines,
        "days": UPCOMING_DAYS,
        "submission": Milestone.SUBMISSION.value,
    }
