"""Writes on customers: intake (collect, check uniqueness, assign, enrich), review, classify, merge, plans.

Every function here is the one place its rule lives; pages, the API and the import job call them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history

from accounts.matching import (
    PROBABLE_SCORE,
    SURE_SCORE,
    Candidate,
    Incoming,
    Lookup,
    MatchPool,
    customer_match_candidates,
    customer_match_lookup,
    customer_rank,
    lock_customer_keys,
    normalize_text,
    only_weak_evidence,
    phone_key,
    website_domain,
)
from accounts.models import (
    AccountPlan,
    ClassificationCriterion,
    ClassificationRule,
    Contact,
    Customer,
    CustomerIntake,
    CustomerMerge,
    CustomerName,
    EnrichmentProposal,
    IntakeOutcome,
    IntakeResolution,
    IntakeStatus,
    PlanStatus,
    ProposalStatus,
    Source,
    Tier,
    TierChange,
    TierThreshold,
)
from accounts.validators import credit_code_problem, normalize_credit_code
from crm.errors import ConflictError, DomainError, PermissionDenied
from crm.relations import relations_to
from crm.stored_text import Text
from teams.models import AssignmentRule, AssignmentStrategy, Role, User
from teams.services import notify, notify_many

# The customer fields that intake accepts, in the order forms and files show them.
CUSTOMER_FIELDS = [
    "name", "credit_code", "industry", "province", "city", "address", "phone", "email", "website",
    "employees", "annual_revenue",
]
TEXT_FIELDS = ["name", "industry", "province", "city", "address", "phone", "email", "website"]
MAX_LENGTHS = {f: Customer._meta.get_field(f).max_length for f in TEXT_FIELDS}
MAX_EMPLOYEES = 2_147_483_647  # the column's bound (a PositiveIntegerField is a 32-bit integer)
ENRICHABLE_FIELDS = [f for f in CUSTOMER_FIELDS if f != "name"]


# --- Input ---------------------------------------------------------------------------------

def customer_clean_data(data: dict[str, Any]) -> dict[str, Any]:
    """Validate and normalise incoming customer fields; raise ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        value = data.get(name)
        if isinstance(value, list | dict | bool):
            # A JSON list, object or true/false is not text; str() would pass "[None, None]" to matching.
            errors[name] = [_("Not a valid string.")]
            value = ""
        value = "" if value is None else " ".join(str(value).split())
        if len(value) > MAX_LENGTHS[name]:
            errors[name] = [_("At most %(max)d characters.") % {"max": MAX_LENGTHS[name]}]
        cleaned[name] = value
    if not cleaned["name"]:
        errors["name"] = [_("The customer's name is required.")]
    code = normalize_credit_code(str(data.get("credit_code") or ""))
    if code:
        problem = credit_code_problem(code)
        if problem:
            errors["credit_code"] = [problem]
    cleaned["credit_code"] = code
    if cleaned["email"]:
        cleaned["email"] = cleaned["email"].lower()
        try:
            EmailValidator()(cleaned["email"])
        except ValidationError:
            errors["email"] = [_("Enter a valid e-mail address.")]
    employees = data.get("employees")
    if employees in (None, ""):
        cleaned["employees"] = None
    else:
        try:
            cleaned["employees"] = int(str(employees).replace(",", "").strip())
            if not 0 <= cleaned["employees"] <= MAX_EMPLOYEES:
                raise ValueError
        except ValueError:
            errors["employees"] = [_("Employees must be a whole number from 0 to %(max)d.") % {"max": MAX_EMPLOYEES}]
    revenue = data.get("annual_revenue")
    if revenue in (None, ""):
        cleaned["annual_revenue"] = None
    else:
        try:
            amount = Decimal(str(revenue).replace(",", "").strip())
            if not amount.is_finite() or amount < 0 or amount >= Decimal("1e16"):
                raise InvalidOperation
            cleaned["annual_revenue"] = amount.quantize(Decimal("0.01"))
        except InvalidOperation:
            errors["annual_revenue"] = [_("Annual revenue must be an amount, 0 or more.")]
    if errors:
        raise ValidationError(errors)
    return cleaned


def _incoming(cleaned: dict[str, Any]) -> Incoming:
    return Incoming(
        name=cleaned.get("name", ""), credit_code=cleaned.get("credit_code", ""), city=cleaned.get("city", ""),
        phone=cleaned.get("phone", ""), email=cleaned.get("email", ""), website=cleaned.get("website", ""),
    )


def customer_check(*, data: dict[str, Any], exclude_id: int | None = None) -> list[Candidate]:
    """The uniqueness check: candidates with score and reasons. Writes nothing."""
    cleaned = customer_clean_data(data)
    return customer_match_candidates(_incoming(cleaned), exclude_id=exclude_id)


# --- Intake --------------------------------------------------------------------------------

@dataclass
class IntakeResult:
    outcome: str
    customer: Customer | None
    intake: CustomerIntake
    candidates: list[Candidate] = field(default_factory=list)


@transaction.atomic
def customer_intake(
    *, source: str, data: dict[str, Any], by: User | None, owner: User | None = None,
    batch=None, row_number: int | None = None, raw: dict | None = None, rules: IntakeRules | None = None,
) -> IntakeResult:
    """Phases 1-3 of the intake: keep the record, check uniqueness, then link (and enrich),
    send to review, or create and assign. A sure match links; a probable one waits for a person.

    One record is a batch of one: the import runs the same CustomerIntakeBatch over many."""
    intake_batch = CustomerIntakeBatch(source=source, by=by, owner=owner, batch=batch, rules=rules)
    cleaned = customer_clean_data(data)
    lookup = intake_batch.look_up([cleaned])[0]
    result = intake_batch.take(cleaned=cleaned, lookup=lookup, raw=raw if raw is not None else data,
                               row_number=row_number)
    intake_batch.flush()
    return result


