"""Writes on opportunities: creation, lines, the sales team and its one primary owner, confirmation,
the 20-question assessment, activities and action plans, products.

Every function here is the one place its rule lives; pages and the API both call it. Each runs in
one transaction, checks who may do it, and raises a domain error (crm.errors) when refused.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import Contact, Customer, Source
from crm.errors import ConflictError, DomainError, PermissionDenied
from crm.money import CENT, MAX_MONEY, parse_money, to_decimal
from crm.stored_text import Text, encode
from opportunities.models import (
    ActionPlan,
    Activity,
    ActivityKind,
    Assessment,
    AssessmentAnswer,
    AssessmentQuestion,
    AssessmentSettings,
    Opportunity,
    OpportunityLine,
    OpportunityTeamMember,
    OwnerChange,
    Product,
    Stage,
    TeamRole,
)
from opportunities.signals import opportunity_created, opportunity_owner_changed
from teams.models import User
from teams.services import notify

HUNDRED = Decimal(100)
MAX_QUANTITY = Decimal("1e10")  # DecimalField(max_digits=12, decimal_places=2)


# --- Small helpers ---------------------------------------------------------------------------

def line_amount(*, quantity: Decimal, unit_price: Decimal, discount: Decimal) -> Decimal:
    """quantity × unit price × (1 − discount / 100), rounded half up to the cent, in Decimal only."""
    for value in (quantity, unit_price, discount):
        if not isinstance(value, Decimal):
            raise TypeError("line_amount takes Decimal values only")
    return (quantity * unit_price * (HUNDRED - discount) / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def clean_competitors(value: Any) -> list[str]:
    """Competing brands as a list of names: accepts a list or a comma / newline separated text."""
    if value in (None, ""):
        return []
    if isinstance(value, str):
        items = value.replace(",", ",").replace("、", ",").replace("\n", ",").split(",")
    elif isinstance(value, (list, tuple)):
        items = [str(item) for item in value]
    else:
        raise DomainError(_("List the competing brands."), field="competitors")
    names: list[str] = []
    for item in items:
        name = " ".join(item.split())[:100]
        if name and name not in names:
            names.append(name)
    return names[:30]


def _for_history(instance, by: User | None, reason: str) -> None:
    # django-simple-history reads these when no request is at hand (API calls, jobs, tests).
    instance._history_user = by
    instance._change_reason = reason


def _lock(opportunity: Opportunity) -> Opportunity:
    return Opportunity.objects.select_for_update().get(pk=opportunity.pk)


# --- Who may do what (shared by pages, the API and the services) ---------------------------

def may_edit_opportunity(user: User, opportunity: Opportunity) -> bool:
    """The primary owner, anyone above them in the reporting line, and administrators."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_admin or user.pk == opportunity.primary_owner_id or user.is_superior_of(opportunity.primary_owner)


def may_change_owner(user: User, opportunity: Opportunity) -> bool:
    """Only a superior of the current primary owner (anywhere up the line) or an administrator."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_admin or user.is_superior_of(opportunity.primary_owner)


def may_confirm(user: User, opportunity: Opportunity) -> bool:
    """The primary owner alone confirms the opportunity for their forecast."""
    return bool(user and user.is_authenticated and user.pk == opportunity.primary_owner_id)


def owner_choices(user: User):
    """Whom `user` may name as primary owner: the active people whose records they see (themselves and their
    subtree; administrators anyone: User.visible_owner_id_list, read once per page view)."""
    people = User.objects.filter(is_active=True)
    owner_ids = user.visible_owner_id_list()
    return people if owner_ids is None else people.filter(pk__any_of=owner_ids)


def owner_names(user: User) -> list[tuple[int, str]]:
    """(id, name) of `owner_choices(user)` by username, for the list's owner filter: names, not model instances."""
    return owner_choices(user).order_by("username").names()


def _check_visible(opportunity: Opportunity, by: User) -> None:
    if not Opportunity.objects.visible_to(by).filter(pk=opportunity.pk).exists():
        raise PermissionDenied(_("You cannot see this opportunity."))


def _check_may_edit(opportunity: Opportunity, by: User) -> None:
    if not may_edit_opportunity(by, opportunity):
        raise PermissionDenied(_("Only the primary owner, their superiors or an administrator can change this "
                                 "opportunity."))


# --- Opportunities --------------------------------------------------------------------------

