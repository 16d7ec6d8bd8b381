"""Sales force planning (mission §6): named accounts, territory plans, re-deployment, sales quotas
with their allocation and approval, bonus incentive plans and payouts."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Customer
from crm.money import MONEY_FIELD
from crm.stored_text import Text
from opportunities.models import Opportunity
from teams.hierarchy import ancestors_sql
from teams.models import (
    OrgUnit,
    Territory,
    User,
    managed_unit_ids,
    signed_in,
)

# =========================================================================================
# Sales force planning (mission §6): named accounts, territory plans, re-deployment, sales
# quotas with their allocation, bonus incentive plans and payouts.
# =========================================================================================

PERCENT = {"max_digits": 9, "decimal_places": 2}



class ApprovalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


# --- Named accounts of a territory -------------------------------------------------------

class TerritoryAccount(models.Model):
    """A named account (指定客户) of a territory; a customer is a named account of one territory at most."""

    territory = models.ForeignKey(Territory, verbose_name=_("territory"), on_delete=models.CASCADE,
                                  related_name="named_accounts")
    # A customer is a named account of one territory at most; when it goes (deleted, or merged into another,
    # which takes the named account over when it has none), its named account goes with it.
    customer = models.OneToOneField(Customer, verbose_name=_("customer"), on_delete=models.CASCADE,
                                    related_name="named_account")
    added_by = models.ForeignKey(User, verbose_name=_("added by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    history = HistoricalRecords(table_name="teams_historicalterritoryaccount")

    class Meta:
        db_table = "teams_territoryaccount"  # the table from before the app was split out of teams
        verbose_name = _("named account")
        verbose_name_plural = _("named accounts")
        ordering = ["territory", "customer_id"]

    def __str__(self) -> str:
        return f"{self.territory} · {self.customer}"


# --- Territory plans -----------------------------------------------------------------------

class TerritoryPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> TerritoryPlanQuerySet:
        """Every version of the plans of the units the viewer manages (and below); the approved plans of the
        viewer's own unit and the units above it; administrators see all."""
        if not signed_in(user):
            return self.none()
        if user.is_admin:
            return self.all()
        condition = Q(org_unit__in=managed_unit_ids(user)) | Q(drafted_by=user)
        if user.org_unit_id:
            condition |= Q(status=ApprovalStatus.APPROVED) & (Q(org_unit=user.org_unit_id) | Q(
                org_unit__in=ancestors_sql(OrgUnit._meta.db_table, "parent_id", user.org_unit_id)))
        return self.filter(condition)