class IntakeRules:
    """The configuration that placing a new customer reads: the active assignment rules (and the
    people each shares customers among), the classification rules and the tier thresholds.

    Read once per import, or once per single intake. The round-robin turns and the customer counts
    of the fewest-customers strategy are state: read again in each transaction (after `begin`), the
    round-robin rules locked until it ends, and the turns written back by `save_state`.
    """

    def __init__(self) -> None:
        self.assignment = list(AssignmentRule.objects.filter(active=True)
                               .select_related("user", "org_unit", "territory"))
        self.classification = list(ClassificationRule.objects.filter(active=True))
        self.thresholds = list(TierThreshold.objects.order_by("-min_score").values_list("min_score", "tier"))
        self._pools: dict[int, list[User]] = {}
        self.begin()

    def begin(self) -> None:
        """Forget the state read in an earlier transaction."""
        self._turns: dict[int, int | None] = {}
        self._turns_changed: set[int] = set()
        self._counts: dict[int, int] = {}
        self._unsaved: Counter[int] = Counter()

    def pool(self, rule: AssignmentRule) -> list[User]:
        if rule.pk not in self._pools:
            self._pools[rule.pk] = list(assignment_rule_pool(rule))
        return self._pools[rule.pk]

    def pick_owner(self, customer: Customer) -> User | None:
        """The owner the first matching active rule gives, or None (the unassigned queue)."""
        for rule in self.assignment:
            if not assignment_rule_matches(rule, customer):
                continue
            if rule.strategy == AssignmentStrategy.USER:
                if rule.user and rule.user.is_active:
                    return rule.user
                continue
            pool = self.pool(rule)
            if not pool:
                continue
            if rule.strategy == AssignmentStrategy.ROUND_ROBIN:
                last = self._last_assigned(rule)
                after = [person for person in pool if last and person.pk > last]
                chosen = after[0] if after else pool[0]
                self._turns[rule.pk] = chosen.pk
                self._turns_changed.add(rule.pk)
                return chosen
            counts = self._customer_counts(pool)
            return min(pool, key=lambda person: (counts[person.pk], person.pk))
        return None

    def _last_assigned(self, rule: AssignmentRule) -> int | None:
        if rule.pk not in self._turns:
            # Locked until the transaction ends, so that two imports running side by side take turns.
            self._turns[rule.pk] = (AssignmentRule.objects.select_for_update()
                                    .values_list("last_assigned_id", flat=True).get(pk=rule.pk))
        return self._turns[rule.pk]

    def _customer_counts(self, pool: list[User]) -> dict[int, int]:
        missing = [person.pk for person in pool if person.pk not in self._counts]
        if missing:
            counted = dict(Customer.objects.filter(owner__in=missing).values("owner")
                           .annotate(n=Count("id")).values_list("owner", "n"))
            for pk in missing:
                self._counts[pk] = counted.get(pk, 0) + self._unsaved[pk]
        return self._counts

    def owner_taken(self, owner: User | None) -> None:
        """A new customer, not saved yet, goes to `owner`: the fewest-customers counts include it."""
        if owner is None:
            return
        if owner.pk in self._counts:
            self._counts[owner.pk] += 1
        else:
            self._unsaved[owner.pk] += 1

    def save_state(self) -> None:
        """Once the new customers are saved: write the round-robin turns back."""
        for pk in sorted(self._turns_changed):
            AssignmentRule.objects.filter(pk=pk).update(last_assigned_id=self._turns[pk])
        self._turns_changed.clear()
        self._unsaved.clear()