@transaction.atomic
def opportunity_create(
    *, customer: Customer, name: str, expected_close_date: date, by: User,
    primary_owner: User | None = None, stage: Stage | None = None, amount: Any = None,
    description: str = "", source: str = Source.MANUAL, competitors: Any = None,
    currency: str | None = None, lines: Iterable[Mapping[str, Any]] | None = None,
) -> Opportunity:
    """The creator owns a new opportunity, unless a superior of the named owner creates it for them;
    the creator must see the customer."""
    if not Customer.objects.visible_to(by).filter(pk=customer.pk).exists():
        raise DomainError(_("Choose a customer you can see."), field="customer")
    owner = primary_owner or by
    if owner.pk != by.pk and not (by.is_admin or by.is_superior_of(owner)):
        raise PermissionDenied(_("You can create opportunities only for yourself or for people who report to you."))
    if not owner.is_active:
        raise DomainError(_("This person is no longer active."), field="primary_owner")
    name = " ".join((name or "").split())
    if not name:
        raise DomainError(_("Give the opportunity a name."), field="name")
    if source not in Source.values:
        raise DomainError(_("Unknown source."), field="source")
    stage = stage or Stage.objects.first_open()
    if stage is None or not stage.active:
        raise DomainError(_("Choose an active stage."), field="stage")
    lines = list(lines or [])
    opportunity = Opportunity(
        customer=customer, name=name[:200], description=description or "", expected_close_date=expected_close_date,
        stage=stage, primary_owner=owner, source=source, competitors=clean_competitors(competitors),
        amount=Decimal("0.00") if amount in (None, "") else parse_money(amount, field="amount"),
        created_by=by, closed_on=timezone.localdate() if stage.is_closed else None,
    )
    if currency:
        opportunity.currency = currency
    _for_history(opportunity, by, gettext_lazy("Created"))
    opportunity.save()
    OpportunityTeamMember.objects.create(opportunity=opportunity, user=owner, role=TeamRole.SALES, is_primary=True,
                                         added_by=by)
    # The apps built on opportunities act here, in this transaction (the funnel: "days in stage" start now).
    opportunity_created.send(sender=Opportunity, opportunity=opportunity, by=by)
    if lines:
        _create_lines(opportunity, lines)
        total = _recompute_amount(opportunity)
        if amount not in (None, "") and parse_money(amount, field="amount") != total:
            raise DomainError(_("The amount comes from the lines (%(total)s); leave it out.") % {"total": total},
                              field="amount")
    if owner.pk != by.pk:
        notify(recipient=owner, kind="opportunity_assigned",
               message=Text(gettext_lazy("%(by)s created the opportunity %(name)s for you."), by=by, name=name),
               url=opportunity.get_absolute_url())
    return opportunity


EDITABLE_FIELDS = ["name", "description", "expected_close_date", "amount", "source", "competitors", "currency"]


@transaction.atomic
def opportunity_update(*, opportunity: Opportunity, by: User, data: Mapping[str, Any]) -> Opportunity:
    """The primary owner, their superiors and administrators edit an opportunity; the amount is
    derived from the lines when there are any."""
    opportunity = _lock(opportunity)
    _check_may_edit(opportunity, by)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s.")
                          % {"fields": ", ".join(sorted(unknown))})
    changed = []
    for field, value in data.items():
        if field == "name":
            value = " ".join((value or "").split())[:200]
            if not value:
                raise DomainError(_("Give the opportunity a name."), field="name")
        elif field == "amount":
            value = parse_money(value, field="amount")
            if value != opportunity.amount and opportunity.lines.exists():
                raise DomainError(_("The amount comes from the lines; change the lines instead."), field="amount")
        elif field == "competitors":
            value = clean_competitors(value)
        elif field == "source" and value not in Source.values:
            raise DomainError(_("Unknown source."), field="source")
        elif field == "expected_close_date" and not value:
            raise DomainError(_("Enter the expected close date."), field="expected_close_date")
        elif field == "description":
            value = value or ""
        if getattr(opportunity, field) != value:
            setattr(opportunity, field, value)
            changed.append(field)
    if changed:
        _for_history(opportunity, by, gettext_lazy("Edited"))
        opportunity.save(update_fields=[*changed, "updated_at"])
    return opportunity


