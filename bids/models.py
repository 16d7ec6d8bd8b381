"""Key-account projects (大客户项目管理): the tender record of an opportunity, the partners (agents and
channel partners) with their credit standing (资信情况), the managed list of competing brands, the
bid's line items and its key dates.

Rules live in bids/services.py; reads shared by pages, the API and the funnel in bids/selectors.py.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from opportunities.models import OpportunityQuerySet
from teams.models import signed_in

MONEY = {"max_digits": 18, "decimal_places": 2}
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """part / whole × 100 to the cent (Decimal only); None when the whole is zero."""
    if not whole:
        return None
    return (part * HUNDRED / whole).quantize(CENT, rounding=ROUND_HALF_UP)


# --- Enumerations: the machine values are those of spec/api.md --------------------------------

class SalesMethod(models.TextChoices):
    TENDER = "tender", _("Tender")
    SPECIAL_PRICE = "special_price", _("Special-price approval")
    DISTRIBUTION = "distribution", pgettext_lazy("sales method", "Distribution")


class TenderType(models.TextChoices):
    OPEN_SINGLE_QUOTE = "open_single_quote", _("Open tender, single quote")
    OPEN_SECOND_QUOTE = "open_second_quote", _("Open tender, second quote allowed")
    NEGOTIATED = "negotiated", _("Negotiated tender")
    FRAMEWORK = "framework", _("Unified framework signing")


class BidScheme(models.TextChoices):
    DIRECT = "direct", _("Company bids directly")
    ONE_AGENT_ONE_SCHEME = "one_agent_one_scheme", _("One agent bids one scheme")
    JOINT_MULTI_SCHEME = "joint_multi_scheme", _("Company and agents bid several schemes")
    MULTI_AGENT_MULTI_SCHEME = "multi_agent_multi_scheme", _("Several agents bid several schemes")


# Every scheme but the direct bid goes through agents; how many it needs at least.
AGENT_SCHEMES_MINIMUM = {
    BidScheme.ONE_AGENT_ONE_SCHEME: 1,
    BidScheme.JOINT_MULTI_SCHEME: 1,
    BidScheme.MULTI_AGENT_MULTI_SCHEME: 2,
}


class Impact(models.TextChoices):
    EXTREME = "extreme", _("Extremely high: losing it loses an important customer and much market share")
    # The same English words mean other things elsewhere (a customer tier is "Ordinary" too).
    VERY_HIGH = "very_high", pgettext_lazy("impact", "Very high")
    MEDIUM = "medium", pgettext_lazy("impact", "Medium")
    ORDINARY = "ordinary", pgettext_lazy("impact", "Ordinary")


class Relationship(models.TextChoices):
    OVER_80 = "over_80", _("Very solid, absolute control (> 80%)")
    OVER_60 = "over_60", _("Fairly solid, considerable control (> 60%)")
    UNDER_30 = "under_30", _("Average, little certainty (< 30%)")
    UNKNOWN = "unknown", _("Cannot judge yet")


class BidStatus(models.TextChoices):
    # A tender is won or lost (中标 / 未中标), not an opportunity (赢单 / 丢单): a context of its own.
    PREPARING = "preparing", pgettext_lazy("bid status", "Preparing")
    SUBMITTED = "submitted", pgettext_lazy("bid status", "Submitted")
    WON = "won", pgettext_lazy("bid status", "Won")
    LOST = "lost", pgettext_lazy("bid status", "Lost")
    CANCELLED = "cancelled", pgettext_lazy("bid status", "Cancelled")


CLOSED_STATUSES = (BidStatus.WON, BidStatus.LOST, BidStatus.CANCELLED)


class BidOutcome(models.TextChoices):
    WON = "won", pgettext_lazy("bid status", "Won")
    LOST = "lost", pgettext_lazy("bid status", "Lost")
    CANCELLED = "cancelled", pgettext_lazy("bid status", "Cancelled")


class Milestone(models.TextChoices):
    """The key dates of a tender, in the order they happen; each is a field `<value>_at`."""

    REGISTRATION = "registration", _("Registration deadline")
    CLARIFICATION = "clarification", _("Clarification")
    SUBMISSION = "submission", _("Bid submission deadline")
    OPENING = "opening", _("Bid opening")
    AWARD = "award", _("Award announcement")


MILESTONE_FIELDS = {milestone: f"{milestone}_at" for milestone in Milestone.values}


class PartnerKind(models.TextChoices):
    AGENT = "agent", _("Agent")
    CHANNEL = "channel", _("Channel partner")


class PartnerStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("partner status", "Active")
    SUSPENDED = "suspended", pgettext_lazy("partner status", "Suspended")


class CreditRating(models.TextChoices):
    EXCELLENT = "excellent", _("A · Excellent")
    GOOD = "good", _("B · Good")
    FAIR = "fair", _("C · Fair")
    POOR = "poor", _("D · Poor")


class ThreatLevel(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


# --- Partners -----------------------------------------------------------------------------------

class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user) -> PartnerQuerySet:
        """The partner directory is open to all sales staff: every signed-in, active member."""
        if not signed_in(user):
            return self.none()
        return self.all()


class Partner(models.Model):
    """An agent or channel partner, with its latest credit standing (资信情况) repeated from the ratings."""

    name = models.CharField(_("name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=PartnerKind.choices, default=PartnerKind.AGENT)
    region = models.CharField(_("region"), max_length=60, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=PartnerStatus.choices,
                              default=PartnerStatus.ACTIVE)
    credit_rating = models.CharField(_("credit standing"), max_length=12, choices=CreditRating.choices, blank=True)
    credit_rated_on = models.DateField(_("rated on"), null=True, blank=True)
    credit_source = models.CharField(_("rating source"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name"], name="partner_unique_name"),
            models.UniqueConstraint(fields=["credit_code"], condition=~Q(credit_code=""),
                                    name="partner_unique_credit_code"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("bids:partner-detail", args=[self.pk])

    @property
    def poor_credit(self) -> bool:
        return self.credit_rating == CreditRating.POOR

    @property
    def suspended(self) -> bool:
        return self.status == PartnerStatus.SUSPENDED


class PartnerContact(models.Model):
    """A person to call at a partner."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE,
                                related_name="contacts")
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner contact")
        verbose_name_plural = _("partner contacts")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class PartnerCreditRating(models.Model):
    """One assessment of a partner's credit standing, kept as given (never rewritten): the standing's history."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner"), on_delete=models.CASCADE,
                                related_name="credit_ratings")
    rating = models.CharField(_("credit standing"), max_length=12, choices=CreditRating.choices)
    rated_on = models.DateField(_("rated on"))
    source = models.CharField(_("source"), max_length=200)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("credit rating")
        verbose_name_plural = _("credit ratings")
        ordering = ["-rated_on", "-id"]
        indexes = [models.Index(fields=["partner", "-rated_on"], name="partnerrating_latest")]

    def __str__(self) -> str:
        return f"{self.partner}: {self.get_rating_display()} ({self.rated_on})"


# --- Competing brands ---------------------------------------------------------------------------

class CompetitorBrandQuerySet(models.QuerySet):
    def visible_to(self, user) -> CompetitorBrandQuerySet:
        """Our assessment of the competition is shared with all sales staff."""
        if not signed_in(user):
            return self.none()
        return self.all()


class CompetitorBrand(models.Model):
    """A competing brand (竞争品牌) on the managed list, with our assessment of it."""

    name = models.CharField(_("name"), max_length=100)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    threat_level = models.CharField(_("threat level"), max_length=8, choices=ThreatLevel.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = CompetitorBrandQuerySet.as_manager()

    class Meta:
        verbose_name = _("competing brand")
        verbose_name_plural = _("competing brands")
        ordering = ["name", "id"]
        constraints = [models.UniqueConstraint(fields=["name"], name="competitorbrand_unique_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def assessed(self) -> bool:
        return bool(self.threat_level or self.strengths or self.weaknesses)


# --- Tender records -----------------------------------------------------------------------------

class BidProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> BidProjectQuerySet:
        """A tender record is seen by exactly those who see its opportunity (team, line managers, admins)."""
        if not signed_in(user):
            return self.none()
        if user.is_admin:
            return self.all()
        # The opportunity's rule on the joined opportunity (see OpportunityQuerySet.visible_condition).
        condition = OpportunityQuerySet.visible_condition(user, through="opportunity")
        return self.all() if condition is None else self.filter(condition)

    def open(self) -> BidProjectQuerySet:
        return self.exclude(status__in=CLOSED_STATUSES)


class BidProject(models.Model):
    """The key-account project (tender) record of one opportunity: every item of mission §5.

    `target_total` and `quote_total` repeat the sum of the lines (kept by the services) so that
    lists sort and filter on them without a join. The evaluation weights are either all unknown
    or four integers summing to exactly 100 (a database constraint, too).
    """

    opportunity = models.OneToOneField("opportunities.Opportunity", verbose_name=_("opportunity"),
                                       on_delete=models.CASCADE, related_name="bid")
    sales_method = models.CharField(_("sales method"), max_length=16, choices=SalesMethod.choices,
                                    default=SalesMethod.TENDER)
    tender_type = models.CharField(_("tender type"), max_length=20, choices=TenderType.choices, blank=True)
    lots = models.BooleanField(_("split into lots"), default=False)
    single_quote = models.BooleanField(_("single quote only"), default=False)
    scheme = models.CharField(_("bid scheme"), max_length=30, choices=BidScheme.choices, default=BidScheme.DIRECT)
    agents = models.ManyToManyField(Partner, verbose_name=_("participating agents"), through="BidAgent",
                                    related_name="bids", blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    delivery_place = models.CharField(_("delivery place"), max_length=200, blank=True)
    eval_price = models.PositiveSmallIntegerField(_("price weight"), null=True, blank=True)
    eval_service = models.PositiveSmallIntegerField(_("service weight"), null=True, blank=True)
    eval_technology = models.PositiveSmallIntegerField(_("technology weight"), null=True, blank=True)
    eval_commercial = models.PositiveSmallIntegerField(_("commercial weight"), null=True, blank=True)
    impact = models.CharField(_("impact on the customer's region"), max_length=12, choices=Impact.choices,
                              blank=True)
    competitors = models.ManyToManyField(CompetitorBrand, verbose_name=_("competing brands"),
                                         through="BidCompetitor", related_name="bids", blank=True)
    background = models.TextField(_("project background"), blank=True)
    relationship = models.CharField(_("customer relationship degree"), max_length=12,
                                    choices=Relationship.choices, default=Relationship.UNKNOWN)
    registration_at = models.DateTimeField(_("registration deadline"), null=True, blank=True)
    clarification_at = models.DateTimeField(_("clarification"), null=True, blank=True)
    submission_at = models.DateTimeField(_("bid submission deadline"), null=True, blank=True)
    opening_at = models.DateTimeField(_("bid opening"), null=True, blank=True)
    award_at = models.DateTimeField(_("award announcement"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=BidStatus.choices, default=BidStatus.PREPARING)
    target_total = models.DecimalField(_("customer's target total"), default=Decimal("0.00"), editable=False,
                                       **MONEY)
    quote_total = models.DecimalField(_("our quote total"), default=Decimal("0.00"), editable=False, **MONEY)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    winning_brand = models.CharField(_("winning brand"), max_length=100, blank=True)
    winning_price = models.DecimalField(_("winning price"), null=True, blank=True, **MONEY)
    outcome_reason = models.TextField(_("outcome note"), blank=True)
    outcome_at = models.DateTimeField(_("outcome recorded at"), null=True, blank=True)
    outcome_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("outcome recorded by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # The totals are derived from the lines, whose own history shows every change.
    history = HistoricalRecords(excluded_fields=["updated_at", "target_total", "quote_total"])

    objects = BidProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("tender record")
        verbose_name_plural = _("tender records")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(eval_price__isnull=True, eval_service__isnull=True, eval_technology__isnull=True,
                      eval_commercial__isnull=True)
                    | Q(eval_price__isnull=False, eval_service__isnull=False, eval_technology__isnull=False,
                        eval_commercial__isnull=False,
                        eval_price__lte=100, eval_service__lte=100, eval_technology__lte=100,
                        eval_commercial__lte=100)
                ),
                name="bidproject_evaluation_all_or_none",
            ),
            models.CheckConstraint(
                condition=(
                    Q(eval_price__isnull=True)
                    | Q(eval_price=100 - models.F("eval_service") - models.F("eval_technology")
                        - models.F("eval_commercial"))
                ),
                name="bidproject_evaluation_sums_to_100",
            ),
            models.CheckConstraint(condition=Q(winning_price__isnull=True) | Q(winning_price__gte=0),
                                   name="bidproject_winning_price_not_negative"),
        ]
        indexes = [
            models.Index(fields=["status", "submission_at"], name="bidproject_status_submission"),
            models.Index(fields=["opening_at"], name="bidproject_opening"),
            # The key dates of the next days (the workbench's card, the daily reminder): one index per date.
            models.Index(fields=["registration_at"], name="bidproject_registration"),
            models.Index(fields=["clarification_at"], name="bidproject_clarification"),
            models.Index(fields=["submission_at"], name="bidproject_submission"),
            models.Index(fields=["award_at"], name="bidproject_award"),
        ]

    def __str__(self) -> str:
        return str(self.opportunity) if self.opportunity_id else str(_("tender record"))

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("bids:bid-detail", args=[self.pk])

    @property
    def evaluation(self) -> dict[str, int] | None:
        if self.eval_price is None:
            return None
        return {"price": self.eval_price, "service": self.eval_service, "technology": self.eval_technology,
                "commercial": self.eval_commercial}

    @property
    def gap(self) -> Decimal:
        """Our quote minus the customer's target (positive: we are above the target)."""
        return self.quote_total - self.target_total

    @property
    def gap_percent(self) -> Decimal | None:
        return percent_of(self.gap, self.target_total)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def relationship_short(self) -> str:
        """The control the relationship gives, in a few characters for lists (the full label in a tooltip)."""
        return {Relationship.OVER_80: "> 80%", Relationship.OVER_60: "> 60%",
                Relationship.UNDER_30: "< 30%"}.get(self.relationship, "?")

    @property
    def involves_agents(self) -> bool:
        return self.scheme != BidScheme.DIRECT

    def key_dates(self) -> list[tuple[str, str, object]]:
        """[(milestone, label, datetime or None)] in the order a tender runs."""
        return [(value, str(label), getattr(self, MILESTONE_FIELDS[value])) for value, label in Milestone.choices]