class TerritoryPlan(models.Model):
    """One version of a unit's (or one territory's) yearly plan; a revision is a new row, old ones stay."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT,
                                 related_name="territory_plans")
    territory = models.ForeignKey(Territory, verbose_name=_("territory"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="plans")
    year = models.PositiveSmallIntegerField(_("year"))
    version = models.PositiveIntegerField(_("version"), default=1)
    goals = models.TextField(_("goals"), blank=True)
    coverage = models.TextField(_("coverage"), blank=True)
    principles = models.TextField(_("assignment principles"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ApprovalStatus.choices,
                              default=ApprovalStatus.DRAFT)
    revision_reason = models.TextField(_("reason for this version"), blank=True)
    drafted_by = models.ForeignKey(User, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(User, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = TerritoryPlanQuerySet.as_manager()

    class Meta:
        db_table = "teams_territoryplan"  # the table from before the app was split out of teams
        verbose_name = _("territory plan")
        verbose_name_plural = _("territory plans")
        ordering = ["-year", "org_unit__name", "territory__name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "year", "version"], condition=Q(territory__isnull=True),
                                    name="territoryplan_unit_version"),
            models.UniqueConstraint(fields=["territory", "year", "version"], condition=Q(territory__isnull=False),
                                    name="territoryplan_territory_version"),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2100), name="territoryplan_year"),
        ]

    def __str__(self) -> str:
        return f"{self.territory or self.org_unit} {self.year} v{self.version}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sales_planning:territory-plan-detail", args=[self.pk])

    def siblings(self) -> TerritoryPlanQuerySet:
        """Every version of the same plan (same unit or territory, same year)."""
        if self.territory_id:
            return TerritoryPlan.objects.filter(territory=self.territory_id, year=self.year)
        return TerritoryPlan.objects.filter(org_unit=self.org_unit_id, territory__isnull=True, year=self.year)


# --- Re-deployment of the sales force ------------------------------------------------------

class RedeploymentQuerySet(models.QuerySet):
    def visible_to(self, user) -> RedeploymentQuerySet:
        """Who made it, the people on both sides and their superiors; administrators all."""
        if not signed_in(user):
            return self.none()
        if user.is_admin:
            return self.all()
        people = user.subordinate_ids(include_self=True)
        return self.filter(Q(by=user) | Q(from_user__in=people) | Q(to_user__in=people))


class Redeployment(models.Model):
    """One re-deployment: customers (and open opportunities) moved from one person or territory to another."""

    by = models.ForeignKey(User, verbose_name=_("done by"), on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("done at"), auto_now_add=True, db_index=True)
    from_user = models.ForeignKey(User, verbose_name=_("from"), null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    to_user = models.ForeignKey(User, verbose_name=_("to"), on_delete=models.PROTECT, related_name="+")
    from_territory = models.ForeignKey(Territory, verbose_name=_("from territory"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    to_territory = models.ForeignKey(Territory, verbose_name=_("to territory"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    include_opportunities = models.BooleanField(_("with open opportunities"), default=False)
    reason = models.TextField(_("reason"))
    # What moved; a customer or opportunity deleted since drops out of these (the counts below stay).
    customers = models.ManyToManyField(Customer, verbose_name=_("customers moved"), blank=True,
                                       related_name="redeployments")
    opportunities = models.ManyToManyField(Opportunity, verbose_name=_("opportunities moved"), blank=True,
                                           related_name="redeployments")
    customer_count = models.PositiveIntegerField(_("customers"), default=0)
    opportunity_count = models.PositiveIntegerField(_("opportunities"), default=0)

    objects = RedeploymentQuerySet.as_manager()

    class Meta:
        db_table = "teams_redeployment"  # the table from before the app was split out of teams
        verbose_name = _("re-deployment")
        verbose_name_plural = _("re-deployments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.from_territory or self.from_user} → {self.to_territory or self.to_user}"


# --- Sales quotas ----------------------------------------------------------------------------

class PeriodKind(models.TextChoices):
    YEAR = "year", _("Year")
    QUARTER = "quarter", _("Quarter")


class QuotaPeriodQuerySet(models.QuerySet):
    def visible_to(self, user) -> QuotaPeriodQuerySet:
        """Periods are calendar facts known to every signed-in member."""
        return self.all() if signed_in(user) else self.none()


class QuotaPeriod(models.Model):
    """A quota period: a calendar year or one of its quarters."""

    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    objects = QuotaPeriodQuerySet.as_manager()

    class Meta:
        db_table = "teams_quotaperiod"  # the table from before the app was split out of teams
        verbose_name = _("quota period")
        verbose_name_plural = _("quota periods")
        ordering = ["-year", "quarter", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="quotaperiod_end_after_start"),
            models.CheckConstraint(
                condition=(Q(kind="year", quarter__isnull=True)
                           | Q(kind="quarter", quarter__gte=1, quarter__lte=4)),
                name="quotaperiod_quarter_matches_kind"),
            models.UniqueConstraint(fields=["year", "quarter"], name="quotaperiod_unique_quarter"),
            models.UniqueConstraint(fields=["year"], condition=Q(quarter__isnull=True),
                                    name="quotaperiod_unique_year"),
        ]

    def __str__(self) -> str:
        return str(self.as_text())

    def as_text(self) -> Text:
        """The period's name as a phrase, so a notification that names it reads in its reader's language."""
        if self.quarter:
            return Text(_("%(year)s Q%(quarter)s"), year=self.year, quarter=self.quarter)
        return Text(_("Year %(year)s"), year=self.year)


class QuotaQuerySet(models.QuerySet):
    def visible_to(self, user) -> QuotaQuerySet:
        """One's own quota, the quotas of people below and of the units one manages; admins all."""
        if not signed_in(user):
            return self.none()
        if user.is_admin:
            return self.all()
        return self.filter(Q(user__in=user.subordinate_ids(include_self=True))
                           | Q(org_unit__in=managed_unit_ids(user)))