@transaction.atomic
def opportunity_set_confirmed(*, opportunity: Opportunity, confirmed: bool, by: User) -> Opportunity:
    """Only the primary owner confirms (or withdraws) an opportunity for their forecast."""
    opportunity = _lock(opportunity)
    if not may_confirm(by, opportunity):
        raise PermissionDenied(_("Only the primary owner can confirm this opportunity."))
    if opportunity.confirmed != confirmed:
        opportunity.confirmed = confirmed
        opportunity.confirmed_at = timezone.now() if confirmed else None
        _for_history(opportunity, by,
                     gettext_lazy("Confirmed") if confirmed else gettext_lazy("Confirmation withdrawn"))
        opportunity.save(update_fields=["confirmed", "confirmed_at", "updated_at"])
    return opportunity


@transaction.atomic
def opportunity_change_owner(
    *, opportunity: Opportunity, new_owner: User, by: User, reason: str = "", expected_owner: User | None = None,
) -> Opportunity:
    """Only a superior of the current primary owner (anywhere up the line) or an administrator hands
    the opportunity over; the change is recorded and the new owner confirms again.

    The opportunity row is locked, so two changes at once run one after the other; with
    `expected_owner` (the owner the caller saw) the later one is refused as stale (409).
    """
    opportunity = _lock(opportunity)
    old_owner = User.objects.get(pk=opportunity.primary_owner_id)
    if not (by.is_admin or by.is_superior_of(old_owner)):
        raise PermissionDenied(
            _("Only a superior of the primary owner (%(owner)s) or an administrator can change the primary owner.")
            % {"owner": old_owner}
        )
    if expected_owner is not None and expected_owner.pk != old_owner.pk:
        raise ConflictError(_("The primary owner has just been changed to %(owner)s; reload and try again.")
                            % {"owner": old_owner})
    if new_owner.pk == old_owner.pk:
        raise DomainError(_("%(owner)s is already the primary owner.") % {"owner": new_owner}, field="primary_owner")
    if not new_owner.is_active:
        raise DomainError(_("This person is no longer active."), field="primary_owner")
    if not (by.is_admin or new_owner.pk == by.pk or by.is_superior_of(new_owner)):
        raise DomainError(_("Hand the opportunity to yourself or to someone who reports to you."),
                          field="primary_owner")
    # Demote first, then promote: the partial unique index never sees two primaries.
    OpportunityTeamMember.objects.filter(opportunity=opportunity, is_primary=True).update(is_primary=False)
    member, created = OpportunityTeamMember.objects.get_or_create(
        opportunity=opportunity, user=new_owner,
        defaults={"role": TeamRole.SALES, "is_primary": True, "added_by": by},
    )
    if not created:
        member.is_primary = True
        member.save(update_fields=["is_primary"])
    OwnerChange.objects.create(opportunity=opportunity, old_owner=old_owner, new_owner=new_owner, changed_by=by,
                               reason=encode(reason, OwnerChange._meta.get_field("reason").max_length)
                               if isinstance(reason, Text) else (reason or "").strip())
    opportunity.primary_owner = new_owner
    # Confirmation is the owner's own commitment to the forecast: the new owner gives it again.
    opportunity.confirmed = False
    opportunity.confirmed_at = None
    _for_history(opportunity, by, reason or gettext_lazy("Primary owner changed"))
    opportunity.save(update_fields=["primary_owner", "confirmed", "confirmed_at", "updated_at"])
    # The apps built on opportunities act here, in this transaction (bids: the tenders' open key dates follow).
    opportunity_owner_changed.send(sender=Opportunity, opportunity=opportunity, old_owner=old_owner,
                                   new_owner=new_owner, by=by)
    notify(recipient=new_owner, kind="opportunity_owner",
           message=Text(gettext_lazy("%(by)s made you the primary owner of %(name)s."), by=by, name=opportunity.name),
           url=opportunity.get_absolute_url())
    return opportunity


# --- Sales team ----------------------------------------------------------------------------

@transaction.atomic
def team_member_add(*, opportunity: Opportunity, user: User, role: str, by: User) -> OpportunityTeamMember:
    """The primary owner and their superiors (and administrators) put people on the sales team;
    adding someone already on it changes their role."""
    opportunity = _lock(opportunity)
    if not may_edit_opportunity(by, opportunity):
        raise PermissionDenied(_("Only the primary owner or their superiors can change the sales team."))
    if role not in TeamRole.values:
        raise DomainError(_("Unknown team role."), field="role")
    if not user.is_active:
        raise DomainError(_("This person is no longer active."), field="user")
    member, created = OpportunityTeamMember.objects.get_or_create(
        opportunity=opportunity, user=user, defaults={"role": role, "added_by": by},
    )
    if not created and member.role != role:
        member.role = role
        member.save(update_fields=["role"])
    if created and user.pk != by.pk:
        notify(recipient=user, kind="opportunity_team",
               message=Text(gettext_lazy("%(by)s added you to the sales team of %(name)s."), by=by,
                            name=opportunity.name),
               url=opportunity.get_absolute_url())
    return member


