"""The sales organisation: people, their reporting lines and the org units they belong to."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from teams.hierarchy import ancestors_sql, descendants_sql


class OrgUnitKind(models.TextChoices):
    COMPANY = "company", _("Company")
    DIVISION = "division", _("Business division")
    REGION = "region", _("Region")
    TEAM = "team", _("Team")


class Role(models.TextChoices):
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    MANAGER = "manager", _("Sales manager")
    ADMIN = "admin", _("Administrator")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


class OrgUnitQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrgUnitQuerySet:
        """The org chart is known to every signed-in member of the company."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.all()


class OrgUnit(models.Model):
    """A node of the sales hierarchy: company > business division > region > team."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    manager = models.ForeignKey(
        "teams.User", verbose_name=_("manager"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="managed_units",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="orgunit_not_own_parent"),
            models.UniqueConstraint(fields=["parent", "name"], name="orgunit_unique_name_per_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from teams.services import org_unit_check_parent

        org_unit_check_parent(unit=self, parent=self.parent)

    def subtree_ids(self, *, include_self: bool = True) -> RawSQL:
        """Ids of this unit and every unit below it, as a subquery (one SQL statement)."""
        return descendants_sql(OrgUnit._meta.db_table, "parent_id", self.pk, include_root=include_self)

    def subtree(self, *, include_self: bool = True) -> OrgUnitQuerySet:
        return OrgUnit.objects.filter(pk__in=self.subtree_ids(include_self=include_self))

    def ancestors(self) -> OrgUnitQuerySet:
        return OrgUnit.objects.filter(pk__in=ancestors_sql(OrgUnit._meta.db_table, "parent_id", self.pk))


class UserQuerySet(models.QuerySet):
    def visible_to(self, user) -> UserQuerySet:
        """The people directory is open to every signed-in member: sales teams cross the org chart.

        Records that people own (customers, opportunities, forecasts) are scoped by
        `User.visible_owner_ids()` in their own apps.
        """
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.all()


class CrmUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A member of the sales organisation, with one manager up the reporting line."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    manager = models.ForeignKey(
        "self", verbose_name=_("reports to"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="direct_reports",
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="members",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ACCOUNT_MANAGER)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = CrmUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(condition=~Q(manager=models.F("id")), name="user_not_own_manager"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        from teams.services import user_check_manager

        user_check_manager(user=self, manager=self.manager)

    @property
    def is_admin(self) -> bool:
        """Administrators (and Django superusers) see and configure everything."""
        return self.is_superuser or self.role == Role.ADMIN

    def subordinate_ids(self, *, include_self: bool = False) -> RawSQL:
        """Ids of everyone below this user in the reporting line, as a subquery."""
        return descendants_sql(User._meta.db_table, "manager_id", self.pk, include_root=include_self)

    def subordinates(self, *, include_self: bool = False) -> UserQuerySet:
        """The whole subtree of people reporting to this user, directly or not (one query)."""
        return User.objects.filter(pk__in=self.subordinate_ids(include_self=include_self))

    def superiors(self) -> UserQuerySet:
        """Everyone up this user's reporting line (one query)."""
        return User.objects.filter(pk__in=ancestors_sql(User._meta.db_table, "manager_id", self.pk))

    def is_superior_of(self, other: User) -> bool:
        """True if `other` reports to this user, directly or anywhere down the line (one query)."""
        if other is None or other.pk is None or other.pk == self.pk:
            return False
        return self.subordinates().filter(pk=other.pk).exists()

    def visible_owner_ids(self) -> RawSQL | None:
        """Owners whose records this user may see: themselves and their whole subtree.

        None means no restriction (administrators). This is the building block of every app's
        `visible_to(user)`.
        """
        if self.is_admin:
            return None
        return self.subordinate_ids(include_self=True)


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """A notification is for its recipient only."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one person: a customer assigned, a review waiting, a deadline."""

    recipient = models.ForeignKey(User, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.message


class TerritoryQuerySet(models.QuerySet):
    def visible_to(self, user) -> TerritoryQuerySet:
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.all()


class Territory(models.Model):
    """A sales territory: provinces, cities and industries, covered by a set of people."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="territories")
    provinces = models.JSONField(_("provinces"), default=list, blank=True)
    cities = models.JSONField(_("cities"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    members = models.ManyToManyField(User, verbose_name=_("members"), blank=True, related_name="territories")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[members])

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssignmentStrategy(models.TextChoices):
    USER = "user", _("A named person")
    ROUND_ROBIN = "round_robin", _("Round-robin within a team or territory")
    FEWEST_CUSTOMERS = "fewest_customers", _("Fewest customers within a team or territory")


class AssignmentRuleQuerySet(models.QuerySet):
    def visible_to(self, user) -> AssignmentRuleQuerySet:
        """The rules are company configuration: every signed-in member may read why a customer went to whom;
        administrators alone change them."""
        if not _signed_in(user):
            return self.none()
        return self.all()


class AssignmentRule(models.Model):
    """Picks the owner of a new customer. Rules are tried in `order`; the first that matches wins.

    An empty condition matches everything; a list condition matches when the customer's value is
    one of the listed values.
    """

    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveIntegerField(_("order"), default=100, db_index=True)
    active = models.BooleanField(_("active"), default=True)
    provinces = models.JSONField(_("provinces"), default=list, blank=True)
    cities = models.JSONField(_("cities"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    min_employees = models.PositiveIntegerField(_("minimum employees"), null=True, blank=True)
    max_employees = models.PositiveIntegerField(_("maximum employees"), null=True, blank=True)
    min_annual_revenue = models.DecimalField(_("minimum annual revenue"), max_digits=18, decimal_places=2,
                                             null=True, blank=True)
    max_annual_revenue = models.DecimalField(_("maximum annual revenue"), max_digits=18, decimal_places=2,
                                             null=True, blank=True)
    strategy = models.CharField(_("strategy"), max_length=20, choices=AssignmentStrategy.choices,
                                default=AssignmentStrategy.USER)
    user = models.ForeignKey(User, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("team"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    territory = models.ForeignKey(Territory, verbose_name=_("territory"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    # Round-robin remembers whom it gave the last customer to.
    last_assigned = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["last_assigned"])

    objects = AssignmentRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.strategy == AssignmentStrategy.USER and not self.user_id:
            raise ValidationError({"user": _("Name the person who gets the customers.")})
        if self.strategy != AssignmentStrategy.USER and not (self.org_unit_id or self.territory_id):
            raise ValidationError({"org_unit": _("Choose the team or the territory to share the customers in.")})
        if (self.min_employees is not None and self.max_employees is not None
                and self.min_employees > self.max_employees):
            raise ValidationError({"max_employees": _("The maximum is below the minimum.")})
        if (self.min_annual_revenue is not None and self.max_annual_revenue is not None
                and self.min_annual_revenue > self.max_annual_revenue):
            raise ValidationError({"max_annual_revenue": _("The maximum is below the minimum.")})


# =========================================================================================
# Sales force planning (mission §6): named accounts, territory plans, re-deployment, sales
# quotas with their allocation, bonus incentive plans and payouts.
# =========================================================================================

MONEY = {"max_digits": 18, "decimal_places": 2}
PERCENT = {"max_digits": 9, "decimal_places": 2}


def managed_unit_ids(user) -> RawSQL:
    """Ids of every unit `user` manages and every unit below them, as one subquery."""
    table = OrgUnit._meta.db_table
    sql = (
        f"WITH RECURSIVE tree(id, depth) AS ("  # noqa: S608 - the table is a code constant
        f" SELECT id, 0 FROM {table} WHERE manager_id = %s"
        f" UNION SELECT child.id, tree.depth + 1 FROM {table} child"
        f" JOIN tree ON child.parent_id = tree.id WHERE tree.depth < 50"
        f") SELECT id FROM tree"
    )
    return RawSQL(sql, (user.pk,))  # noqa: S611 - the id is a bound parameter


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


class ApprovalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


# --- Named accounts of a territory -------------------------------------------------------

class TerritoryAccount(models.Model):
    """A named account (指定客户) of a territory; a customer is a named account of one territory at most.

    `customer_id` is a plain indexed integer, not a foreign key: `teams` sits below `accounts`
    and must not depend on it. Reads join through `accounts.Customer` at call time and ignore
    ids of customers that no longer exist.
    """

    territory = models.ForeignKey(Territory, verbose_name=_("territory"), on_delete=models.CASCADE,
                                  related_name="named_accounts")
    customer_id = models.BigIntegerField(_("customer"), unique=True)
    added_by = models.ForeignKey(User, verbose_name=_("added by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("named account")
        verbose_name_plural = _("named accounts")
        ordering = ["territory", "customer_id"]

    def __str__(self) -> str:
        return f"{self.territory} · {self.customer_id}"


# --- Territory plans -----------------------------------------------------------------------

class TerritoryPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> TerritoryPlanQuerySet:
        """Every version of the plans of the units the viewer manages (and below); the approved plans of the
        viewer's own unit and the units above it; administrators see all."""
        if not _signed_in(user):
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

        return reverse("teams:territory-plan-detail", args=[self.pk])

    def siblings(self) -> TerritoryPlanQuerySet:
        """Every version of the same plan (same unit or territory, same year)."""
        if self.territory_id:
            return TerritoryPlan.objects.filter(territory=self.territory_id, year=self.year)
        return TerritoryPlan.objects.filter(org_unit=self.org_unit_id, territory__isnull=True, year=self.year)


# --- Re-deployment of the sales force ------------------------------------------------------

class RedeploymentQuerySet(models.QuerySet):
    def visible_to(self, user) -> RedeploymentQuerySet:
        """Who made it, the people on both sides and their superiors; administrators all."""
        if not _signed_in(user):
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
    customer_ids = models.JSONField(_("customers moved"), default=list)
    opportunity_ids = models.JSONField(_("opportunities moved"), default=list)
    customer_count = models.PositiveIntegerField(_("customers"), default=0)
    opportunity_count = models.PositiveIntegerField(_("opportunities"), default=0)

    objects = RedeploymentQuerySet.as_manager()

    class Meta:
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
        return self.all() if _signed_in(user) else self.none()


class QuotaPeriod(models.Model):
    """A quota period: a calendar year or one of its quarters."""

    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    quarter = models.PositiveSmallIntegerField(_("quarter"), null=True, blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))

    objects = QuotaPeriodQuerySet.as_manager()

    class Meta:
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
        if self.quarter:
            return _("%(year)s Q%(quarter)s") % {"year": self.year, "quarter": self.quarter}
        return _("Year %(year)s") % {"year": self.year}