class CustomerIntakeBatch:
    """Many records taken in inside one transaction, each with the outcome it would have had alone.

    `look_up` asks the database about all the records at once (matching.customer_match_lookup);
    `take` decides each record in order, matching it also against the customers this batch has
    created or filled in since (matching.MatchPool); a new customer gets its owner and tier before
    it is written, and `flush` writes the new customers, their history, names, tier changes and
    owners' notifications, and the intake records, in a few bulk statements. A sure match is
    written at once (in a savepoint: enrichment and its proposals), as for a single record.
    """

    def __init__(self, *, source: str, by: User | None, owner: User | None = None, batch=None,
                 rules: IntakeRules | None = None) -> None:
        if source not in Source.values:
            raise ValidationError({"source": [_("Unknown source.")]})
        if owner is not None:
            _check_may_set_owner(by=by, owner=owner)
        self.source, self.by, self.owner, self.batch = source, by, owner, batch
        self.rules = rules if rules is not None else IntakeRules()
        self.pool = MatchPool()
        self._created: list[tuple[Customer, TierChange | None, bool]] = []
        self._intakes: list[tuple[CustomerIntake, list[Candidate]]] = []

    def look_up(self, records: list[dict[str, Any]]) -> list[Lookup]:
        """The database's candidates for cleaned records (before any of them is taken); the records'
        keys stay locked until the transaction ends (matching.lock_customer_keys)."""
        incomings = [_incoming(cleaned) for cleaned in records]
        lock_customer_keys(incomings)
        return customer_match_lookup(incomings, decision_only=True)

    def take(self, *, cleaned: dict[str, Any], lookup: Lookup, raw: dict, row_number: int | None = None,
             ) -> IntakeResult:
        """Decide one cleaned record. Raises (and keeps nothing of the record) if it cannot go in."""
        candidates = customer_rank(_incoming(cleaned), lookup, self.pool)
        intake = CustomerIntake(source=self.source, raw_data=_jsonable(raw), name=cleaned["name"], batch=self.batch,
                                row_number=row_number, created_by=self.by)
        best = candidates[0] if candidates else None
        if best and best.score >= SURE_SCORE:
            if any(candidate.customer.pk is None for candidate in candidates):
                self.flush()  # a customer this batch created: it gets its id first
            _candidate_ids(candidates)
            with transaction.atomic():
                customer = Customer.objects.select_for_update().get(pk=best.customer_id)
                intake.candidates = [_candidate_dict(c) for c in candidates]
                intake.outcome, intake.status, intake.customer = IntakeOutcome.MATCHED, IntakeStatus.DONE, customer
                intake.save()
                customer_enrich(customer=customer, data=cleaned, source=self.source, intake=intake,
                                rules=self.rules)
            self.pool.put(customer)  # the records after this one see the fields it filled
            return IntakeResult(IntakeOutcome.MATCHED, customer, intake, candidates)
        if best and best.score >= PROBABLE_SCORE:
            intake.outcome, intake.status = IntakeOutcome.REVIEW, IntakeStatus.PENDING_REVIEW
            self._intakes.append((intake, candidates))
            return IntakeResult(IntakeOutcome.REVIEW, None, intake, candidates)
        customer, tier_change, notify_owner = _customer_new(cleaned=cleaned, source=self.source, by=self.by,
                                                            owner=self.owner, rules=self.rules)
        intake.outcome, intake.status, intake.customer = IntakeOutcome.CREATED, IntakeStatus.DONE, customer
        self._created.append((customer, tier_change, notify_owner))
        self._intakes.append((intake, candidates))
        self.pool.put(customer)
        return IntakeResult(IntakeOutcome.CREATED, customer, intake, candidates)

    def flush(self) -> None:
        """Write what the records taken so far created; each gets its id."""
        if self._created:
            customers = [customer for customer, _change, _notify in self._created]
            bulk_create_with_history(customers, Customer, batch_size=1000, default_user=self.by)
            CustomerName.objects.bulk_create(
                [CustomerName(customer_id=c.pk, normalized_name=c.normalized_name) for c in customers],
                batch_size=1000)
            for customer in customers:
                customer._indexed_name = customer.normalized_name
            TierChange.objects.bulk_create([change for _c, change, _n in self._created if change], batch_size=1000)
            notify_many(kind="customer_assigned", notes=[
                (customer.owner, _owner_message(customer), customer.get_absolute_url())
                for customer, _change, notify_owner in self._created if notify_owner
            ])
            self.rules.save_state()
            self.pool.saved()
        if self._intakes:
            for intake, candidates in self._intakes:
                _candidate_ids(candidates)
                intake.candidates = [_candidate_dict(c) for c in candidates]
            CustomerIntake.objects.bulk_create([intake for intake, _c in self._intakes], batch_size=1000)
        self._created, self._intakes = [], []


def _candidate_ids(candidates: list[Candidate]) -> None:
    for candidate in candidates:
        if candidate.customer_id is None and candidate.customer is not None:
            candidate.customer_id = candidate.customer.pk


def _candidate_dict(candidate: Candidate) -> dict:
    return {"id": candidate.customer_id, "name": candidate.name, "score": candidate.score,
            "reasons": candidate.reasons}


def _jsonable(data: dict) -> dict:
    return {str(k): (v if isinstance(v, (str, int, float, bool, type(None))) else str(v)) for k, v in data.items()}


def _check_may_set_owner(*, by: User | None, owner: User) -> None:
    """The owner is a salesperson (active, not an administrator: they carry no customers); an administrator names
    any of them, a manager someone in their subtree (or themselves), others only themselves."""
    if not owner.is_active or owner.is_superuser or owner.is_admin:
        raise DomainError(_("%(name)s cannot own customers: only active sales people do.") % {"name": owner},
                          field="owner")
    if by is None or by.is_admin:
        return
    if owner.pk == by.pk or by.is_superior_of(owner):
        return
    raise PermissionDenied(_("You can only give customers to yourself or to people in your team."))


def customer_suggest_tier(*, customer: Customer, rules: IntakeRules) -> TierChange | None:
    """A new customer's tier from the classification rules, set before its first save (the
    TierChange to keep, if the tier differs from the default)."""
    score = customer_score(customer, rules.classification)
    suggested = tier_for_score(score, rules.thresholds)
    customer.tier_score, customer.tier_suggested = score, suggested
    if customer.tier_overridden or customer.tier == suggested:
        return None
    change = TierChange(customer=customer, old_tier=customer.tier, new_tier=suggested, suggested_tier=suggested,
                        score=score, reason=_("Classification rules"))
    customer.tier = suggested
    return change


