"""Writes on tender records, partners and competing brands.

Every function here is the one place its rule lives; pages and the API both call it. Each runs in
one transaction, checks who may do it, and raises a domain error (crm.errors) when refused.

Who does what:
- a tender record is seen by whoever sees its opportunity (see BidProject.objects.visible_to);
- it is edited by the opportunity's editors (primary owner, their superiors, administrators) and by
  the presales and solution members of its sales team, who write tenders in practice;
- its outcome moves the funnel, so only those who may move the opportunity record it (primary owner,
  superiors, administrators);
- the partner directory and the list of competing brands are read by all sales staff and kept by
  sales managers and administrators (a new brand named on a tender joins the list, unassessed).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bids.models import (
    MILESTONE_FIELDS,
    BidAgendaEntry,
    BidAgent,
    BidCompetitor,
    BidDeadlineReminder,
    BidLine,
    BidOutcome,
    BidProject,
    BidScheme,
    BidStatus,
    CompetitorBrand,
    CreditRating,
    Impact,
    Milestone,
    Partner,
    PartnerContact,
    PartnerCreditRating,
    PartnerKind,
    PartnerStatus,
    Relationship,
    SalesMethod,
    TenderType,
    ThreatLevel,
)
from bids.selectors import bid_completeness_problems, key_dates_on
from crm.errors import ConflictError, DomainError, PermissionDenied, refusal_message
from crm.money import CENT, MAX_MONEY, parse_money, to_decimal
from crm.params import parse_id
from crm.stored_text import Text
from funnel.services import opportunity_move
from opportunities.models import (
    ActivityKind,
    Opportunity,
    OpportunityTeamMember,
    Product,
    StageOutcome,
    TeamRole,
)
from opportunities.services import clean_competitors, may_edit_opportunity
from teams.models import User, signed_in
from teams.services import notify_many

MAX_QUANTITY = Decimal("1e10")  # DecimalField(max_digits=12, decimal_places=2)
EVALUATION_KEYS = ("price", "service", "technology", "commercial")
# Team roles that prepare the tender documents besides the opportunity's editors.
TENDER_TEAM_ROLES = (TeamRole.PRESALES, TeamRole.SOLUTION)
# What each key date is on the agenda.
MILESTONE_ACTIVITY_KIND = {
    Milestone.REGISTRATION: ActivityKind.TASK,
    Milestone.CLARIFICATION: ActivityKind.MEETING,
    Milestone.SUBMISSION: ActivityKind.PROPOSAL,
    Milestone.OPENING: ActivityKind.MEETING,
    Milestone.AWARD: ActivityKind.TASK,
}
# Key dates that must not come before another: (earlier, later).
DATE_ORDER = [
    (Milestone.REGISTRATION, Milestone.SUBMISSION),
    (Milestone.CLARIFICATION, Milestone.SUBMISSION),
    (Milestone.SUBMISSION, Milestone.OPENING),
    (Milestone.OPENING, Milestone.AWARD),
]
BID_FIELDS = [
    "sales_method", "tender_type", "lots", "single_quote", "scheme", "delivery_date", "delivery_place", "evaluation",
    "impact", "background", "relationship", *MILESTONE_FIELDS.values(), "agents", "competitors", "lines",
]


# --- Who may do what (shared by pages, the API and the services) ------------------------------

def may_edit_bid(user: User, opportunity: Opportunity) -> bool:
    """The opportunity's editors (primary owner, superiors, administrators) and its presales and solution
    team members."""
    if not signed_in(user):
        return False
    if may_edit_opportunity(user, opportunity):
        return True
    return OpportunityTeamMember.objects.filter(opportunity_id=opportunity.pk, user=user,
                                                role__in=TENDER_TEAM_ROLES).exists()


def may_record_outcome(user: User, opportunity: Opportunity) -> bool:
    """The outcome moves the funnel: the primary owner, their superiors and administrators."""
    return signed_in(user) and may_edit_opportunity(user, opportunity)


def may_manage_partners(user: User) -> bool:
    """Sales managers and administrators keep partners, credit standings and competing brands."""
    return signed_in(user) and user.is_manager


def _for_history(instance, by: User | None, reason: str) -> None:
    # django-simple-history reads these when no request is at hand (API calls, jobs, tests).
    instance._history_user = by
    instance._change_reason = reason


def _text(value: Any, *, limit: int | None = None, one_line: bool = True) -> str:
    text = str(value or "")
    text = " ".join(text.split()) if one_line else text.strip()
    return text[:limit] if limit else text


def _choice(value: Any, choices, *, field: str, blank: bool = False) -> str:
    if value in (None, "") and blank:
        return ""
    if value not in choices.values:
        raise DomainError(_("“%(value)s” is not one of: %(choices)s.")
                          % {"value": value, "choices": ", ".join(choices.values)}, field=field)
    return value


def _boolean(value: Any, *, field: str) -> bool:
    if not isinstance(value, bool):
        raise DomainError(_("Must be true or false."), field=field)
    return value


# --- Field cleaning of a tender record --------------------------------------------------------

def evaluation_weights(value: Any) -> dict[str, int] | None:
    """The evaluation principles: None (not known yet) or price, service, technology and commercial
    weights, whole numbers from 0 to 100 that add up to exactly 100."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise DomainError(_("Give the four weights: price, service, technology, commercial."), field="evaluation")
    if set(value) != set(EVALUATION_KEYS):
        raise DomainError(_("Give exactly the four weights: price, service, technology, commercial."),
                          field="evaluation")
    weights = {}
    for key in EVALUATION_KEYS:
        weight = value[key]
        if isinstance(weight, bool) or not isinstance(weight, int) or not 0 <= weight <= 100:
            raise DomainError(_("Each weight is a whole number from 0 to 100."), field="evaluation")
        weights[key] = weight
    total = sum(weights.values())
    if total != 100:
        raise DomainError(_("The weights must add up to 100 (they add up to %(total)d).") % {"total": total},
                          field="evaluation")
    return weights


