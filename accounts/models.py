"""Customer accounts (客户): customers, contacts, intake records, enrichment, tiers, account plans."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from crm.lookups import AnyOf  # noqa: F401 - registers field__any_of
from crm.request_memo import remembered


class Source(models.TextChoices):
    CAMPAIGN = "campaign", _("Marketing campaign")
    CHANNEL = "channel", _("Channel partner")
    ONLINE = "online", _("Online sales")
    SERVICE = "service", _("Repair and service")
    PURCHASED = "purchased", _("Purchased list")
    MANUAL = "manual", _("Entered by hand")


class Tier(models.TextChoices):
    KEY = "key", _("Key customer")
    HIGH_POTENTIAL = "high_potential", _("High potential")
    ORDINARY = "ordinary", _("Ordinary")
    LOW = "low", _("Low value")


class DecisionRole(models.TextChoices):
    DECISION_MAKER = "decision_maker", _("Decision maker")
    INFLUENCER = "influencer", _("Influencer")
    USER = "user", _("User")
    TECHNICAL = "technical", _("Technical evaluator")
    GATEKEEPER = "gatekeeper", _("Gatekeeper")
    SPONSOR = "sponsor", _("Sponsor")


class Attitude(models.TextChoices):
    SUPPORTER = "supporter", _("Supports us")
    NEUTRAL = "neutral", _("Neutral")
    OPPONENT = "opponent", _("Opposes us")
    UNKNOWN = "unknown", _("Not known yet")


class CustomerQuerySet(models.QuerySet):
    # Above this many customers seen through a provider, its ids stay a subquery instead of a literal list.
    OTHER_IDS_INLINE_LIMIT = 5000

    def visible_to(self, user) -> CustomerQuerySet:
        """Owners see theirs, managers their subtree's and the unassigned queue, admins everything.

        Members of an opportunity's sales team also see that opportunity's customer.

        The subtree's ids and the other customers' ids are read first (small queries) and given to the
        database as literal lists, as `Opportunity.objects.visible_to` does: an OR of subqueries hides the
        row counts from the planner, which then reads and sorts every customer (124,000: 270 ms a page).
        """
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        # One array parameter (crm.lookups), not one placeholder per person; read once per page view however many
        # parts of the page ask (crm.request_memo).
        owner_ids = user.visible_owner_id_list()
        if owner_ids is None:
            return self.all()
        condition = Q(owner_id__any_of=owner_ids)
        if user.is_manager:  # a sales manager (administrators were answered above)
            condition |= Q(owner__isnull=True)
        for name, provider in CUSTOMER_ACCESS_PROVIDERS.items():
            # The provider's query is built only when it is read or needed as a subquery: building it (a union)
            # cost more than reading the remembered ids, for each card of the workbench that asks.
            ids = remembered(("customer-access", name, user.pk),
                             lambda provider=provider: list(provider(user)[: self.OTHER_IDS_INLINE_LIMIT + 1]))
            condition |= Q(pk__in=provider(user)) if len(ids) > self.OTHER_IDS_INLINE_LIMIT else Q(pk__any_of=ids)
        return self.filter(condition)


# Apps above accounts that let people see customers they do not own (the opportunities: a sales team member
# sees the opportunity's customer) register a provider here from their AppConfig.ready(): a function
# `(user) -> values_list queryset of customer ids`, used as a subquery of `Customer.objects.visible_to(user)`.
CUSTOMER_ACCESS_PROVIDERS: dict[str, Callable[[Any], QuerySet]] = {}


def register_customer_access(code: str, provider: Callable[[Any], QuerySet]) -> None:
    """Add (or, with the same code, replace) a provider of customer ids a user may see besides their own."""
    CUSTOMER_ACCESS_PROVIDERS[code] = provider


class Customer(models.Model):
    """A customer account. Unique by credit code; the owner is its account manager."""

    name = models.CharField(_("name"), max_length=200)
    # Matching keys, derived from the fields above on every save (see accounts/matching.py).
    normalized_name = models.CharField(_("normalised name"), max_length=200, db_index=True, editable=False)
    phone_key = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    website_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    email_domain = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    industry = models.CharField(_("industry"), max_length=60, blank=True)
    province = models.CharField(_("province"), max_length=30, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.CharField(_("website"), max_length=200, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    annual_revenue = models.DecimalField(_("annual revenue"), max_digits=18, decimal_places=2, null=True, blank=True)
    parent = models.ForeignKey("self", verbose_name=_("group company"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="subsidiaries")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="customers")
    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, default=Tier.ORDINARY)
    tier_suggested = models.CharField(_("suggested tier"), max_length=20, choices=Tier.choices, blank=True)
    tier_score = models.IntegerField(_("classification score"), default=0)
    tier_overridden = models.BooleanField(_("tier set by hand"), default=False)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = pgettext_lazy("model name", "customers")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["credit_code"], condition=~Q(credit_code=""),
                                    name="customer_unique_credit_code"),
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="customer_not_own_parent"),
        ]
        indexes = [
            models.Index(fields=["owner", "name"], name="customer_owner_name"),
            # The list's order (name, id): a page walks this index instead of sorting every visible customer.
            models.Index(fields=["name", "id"], name="customer_name_id"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.refresh_keys()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "normalized_name", "phone_key", "website_key",
                                       "email_domain"}
        super().save(*args, **kwargs)
        if getattr(self, "_indexed_name", None) != self.normalized_name:
            CustomerName.objects.sync([self])

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("accounts:customer-detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # The name the trigram table holds for this row, so that save() rewrites it only on a rename.
        instance._indexed_name = instance.__dict__.get("normalized_name")
        return instance

    def refresh_keys(self) -> None:
        """Derive the matching keys; bulk writes that skip save() must call this themselves."""
        from accounts.matching import email_domain, normalize_name, phone_key, website_domain

        self.normalized_name = normalize_name(self.name)[:200]
        self.phone_key = phone_key(self.phone)[:40]
        self.website_key = website_domain(self.website)[:200]
        self.email_domain = email_domain(self.email)[:200]

    def clean(self) -> None:
        from accounts.services import customer_check_parent
        from accounts.validators import validate_credit_code

        if self.credit_code:
            validate_credit_code(self.credit_code)
        customer_check_parent(customer=self, parent=self.parent)

    def ancestors_ids(self):
        from teams.hierarchy import ancestors_sql

        return ancestors_sql(Customer._meta.db_table, "parent_id", self.pk)

    def subsidiaries_ids(self, *, include_self: bool = False):
        from teams.hierarchy import descendants_sql

        return descendants_sql(Customer._meta.db_table, "parent_id", self.pk, include_root=include_self)


class CustomerNameManager(models.Manager):
    def sync(self, customers) -> None:
        """Write the customers' normalised names into the trigram table (insert or rename, one query).

        Customer.save() calls it on a create or a rename; bulk writes that skip save() call it
        themselves. A deleted customer's row goes with it (CASCADE)."""
        rows = [CustomerName(customer_id=c.pk, normalized_name=c.normalized_name) for c in customers]
        if rows:
            self.bulk_create(rows, update_conflicts=True, unique_fields=["customer"],
                             update_fields=["normalized_name"], batch_size=5000)
        for customer in customers:
            customer._indexed_name = customer.normalized_name