class QuotaQuerySet(models.QuerySet):
    def visible_to(self, user) -> QuotaQuerySet:
        """One's own quota, the quotas of people below and of the units one manages; admins all."""
        if not _signed_in(user):
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
    amount = models.DecimalField(_("amount"), **MONEY)
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

        return reverse("teams:quota-detail", args=[self.pk])

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
    amount = models.DecimalField(_("amount"), **MONEY)
    previous_amount = models.DecimalField(_("previous amount"), null=True, blank=True, **MONEY)
    status = models.CharField(_("status"), max_length=10, choices=ApprovalStatus.choices)
    reason = models.TextField(_("reason"), blank=True)
    by = models.ForeignKey(User, verbose_name=_("by"), null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
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
    history = HistoricalRecords()

    class Meta:
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
        if not _signed_in(user):
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
                                            related_name="+")
    eligible_roles = models.JSONField(_("eligible roles"), default=list, blank=True)
    eligible_users = models.ManyToManyField(User, verbose_name=_("named people"), blank=True,
                                            related_name="eligible_incentive_plans")
    cap = models.DecimalField(_("cap per person"), null=True, blank=True, **MONEY)
    accelerator = models.DecimalField(_("accelerator above 100%"), max_digits=6, decimal_places=2,
                                      default=Decimal("1.00"))
    status = models.CharField(_("status"), max_length=12, choices=IncentiveStatus.choices,
                              default=IncentiveStatus.DRAFT)
    change_reason = models.TextField(_("reason for this version"), blank=True)
    expected_cost = models.DecimalField(_("expected cost"), null=True, blank=True, **MONEY)
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

        return reverse("teams:incentive-detail", args=[self.pk])