class Quota(models.Model):
    """A sales quota for one period, held by an org unit or a person, allocated from the parent unit's."""

    period = models.ForeignKey(QuotaPeriod, verbose_name=_("period"), on_delete=models.PROTECT,
                               related_name="quotas")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="quotas")
    user = models.ForeignKey(User, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="quotas")
    # The unit whose quota this one splits (null: a top-level quota, set by an administrator).
    allocated_from = models.ForeignKey(OrgUnit, verbose_name=_("allocated from"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="allocated_quotas")
    amount = models.DecimalField(_("amount"), **MONEY_FIELD)
    status = models.CharField(_("status"), max_length=10, choices=ApprovalStatus.choices,
                              default=ApprovalStatus.DRAFT)
    version = models.PositiveIntegerField(_("version"), default=1)
    set_by = models.ForeignKey(User, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    submitted_by = models.ForeignKey(User, verbose_name=_("submitted by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(User, verbose_name=_("reviewed by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = QuotaQuerySet.as_manager()

    class Meta:
        db_table = "teams_quota"  # the table from before the app was split out of teams
        verbose_name = _("sales quota")
        verbose_name_plural = _("sales quotas")
        ordering = ["period", "org_unit__name", "user__username", "id"]
        constraints = [
            models.CheckConstraint(condition=(Q(org_unit__isnull=False, user__isnull=True)
                                              | Q(org_unit__isnull=True, user__isnull=False)),
                                   name="quota_unit_xor_person"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="quota_amount_not_negative"),
            models.UniqueConstraint(fields=["period", "org_unit"], condition=Q(org_unit__isnull=False),
                                    name="quota_one_per_unit_and_period"),
            models.UniqueConstraint(fields=["period", "user"], condition=Q(user__isnull=False),
                                    name="quota_one_per_person_and_period"),
        ]
        indexes = [models.Index(fields=["period", "allocated_from"], name="quota_allocation")]

    def __str__(self) -> str:
        return f"{self.holder} · {self.period}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sales_planning:quota-detail", args=[self.pk])

    @property
    def holder(self):
        return self.org_unit or self.user


class QuotaAction(models.TextChoices):
    SET = "set", _("Set")
    REVISE = "revise", _("Revised")
    SUBMIT = "submit", _("Submitted")
    APPROVE = "approve", _("Approved")
    RETURN = "return", _("Returned")


class QuotaRevision(models.Model):
    """One step of a quota's history: each amount change (with its reason) and each workflow step."""

    quota = models.ForeignKey(Quota, verbose_name=_("sales quota"), on_delete=models.CASCADE,
                              related_name="revisions")
    version = models.PositiveIntegerField(_("version"))
    action = models.CharField(_("action"), max_length=10, choices=QuotaAction.choices)
    amount = models.DecimalField(_("amount"), **MONEY_FIELD)
    previous_amount = models.DecimalField(_("previous amount"), null=True, blank=True, **MONEY_FIELD)
    status = models.CharField(_("status"), max_length=10, choices=ApprovalStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(User, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        db_table = "teams_quotarevision"  # the table from before the app was split out of teams
        verbose_name = _("quota revision")
        verbose_name_plural = _("quota revisions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.quota} v{self.version} {self.action}"


class QuotaAllocation(models.Model):
    """The allocation of one unit's quota to its children for a period: who acknowledged that the
    children's sum differs from the parent's quota, by how much, and when it was submitted.

    An acknowledgement is valid only while the difference is still the one acknowledged.
    """

    period = models.ForeignKey(QuotaPeriod, verbose_name=_("period"), on_delete=models.PROTECT,
                               related_name="allocations")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), on_delete=models.PROTECT,
                                 related_name="quota_allocations")
    acknowledged_difference = models.DecimalField(_("acknowledged difference"), null=True, blank=True,
                                                  max_digits=19, decimal_places=2)
    acknowledged_by = models.ForeignKey(User, verbose_name=_("acknowledged by"), null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    submitted_by = models.ForeignKey(User, verbose_name=_("submitted by"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    history = HistoricalRecords(table_name="teams_historicalquotaallocation")

    class Meta:
        db_table = "teams_quotaallocation"  # the table from before the app was split out of teams
        verbose_name = _("quota allocation")
        verbose_name_plural = _("quota allocations")
        constraints = [
            models.UniqueConstraint(fields=["period", "org_unit"], name="quotaallocation_once_per_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} · {self.period}"


# --- Bonus incentives --------------------------------------------------------------------------

class IncentiveStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Replaced by a newer version")


class IncentivePlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> IncentivePlanQuerySet:
        """Managers see the plans of the units they manage (and below); everyone sees the published
        plans of their own unit and the units above it; administrators see all."""
        if not signed_in(user):
            return self.none()
        if user.is_admin:
            return self.all()
        condition = Q(org_unit__in=managed_unit_ids(user)) | Q(created_by=user)
        published = Q(status__in=[IncentiveStatus.PUBLISHED, IncentiveStatus.SUPERSEDED])
        named = IncentivePlan.eligible_users.through.objects.filter(user=user).values("incentiveplan_id")
        condition |= published & Q(pk__in=named)
        if user.org_unit_id:
            above = Q(org_unit=user.org_unit_id) | Q(
                org_unit__in=ancestors_sql(OrgUnit._meta.db_table, "parent_id", user.org_unit_id))
            condition |= published & above
        return self.filter(condition)


class IncentivePlan(models.Model):
    """One version of a bonus plan: who is eligible, the tiers, cap and accelerator, and its approval.

    All versions of a plan share `family`; a change to an approved or published plan is a new row
    (version + 1), so payouts calculated under an earlier version keep pointing at the rule they
    were calculated with.
    """

    family = models.UUIDField(_("plan"), default=uuid.uuid4, editable=False, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    previous = models.ForeignKey("self", verbose_name=_("previous version"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="next_versions")
    name = models.CharField(_("name"), max_length=150)
    period = models.ForeignKey(QuotaPeriod, verbose_name=_("period"), on_delete=models.PROTECT,
                               related_name="incentive_plans")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("belongs to"), on_delete=models.PROTECT,
                                 related_name="incentive_plans")
    eligible_units = models.ManyToManyField(OrgUnit, verbose_name=_("eligible units"), blank=True,
                                            db_table="teams_incentiveplan_eligible_units",
                                            related_name="+")
    eligible_roles = models.JSONField(_("eligible roles"), default=list, blank=True)
    eligible_users = models.ManyToManyField(User, verbose_name=_("named people"), blank=True,
                                            db_table="teams_incentiveplan_eligible_users",
                                            related_name="eligible_incentive_plans")
    cap = models.DecimalField(_("cap per person"), null=True, blank=True, **MONEY_FIELD)
    accelerator = models.DecimalField(_("accelerator above 100%"), max_digits=6, decimal_places=2,
                                      default=Decimal("1.00"))
    status = models.CharField(_("status"), max_length=12, choices=IncentiveStatus.choices,
                              default=IncentiveStatus.DRAFT)
    change_reason = models.TextField(_("reason for this version"), blank=True)
    expected_cost = models.DecimalField(_("expected cost"), null=True, blank=True, **MONEY_FIELD)
    expected_cost_at = models.DateTimeField(_("expected cost computed at"), null=True, blank=True)
    expected_cost_detail = models.JSONField(_("expected cost per person"), default=list, blank=True)
    created_by = models.ForeignKey(User, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(User, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = IncentivePlanQuerySet.as_manager()

    class Meta:
        db_table = "teams_incentiveplan"  # the table from before the app was split out of teams
        verbose_name = _("incentive plan")
        verbose_name_plural = _("incentive plans")
        ordering = ["-period__year", "name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["family", "version"], name="incentiveplan_one_row_per_version"),
            models.CheckConstraint(condition=Q(accelerator__gte=1), name="incentiveplan_accelerator_at_least_1"),
            models.CheckConstraint(condition=Q(cap__isnull=True) | Q(cap__gte=0), name="incentiveplan_cap_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("sales_planning:incentive-detail", args=[self.pk])


class IncentiveTier(models.Model):
    """From `threshold` % attainment on: a rate (% of the won amount) or a fixed amount."""

    plan = models.ForeignKey(IncentivePlan, verbose_name=_("incentive plan"), on_delete=models.CASCADE,
                             related_name="tiers")
    threshold = models.DecimalField(_("from attainment (%)"), **PERCENT)
    rate = models.DecimalField(_("rate on won amount (%)"), max_digits=7, decimal_places=4, null=True, blank=True)
    fixed_amount = models.DecimalField(_("fixed amount"), null=True, blank=True, **MONEY_FIELD)

    class Meta:
        db_table = "teams_incentivetier"  # the table from before the app was split out of teams
        verbose_name = _("incentive tier")
        verbose_name_plural = _("incentive tiers")
        ordering = ["threshold", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "threshold"], name="incentivetier_one_per_threshold"),
            models.CheckConstraint(condition=(Q(rate__isnull=False, fixed_amount__isnull=True)
                                              | Q(rate__isnull=True, fixed_amount__isnull=False)),
                                   name="incentivetier_rate_xor_fixed"),
            models.CheckConstraint(condition=Q(threshold__gte=0), name="incentivetier_threshold_not_negative"),
            models.CheckConstraint(condition=Q(rate__isnull=True) | Q(rate__gte=0), name="incentivetier_rate_positive"),
            models.CheckConstraint(condition=Q(fixed_amount__isnull=True) | Q(fixed_amount__gte=0),
                                   name="incentivetier_fixed_positive"),
        ]

    def __str__(self) -> str:
        return f"≥ {self.threshold}%"


class BonusStatus(models.TextChoices):
    CALCULATED = "calculated", _("Calculated")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")
    # A newer version of the plan was published before this payout was approved: it stays as calculated,
    # never rewritten, and can no longer be approved or paid.
    SUPERSEDED = "superseded", _("Replaced by a newer version")


class BonusQuerySet(models.QuerySet):
    def visible_to(self, user) -> BonusQuerySet:
        """One's own bonuses and those of the people below; administrators all."""
        if not signed_in(user):
            return self.none()
        if user.is_admin:
            return self.all()
        return self.filter(user__in=user.subordinate_ids(include_self=True))


class Bonus(models.Model):
    """A person's payout under one version of an incentive plan, calculated from their attainment."""

    plan = models.ForeignKey(IncentivePlan, verbose_name=_("incentive plan"), on_delete=models.PROTECT,
                             related_name="bonuses")
    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.PROTECT, related_name="bonuses")
    quota_amount = models.DecimalField(_("quota"), **MONEY_FIELD)
    won_amount = models.DecimalField(_("won amount"), **MONEY_FIELD)
    attainment = models.DecimalField(_("attainment (%)"), **PERCENT)
    tier_threshold = models.DecimalField(_("tier reached (%)"), null=True, blank=True, **PERCENT)
    amount = models.DecimalField(_("bonus"), **MONEY_FIELD)
    status = models.CharField(_("status"), max_length=12, choices=BonusStatus.choices,
                              default=BonusStatus.CALCULATED)
    calculated_at = models.DateTimeField(_("calculated at"))
    approved_by = models.ForeignKey(User, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_by = models.ForeignKey(User, verbose_name=_("paid by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    history = HistoricalRecords(table_name="teams_historicalbonus")

    objects = BonusQuerySet.as_manager()

    class Meta:
        db_table = "teams_bonus"  # the table from before the app was split out of teams
        verbose_name = _("bonus")
        verbose_name_plural = _("bonuses")
        ordering = ["plan", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="bonus_once_per_person_and_version"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="bonus_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.plan}: {self.amount}"