def _aware(value: Any, *, field: str) -> datetime | None:
    if value in (None, ""):
        return None
    if not isinstance(value, datetime):
        raise DomainError(_("Enter a date and time."), field=field)
    if timezone.is_naive(value):
        raise DomainError(_("Give the time with its time zone."), field=field)
    return value


def _clean_scalars(data: Mapping[str, Any]) -> dict[str, Any]:
    """The model fields of a tender record from the input, each checked against the contract."""
    values: dict[str, Any] = {}
    for name, value in data.items():
        if name == "sales_method":
            values[name] = _choice(value, SalesMethod, field=name)
        elif name == "tender_type":
            values[name] = _choice(value, TenderType, field=name, blank=True)
        elif name == "scheme":
            values[name] = _choice(value, BidScheme, field=name)
        elif name == "impact":
            values[name] = _choice(value, Impact, field=name, blank=True)
        elif name == "relationship":
            values[name] = _choice(value, Relationship, field=name)
        elif name in ("lots", "single_quote"):
            values[name] = _boolean(value, field=name)
        elif name == "delivery_date":
            if value is not None and not isinstance(value, date):
                raise DomainError(_("Enter a date."), field=name)
            values[name] = value
        elif name == "delivery_place":
            values[name] = _text(value, limit=200)
        elif name == "background":
            values[name] = _text(value, one_line=False)
        elif name == "evaluation":
            weights = evaluation_weights(value)
            for key in EVALUATION_KEYS:
                values[f"eval_{key}"] = weights[key] if weights else None
        elif name in MILESTONE_FIELDS.values():
            values[name] = _aware(value, field=name)
    return values


def _check_dates(bid: BidProject) -> None:
    labels = dict(Milestone.choices)
    for earlier, later in DATE_ORDER:
        first, second = getattr(bid, MILESTONE_FIELDS[earlier]), getattr(bid, MILESTONE_FIELDS[later])
        if first is not None and second is not None and second < first:
            raise DomainError(_("The %(later)s cannot be before the %(earlier)s.")
                              % {"later": str(labels[later]).lower(), "earlier": str(labels[earlier]).lower()},
                              field=MILESTONE_FIELDS[later])


def _partner(value: Any, *, field: str) -> Partner:
    if isinstance(value, Partner):
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except (TypeError, ValueError):
            raise DomainError(_("Unknown partner."), field=field) from None
    partner = Partner.objects.filter(pk=value).first()
    if partner is None:
        raise DomainError(_("Unknown partner: %(id)s.") % {"id": value}, field=field)
    return partner


def _resolve_agents(bid: BidProject, items: Iterable[Any]) -> list[dict[str, Any]]:
    """[{partner, scheme, quote}] from partner ids, partners or mappings; a partner already on the bid
    keeps its scheme and quote unless new ones are given."""
    current = {row.partner_id: row for row in bid.bid_agents.all()} if bid.pk else {}
    resolved: list[dict[str, Any]] = []
    seen = set()
    for index, item in enumerate(items):
        field = f"agents[{index}]"
        data = item if isinstance(item, Mapping) else {"partner": item}
        partner = _partner(data.get("partner"), field=field)
        if partner.pk in seen:
            raise DomainError(_("%(partner)s is named twice.") % {"partner": partner.name}, field="agents")
        seen.add(partner.pk)
        if partner.suspended and partner.pk not in current:
            raise DomainError(_("%(partner)s is suspended: it cannot join a tender.") % {"partner": partner.name},
                              field="agents")
        existing = current.get(partner.pk)
        scheme = data.get("scheme", existing.scheme if existing else "")
        quote = data.get("quote", existing.quote if existing else None)
        resolved.append({"partner": partner, "scheme": _text(scheme, one_line=False)[:2000],
                         "quote": parse_money(quote, field=f"{field}.quote", allow_none=True)})
    return resolved


def _check_scheme_agents(scheme: str, count: int, *, field: str) -> None:
    """A direct bid has no agents; one agent bids one scheme (one agent at most)."""
    if scheme == BidScheme.DIRECT and count:
        raise DomainError(_("A direct bid has no agents: choose a scheme with agents, or remove the agents."),
                          field=field)
    if scheme == BidScheme.ONE_AGENT_ONE_SCHEME and count > 1:
        raise DomainError(_("With this scheme one agent bids: name one agent only."), field=field)