class BidAgent(models.Model):
    """An agent taking part in the bid, with the scheme it bids and its quote."""

    bid = models.ForeignKey(BidProject, verbose_name=_("tender record"), on_delete=models.CASCADE,
                            related_name="bid_agents")
    partner = models.ForeignKey(Partner, verbose_name=_("agent"), on_delete=models.PROTECT,
                                related_name="bid_agents")
    scheme = models.TextField(_("agent's scheme"), blank=True)
    quote = models.DecimalField(_("agent's quote"), null=True, blank=True, **MONEY)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participating agent")
        verbose_name_plural = _("participating agents")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "partner"], name="bidagent_once_per_bid"),
            models.CheckConstraint(condition=Q(quote__isnull=True) | Q(quote__gte=0),
                                   name="bidagent_quote_not_negative"),
        ]

    def __str__(self) -> str:
        return str(self.partner)


class BidCompetitor(models.Model):
    """A brand competing in this tender, with its price when we know it."""

    bid = models.ForeignKey(BidProject, verbose_name=_("tender record"), on_delete=models.CASCADE,
                            related_name="bid_competitors")
    brand = models.ForeignKey(CompetitorBrand, verbose_name=_("competing brand"), on_delete=models.PROTECT,
                              related_name="bid_competitors")
    known_price = models.DecimalField(_("known price"), null=True, blank=True, **MONEY)
    note = models.CharField(_("note"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("competitor in a tender")
        verbose_name_plural = _("competitors in tenders")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["bid", "brand"], name="bidcompetitor_once_per_bid"),
            models.CheckConstraint(condition=Q(known_price__isnull=True) | Q(known_price__gte=0),
                                   name="bidcompetitor_price_not_negative"),
        ]

    def __str__(self) -> str:
        return str(self.brand)