def _customer_new(*, cleaned: dict, source: str, by: User | None, owner: User | None,
                  rules: IntakeRules) -> tuple[Customer, TierChange | None, bool]:
    """A new customer, not saved yet, with its owner and tier; and whether the owner is told."""
    customer = Customer(**{k: cleaned[k] for k in CUSTOMER_FIELDS}, source=source, created_by=by)
    customer.refresh_keys()
    customer._history_user = by  # the history names who brought it in, in a request or a job alike
    tier_change = customer_suggest_tier(customer=customer, rules=rules)
    assigned_by_rule = False
    if owner is None:
        owner = rules.pick_owner(customer)
        assigned_by_rule = owner is not None
    if owner is None and by is not None and by.role == Role.ACCOUNT_MANAGER:
        # An account manager who brings in a customer no rule claims keeps it.
        owner = by
    customer.owner = owner
    rules.owner_taken(owner)
    return customer, tier_change, owner is not None and (owner != by or assigned_by_rule)


def _customer_create(*, cleaned: dict, source: str, by: User | None, owner: User | None,
                     rules: IntakeRules | None = None) -> Customer:
    """Create one customer in one write, with its owner and tier (the rules as for a batch)."""
    rules = rules if rules is not None else IntakeRules()
    customer, tier_change, notify_owner = _customer_new(cleaned=cleaned, source=source, by=by, owner=owner,
                                                        rules=rules)
    customer.save()
    rules.save_state()
    if tier_change:
        tier_change.customer = customer
        tier_change.save()
    if notify_owner:
        _notify_owner(customer, customer.owner)
    return customer


def _owner_message(customer: Customer) -> Text:
    return Text(gettext_lazy("New customer assigned to you: %(name)s"), name=customer.name)


def _notify_owner(customer: Customer, owner: User) -> None:
    notify(recipient=owner, kind="customer_assigned", message=_owner_message(customer),
           url=customer.get_absolute_url())


# --- Assignment ----------------------------------------------------------------------------

def assignment_rule_matches(rule: AssignmentRule, customer: Customer) -> bool:
    """Each condition that is set must hold; list conditions compare without case or width."""
    def listed(values: list, value: str) -> bool:
        return not values or normalize_text(value) in {normalize_text(v) for v in values}

    if not (listed(rule.provinces, customer.province) and listed(rule.cities, customer.city)
            and listed(rule.industries, customer.industry) and listed(rule.sources, customer.source)):
        return False
    checks = [
        (rule.min_employees, customer.employees, lambda limit, v: v >= limit),
        (rule.max_employees, customer.employees, lambda limit, v: v <= limit),
        (rule.min_annual_revenue, customer.annual_revenue, lambda limit, v: v >= limit),
        (rule.max_annual_revenue, customer.annual_revenue, lambda limit, v: v <= limit),
    ]
    return all(limit is None or (value is not None and holds(limit, value)) for limit, value, holds in checks)


def assignment_rule_pool(rule: AssignmentRule):
    """The active account managers a team or territory rule shares customers among, by id."""
    if rule.territory_id:
        people = rule.territory.members.all()
    else:
        people = User.objects.filter(org_unit__in=rule.org_unit.subtree_ids())
    return people.filter(pk__in=User.objects.sales_people().values("pk"), role=Role.ACCOUNT_MANAGER).order_by("id")


@transaction.atomic
def customer_pick_owner(*, customer: Customer) -> User | None:
    """The owner the first matching active rule gives, or None (the unassigned queue); a
    round-robin rule moves on to the next person."""
    rules = IntakeRules()
    owner = rules.pick_owner(customer)
    rules.save_state()
    return owner