def _brand(value: Any, *, field: str, by: User | None) -> CompetitorBrand:
    """A brand of the managed list by name (any case); a name not on it yet joins the list, unassessed."""
    if isinstance(value, CompetitorBrand):
        return value
    names = clean_competitors([str(value or "")])
    if not names:
        raise DomainError(_("Name the competing brand."), field=field)
    name = names[0]
    brand = CompetitorBrand.objects.filter(name__iexact=name).first()
    if brand is None:
        brand = CompetitorBrand(name=name)
        _for_history(brand, by, gettext_lazy("Named on a tender"))
        brand.save()
    return brand


def _resolve_competitors(bid: BidProject, items: Iterable[Any], by: User | None) -> list[dict[str, Any]]:
    current = {row.brand_id: row for row in bid.bid_competitors.all()} if bid.pk else {}
    resolved: list[dict[str, Any]] = []
    seen = set()
    for index, item in enumerate(items):
        field = f"competitors[{index}]"
        data = item if isinstance(item, Mapping) else {"brand": item}
        brand = _brand(data.get("brand"), field=field, by=by)
        if brand.pk in seen:
            continue
        seen.add(brand.pk)
        existing = current.get(brand.pk)
        price = data.get("known_price", existing.known_price if existing else None)
        note = data.get("note", existing.note if existing else "")
        known_price = parse_money(price, field=f"{field}.known_price", allow_none=True)
        resolved.append({"brand": brand, "known_price": known_price, "note": _text(note, limit=300)})
    return resolved


def bid_line_values(data: Mapping[str, Any], *, current: BidLine | None = None) -> dict[str, Any]:
    """A line's checked values: amounts are quantity × unit price, to the cent, in Decimal only."""
    product = data.get("product", current.product if current else None)
    if product not in (None, "") and not isinstance(product, Product):
        product_id = parse_id(product)
        product = Product.objects.filter(pk=product_id).first() if product_id is not None else None
        if product is None:
            raise DomainError(_("Unknown product."), field="product")
    product = product or None
    configuration = _text(data.get("configuration", current.configuration if current else ""), limit=300)
    if not configuration and product is not None:
        configuration = product.name[:300]
    if not configuration:
        raise DomainError(_("Describe the configuration."), field="configuration")
    quantity = to_decimal(data.get("quantity", current.quantity if current else None) or 0, field="quantity",
                          maximum=MAX_QUANTITY).quantize(CENT, rounding=ROUND_HALF_UP)
    if quantity <= 0:
        raise DomainError(_("The quantity must be above zero."), field="quantity")
    target_price = parse_money(data.get("target_price", current.target_price if current else None),
                               field="target_price")
    quote = parse_money(data.get("quote", current.quote if current else None), field="quote")
    target_amount = (quantity * target_price).quantize(CENT, rounding=ROUND_HALF_UP)
    quote_amount = (quantity * quote).quantize(CENT, rounding=ROUND_HALF_UP)
    if target_amount >= MAX_MONEY or quote_amount >= MAX_MONEY:
        raise DomainError(_("The number is too large."), field="quantity")
    return {"configuration": configuration, "product": product, "quantity": quantity, "target_price": target_price,
            "quote": quote, "target_amount": target_amount, "quote_amount": quote_amount}