class CustomerName(models.Model):
    """A narrow copy of each customer's normalised name, for the fuzzy (trigram) search.

    The GIN trigram index lives here (migration 0004, PostgreSQL only): rechecking ~3,000 index
    hits costs one page read per ~100 names here instead of one per hit on the wide customer table.
    """

    customer = models.OneToOneField(Customer, on_delete=models.CASCADE, primary_key=True, related_name="+")
    normalized_name = models.CharField(max_length=200)

    objects = CustomerNameManager()

    class Meta:
        verbose_name = _("customer name (matching)")
        verbose_name_plural = _("customer names (matching)")

    def __str__(self) -> str:
        return self.normalized_name


class ContactQuerySet(models.QuerySet):
    def visible_to(self, user) -> ContactQuerySet:
        """A contact is visible with its customer."""
        return self.filter(customer__in=Customer.objects.visible_to(user))


class Contact(models.Model):
    """A person at a customer, placed in the customer's org chart by `reports_to`."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True)
    decision_role = models.CharField(_("decision role"), max_length=20, choices=DecisionRole.choices,
                                     default=DecisionRole.USER)
    reports_to = models.ForeignKey("self", verbose_name=_("reports to"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="reports")
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    attitude = models.CharField(_("attitude towards us"), max_length=20, choices=Attitude.choices,
                                default=Attitude.UNKNOWN)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = ContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reports_to=models.F("id")), name="contact_not_own_superior"),
        ]

    def __str__(self) -> str:
        return self.name


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportBatchQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportBatchQuerySet:
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        owners = user.visible_owner_ids()
        return self.all() if owners is None else self.filter(created_by__in=owners)


class ImportBatch(models.Model):
    """One uploaded file of customer records (CSV or Excel), processed by a background job."""

    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows processed"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    matched_count = models.PositiveIntegerField(_("matched"), default=0)
    review_count = models.PositiveIntegerField(_("sent to review"), default=0)
    error_count = models.PositiveIntegerField(_("rejected rows"), default=0)
    # One entry per row: {"row", "outcome", "customer", "message"}.
    report = models.JSONField(_("report"), default=list, blank=True)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # When the job last reported progress: a running batch silent for long lost its worker.
    progress_at = models.DateTimeField(_("last progress at"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def percent(self) -> int:
        if not self.total_rows:
            return 100 if self.status in (ImportStatus.DONE, ImportStatus.FAILED, ImportStatus.CANCELLED) else 0
        return min(100, round(100 * self.processed_rows / self.total_rows))

    @property
    def rows_per_second(self) -> float | None:
        """Rows taken in per second from the start to the last progress (None before the first chunk)."""
        if not (self.started_at and self.progress_at and self.processed_rows):
            return None
        seconds = (self.progress_at - self.started_at).total_seconds()
        return self.processed_rows / seconds if seconds > 0 else None

    @property
    def seconds_left(self) -> int | None:
        """The time the rows still to go take at the speed so far (None while unknown or when finished)."""
        rate = self.rows_per_second
        if self.status != ImportStatus.RUNNING or not rate or not self.total_rows:
            return None
        return round(max(0, self.total_rows - self.processed_rows) / rate)

    @property
    def minutes_left(self) -> int | None:
        seconds = self.seconds_left
        return None if seconds is None else round(seconds / 60)


class IntakeOutcome(models.TextChoices):
    CREATED = "created", _("Created")
    MATCHED = "matched", _("Matched")
    REVIEW = "review", _("Sent to review")


class IntakeStatus(models.TextChoices):
    DONE = "done", _("Done")
    PENDING_REVIEW = "pending_review", _("Waiting for review")
    RESOLVED = "resolved", _("Resolved")


class IntakeResolution(models.TextChoices):
    LINKED = "linked", _("Linked to an existing customer")
    MERGED = "merged", _("Merged into an existing customer")
    CREATED = "created", _("Created as a new customer")


class CustomerIntakeQuerySet(models.QuerySet):
    def visible_to(self, user) -> CustomerIntakeQuerySet:
        """The person who brought the record in, their superiors, and admins."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        owners = user.visible_owner_ids()
        return self.all() if owners is None else self.filter(created_by__in=owners)