@transaction.atomic
def customer_assign(*, customer: Customer, owner: User, by: User) -> Customer:
    """Give a customer (e.g. from the unassigned queue) to an owner; the new owner is notified."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not (by.is_admin or (customer.owner_id is None and by.is_manager)
            or (customer.owner_id and by.is_superior_of(customer.owner))):
        raise PermissionDenied(_("Only a manager or an administrator can assign this customer."))
    _check_may_set_owner(by=by, owner=owner)
    if not owner.is_active:
        raise DomainError(_("This person is no longer active."), field="owner")
    customer.owner = owner
    customer.save(update_fields=["owner", "updated_at"])
    if owner != by:
        _notify_owner(customer, owner)
    return customer


# --- Enrichment ----------------------------------------------------------------------------

def _same(field_name: str, current: Any, proposed: Any) -> bool:
    if field_name == "phone":
        return phone_key(str(current)) == phone_key(str(proposed))
    if field_name == "website":
        return website_domain(str(current)) == website_domain(str(proposed))
    if isinstance(current, Decimal) or isinstance(proposed, Decimal):
        return Decimal(str(current)) == Decimal(str(proposed))
    return normalize_text(str(current)) == normalize_text(str(proposed))


def customer_enrich(*, customer: Customer, data: dict[str, Any], source: str,
                    intake: CustomerIntake | None = None, rules: IntakeRules | None = None) -> dict[str, list[str]]:
    """Fill empty fields; a different value for a filled field waits for the owner as a proposal.

    Nothing is overwritten here. Returns {"filled": [...], "proposed": [...]}.
    """
    filled, proposed = [], []
    for name in ENRICHABLE_FIELDS:
        value = data.get(name)
        if value in (None, ""):
            continue
        current = getattr(customer, name)
        if current in (None, ""):
            if name == "credit_code" and Customer.objects.filter(credit_code=value).exclude(pk=customer.pk).exists():
                continue  # another customer holds this code: a person must look (review queue)
            setattr(customer, name, value)
            filled.append(name)
        elif not _same(name, current, value):
            exists = EnrichmentProposal.objects.filter(
                customer=customer, field=name, proposed_value=str(value), status=ProposalStatus.PENDING
            ).exists()
            if not exists:
                EnrichmentProposal.objects.create(
                    customer=customer, field=name, current_value=str(current), proposed_value=str(value),
                    source=source, intake=intake,
                )
                proposed.append(name)
    if filled:
        customer._change_reason = Text(gettext_lazy("Filled from %(source)s"), source=Source(source).label)
        customer.save(update_fields=[*filled, "updated_at"])
        customer_classify(customer=customer, rules=rules)
    if proposed and customer.owner_id:
        notify(recipient=customer.owner, kind="enrichment_review",
               message=Text(gettext_lazy("New information waits for your review: %(name)s"), name=customer.name),
               url=customer.get_absolute_url())
    return {"filled": filled, "proposed": proposed}


def _may_edit_customer(user: User, customer: Customer) -> bool:
    if user.is_admin:
        return True
    if customer.owner_id is None:
        return user.is_manager
    return customer.owner_id == user.pk or user.is_superior_of(customer.owner)


def customer_may_edit(*, user: User, customer: Customer) -> bool:
    """The edit rule every customer write checks, for pages that show or hide their buttons."""
    return _may_edit_customer(user, customer)


@transaction.atomic
def enrichment_decide(*, proposal: EnrichmentProposal, accept: bool, by: User) -> EnrichmentProposal:
    """The owner (or a superior) accepts or rejects a proposed value; both are kept in history."""
    proposal = EnrichmentProposal.objects.select_for_update().select_related("customer").filter(pk=proposal.pk).first()
    if proposal is None:  # removed meanwhile (its customer merged or deleted by someone else)
        raise ConflictError(_("This proposal no longer exists: its customer was merged or deleted meanwhile."))
    if proposal.status != ProposalStatus.PENDING:
        raise ConflictError(_("This proposal has already been decided."))
    customer = Customer.objects.select_for_update().get(pk=proposal.customer_id)
    if not _may_edit_customer(by, customer):
        raise PermissionDenied(_("Only the customer's owner or their superior can decide on this."))
    if accept:
        value = customer_clean_data({"name": customer.name, proposal.field: proposal.proposed_value})[proposal.field]
        if proposal.field == "credit_code" and Customer.objects.filter(credit_code=value).exclude(
                pk=customer.pk).exists():
            raise ConflictError(_("Another customer already has this credit code: merge them instead."))
        setattr(customer, proposal.field, value)
        customer._change_reason = Text(gettext_lazy("Accepted from %(source)s"), source=Source(proposal.source).label)
        customer.save(update_fields=[proposal.field, "updated_at"])
        customer_classify(customer=customer)
    proposal.status = ProposalStatus.ACCEPTED if accept else ProposalStatus.REJECTED
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at"])
    return proposal


# --- Review queue --------------------------------------------------------------------------

@transaction.atomic
def review_create_weak(*, batch, by: User) -> int:
    """Create a new customer for each of an import's records waiting for review whose candidates only look alike
    (similar name, same city: no shared identifier, not the same name); returns how many. Each goes through
    intake_resolve, so the same permission rule applies; a repeated request finds nothing left to create."""
    waiting = (CustomerIntake.objects.visible_to(by).filter(batch=batch, status=IntakeStatus.PENDING_REVIEW)
               .order_by("row_number", "id"))
    created = 0
    for intake in waiting:
        if only_weak_evidence(intake.candidates):
            try:
                intake_resolve(intake=intake, resolution=IntakeResolution.CREATED, by=by)
            except ConflictError:
                # Resolved meanwhile (the same button pressed twice, or another reviewer): nothing to create.
                if CustomerIntake.objects.filter(pk=intake.pk, status=IntakeStatus.PENDING_REVIEW).exists():
                    raise
                continue
            created += 1
    return created


@transaction.atomic
def intake_resolve(*, intake: CustomerIntake, resolution: str, by: User,
                   customer: Customer | None = None) -> CustomerIntake:
    """A person settles a probable match: link (enrich, conflicts to proposals), merge (take the
    intake's values over the customer's), or create a new customer."""
    intake = CustomerIntake.objects.select_for_update().get(pk=intake.pk)
    if intake.status != IntakeStatus.PENDING_REVIEW:
        raise ConflictError(_("This record has already been resolved."))
    if not (by.is_manager or intake.created_by_id == by.pk):
        raise PermissionDenied(_("Only managers, administrators or the person who brought it in can resolve it."))
    data = customer_clean_data(intake.raw_data | {"name": intake.raw_data.get("name") or intake.name})
    if resolution == IntakeResolution.CREATED:
        intake.customer = _customer_create(cleaned=data, source=intake.source, by=intake.created_by, owner=None)
    elif resolution in (IntakeResolution.LINKED, IntakeResolution.MERGED):
        if customer is None:
            raise DomainError(_("Choose the existing customer."), field="customer")
        if not Customer.objects.visible_to(by).filter(pk=customer.pk).exists():
            raise DomainError(_("Choose the existing customer."), field="customer")
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if resolution == IntakeResolution.MERGED:
            changed = []
            for name in ENRICHABLE_FIELDS:
                value = data.get(name)
                if value in (None, "") or _same(name, getattr(customer, name) or "", value):
                    continue
                if name == "credit_code" and Customer.objects.filter(credit_code=value).exclude(
                        pk=customer.pk).exists():
                    continue
                setattr(customer, name, value)
                changed.append(name)
            if changed:
                customer._change_reason = gettext_lazy("Merged from a reviewed intake record")
                customer.save(update_fields=[*changed, "updated_at"])
                customer_classify(customer=customer)
        else:
            customer_enrich(customer=customer, data=data, source=intake.source, intake=intake)
        intake.customer = customer
    else:
        raise DomainError(_("Unknown resolution."), field="resolution")
    intake.status, intake.resolution = IntakeStatus.RESOLVED, resolution
    intake.resolved_by, intake.resolved_at = by, timezone.now()
    intake.save()
    return intake


# --- Classification ------------------------------------------------------------------------

def customer_score(customer: Customer, rules: list[ClassificationRule] | None = None) -> int:
    """Sum of the points of every active rule the customer meets."""
    rules = rules if rules is not None else list(ClassificationRule.objects.filter(active=True))
    total = 0
    subsidiaries = None
    for rule in rules:
        if rule.criterion == ClassificationCriterion.SUBSIDIARIES:
            if subsidiaries is None:
                subsidiaries = customer.subsidiaries.count() if customer.pk else 0
            value: Any = subsidiaries
        else:
            value = getattr(customer, rule.criterion)
        if rule.criterion in (ClassificationCriterion.EMPLOYEES, ClassificationCriterion.ANNUAL_REVENUE,
                              ClassificationCriterion.SUBSIDIARIES):
            if value is not None and rule.threshold is not None and Decimal(value) >= rule.threshold:
                total += rule.points
        elif value and normalize_text(str(value)) in {normalize_text(v) for v in rule.values}:
            total += rule.points
    return total


def tier_for_score(score: int, thresholds: list[tuple[int, str]] | None = None) -> str:
    """The tier of the highest threshold the score reaches; `thresholds` as IntakeRules reads them."""
    if thresholds is None:
        thresholds = list(TierThreshold.objects.order_by("-min_score").values_list("min_score", "tier"))
    for min_score, tier in thresholds:
        if score >= min_score:
            return tier
    return Tier.LOW


def customer_classify(*, customer: Customer, rules: IntakeRules | None = None) -> Customer:
    """Score the customer and suggest a tier; the tier follows unless someone set it by hand."""
    score = customer_score(customer, rules.classification if rules else None)
    suggested = tier_for_score(score, rules.thresholds if rules else None)
    old_tier = customer.tier
    customer.tier_score, customer.tier_suggested = score, suggested
    fields = ["tier_score", "tier_suggested"]
    if not customer.tier_overridden and old_tier != suggested:
        customer.tier = suggested
        fields.append("tier")
        TierChange.objects.create(customer=customer, old_tier=old_tier, new_tier=suggested,
                                  suggested_tier=suggested, score=score, reason=_("Classification rules"))
    Customer.objects.filter(pk=customer.pk).update(**{name: getattr(customer, name) for name in fields})
    return customer


@transaction.atomic
def customer_override_tier(*, customer: Customer, tier: str, reason: str, by: User) -> Customer:
    """The owner or a superior sets the tier by hand, with a reason; the rules stop changing it."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not _may_edit_customer(by, customer):
        raise PermissionDenied(_("Only the customer's owner or their superior can change the tier."))
    if tier not in Tier.values:
        raise DomainError(_("Unknown tier."), field="tier")
    if not reason.strip():
        raise DomainError(_("Give the reason for setting the tier by hand."), field="reason")
    TierChange.objects.create(customer=customer, old_tier=customer.tier, new_tier=tier,
                              suggested_tier=customer.tier_suggested, score=customer.tier_score,
                              reason=reason.strip(), changed_by=by)
    customer.tier, customer.tier_overridden = tier, True
    customer._change_reason = reason.strip()
    customer.save(update_fields=["tier", "tier_overridden", "updated_at"])
    return customer