@transaction.atomic
def team_member_remove(*, opportunity: Opportunity, user: User, by: User) -> None:
    """The primary owner and their superiors take people off the team; the primary owner stays."""
    opportunity = _lock(opportunity)
    if not may_edit_opportunity(by, opportunity):
        raise PermissionDenied(_("Only the primary owner or their superiors can change the sales team."))
    member = OpportunityTeamMember.objects.filter(opportunity=opportunity, user=user).first()
    if member is None:
        raise DomainError(_("This person is not on the sales team."), field="user")
    if member.is_primary:
        raise DomainError(_("The primary owner stays on the team; change the primary owner first."), field="user")
    member.delete()


# --- Lines ---------------------------------------------------------------------------------

def _line_values(data: Mapping[str, Any], *, current: OpportunityLine | None = None) -> dict[str, Any]:
    product = data.get("product", current.product if current else None)
    if product is None:
        raise DomainError(_("Choose a product."), field="product")
    if not isinstance(product, Product):
        product = Product.objects.filter(pk=product).first()
        if product is None:
            raise DomainError(_("Unknown product."), field="product")
    if not product.active and (current is None or current.product_id != product.pk):
        raise DomainError(_("This product is no longer sold."), field="product")
    quantity = to_decimal(data.get("quantity", current.quantity if current else 1), field="quantity",
                          maximum=MAX_QUANTITY)
    if quantity <= 0:
        raise DomainError(_("The quantity must be above zero."), field="quantity")
    price = data.get("unit_price", current.unit_price if current else None)
    if price in (None, ""):
        if product.list_price is None:
            raise DomainError(_("Enter the unit price: this product has no list price."), field="unit_price")
        price = product.list_price
    unit_price = to_decimal(price, field="unit_price")
    discount = to_decimal(data.get("discount", current.discount if current else 0) or 0, field="discount",
                          maximum=Decimal("100.01"))
    if discount > HUNDRED:
        raise DomainError(_("The discount is a percentage from 0 to 100."), field="discount")
    quantity, unit_price, discount = quantity.quantize(CENT), unit_price.quantize(CENT), discount.quantize(CENT)
    amount = line_amount(quantity=quantity, unit_price=unit_price, discount=discount)
    if amount >= MAX_MONEY:
        raise DomainError(_("The number is too large."), field="quantity")
    configuration = str(data.get("configuration", current.configuration if current else "") or "").strip()[:300]
    return {"product": product, "quantity": quantity, "unit_price": unit_price, "discount": discount,
            "amount": amount, "configuration": configuration}


def _create_lines(opportunity: Opportunity, lines: list[Mapping[str, Any]]) -> None:
    start = (opportunity.lines.aggregate(top=Max("position"))["top"] or 0) + 1
    rows = []
    for index, data in enumerate(lines):
        try:
            values = _line_values(data)
        except DomainError as exc:
            # Name the line at fault for the API: lines[2].quantity.
            raise DomainError(exc.message, field=f"lines[{index}].{exc.field}") from exc
        rows.append(OpportunityLine(opportunity=opportunity, position=start + index, **values))
    OpportunityLine.objects.bulk_create(rows)


def _recompute_amount(opportunity: Opportunity) -> Decimal:
    """With lines, the amount is their sum; without, the amount stays as entered."""
    total = opportunity.lines.aggregate(total=Sum("amount"))["total"]
    if total is None:
        return opportunity.amount
    total = total.quantize(CENT)
    if total != opportunity.amount:
        opportunity.amount = total
        _for_history(opportunity, getattr(opportunity, "_history_user", None), gettext_lazy("Lines changed"))
        opportunity.save(update_fields=["amount", "updated_at"])
    return total