class CustomerIntake(models.Model):
    """One customer record as it arrived from a source, with the raw data and what became of it."""

    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    raw_data = models.JSONField(_("raw data"), default=dict)
    name = models.CharField(_("name"), max_length=200)
    outcome = models.CharField(_("outcome"), max_length=10, choices=IntakeOutcome.choices)
    status = models.CharField(_("status"), max_length=20, choices=IntakeStatus.choices, default=IntakeStatus.DONE,
                              db_index=True)
    customer = models.ForeignKey(Customer, verbose_name=_("customer"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="intakes")
    # The candidates found when it arrived: [{"id", "name", "score", "reasons"}].
    candidates = models.JSONField(_("candidates"), default=list, blank=True)
    batch = models.ForeignKey(ImportBatch, verbose_name=_("import"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="intakes")
    row_number = models.PositiveIntegerField(_("row"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("brought in by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    resolution = models.CharField(_("resolution"), max_length=10, choices=IntakeResolution.choices, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = CustomerIntakeQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer intake")
        verbose_name_plural = _("customer intakes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")


class EnrichmentProposalQuerySet(models.QuerySet):
    def visible_to(self, user) -> EnrichmentProposalQuerySet:
        return self.filter(customer__in=Customer.objects.visible_to(user))


class EnrichmentProposal(models.Model):
    """A new value for a field that already holds a different one: it waits for the owner's decision."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="proposals")
    field = models.CharField(_("field"), max_length=40)
    current_value = models.TextField(_("current value"), blank=True)
    proposed_value = models.TextField(_("proposed value"))
    source = models.CharField(_("source"), max_length=20, choices=Source.choices)
    intake = models.ForeignKey(CustomerIntake, verbose_name=_("intake"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="proposals")
    status = models.CharField(_("status"), max_length=10, choices=ProposalStatus.choices,
                              default=ProposalStatus.PENDING, db_index=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = EnrichmentProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("enrichment proposal")
        verbose_name_plural = _("enrichment proposals")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer}: {self.field}"


class ClassificationCriterion(models.TextChoices):
    EMPLOYEES = "employees", _("Employees")
    ANNUAL_REVENUE = "annual_revenue", _("Annual revenue")
    INDUSTRY = "industry", _("Industry")
    PROVINCE = "province", _("Province")
    SOURCE = "source", _("Source")
    SUBSIDIARIES = "subsidiaries", _("Number of subsidiaries")


class ClassificationRule(models.Model):
    """Points towards a customer's tier: for numbers, given when the value is at least `threshold`;
    for text criteria, when the value is one of `values`."""

    name = models.CharField(_("name"), max_length=100)
    criterion = models.CharField(_("criterion"), max_length=20, choices=ClassificationCriterion.choices)
    threshold = models.DecimalField(_("at least"), max_digits=18, decimal_places=2, null=True, blank=True)
    values = models.JSONField(_("one of"), default=list, blank=True)
    points = models.IntegerField(_("points"))
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("classification rule")
        verbose_name_plural = _("classification rules")
        ordering = ["criterion", "-points", "id"]

    def __str__(self) -> str:
        return self.name


class TierThreshold(models.Model):
    """The score from which a tier is suggested; the highest threshold reached wins."""

    tier = models.CharField(_("tier"), max_length=20, choices=Tier.choices, unique=True)
    min_score = models.IntegerField(_("minimum score"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tier threshold")
        verbose_name_plural = _("tier thresholds")
        ordering = ["-min_score"]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} ≥ {self.min_score}"


class TierChange(models.Model):
    """Every change of a customer's tier, by the rules or by hand, with its reason."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="tier_changes")
    old_tier = models.CharField(_("old tier"), max_length=20, choices=Tier.choices, blank=True)
    new_tier = models.CharField(_("new tier"), max_length=20, choices=Tier.choices)
    suggested_tier = models.CharField(_("suggested tier"), max_length=20, choices=Tier.choices, blank=True)
    score = models.IntegerField(_("score"), default=0)
    reason = models.TextField(_("reason"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tier change")
        verbose_name_plural = _("tier changes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.customer}: {self.old_tier} -> {self.new_tier}"


class CustomerMerge(models.Model):
    """The record of a merge: what the absorbed customer was, and what moved to the survivor."""

    survivor = models.ForeignKey(Customer, verbose_name=_("surviving customer"), on_delete=models.CASCADE,
                                 related_name="merges")
    merged_customer_id = models.PositiveBigIntegerField(_("id of the merged customer"))
    merged_name = models.CharField(_("name of the merged customer"), max_length=200)
    snapshot = models.JSONField(_("merged customer's data"), default=dict)
    moved = models.JSONField(_("moved records"), default=dict)
    reason = models.TextField(_("reason"), blank=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("merged by"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("merged at"), auto_now_add=True)

    class Meta:
        verbose_name = _("customer merge")
        verbose_name_plural = _("customer merges")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.merged_name} -> {self.survivor}"


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned with comments")


class AccountPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> AccountPlanQuerySet:
        return self.filter(customer__in=Customer.objects.visible_to(user))


class AccountPlan(models.Model):
    """The yearly plan for one customer, reviewed by the owner's manager."""

    customer = models.ForeignKey(Customer, verbose_name=_("customer"), on_delete=models.CASCADE,
                                 related_name="plans")
    year = models.PositiveSmallIntegerField(_("year"))
    goals = models.TextField(_("goals"), blank=True)
    needs_assessment = models.TextField(_("needs assessment"), blank=True)
    competitive_assessment = models.TextField(_("competitive assessment"), blank=True)
    strategy = models.TextField(_("competitive strategy"), blank=True)
    coverage_plan = models.TextField(_("coverage plan"), blank=True)
    activity_plan = models.TextField(_("activity plan"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("author"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = AccountPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("account plan")
        verbose_name_plural = _("account plans")
        ordering = ["-year", "customer"]
        constraints = [models.UniqueConstraint(fields=["customer", "year"], name="accountplan_one_per_year")]

    def __str__(self) -> str:
        return f"{self.customer} {self.year}"


class PublicMailDomain(models.Model):
    """A mail domain anyone can sign up to, or a placeholder (qq.com, gmail.com, example.com): two customers
    sharing it share nothing, so duplicate matching takes it as no evidence (accounts.matching). Seeded by a
    migration; administrators add and remove domains."""

    domain = models.CharField(_("domain"), max_length=200, unique=True,
                              help_text=_("As after the @ of an address, e.g. qq.com."))
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("public mail domain")
        verbose_name_plural = _("public mail domains")
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain

    def save(self, *args, **kwargs):
        self.domain = self.domain.strip().lower().lstrip("@")
        super().save(*args, **kwargs)