@transaction.atomic
def customer_clear_tier_override(*, customer: Customer, by: User) -> Customer:
    """Hand the tier back to the classification rules."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not _may_edit_customer(by, customer):
        raise PermissionDenied(_("Only the customer's owner or their superior can change the tier."))
    customer.tier_overridden = False
    customer.save(update_fields=["tier_overridden", "updated_at"])
    return customer_classify(customer=customer)


# --- Editing, hierarchy, merge -------------------------------------------------------------

def customer_check_parent(*, customer: Customer, parent: Customer | None) -> None:
    """A customer cannot be its own group company, directly or through its subsidiaries."""
    if parent is None or customer.pk is None:
        return
    if parent.pk == customer.pk:
        raise ValidationError({"parent": _("A customer cannot be its own group company.")})
    if Customer.objects.filter(pk=parent.pk, pk__in=customer.subsidiaries_ids()).exists():
        raise ValidationError({"parent": _("%(parent)s is a subsidiary of %(customer)s: this would make a cycle.")
                               % {"parent": parent, "customer": customer}})


@transaction.atomic
def customer_update(*, customer: Customer, data: dict[str, Any], by: User,
                    parent: Customer | None = None, set_parent: bool = False) -> Customer:
    """Edit a customer's fields (owner and superiors; admins); the credit code stays unique."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    if not _may_edit_customer(by, customer):
        raise PermissionDenied(_("Only the customer's owner or their superior can edit it."))
    cleaned = customer_clean_data({**{f: getattr(customer, f) for f in CUSTOMER_FIELDS}, **data})
    code = cleaned["credit_code"]
    if code and Customer.objects.filter(credit_code=code).exclude(pk=customer.pk).exists():
        raise ValidationError({"credit_code": [_("Another customer already has this credit code.")]})
    for name in CUSTOMER_FIELDS:
        setattr(customer, name, cleaned[name])
    fields = [*CUSTOMER_FIELDS, "updated_at"]
    if set_parent:
        customer_check_parent(customer=customer, parent=parent)
        customer.parent = parent
        fields.append("parent")
    customer.save(update_fields=fields)
    customer_classify(customer=customer)
    return customer