@transaction.atomic
def line_add(*, opportunity: Opportunity, by: User, data: Mapping[str, Any]) -> OpportunityLine:
    """The primary owner, their superiors and administrators price the opportunity line by line."""
    opportunity = _lock(opportunity)
    _check_may_edit(opportunity, by)
    top = opportunity.lines.aggregate(top=Max("position"))["top"] or 0
    line = OpportunityLine.objects.create(opportunity=opportunity, position=top + 1, **_line_values(data))
    opportunity._history_user = by
    _recompute_amount(opportunity)
    return line


@transaction.atomic
def line_update(*, line: OpportunityLine, by: User, data: Mapping[str, Any]) -> OpportunityLine:
    opportunity = _lock(line.opportunity)
    _check_may_edit(opportunity, by)
    line = OpportunityLine.objects.select_for_update().get(pk=line.pk, opportunity=opportunity)
    for field, value in _line_values(data, current=line).items():
        setattr(line, field, value)
    line.save()
    opportunity._history_user = by
    _recompute_amount(opportunity)
    return line


@transaction.atomic
def line_remove(*, line: OpportunityLine, by: User) -> None:
    opportunity = _lock(line.opportunity)
    _check_may_edit(opportunity, by)
    OpportunityLine.objects.filter(pk=line.pk, opportunity=opportunity).delete()
    opportunity._history_user = by
    _recompute_amount(opportunity)


@transaction.atomic
def opportunity_set_lines(*, opportunity: Opportunity, by: User, lines: Iterable[Mapping[str, Any]]) -> Opportunity:
    """Replace all lines at once (the API's `lines` field); the amount follows them."""
    opportunity = _lock(opportunity)
    _check_may_edit(opportunity, by)
    opportunity.lines.all().delete()
    lines = list(lines)
    if lines:
        _create_lines(opportunity, lines)
    opportunity._history_user = by
    _recompute_amount(opportunity)
    return opportunity


# --- Assessment ----------------------------------------------------------------------------

@transaction.atomic
def opportunity_assess(*, opportunity: Opportunity, answers: Mapping[str, Any], by: User) -> Assessment:
    """Answer every active question yes or no; each yes scores 1, and a score above the threshold
    (10 by default) makes the opportunity of high value. The assessment is kept as answered."""
    _check_visible(opportunity, by)
    questions = list(AssessmentQuestion.objects.filter(active=True).order_by("order", "id"))
    if not questions:
        raise DomainError(_("No assessment questions are configured."))
    known = {question.code for question in questions}
    errors = []
    for question in questions:
        if question.code not in answers:
            errors.append(_("%(code)s: answer yes or no.") % {"code": question.code})
        elif not isinstance(answers[question.code], bool):
            errors.append(_("%(code)s: the answer must be true or false.") % {"code": question.code})
    for code in sorted(set(answers) - known):
        errors.append(_("%(code)s: unknown question.") % {"code": code})
    if errors:
        raise ValidationError({"answers": errors})
    threshold = AssessmentSettings.load().threshold
    dimensions = {"opportunity": 0, "competitiveness": 0, "winnability": 0, "worth": 0}
    for question in questions:
        if answers[question.code]:
            dimensions[question.dimension] = dimensions.get(question.dimension, 0) + 1
    score = sum(dimensions.values())
    assessment = Assessment.objects.create(
        opportunity=opportunity, author=by, score=score, threshold=threshold, high_value=score > threshold,
        opportunity_score=dimensions["opportunity"], competitiveness_score=dimensions["competitiveness"],
        winnability_score=dimensions["winnability"], worth_score=dimensions["worth"],
    )
    AssessmentAnswer.objects.bulk_create([
        AssessmentAnswer(assessment=assessment, question=question, code=question.code, dimension=question.dimension,
                         text_zh=question.text_zh, text_en=question.text_en, order=question.order,
                         answer=answers[question.code])
        for question in questions
    ])
    # The list filters on the latest score: keep it on the opportunity (no history row for a copy).
    Opportunity.objects.filter(pk=opportunity.pk).update(
        assessment_score=score, high_value=assessment.high_value, updated_at=timezone.now(),
    )
    opportunity.assessment_score, opportunity.high_value = score, assessment.high_value
    return assessment


# --- Activities and action plans ------------------------------------------------------------