def _resolve_lines(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    resolved = []
    for index, data in enumerate(items):
        if not isinstance(data, Mapping):
            raise DomainError(_("Each line is an object."), field=f"lines[{index}]")
        try:
            resolved.append(bid_line_values(data))
        except DomainError as exc:
            # Name the line at fault for the API: lines[2].quantity.
            raise DomainError(exc.message, field=f"lines[{index}].{exc.field}") from exc
    return resolved


# --- Writing the rows that hang off a tender ------------------------------------------------------

def _write_agents(bid: BidProject, agents: list[dict[str, Any]], by: User | None) -> None:
    current = {row.partner_id: row for row in bid.bid_agents.all()}
    wanted = {item["partner"].pk for item in agents}
    for partner_id, row in current.items():
        if partner_id not in wanted:
            _for_history(row, by, gettext_lazy("Agent removed"))
            row.delete()
    for position, item in enumerate(agents, start=1):
        row = current.get(item["partner"].pk)
        if row is None:
            row = BidAgent(bid=bid, partner=item["partner"], scheme=item["scheme"], quote=item["quote"],
                           position=position)
            _for_history(row, by, gettext_lazy("Agent added"))
            row.save()
        elif (row.scheme, row.quote, row.position) != (item["scheme"], item["quote"], position):
            row.scheme, row.quote, row.position = item["scheme"], item["quote"], position
            _for_history(row, by, gettext_lazy("Agent changed"))
            row.save()


def _write_competitors(bid: BidProject, competitors: list[dict[str, Any]], by: User | None) -> None:
    current = {row.brand_id: row for row in bid.bid_competitors.all()}
    wanted = {item["brand"].pk for item in competitors}
    for brand_id, row in current.items():
        if brand_id not in wanted:
            _for_history(row, by, gettext_lazy("Competitor removed"))
            row.delete()
    for position, item in enumerate(competitors, start=1):
        row = current.get(item["brand"].pk)
        if row is None:
            row = BidCompetitor(bid=bid, brand=item["brand"], known_price=item["known_price"], note=item["note"],
                                position=position)
            _for_history(row, by, gettext_lazy("Competitor added"))
            row.save()
        elif (row.known_price, row.note, row.position) != (item["known_price"], item["note"], position):
            row.known_price, row.note, row.position = item["known_price"], item["note"], position
            _for_history(row, by, gettext_lazy("Competitor changed"))
            row.save()


def _write_lines(bid: BidProject, lines: list[dict[str, Any]], by: User | None) -> None:
    for row in bid.lines.all():
        _for_history(row, by, gettext_lazy("Lines replaced"))
        row.delete()
    for position, values in enumerate(lines, start=1):
        row = BidLine(bid=bid, position=position, **values)
        _for_history(row, by, gettext_lazy("Lines replaced"))
        row.save()


def _recompute_totals(bid: BidProject) -> None:
    """The record repeats the sums of its lines (derived data: no history row of its own)."""
    sums = bid.lines.aggregate(target=Sum("target_amount"), quote=Sum("quote_amount"))
    target = (sums["target"] or Decimal("0.00")).quantize(CENT)
    quote = (sums["quote"] or Decimal("0.00")).quantize(CENT)
    if (target, quote) != (bid.target_total, bid.quote_total):
        BidProject.objects.filter(pk=bid.pk).update(target_total=target, quote_total=quote, updated_at=timezone.now())
        bid.target_total, bid.quote_total = target, quote


def _lock(bid: BidProject) -> BidProject:
    return BidProject.objects.select_for_update(of=("self", "opportunity")).select_related(
        "opportunity__primary_owner").get(pk=bid.pk)


def _check_may_edit(bid: BidProject, by: User) -> None:
    if not may_edit_bid(by, bid.opportunity):
        raise PermissionDenied(_("Only the primary owner, their superiors, the presales and solution members of the "
                                 "sales team or an administrator can change this tender record."))


def _check_open(bid: BidProject) -> None:
    if bid.is_closed:
        raise ConflictError(_("This tender is closed (%(status)s): it can no longer be changed.")
                            % {"status": bid.get_status_display()})


# --- The key dates on the team's agenda ----------------------------------------------------------

def _agenda_actor(activity, by: User) -> User:
    from opportunities.services import may_edit_activity

    # A presales member may move the tender's dates without owning the activity that mirrors them: the
    # agenda entry then changes in the name of its owner (the opportunity's primary owner).
    return by if may_edit_activity(by, activity) else activity.owner


def bid_sync_agenda(*, bid: BidProject, by: User) -> None:
    """Each key date of an open tender is an activity of the opportunity, owned by the primary owner with
    the rest of the sales team taking part; it moves and disappears with the date."""
    from opportunities.services import activity_create, activity_delete, activity_update

    if bid.is_closed:
        return
    opportunity = bid.opportunity
    entries = {entry.milestone: entry for entry in bid.agenda_entries.select_related("activity__owner")}
    team = None
    now = timezone.now()
    for milestone, label, when in bid.key_dates():
        entry = entries.get(milestone)
        subject = f"{label} · {opportunity.name}"[:200]
        if when is None:
            if entry is not None:
                activity_delete(activity=entry.activity, by=_agenda_actor(entry.activity, by))
            continue
        if entry is None:
            if team is None:
                team = [m.user for m in opportunity.team.select_related("user") if m.user_id !=
                        opportunity.primary_owner_id and m.user.is_active]
            activity = activity_create(
                by=by, kind=MILESTONE_ACTIVITY_KIND[milestone], subject=subject, due_at=when, opportunity=opportunity,
                owner=opportunity.primary_owner, participants=team,
                notes=_("Key date of the tender: it follows the tender record."),
                # A date already past when it is entered is history, not a reminder.
                done_at=when if when < now else None,
            )
            BidAgendaEntry.objects.create(bid=bid, milestone=milestone, activity=activity)
        elif entry.activity.due_at != when or entry.activity.subject != subject:
            activity_update(activity=entry.activity, by=_agenda_actor(entry.activity, by),
                            data={"due_at": when, "subject": subject})


def bid_agenda_follow_owner(*, opportunity: Opportunity) -> int:
    """The open key dates of the opportunity's tenders belong to its primary owner: when the owner
    changes, the entries still to do move to the new owner and the rest of the team takes part.
    Returns how many moved; dates already done stay with whoever did them. Called in the owner change's
    transaction (the `opportunity_owner_changed` hook, connected in bids/apps.py)."""
    entries = (BidAgendaEntry.objects
               .filter(bid__opportunity=opportunity, activity__done_at__isnull=True)
               .exclude(activity__owner_id=opportunity.primary_owner_id)
               .select_related("activity"))
    moved = 0
    team = None
    for entry in entries:
        if team is None:
            team = [m.user for m in opportunity.team.select_related("user")
                    if m.user_id != opportunity.primary_owner_id and m.user.is_active]
        activity = entry.activity
        activity.owner = opportunity.primary_owner
        activity.save(update_fields=["owner", "updated_at"])
        activity.participants.set(team)
        moved += 1
    return moved


def _clear_future_agenda(bid: BidProject, by: User) -> None:
    """When a tender closes, its key dates still ahead leave the agenda."""
    from opportunities.services import activity_delete

    now = timezone.now()
    for entry in bid.agenda_entries.select_related("activity__owner"):
        activity = entry.activity
        if activity.done_at is None and activity.due_at > now:
            activity_delete(activity=activity, by=_agenda_actor(activity, by))


# --- Reminders of the key dates ----------------------------------------------------------------------

REMINDER_KIND = "bid_deadline"
REMINDER_MESSAGES = {
    0: gettext_lazy("Today: %(milestone)s of the tender %(tender)s (%(customer)s), %(when)s."),
    1: gettext_lazy("Tomorrow: %(milestone)s of the tender %(tender)s (%(customer)s), %(when)s."),
}
REMINDER_MESSAGE = gettext_lazy("In %(days)s days: %(milestone)s of the tender %(tender)s (%(customer)s), %(when)s.")


def _reminder_recipients(opportunity: Opportunity) -> list[User]:
    """The primary owner first, then the rest of the opportunity's sales team (销售团队), active people only: the
    people whose agenda already holds the tender's key dates (see bid_sync_agenda)."""
    people = {opportunity.primary_owner_id: opportunity.primary_owner}
    for member in opportunity.team.all():
        people.setdefault(member.user_id, member.user)
    return [person for person in people.values() if person.is_active]


@transaction.atomic
def bid_deadline_reminders_send(*, today: date | None = None) -> int:
    """Each key date of an open tender that falls BID_DEADLINE_REMINDER_DAYS days after `today` (company time)
    is announced once to the opportunity's primary owner and sales team: an in-app notification of kind
    `bid_deadline` linking to the tender record, which the chat rules may route on. The sent-marker row and its
    unique constraint make a second run (or a second worker) remind nobody twice. Returns how many were sent."""
    days = settings.BID_DEADLINE_REMINDER_DAYS
    day = (today or timezone.localdate()) + timedelta(days=days)
    deadlines = key_dates_on(day=day)
    if not deadlines:
        return 0
    already = set(BidDeadlineReminder.objects.filter(due_on=day, bid__in={d.bid.pk for d in deadlines})
                  .values_list("bid_id", "milestone", "recipient_id"))
    message = REMINDER_MESSAGES.get(days, REMINDER_MESSAGE)
    notes = []
    for deadline in deadlines:
        bid = deadline.bid
        for person in _reminder_recipients(bid.opportunity):
            if (bid.pk, deadline.milestone, person.pk) in already:
                continue
            try:
                # The constraint decides, not the read above: a run going on at the same time waits here for
                # the other's commit and then finds the row taken.
                with transaction.atomic():
                    BidDeadlineReminder.objects.create(bid=bid, milestone=deadline.milestone, due_on=day,
                                                       recipient=person)
            except IntegrityError:
                continue
            text = Text(message, days=days, milestone=Milestone(deadline.milestone).label,
                        tender=bid.opportunity.name, customer=bid.opportunity.customer.name,
                        when=timezone.localtime(deadline.when))
            notes.append((person, text, bid.get_absolute_url()))
    return notify_many(kind=REMINDER_KIND, notes=notes)


# --- Tender records --------------------------------------------------------------------------------

def _apply(bid: BidProject, data: Mapping[str, Any], *, by: User, reason: str) -> list[str]:
    unknown = set(data) - set(BID_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s.")
                          % {"fields": ", ".join(sorted(unknown))})
    values = _clean_scalars(data)
    changed = [name for name, value in values.items() if getattr(bid, name) != value]
    for name, value in values.items():
        setattr(bid, name, value)
    _check_dates(bid)
    agents = _resolve_agents(bid, data["agents"]) if data.get("agents") is not None else None
    count = len(agents) if agents is not None else (bid.bid_agents.count() if bid.pk else 0)
    _check_scheme_agents(bid.scheme, count, field="agents" if agents is not None else "scheme")
    competitors = (_resolve_competitors(bid, data["competitors"], by) if data.get("competitors") is not None
                   else None)
    lines = _resolve_lines(data["lines"]) if data.get("lines") is not None else None
    if bid.pk is None or changed:
        _for_history(bid, by, reason)
        bid.save()
    if agents is not None:
        _write_agents(bid, agents, by)
    if competitors is not None:
        _write_competitors(bid, competitors, by)
    if lines is not None:
        _write_lines(bid, lines, by)
        _recompute_totals(bid)
    if any(name in MILESTONE_FIELDS.values() for name in changed):
        bid_sync_agenda(bid=bid, by=by)
    return changed


@transaction.atomic
def bid_create(*, opportunity: Opportunity, by: User, data: Mapping[str, Any]) -> BidProject:
    """One tender record per opportunity, created by those who may edit its tender; every enumeration
    takes only the contract's values."""
    if not Opportunity.objects.visible_to(by).filter(pk=opportunity.pk).exists():
        raise DomainError(_("Choose an opportunity you can see."), field="opportunity")
    opportunity = Opportunity.objects.select_for_update(of=("self",)).select_related("primary_owner").get(
        pk=opportunity.pk)
    if not may_edit_bid(by, opportunity):
        raise PermissionDenied(_("Only the primary owner, their superiors, the presales and solution members of the "
                                 "sales team or an administrator can change this tender record."))
    if BidProject.objects.filter(opportunity=opportunity).exists():
        raise ConflictError(_("This opportunity already has a tender record."))
    bid = BidProject(opportunity=opportunity, created_by=by)
    _apply(bid, data, by=by, reason=_("Created"))
    return bid


@transaction.atomic
def bid_update(*, bid: BidProject, by: User, data: Mapping[str, Any]) -> BidProject:
    """The tender's editors change an open tender record; a closed one (won, lost, cancelled) stays as it was."""
    bid = _lock(bid)
    _check_may_edit(bid, by)
    _check_open(bid)
    _apply(bid, data, by=by, reason=_("Edited"))
    return bid


@transaction.atomic
def bid_line_add(*, bid: BidProject, by: User, data: Mapping[str, Any]) -> BidLine:
    """The tender's editors add a line (configuration, quantity, target price, our quote); totals follow."""
    bid = _lock(bid)
    _check_may_edit(bid, by)
    _check_open(bid)
    top = bid.lines.aggregate(top=Max("position"))["top"] or 0
    line = BidLine(bid=bid, position=top + 1, **bid_line_values(data))
    _for_history(line, by, gettext_lazy("Line added"))
    line.save()
    _recompute_totals(bid)
    return line


@transaction.atomic
def bid_line_update(*, line: BidLine, by: User, data: Mapping[str, Any]) -> BidLine:
    """The tender's editors change a line; totals follow."""
    bid = _lock(line.bid)
    _check_may_edit(bid, by)
    _check_open(bid)
    line = BidLine.objects.select_for_update().get(pk=line.pk, bid=bid)
    for name, value in bid_line_values(data, current=line).items():
        setattr(line, name, value)
    _for_history(line, by, gettext_lazy("Line changed"))
    line.save()
    _recompute_totals(bid)
    return line


@transaction.atomic
def bid_line_remove(*, line: BidLine, by: User) -> None:
    """The tender's editors remove a line; totals follow."""
    bid = _lock(line.bid)
    _check_may_edit(bid, by)
    _check_open(bid)
    line = BidLine.objects.get(pk=line.pk, bid=bid)
    _for_history(line, by, gettext_lazy("Line removed"))
    line.delete()
    _recompute_totals(bid)


@transaction.atomic
def bid_agent_set(*, bid: BidProject, by: User, partner: Partner, scheme: str = "", quote: Any = None) -> BidAgent:
    """Add an agent to a tender that bids through agents, or change its scheme and quote."""
    bid = _lock(bid)
    _check_may_edit(bid, by)
    _check_open(bid)
    given = {"partner": partner, "scheme": scheme, "quote": quote}
    items = [given if row.partner_id == partner.pk else {"partner": row.partner}
             for row in bid.bid_agents.select_related("partner")]
    if not any(row.partner_id == partner.pk for row in bid.bid_agents.all()):
        items.append(given)
    agents = _resolve_agents(bid, items)
    _check_scheme_agents(bid.scheme, len(agents), field="agents")
    _write_agents(bid, agents, by)
    return bid.bid_agents.get(partner=partner)


@transaction.atomic
def bid_agent_remove(*, bid: BidProject, by: User, partner: Partner) -> None:
    bid = _lock(bid)
    _check_may_edit(bid, by)
    _check_open(bid)
    row = bid.bid_agents.filter(partner=partner).first()
    if row is None:
        raise DomainError(_("This partner does not take part in the tender."), field="partner")
    _for_history(row, by, gettext_lazy("Agent removed"))
    row.delete()


@transaction.atomic
def bid_competitor_set(*, bid: BidProject, by: User, brand: Any, known_price: Any = None,
                       note: str = "") -> BidCompetitor:
    """Name a competing brand in the tender (joining the managed list if new), with its price when known."""
    bid = _lock(bid)
    _check_may_edit(bid, by)
    _check_open(bid)
    brand = _brand(brand, field="brand", by=by)
    given = {"brand": brand, "known_price": known_price, "note": note}
    rows = list(bid.bid_competitors.select_related("brand"))
    items = [given if row.brand_id == brand.pk else {"brand": row.brand} for row in rows]
    if not any(row.brand_id == brand.pk for row in rows):
        items.append(given)
    _write_competitors(bid, _resolve_competitors(bid, items, by), by)
    return bid.bid_competitors.get(brand=brand)


@transaction.atomic
def bid_competitor_remove(*, bid: BidProject, by: User, brand: CompetitorBrand) -> None:
    bid = _lock(bid)
    _check_may_edit(bid, by)
    _check_open(bid)
    row = bid.bid_competitors.filter(brand=brand).first()
    if row is None:
        raise DomainError(_("This brand is not named in the tender."), field="brand")
    _for_history(row, by, gettext_lazy("Competitor removed"))
    row.delete()


@transaction.atomic
def bid_submit(*, bid: BidProject, by: User) -> BidProject:
    """A tender in preparation is marked submitted once it is complete (see bid_completeness_problems)."""
    bid = _lock(bid)
    _check_may_edit(bid, by)
    if bid.status != BidStatus.PREPARING:
        raise ConflictError(_("Only a tender in preparation can be submitted (this one is %(status)s).")
                            % {"status": bid.get_status_display()})
    problems = bid_completeness_problems(bid)
    if problems:
        raise DomainError(_("Complete the tender record before bidding: %(missing)s.")
                          % {"missing": "; ".join(problems)})
    bid.status = BidStatus.SUBMITTED
    bid.submitted_at = timezone.now()
    _for_history(bid, by, gettext_lazy("Submitted"))
    bid.save(update_fields=["status", "submitted_at", "updated_at"])
    return bid


@transaction.atomic
def bid_record_outcome(*, bid: BidProject, outcome: str, by: User, winning_brand: str = "",
                       winning_price: Any = None, reason: str = "") -> BidProject:
    """The tender's result closes the record and the opportunity with it, through the funnel's service (never
    by writing the stage), in the same transaction: won wins it (08 won), lost loses it (08 lost, the winning
    brand as competitor); cancelled leaves the stage where it is. When the funnel refuses the move (an entry
    requirement, the permission to reopen a closed one) nothing is recorded and the message says why."""
    bid = _lock(bid)
    outcome = _choice(outcome, BidOutcome, field="outcome")
    opportunity = bid.opportunity
    if not may_record_outcome(by, opportunity):
        raise PermissionDenied(_("Only the primary owner, their superiors or an administrator can record the "
                                 "tender's outcome."))
    _check_open(bid)
    winning_brand = _text(winning_brand, limit=100)
    price = parse_money(winning_price, field="winning_price", allow_none=True)
    reason = _text(reason, one_line=False)
    if outcome == BidOutcome.LOST and not winning_brand:
        raise DomainError(_("Name the brand that won the tender."), field="winning_brand")
    if outcome != BidOutcome.LOST and winning_brand:
        raise DomainError(_("Only a lost tender has another winning brand."), field="winning_brand")
    if outcome == BidOutcome.CANCELLED and price is not None:
        raise DomainError(_("A cancelled tender has no winning price."), field="winning_price")
    bid.status = outcome
    bid.winning_brand, bid.winning_price, bid.outcome_reason = winning_brand, price, reason
    bid.outcome_at, bid.outcome_by = timezone.now(), by
    _for_history(bid, by, reason or BidOutcome(outcome).label)
    bid.save(update_fields=["status", "winning_brand", "winning_price", "outcome_reason", "outcome_at",
                            "outcome_by", "updated_at"])
    current = opportunity.stage
    try:
        if outcome == BidOutcome.WON and current.outcome != StageOutcome.WON:
            # The tender's outcome is the decision: the stage's checklist does not hold it back.
            opportunity_move(opportunity=opportunity, stage_code="08", outcome=StageOutcome.WON, by=by,
                             note=reason or _("Tender won"), skip_open_tasks=True)
        elif outcome == BidOutcome.LOST and current.outcome != StageOutcome.LOST:
            opportunity_move(opportunity=opportunity, stage_code="08", outcome=StageOutcome.LOST, by=by,
                             loss_reason=reason or _("Tender lost to %(brand)s") % {"brand": winning_brand},
                             competitor=winning_brand, note=reason)
    except (DomainError, PermissionDenied) as refused:
        # Raised inside this transaction: the tender's outcome is rolled back with the move.
        message = _("The outcome is not recorded: the opportunity cannot be closed as %(outcome)s. %(why)s") % {
            "outcome": BidOutcome(outcome).label, "why": refusal_message(refused)}
        raise type(refused)(message) from refused
    _clear_future_agenda(bid, by)
    return bid


@transaction.atomic
def bid_reopen(*, bid: BidProject, by: User, reason: str = "") -> BidProject:
    """A cancelled tender is reopened for the re-issued tender; the cancellation stays in the history."""
    bid = _lock(bid)
    if not may_record_outcome(by, bid.opportunity):
        raise PermissionDenied(_("Only the primary owner, their superiors or an administrator can reopen the "
                                 "tender."))
    if bid.status != BidStatus.CANCELLED:
        raise ConflictError(_("Only a cancelled tender can be reopened."))
    bid.status = BidStatus.PREPARING
    bid.winning_brand, bid.winning_price, bid.outcome_reason, bid.outcome_at, bid.outcome_by = "", None, "", None, None
    bid.submitted_at = None
    _for_history(bid, by, _text(reason, one_line=False) or gettext_lazy("Reopened for a re-issued tender"))
    bid.save()
    bid_sync_agenda(bid=bid, by=by)
    return bid


# --- Partners -------------------------------------------------------------------------------------

PARTNER_FIELDS = ["name", "credit_code", "kind", "region", "status", "notes", "contacts"]


def _check_manager(by: User, message: str) -> None:
    if not may_manage_partners(by):
        raise PermissionDenied(message)


def _contact_values(data: Mapping[str, Any], *, field: str) -> dict[str, str]:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    name = _text(data.get("name"), limit=100)
    if not name:
        raise DomainError(_("Give the contact's name."), field=f"{field}.name")
    email = _text(data.get("email"), limit=254)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise DomainError(_("Enter a valid e-mail address."), field=f"{field}.email") from None
    return {"name": name, "title": _text(data.get("title"), limit=100), "phone": _text(data.get("phone"), limit=40),
            "email": email}


@transaction.atomic
def partner_save(*, partner: Partner, by: User, data: Mapping[str, Any]) -> Partner:
    """Sales managers and administrators keep the partner directory; names and valid credit codes are unique."""
    from accounts.validators import credit_code_problem, normalize_credit_code

    _check_manager(by, _("Only sales managers and administrators can change partners."))
    unknown = set(data) - set(PARTNER_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s.")
                          % {"fields": ", ".join(sorted(unknown))})
    creating = partner.pk is None
    for name, value in data.items():
        if name == "name":
            value = _text(value, limit=200)
            if not value:
                raise DomainError(_("Give the partner's name."), field="name")
        elif name == "credit_code":
            value = normalize_credit_code(value or "")
            problem = credit_code_problem(value) if value else None
            if problem:
                raise DomainError(problem, field="credit_code")
        elif name == "kind":
            value = _choice(value, PartnerKind, field=name)
        elif name == "status":
            value = _choice(value, PartnerStatus, field=name)
        elif name == "region":
            value = _text(value, limit=60)
        elif name == "notes":
            value = _text(value, one_line=False)
        if name != "contacts":
            setattr(partner, name, value)
    if not partner.name:
        raise DomainError(_("Give the partner's name."), field="name")
    if Partner.objects.filter(name=partner.name).exclude(pk=partner.pk).exists():
        raise DomainError(_("Another partner has this name."), field="name")
    if partner.credit_code and Partner.objects.filter(credit_code=partner.credit_code).exclude(pk=partner.pk).exists():
        raise DomainError(_("Another partner has this unified social credit code."), field="credit_code")
    contacts = None
    if data.get("contacts") is not None:
        contacts = [_contact_values(item, field=f"contacts[{index}]") for index, item in enumerate(data["contacts"])]
    if creating:
        partner.created_by = by
    _for_history(partner, by, gettext_lazy("Created") if creating else gettext_lazy("Edited"))
    partner.save()
    if contacts is not None:
        for contact in partner.contacts.all():
            _for_history(contact, by, gettext_lazy("Contacts replaced"))
            contact.delete()
        for values in contacts:
            contact = PartnerContact(partner=partner, **values)
            _for_history(contact, by, gettext_lazy("Contacts replaced"))
            contact.save()
    return partner


@transaction.atomic
def partner_contact_add(*, partner: Partner, by: User, data: Mapping[str, Any]) -> PartnerContact:
    """Sales managers and administrators add the people to call at a partner."""
    _check_manager(by, _("Only sales managers and administrators can change partners."))
    contact = PartnerContact(partner=partner, **_contact_values(data, field="contact"))
    _for_history(contact, by, gettext_lazy("Created"))
    contact.save()
    return contact


@transaction.atomic
def partner_contact_remove(*, contact: PartnerContact, by: User) -> None:
    _check_manager(by, _("Only sales managers and administrators can change partners."))
    _for_history(contact, by, gettext_lazy("Removed"))
    contact.delete()


@transaction.atomic
def partner_rate_credit(*, partner: Partner, by: User, rating: str, rated_on: date, source: str,
                        note: str = "") -> PartnerCreditRating:
    """Each credit standing is kept with its date and source; the partner shows the latest by date."""
    _check_manager(by, _("Only sales managers and administrators can rate partners."))
    partner = Partner.objects.select_for_update().get(pk=partner.pk)
    rating = _choice(rating, CreditRating, field="rating")
    if not isinstance(rated_on, date):
        raise DomainError(_("Enter a date."), field="rated_on")
    if rated_on > timezone.localdate():
        raise DomainError(_("A rating cannot be dated in the future."), field="rated_on")
    source = _text(source, limit=200)
    if not source:
        raise DomainError(_("Say where the rating comes from (agency report, bank, our own review…)."),
                          field="source")
    record = PartnerCreditRating.objects.create(partner=partner, rating=rating, rated_on=rated_on, source=source,
                                                note=_text(note, one_line=False), recorded_by=by)
    latest = partner.credit_ratings.order_by("-rated_on", "-id").first()
    if (partner.credit_rating, partner.credit_rated_on, partner.credit_source) != (
            latest.rating, latest.rated_on, latest.source):
        partner.credit_rating, partner.credit_rated_on, partner.credit_source = (latest.rating, latest.rated_on,
                                                                                 latest.source)
        _for_history(partner, by, gettext_lazy("Credit standing rated"))
        partner.save(update_fields=["credit_rating", "credit_rated_on", "credit_source", "updated_at"])
    return record


# --- Competing brands -----------------------------------------------------------------------------

BRAND_FIELDS = ["name", "strengths", "weaknesses", "threat_level", "notes", "active"]


@transaction.atomic
def competitor_brand_save(*, brand: CompetitorBrand, by: User, data: Mapping[str, Any]) -> CompetitorBrand:
    """Sales managers and administrators keep the list of competing brands and our assessment of each."""
    _check_manager(by, _("Only sales managers and administrators can change the competing brands."))
    unknown = set(data) - set(BRAND_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s.")
                          % {"fields": ", ".join(sorted(unknown))})
    for name, value in data.items():
        if name == "name":
            value = _text(value, limit=100)
            if not value:
                raise DomainError(_("Give the brand's name."), field="name")
        elif name == "threat_level":
            value = _choice(value, ThreatLevel, field=name, blank=True)
        elif name == "active":
            value = _boolean(value, field=name)
        else:
            value = _text(value, one_line=False)
        setattr(brand, name, value)
    if not brand.name:
        raise DomainError(_("Give the brand's name."), field="name")
    if CompetitorBrand.objects.filter(name__iexact=brand.name).exclude(pk=brand.pk).exists():
        raise DomainError(_("This brand is already on the list."), field="name")
    _for_history(brand, by, gettext_lazy("Edited") if brand.pk else gettext_lazy("Created"))
    brand.save()
    return brand