@transaction.atomic
def customer_merge(*, survivor: Customer, merged: Customer, by: User, reason: str = "") -> CustomerMerge:
    """Fold `merged` into `survivor`: every record pointing at it moves, empty fields are filled,
    and a CustomerMerge row keeps what it was, so the merge can be traced."""
    if survivor.pk == merged.pk:
        raise DomainError(_("Choose two different customers."), field="merged")
    locked = {c.pk: c for c in Customer.objects.select_for_update().filter(pk__in=[survivor.pk, merged.pk])}
    if len(locked) < 2:  # one of them was merged into another or deleted since the caller read it
        raise ConflictError(_("One of these customers no longer exists: it was merged or deleted meanwhile. "
                              "Reload the page and try again."), field=None if survivor.pk not in locked
                            else "merged")
    survivor, merged = locked[survivor.pk], locked[merged.pk]
    if not (_may_edit_customer(by, survivor) and _may_edit_customer(by, merged)):
        raise PermissionDenied(_("You can merge only customers that you may edit."))
    snapshot = {f.attname: getattr(merged, f.attname) for f in Customer._meta.concrete_fields}
    snapshot = _jsonable(snapshot)
    # One plan per customer and year: the survivor's plan stays, the other is kept in the snapshot.
    clashing = AccountPlan.objects.filter(customer=merged, year__in=survivor.plans.values("year"))
    snapshot["plans"] = [_jsonable({f.attname: getattr(p, f.attname) for f in AccountPlan._meta.concrete_fields})
                         for p in clashing]
    clashing.delete()
    moved: dict[str, int] = {}
    # Every foreign key to Customer, whatever app declares it (contacts, intakes, opportunities, named
    # accounts, re-deployments...): the rows move to the survivor, so none is left pointing at nothing.
    for relation in relations_to(Customer):
        related_model = relation.related_model
        label = related_model._meta.label
        if relation.many_to_many:
            count = _merge_many_to_many(relation, survivor=survivor, merged=merged)
            if count:
                moved[label] = moved.get(label, 0) + count
            continue
        field_name = relation.field.name
        rows = related_model._default_manager.filter(**{field_name: merged})
        if relation.one_to_one and related_model._default_manager.filter(**{field_name: survivor}).exists():
            # The survivor has its own (a named account, say): the merged customer's is deleted here, and kept
            # in the snapshot unless it is bookkeeping (a hidden relation, like the name index).
            dropped = list(rows)
            if dropped and not relation.hidden:
                snapshot.setdefault("dropped", {})[label] = [
                    _jsonable({f.attname: getattr(row, f.attname) for f in related_model._meta.concrete_fields})
                    for row in dropped]
            rows.delete()
            continue
        if related_model is Customer and field_name == "parent":
            rows = rows.exclude(pk=survivor.pk)
        count = rows.update(**{field_name: survivor})
        if count:
            moved[label] = moved.get(label, 0) + count
    if survivor.parent_id == merged.pk:
        survivor.parent = merged.parent if merged.parent_id != survivor.pk else None
    filled = []
    for name in ENRICHABLE_FIELDS:
        if getattr(survivor, name) in (None, "") and getattr(merged, name) not in (None, ""):
            setattr(survivor, name, getattr(merged, name))
            filled.append(name)
    if survivor.owner_id is None and merged.owner_id is not None:
        survivor.owner_id = merged.owner_id
    record = CustomerMerge.objects.create(
        survivor=survivor, merged_customer_id=merged.pk, merged_name=merged.name, snapshot=snapshot,
        moved=moved | {"filled_fields": filled}, reason=reason, merged_by=by,
    )
    merged_code = merged.credit_code
    merged.delete()
    if "credit_code" in filled:
        survivor.credit_code = merged_code
    survivor._change_reason = Text(gettext_lazy("Merged %(name)s into this customer"), name=record.merged_name)
    survivor.save()
    customer_classify(customer=survivor)
    return record


def _merge_many_to_many(relation, *, survivor: Customer, merged: Customer) -> int:
    """Re-point the rows of a many-to-many table from `merged` to `survivor` where the survivor is not there yet."""
    through = relation.through
    to_customer, from_owner = relation.field.m2m_reverse_field_name(), relation.field.m2m_field_name()
    already = through.objects.filter(**{to_customer: survivor}).values(from_owner)
    return (through.objects.filter(**{to_customer: merged}).exclude(**{f"{from_owner}__in": already})
            .update(**{to_customer: survivor}))


# --- Contacts ------------------------------------------------------------------------------

@transaction.atomic
def contact_save(*, contact: Contact, by: User) -> Contact:
    """Create or edit a contact; the reporting line stays inside the customer and has no cycle."""
    customer = contact.customer
    if not Customer.objects.visible_to(by).filter(pk=customer.pk).exists():
        raise PermissionDenied(_("You cannot edit this customer's contacts."))
    boss = contact.reports_to
    if boss is not None:
        if boss.customer_id != customer.pk:
            raise ValidationError({"reports_to": [_("Choose a contact of the same customer.")]})
        seen, current = set(), boss
        while current is not None:
            if contact.pk and current.pk == contact.pk:
                raise ValidationError({"reports_to": [_("This would make a cycle in the reporting line.")]})
            if current.pk in seen:
                break
            seen.add(current.pk)
            current = current.reports_to
    contact.full_clean()
    contact.save()
    return contact