def may_edit_activity(user: User, activity: Activity) -> bool:
    """Its owner and creator, the owner's superiors, the opportunity's editors, administrators."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    if user.is_admin or user.pk in (activity.owner_id, activity.created_by_id):
        return True
    if user.is_superior_of(activity.owner):
        return True
    return activity.opportunity_id is not None and may_edit_opportunity(user, activity.opportunity)


def _check_owner_allowed(*, owner: User, by: User, opportunity: Opportunity | None) -> None:
    if owner.pk == by.pk or by.is_admin or by.is_superior_of(owner):
        return
    if opportunity is not None and opportunity.team.filter(user=owner).exists():
        return
    raise DomainError(_("Assign activities to yourself, to people who report to you or to the sales team."),
                      field="owner")


def _check_aware(value: datetime | None, field: str) -> None:
    if value is not None and timezone.is_naive(value):
        raise DomainError(_("Give the time with its time zone."), field=field)


@transaction.atomic
def activity_create(
    *, by: User, kind: str, subject: str, due_at: datetime, customer: Customer | None = None,
    opportunity: Opportunity | None = None, owner: User | None = None, participants: Iterable[User] = (),
    contacts: Iterable[Contact] = (), notes: str = "", location: str = "", done_at: datetime | None = None,
    outcome: str = "", plan: ActionPlan | None = None, sequence: int | None = None,
) -> Activity:
    """Anyone who sees the customer (or the opportunity) logs an activity for it, for themselves,
    their team, or a member of the opportunity's sales team."""
    if kind not in ActivityKind.values:
        raise DomainError(_("Unknown kind of activity."), field="kind")
    subject = " ".join((subject or "").split())[:200]
    if not subject:
        raise DomainError(_("Enter a subject."), field="subject")
    if due_at is None:
        raise DomainError(_("Enter when it is due."), field="due_at")
    _check_aware(due_at, "due_at")
    _check_aware(done_at, "done_at")
    if opportunity is not None:
        if not Opportunity.objects.visible_to(by).filter(pk=opportunity.pk).exists():
            raise DomainError(_("Choose an opportunity you can see."), field="opportunity")
        if customer is not None and customer.pk != opportunity.customer_id:
            raise DomainError(_("The opportunity belongs to another customer."), field="customer")
        customer = opportunity.customer
    if customer is None:
        raise DomainError(_("Choose the customer."), field="customer")
    if opportunity is None and not Customer.objects.visible_to(by).filter(pk=customer.pk).exists():
        raise DomainError(_("Choose a customer you can see."), field="customer")
    owner = owner or by
    _check_owner_allowed(owner=owner, by=by, opportunity=opportunity)
    contacts = list(contacts)
    if any(contact.customer_id != customer.pk for contact in contacts):
        raise DomainError(_("Choose contacts of this customer."), field="contacts")
    activity = Activity.objects.create(
        kind=kind, subject=subject, customer=customer, opportunity=opportunity, owner=owner, due_at=due_at,
        done_at=done_at, notes=notes or "", outcome=outcome or "", location=(location or "")[:200], plan=plan,
        sequence=sequence, created_by=by,
    )
    participants = [person for person in participants if person.pk != owner.pk]
    if participants:
        activity.participants.set(participants)
    if contacts:
        activity.contacts.set(contacts)
    if owner.pk != by.pk:
        notify(recipient=owner, kind="activity_assigned",
               message=Text(gettext_lazy("%(by)s assigned you: %(subject)s"), by=by, subject=subject),
               url=reverse("opportunities:agenda"))
    return activity


ACTIVITY_FIELDS = ["kind", "subject", "due_at", "done_at", "notes", "outcome", "location", "owner", "participants",
                   "contacts"]


@transaction.atomic
def activity_update(*, activity: Activity, by: User, data: Mapping[str, Any]) -> Activity:
    """Its owner, creator, the owner's superiors and the opportunity's editors change an activity."""
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if not may_edit_activity(by, activity):
        raise PermissionDenied(_("You cannot change this activity."))
    unknown = set(data) - set(ACTIVITY_FIELDS)
    if unknown:
        raise DomainError(_("These fields cannot be changed here: %(fields)s.")
                          % {"fields": ", ".join(sorted(unknown))})
    if "kind" in data and data["kind"] not in ActivityKind.values:
        raise DomainError(_("Unknown kind of activity."), field="kind")
    if "subject" in data:
        data = {**data, "subject": " ".join((data["subject"] or "").split())[:200]}
        if not data["subject"]:
            raise DomainError(_("Enter a subject."), field="subject")
    if "due_at" in data and data["due_at"] is None:
        raise DomainError(_("Enter when it is due."), field="due_at")
    for field in ("due_at", "done_at"):
        if field in data:
            _check_aware(data[field], field)
    if "owner" in data and data["owner"] is None:
        raise DomainError(_("Choose who does it."), field="owner")
    if "owner" in data and data["owner"].pk != activity.owner_id:
        _check_owner_allowed(owner=data["owner"], by=by, opportunity=activity.opportunity)
    if "contacts" in data and any(c.customer_id != activity.customer_id for c in data["contacts"]):
        raise DomainError(_("Choose contacts of this customer."), field="contacts")
    for field, value in data.items():
        if field in ("participants", "contacts"):
            continue
        setattr(activity, field, value if value is not None or field == "done_at" else "")
    activity.save()
    if "participants" in data:
        activity.participants.set([p for p in data["participants"] if p.pk != activity.owner_id])
    if "contacts" in data:
        activity.contacts.set(data["contacts"])
    return activity