class BidLine(models.Model):
    """A line of the bid: configuration, quantity, the customer's target unit price and our unit quote.

    The amounts are quantity × unit price to the cent (Decimal only), kept by the services.
    """

    bid = models.ForeignKey(BidProject, verbose_name=_("tender record"), on_delete=models.CASCADE,
                            related_name="lines")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    configuration = models.CharField(_("configuration"), max_length=300)
    product = models.ForeignKey("opportunities.Product", verbose_name=_("product"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="bid_lines")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=Decimal("1"))
    target_price = models.DecimalField(_("customer's target price"), **MONEY)
    quote = models.DecimalField(_("our quote"), **MONEY)
    target_amount = models.DecimalField(_("target amount"), editable=False, **MONEY)
    quote_amount = models.DecimalField(_("quote amount"), editable=False, **MONEY)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bid line")
        verbose_name_plural = _("bid lines")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="bidline_quantity_positive"),
            models.CheckConstraint(condition=Q(target_price__gte=0), name="bidline_target_not_negative"),
            models.CheckConstraint(condition=Q(quote__gte=0), name="bidline_quote_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.configuration} × {self.quantity}"

    @property
    def gap(self) -> Decimal:
        return self.quote_amount - self.target_amount

    @property
    def gap_percent(self) -> Decimal | None:
        return percent_of(self.gap, self.target_amount)


class BidAgendaEntry(models.Model):
    """Links a key date of a tender to the activity that puts it on the sales team's agenda."""

    bid = models.ForeignKey(BidProject, verbose_name=_("tender record"), on_delete=models.CASCADE,
                            related_name="agenda_entries")
    milestone = models.CharField(_("key date"), max_length=16, choices=Milestone.choices)
    activity = models.OneToOneField("opportunities.Activity", verbose_name=_("activity"), on_delete=models.CASCADE,
                                    related_name="bid_agenda_entry")

    class Meta:
        verbose_name = _("tender date on the agenda")
        verbose_name_plural = _("tender dates on the agenda")
        constraints = [models.UniqueConstraint(fields=["bid", "milestone"], name="bidagenda_once_per_date")]

    def __str__(self) -> str:
        return f"{self.bid}: {self.get_milestone_display()}"


class BidDeadlineReminder(models.Model):
    """A reminder of a tender's key date sent to one person: at most one per tender, key date, day and person
    (a constraint), so the daily job run twice, or by two workers at once, reminds once. A key date moved to
    another day is reminded again for its new day."""

    bid = models.ForeignKey(BidProject, verbose_name=_("tender record"), on_delete=models.CASCADE,
                            related_name="deadline_reminders")
    milestone = models.CharField(_("key date"), max_length=16, choices=Milestone.choices)
    due_on = models.DateField(_("day of the key date"))
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="+")
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tender deadline reminder")
        verbose_name_plural = _("tender deadline reminders")
        constraints = [
            models.UniqueConstraint(fields=["bid", "milestone", "due_on", "recipient"],
                                    name="biddeadlinereminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.bid} · {self.get_milestone_display()} · {self.due_on}"