# --- Account plans -------------------------------------------------------------------------

def _plan_reviewers_ok(plan: AccountPlan, by: User) -> bool:
    owner = plan.customer.owner
    return by.is_admin or (owner is not None and by.is_superior_of(owner))


def account_plan_may_review(*, user: User, plan: AccountPlan) -> bool:
    """Whether `user` may approve or return the plan (the rule account_plan_review checks)."""
    return _plan_reviewers_ok(plan, user)


@transaction.atomic
def account_plan_save(*, plan: AccountPlan, by: User) -> AccountPlan:
    """The owner (or a superior) drafts the plan; an approved plan is reopened as a draft when edited."""
    if not _may_edit_customer(by, plan.customer):
        raise PermissionDenied(_("Only the customer's owner or their superior can edit its plan."))
    if plan.pk and plan.status == PlanStatus.SUBMITTED:
        raise ConflictError(_("The plan is waiting for review; it can be edited once reviewed."))
    if plan.author_id is None:
        plan.author = by
    plan.status = PlanStatus.DRAFT
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def account_plan_submit(*, plan: AccountPlan, by: User) -> AccountPlan:
    plan = AccountPlan.objects.select_for_update(of=("self",)).select_related("customer__owner").get(pk=plan.pk)
    if not _may_edit_customer(by, plan.customer):
        raise PermissionDenied(_("Only the customer's owner or their superior can submit its plan."))
    if plan.status not in (PlanStatus.DRAFT, PlanStatus.RETURNED):
        raise ConflictError(_("Only a draft or returned plan can be submitted."))
    plan.status = PlanStatus.SUBMITTED
    plan.save(update_fields=["status", "updated_at"])
    reviewer = plan.customer.owner.manager if plan.customer.owner else None
    notify(recipient=reviewer, kind="plan_review",
           message=Text(gettext_lazy("Account plan to review: %(plan)s"), plan=plan),
           url=plan.customer.get_absolute_url())
    return plan


@transaction.atomic
def account_plan_review(*, plan: AccountPlan, approve: bool, comment: str, by: User) -> AccountPlan:
    """A superior of the owner approves the plan or returns it with a comment."""
    plan = AccountPlan.objects.select_for_update(of=("self",)).select_related("customer__owner").get(pk=plan.pk)
    if not _plan_reviewers_ok(plan, by):
        raise PermissionDenied(_("Only a superior of the customer's owner can review its plan."))
    if plan.status != PlanStatus.SUBMITTED:
        raise ConflictError(_("Only a submitted plan can be reviewed."))
    if not approve and not comment.strip():
        raise DomainError(_("Say what needs to change when returning a plan."), field="comment")
    plan.status = PlanStatus.APPROVED if approve else PlanStatus.RETURNED
    plan.review_comment, plan.reviewed_by, plan.reviewed_at = comment.strip(), by, timezone.now()
    plan.save(update_fields=["status", "review_comment", "reviewed_by", "reviewed_at", "updated_at"])
    notify(recipient=plan.author, kind="plan_reviewed",
           message=Text(gettext_lazy("Account plan approved: %(plan)s") if approve
                        else gettext_lazy("Account plan returned: %(plan)s"), plan=plan),
           url=plan.customer.get_absolute_url())
    return plan


@transaction.atomic
def customer_create(*, data: dict[str, Any], source: str, by: User, owner: User | None = None) -> Customer:
    """Create a customer only when nothing existing may be it (a probable match is a 409 with the
    candidates); the intake record keeps the source and raw data."""
    if source not in Source.values:
        raise ValidationError({"source": [_("Unknown source.")]})
    cleaned = customer_clean_data(data)
    if owner is not None:
        _check_may_set_owner(by=by, owner=owner)
    incoming = _incoming(cleaned)
    lock_customer_keys([incoming])  # a customer created meanwhile by another request is found below
    candidates = customer_match_candidates(incoming)
    if candidates and candidates[0].score >= PROBABLE_SCORE:
        raise DuplicateCustomer(candidates)
    customer = _customer_create(cleaned=cleaned, source=source, by=by, owner=owner)
    CustomerIntake.objects.create(
        source=source, raw_data=_jsonable(data), name=cleaned["name"], outcome=IntakeOutcome.CREATED,
        status=IntakeStatus.DONE, customer=customer, created_by=by,
        candidates=[_candidate_dict(c) for c in candidates],
    )
    return customer


class DuplicateCustomer(ConflictError):
    """The customer probably exists already; `candidates` says which."""

    def __init__(self, candidates: list[Candidate]) -> None:
        super().__init__(_("This customer probably exists already: check the candidates or use intake."))
        self.candidates = candidates


@transaction.atomic
def contact_delete(*, contact: Contact, by: User) -> None:
    """Remove a contact; those who reported to them now report to nobody (history keeps the line)."""
    if not _may_edit_customer(by, contact.customer):
        raise PermissionDenied(_("Only the customer's owner or their superior can remove its contacts."))
    # Locked first: a team-selling strategy written for this contact meanwhile waits, then sees it gone.
    contact = Contact.objects.select_for_update().filter(pk=contact.pk).first()
    if contact is not None:
        contact.delete()