@transaction.atomic
def activity_complete(*, activity: Activity, by: User, outcome: str = "", done: bool = True) -> Activity:
    """Mark an activity done (with what came of it) or open again."""
    data: dict[str, Any] = {"done_at": timezone.now() if done else None}
    if outcome:
        data["outcome"] = outcome
    return activity_update(activity=activity, by=by, data=data)


@transaction.atomic
def activity_delete(*, activity: Activity, by: User) -> None:
    if not may_edit_activity(by, activity):
        raise PermissionDenied(_("You cannot change this activity."))
    # Locked first: a team meeting or key-interaction mark written on it meanwhile waits, then sees it gone.
    activity = Activity.objects.select_for_update().filter(pk=activity.pk).first()
    if activity is not None:
        activity.delete()


@transaction.atomic
def action_plan_create(*, opportunity: Opportunity, name: str, by: User, goal: str = "",
                       steps: Iterable[Mapping[str, Any]] = ()) -> ActionPlan:
    """The primary owner and their superiors plan the team's actions as ordered steps."""
    opportunity = _lock(opportunity)
    _check_may_edit(opportunity, by)
    name = " ".join((name or "").split())[:200]
    if not name:
        raise DomainError(_("Give the plan a name."), field="name")
    plan = ActionPlan.objects.create(opportunity=opportunity, name=name, goal=goal or "", created_by=by)
    for step in steps:
        action_plan_add_step(plan=plan, by=by, **step)
    return plan


@transaction.atomic
def action_plan_add_step(*, plan: ActionPlan, by: User, kind: str, subject: str, owner: User, due_at: datetime,
                         notes: str = "") -> Activity:
    """Each step is an activity assigned to a member of the sales team, in the plan's order."""
    plan = ActionPlan.objects.select_for_update().select_related("opportunity").get(pk=plan.pk)
    opportunity = plan.opportunity
    _check_may_edit(opportunity, by)
    if not opportunity.team.filter(user=owner).exists():
        raise DomainError(_("Assign each step to a member of the sales team."), field="owner")
    sequence = (plan.steps.aggregate(top=Max("sequence"))["top"] or 0) + 1
    return activity_create(by=by, kind=kind, subject=subject, due_at=due_at, opportunity=opportunity, owner=owner,
                           notes=notes, plan=plan, sequence=sequence)


# --- Products ------------------------------------------------------------------------------

PRODUCT_FIELDS = ["code", "name", "unit", "list_price", "description", "active"]


@transaction.atomic
def product_save(*, product: Product, by: User, data: Mapping[str, Any]) -> Product:
    """Administrators keep the product catalogue; codes are unique."""
    if not by.is_admin:
        raise PermissionDenied(_("Only an administrator can change the product catalogue."))
    for field, value in data.items():
        if field not in PRODUCT_FIELDS:
            raise DomainError(_("Unknown field."), field=field)
        if field == "list_price" and value not in (None, ""):
            value = parse_money(value, field="list_price")
        elif field == "list_price":
            value = None
        elif field in ("code", "name", "unit"):
            value = " ".join(str(value or "").split())
            if not value:
                raise DomainError(_("This field is required."), field=field)
        setattr(product, field, value)
    if Product.objects.filter(code=product.code).exclude(pk=product.pk).exists():
        raise DomainError(_("Another product has this code."), field="code")
    _for_history(product, by, gettext_lazy("Edited") if product.pk else gettext_lazy("Created"))
    product.save()
    return product