class IncentiveTier(models.Model):
    """From `threshold` % attainment on: a rate (% of the won amount) or a fixed amount."""

    plan = models.ForeignKey(IncentivePlan, verbose_name=_("incentive plan"), on_delete=models.CASCADE,
                             related_name="tiers")
    threshold = models.DecimalField(_("from attainment (%)"), **PERCENT)
    rate = models.DecimalField(_("rate on won amount (%)"), max_digits=7, decimal_places=4, null=True, blank=True)
    fixed_amount = models.DecimalField(_("fixed amount"), null=True, blank=True, **MONEY)

    class Meta:
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
        if not _signed_in(user):
            return self.none()
        if user.is_admin:
            return self.all()
        return self.filter(user__in=user.subordinate_ids(include_self=True))


class Bonus(models.Model):
    """A person's payout under one version of an incentive plan, calculated from their attainment."""

    plan = models.ForeignKey(IncentivePlan, verbose_name=_("incentive plan"), on_delete=models.PROTECT,
                             related_name="bonuses")
    user = models.ForeignKey(User, verbose_name=_("person"), on_delete=models.PROTECT, related_name="bonuses")
    quota_amount = models.DecimalField(_("quota"), **MONEY)
    won_amount = models.DecimalField(_("won amount"), **MONEY)
    attainment = models.DecimalField(_("attainment (%)"), **PERCENT)
    tier_threshold = models.DecimalField(_("tier reached (%)"), null=True, blank=True, **PERCENT)
    amount = models.DecimalField(_("bonus"), **MONEY)
    status = models.CharField(_("status"), max_length=12, choices=BonusStatus.choices,
                              default=BonusStatus.CALCULATED)
    calculated_at = models.DateTimeField(_("calculated at"))
    approved_by = models.ForeignKey(User, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    paid_by = models.ForeignKey(User, verbose_name=_("paid by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = BonusQuerySet.as_manager()

    class Meta:
        verbose_name = _("bonus")
        verbose_name_plural = _("bonuses")
        ordering = ["plan", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "user"], name="bonus_once_per_person_and_version"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="bonus_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.plan}: {self.amount}"


# =========================================================================================
# Team selling on an opportunity (mission §6 "team selling", 团队合作销售): the sales team's plan
# (cooperation, competition, needs, solution, pricing authority), a relationship strategy per key
# contact, the meeting and seminar schedule and the log of key interactions.
#
# `teams` sits below `accounts` and `opportunities` (architecture.md), so opportunities, contacts
# and activities are referenced by plain indexed ids, like `TerritoryAccount.customer_id`; the
# services check them against the higher apps at call time and the reads join through their
# `visible_to`, ignoring ids of rows that no longer exist. Meetings *are* activities of the
# opportunities app (so they show in the activities tab and on the agenda); `TeamMeeting` adds
# what a meeting plan needs on top of the activity.
# =========================================================================================

class TeamSellingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The team-selling records of every opportunity the viewer can see; nothing else."""
        if not _signed_in(user):
            return self.none()
        if user.is_admin:
            return self.all()
        from django.apps import apps

        opportunities = apps.get_model("opportunities", "Opportunity").objects.visible_to(user)
        return self.filter(opportunity_id__in=opportunities.values("pk"))


class TeamPlan(models.Model):
    """The sales team's plan for one opportunity: who does what, the competition, the customer's needs, the
    solution and configuration, and who may decide prices within which limits."""

    opportunity_id = models.BigIntegerField(_("opportunity"), unique=True)
    cooperation_strategy = models.TextField(_("cooperation strategy"), blank=True)
    competitive_assessment = models.TextField(_("competitive assessment"), blank=True)
    needs_analysis = models.TextField(_("needs analysis"), blank=True)
    solution = models.TextField(_("solution and configuration"), blank=True)
    pricing_authority = models.ForeignKey(User, verbose_name=_("decides prices"), null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")
    max_discount = models.DecimalField(_("largest discount (%)"), max_digits=5, decimal_places=2, null=True,
                                       blank=True)
    price_floor = models.DecimalField(_("price floor"), null=True, blank=True, **MONEY)
    pricing_notes = models.TextField(_("pricing notes"), blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    updated_by = models.ForeignKey(User, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = TeamSellingQuerySet.as_manager()

    class Meta:
        verbose_name = _("team selling plan")
        verbose_name_plural = _("team selling plans")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_discount__isnull=True)
                                   | (Q(max_discount__gte=0) & Q(max_discount__lte=100)),
                                   name="teamplan_discount_percent"),
            models.CheckConstraint(condition=Q(price_floor__isnull=True) | Q(price_floor__gte=0),
                                   name="teamplan_price_floor_not_negative"),
        ]

    def __str__(self) -> str:
        return str(_("Team plan of opportunity #%(id)s") % {"id": self.opportunity_id})


class Attitude(models.TextChoices):
    """Where a contact stands towards us, from the best to the worst."""

    CHAMPION = "champion", _("Champion: sells for us inside")
    SUPPORTER = "supporter", _("Supporter")
    NEUTRAL = "neutral", _("Neutral")
    UNKNOWN = "unknown", _("Not known yet")
    SKEPTIC = "skeptic", _("Sceptical")
    OPPONENT = "opponent", _("Opposes us")


# Higher is better; "unknown" ranks with "neutral" for comparing current and target.
ATTITUDE_RANK = {Attitude.CHAMPION: 5, Attitude.SUPPORTER: 4, Attitude.NEUTRAL: 3, Attitude.UNKNOWN: 3,
                 Attitude.SKEPTIC: 2, Attitude.OPPONENT: 1}


class ContactStrategy(models.Model):
    """The relationship strategy for one key contact of the opportunity's customer: where they stand, where we
    want them, who in our team covers them and what we will do."""

    plan = models.ForeignKey(TeamPlan, verbose_name=_("team selling plan"), on_delete=models.CASCADE,
                             related_name="contact_strategies")
    contact_id = models.BigIntegerField(_("contact"), db_index=True)
    current_attitude = models.CharField(_("relationship now"), max_length=12, choices=Attitude.choices,
                                        default=Attitude.UNKNOWN)
    target_attitude = models.CharField(_("target relationship"), max_length=12, choices=Attitude.choices,
                                       default=Attitude.SUPPORTER)
    covered_by = models.ForeignKey(User, verbose_name=_("covered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    actions = models.TextField(_("planned actions"), blank=True)
    updated_by = models.ForeignKey(User, verbose_name=_("updated by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("contact strategy")
        verbose_name_plural = _("contact strategies")
        ordering = ["plan", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "contact_id"], name="contactstrategy_once_per_contact"),
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.contact_id}"

    @property
    def gap(self) -> int:
        """How many steps the relationship still has to improve (0: at or above the target)."""
        return max(0, ATTITUDE_RANK[self.target_attitude] - ATTITUDE_RANK[self.current_attitude])


class MeetingType(models.TextChoices):
    MEETING = "meeting", _("Customer meeting")
    SEMINAR = "seminar", _("Seminar")
    TECHNICAL_EXCHANGE = "technical_exchange", _("Technical exchange")
    EXECUTIVE_VISIT = "executive_visit", _("Executive visit")
    SITE_VISIT = "site_visit", _("Site or reference visit")
    DEMO = "demo", _("Demonstration")


class TeamMeeting(models.Model):
    """A scheduled customer meeting, seminar or technical exchange of the opportunity's team.

    Time, place, our attendees, their contacts and the outcome live on the activity (`activity_id`, an
    `opportunities.Activity`); this row adds the type, the agenda and the end time.
    """

    opportunity_id = models.BigIntegerField(_("opportunity"), db_index=True)
    activity_id = models.BigIntegerField(_("activity"), unique=True)
    meeting_type = models.CharField(_("type"), max_length=20, choices=MeetingType.choices,
                                    default=MeetingType.MEETING)
    agenda = models.TextField(_("agenda"), blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    created_by = models.ForeignKey(User, verbose_name=_("scheduled by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = TeamSellingQuerySet.as_manager()

    class Meta:
        verbose_name = _("team meeting")
        verbose_name_plural = _("team meetings")
        ordering = ["opportunity_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_meeting_type_display()} · {self.activity_id}"


class KeyInteraction(models.Model):
    """An activity of the opportunity marked as a key interaction, with why it matters: the log of key
    interactions is these activities in date order."""

    opportunity_id = models.BigIntegerField(_("opportunity"), db_index=True)
    activity_id = models.BigIntegerField(_("activity"), unique=True)
    significance = models.TextField(_("why it matters"))
    marked_by = models.ForeignKey(User, verbose_name=_("marked by"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = TeamSellingQuerySet.as_manager()

    class Meta:
        verbose_name = _("key interaction")
        verbose_name_plural = _("key interactions")
        ordering = ["-marked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.opportunity_id} · {self.activity_id}"
