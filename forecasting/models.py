"""Sales forecasting (销售预测): periods and their rules, forecast records with their lines and
trail, channel forecasts, the roll-up table and the reminders sent.

Rules live in forecasting/services.py; reads shared by pages, the API and the jobs in
forecasting/selectors.py. Money is Decimal with two places.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

MONEY = {"max_digits": 18, "decimal_places": 2}
ZERO = Decimal("0.00")


class PeriodKind(models.TextChoices):
    MONTH = "month", _("Month")
    QUARTER = "quarter", _("Quarter")
    YEAR = "year", _("Year")


class PeriodStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Category(models.TextChoices):
    """Forecast categories; `omitted` lines stay on the record but count in no total."""

    COMMIT = "commit", _("Commit")
    BEST_CASE = "best_case", _("Best case")
    PIPELINE = "pipeline", _("Pipeline")
    OMITTED = "omitted", _("Omitted")


COUNTED_CATEGORIES = (Category.COMMIT, Category.BEST_CASE, Category.PIPELINE)


class Level(models.TextChoices):
    """Where a person submits from: the levels of the hierarchy up to the business division."""

    ACCOUNT_MANAGER = "account_manager", _("Account managers")
    TEAM = "team", _("Team managers")
    REGION = "region", _("Region managers")
    DIVISION = "division", _("Business division heads")


LEVEL_ORDER = [Level.ACCOUNT_MANAGER, Level.TEAM, Level.REGION, Level.DIVISION]


def default_levels() -> list[str]:
    return [level.value for level in LEVEL_ORDER]


class ForecastStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


# The statuses whose figure a superior sums: submitted and not sent back.
REPORTED_STATUSES = (ForecastStatus.SUBMITTED, ForecastStatus.APPROVED)


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    REVISED = "revised", _("Revised")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    LINES_CHANGED = "lines_changed", _("Lines changed")


# --- Periods and rules -----------------------------------------------------------------------

class ForecastPeriodQuerySet(models.QuerySet):
    def visible_to(self, user) -> ForecastPeriodQuerySet:
        """Periods and their rules are known to every signed-in member of the company."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.all()

    def open(self) -> ForecastPeriodQuerySet:
        return self.filter(status=PeriodStatus.OPEN)


class ForecastPeriod(models.Model):
    """A month, quarter or year people forecast for, with one submission deadline per level."""

    name = models.CharField(_("name"), max_length=60)
    kind = models.CharField(_("kind"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.MONTH)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    status = models.CharField(_("status"), max_length=10, choices=PeriodStatus.choices, default=PeriodStatus.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = ForecastPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("forecast period")
        verbose_name_plural = _("forecast periods")
        ordering = ["-start", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="forecastperiod_end_after_start"),
            models.UniqueConstraint(fields=["kind", "start"], name="forecastperiod_one_per_kind_and_start"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.status == PeriodStatus.OPEN


class ForecastDeadline(models.Model):
    """The date by which the people of one level submit their record for the period."""

    period = models.ForeignKey(ForecastPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="deadlines")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    due = models.DateField(_("deadline"))

    class Meta:
        verbose_name = _("submission deadline")
        verbose_name_plural = _("submission deadlines")
        ordering = ["due", "id"]
        constraints = [models.UniqueConstraint(fields=["period", "level"], name="forecastdeadline_once_per_level")]

    def __str__(self) -> str:
        return f"{self.period} {self.get_level_display()} {self.due}"


class ForecastRule(models.Model):
    """Which opportunities count and who submits: the default rule (no period) or one period's own."""

    period = models.OneToOneField(ForecastPeriod, verbose_name=_("period"), null=True, blank=True,
                                  on_delete=models.CASCADE, related_name="rule",
                                  help_text=_("Empty: the default rule of every period without its own."))
    stages = models.ManyToManyField("opportunities.Stage", verbose_name=_("stages that count"), related_name="+",
                                    help_text=_("Opportunities in these stages enter forecasts."))
    confirmed_only = models.BooleanField(_("only confirmed opportunities"), default=True)
    levels = models.JSONField(_("levels that submit"), default=default_levels, blank=True,
                              help_text=_("Any of: account_manager, team, region, division."))
    reminder_days = models.PositiveSmallIntegerField(
        _("remind days before the deadline"), default=3,
        help_text=_("People who have not submitted are reminded this many days before their deadline."))
    history = HistoricalRecords(m2m_fields=[stages])

    class Meta:
        verbose_name = _("forecast rule")
        verbose_name_plural = _("forecast rules")
        constraints = [
            models.UniqueConstraint(fields=["period"], condition=Q(period__isnull=True),
                                    name="forecastrule_one_default"),
        ]

    def __str__(self) -> str:
        return str(_("Rule of %(period)s") % {"period": self.period}) if self.period else str(_("Default rule"))


class StageCategory(models.Model):
    """The forecast category a line gets by default from its opportunity's stage (admin-editable)."""

    stage = models.OneToOneField("opportunities.Stage", verbose_name=_("stage"), on_delete=models.CASCADE,
                                 related_name="forecast_category")
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("default category of a stage")
        verbose_name_plural = _("default categories of stages")
        ordering = ["stage__order", "stage_id"]

    def __str__(self) -> str:
        return f"{self.stage}: {self.get_category_display()}"


# --- Forecast records ------------------------------------------------------------------------

class ForecastQuerySet(models.QuerySet):
    def visible_to(self, user) -> ForecastQuerySet:
        """Owner in the viewer's subtree (themselves included); administrators see everything."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        owners = user.visible_owner_ids()
        if owners is None:
            return self.all()
        return self.filter(owner__in=owners)

    def reported(self) -> ForecastQuerySet:
        return self.filter(status__in=REPORTED_STATUSES)


class Forecast(models.Model):
    """One version of one person's forecast for a period (预测记录).

    `amount` is the figure reported up: the sum of the counted lines plus, for a manager,
    `subordinate_total`; a revision replaces it (with a reason, in the trail). The category
    fields split `amount`. Once submitted nothing here changes but the status. `version` numbers
    the person's records for the period (1, 2, ...); `lock_version` guards concurrent writes.
    """

    period = models.ForeignKey(ForecastPeriod, verbose_name=_("period"), on_delete=models.PROTECT,
                               related_name="forecasts")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="forecasts")
    org_unit = models.ForeignKey("teams.OrgUnit", verbose_name=_("org unit"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="forecasts")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    lock_version = models.PositiveIntegerField(_("lock version"), default=1)
    status = models.CharField(_("status"), max_length=10, choices=ForecastStatus.choices,
                              default=ForecastStatus.DRAFT)
    own_total = models.DecimalField(_("own opportunities"), default=ZERO, **MONEY)
    subordinate_total = models.DecimalField(_("subordinates' total"), default=ZERO, **MONEY)
    pipeline_total = models.DecimalField(_("pipeline"), default=ZERO, **MONEY)
    amount = models.DecimalField(_("forecast amount"), default=ZERO, **MONEY)
    commit_amount = models.DecimalField(_("commit"), default=ZERO, **MONEY)
    best_case_amount = models.DecimalField(_("best case"), default=ZERO, **MONEY)
    pipeline_amount = models.DecimalField(_("pipeline category"), default=ZERO, **MONEY)
    # The subordinates' part of each category when the record was made (line edits keep it).
    subordinate_commit = models.DecimalField(_("subordinates' commit"), default=ZERO, **MONEY)
    subordinate_best_case = models.DecimalField(_("subordinates' best case"), default=ZERO, **MONEY)
    subordinate_pipeline = models.DecimalField(_("subordinates' pipeline category"), default=ZERO, **MONEY)
    revised = models.BooleanField(_("revised"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("approved or returned at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved or returned by"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ForecastQuerySet.as_manager()

    class Meta:
        verbose_name = _("forecast record")
        verbose_name_plural = _("forecast records")
        ordering = ["period", "owner", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["period", "owner", "version"], name="forecast_one_per_version"),
            models.CheckConstraint(condition=Q(version__gte=1), name="forecast_version_positive"),
        ]
        indexes = [
            models.Index(fields=["period", "owner", "status", "version"], name="forecast_latest"),
            models.Index(fields=["period", "status"], name="forecast_period_status"),
        ]

    def __str__(self) -> str:
        return f"{self.owner} · {self.period} · v{self.version}"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("forecasting:forecast-detail", args=[self.pk])

    @property
    def is_draft(self) -> bool:
        return self.status == ForecastStatus.DRAFT

    @property
    def adjustment(self) -> Decimal:
        """How far the owner's figure departs from the sum they were given (lines + subordinates)."""
        return self.amount - self.own_total - self.subordinate_total

    def category_totals(self) -> dict[str, Decimal]:
        return {Category.COMMIT.value: self.commit_amount, Category.BEST_CASE.value: self.best_case_amount,
                Category.PIPELINE.value: self.pipeline_amount}


class ForecastLine(models.Model):
    """One opportunity in a record, with the figures as they were when the record was made."""

    forecast = models.ForeignKey(Forecast, verbose_name=_("forecast record"), on_delete=models.CASCADE,
                                 related_name="lines")
    opportunity = models.ForeignKey("opportunities.Opportunity", verbose_name=_("opportunity"), null=True,
                                    on_delete=models.SET_NULL, related_name="forecast_lines")
    opportunity_name = models.CharField(_("opportunity"), max_length=200)
    customer_name = models.CharField(_("customer"), max_length=200, blank=True)
    stage_code = models.CharField(_("stage"), max_length=8, blank=True)
    expected_close_date = models.DateField(_("expected close date"))
    opportunity_amount = models.DecimalField(_("opportunity amount"), **MONEY)
    amount = models.DecimalField(_("forecast amount"), **MONEY)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)

    class Meta:
        verbose_name = _("forecast line")
        verbose_name_plural = _("forecast lines")
        ordering = ["expected_close_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["forecast", "opportunity"], name="forecastline_once_per_record"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="forecastline_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_name}: {self.amount}"


class ForecastLineProduct(models.Model):
    """The products of a line's opportunity when the record was made (for the production plan)."""

    line = models.ForeignKey(ForecastLine, verbose_name=_("forecast line"), on_delete=models.CASCADE,
                             related_name="products")
    product = models.ForeignKey("opportunities.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("forecast line product")
        verbose_name_plural = _("forecast line products")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"


class ForecastEvent(models.Model):
    """The trail of a record: who created, revised, submitted, returned or approved it, when and why."""

    forecast = models.ForeignKey(Forecast, verbose_name=_("forecast record"), on_delete=models.CASCADE,
                                 related_name="events")
    kind = models.CharField(_("what"), max_length=20, choices=EventKind.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("who"), null=True,
                              on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    reason = models.TextField(_("why"), blank=True)
    amount_before = models.DecimalField(_("amount before"), null=True, blank=True, **MONEY)
    amount_after = models.DecimalField(_("amount after"), null=True, blank=True, **MONEY)

    class Meta:
        verbose_name = _("forecast event")
        verbose_name_plural = _("forecast events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.forecast}"


# --- Channel forecasts -----------------------------------------------------------------------

class ChannelForecastQuerySet(models.QuerySet):
    def visible_to(self, user) -> ChannelForecastQuerySet:
        """A division's channel forecasts are for its head and the people above them (and admins)."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        owners = user.visible_owner_ids()
        if owners is None:
            return self.all()
        return self.filter(org_unit__manager__in=owners)


class ChannelForecast(models.Model):
    """A channel partner's forecast for one business division, period and product (渠道预测)."""

    period = models.ForeignKey(ForecastPeriod, verbose_name=_("period"), on_delete=models.PROTECT,
                               related_name="channel_forecasts")
    org_unit = models.ForeignKey("teams.OrgUnit", verbose_name=_("business division"), on_delete=models.PROTECT,
                                 related_name="channel_forecasts")
    # A plain name: the partner directory (bids.Partner) belongs to an app above forecasting, which a
    # forecasting row may not point to.
    partner_name = models.CharField(_("partner"), max_length=200)
    partner_code = models.CharField(_("partner code"), max_length=40, blank=True)
    product = models.ForeignKey("opportunities.Product", verbose_name=_("product"), on_delete=models.PROTECT,
                                related_name="+")
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=Decimal("0"))
    amount = models.DecimalField(_("amount"), default=ZERO, **MONEY)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = ChannelForecastQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel forecast")
        verbose_name_plural = _("channel forecasts")
        ordering = ["period", "org_unit", "partner_name", "product"]
        constraints = [
            models.UniqueConstraint(fields=["period", "org_unit", "partner_name", "product"],
                                    name="channelforecast_once_per_partner_product"),
            models.CheckConstraint(condition=Q(amount__gte=0) & Q(quantity__gte=0),
                                   name="channelforecast_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.partner_name} · {self.product_id} · {self.amount}"


# --- Roll-up and reminders (written by the background job) ------------------------------------

class ForecastRollup(models.Model):
    """Totals of one person's subtree or one org unit's subtree for a period, for dashboards."""

    period = models.ForeignKey(ForecastPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="rollups")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey("teams.OrgUnit", verbose_name=_("org unit"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    submitted_amount = models.DecimalField(_("submitted amount"), default=ZERO, **MONEY)
    pipeline_amount = models.DecimalField(_("pipeline"), default=ZERO, **MONEY)
    opportunity_count = models.PositiveIntegerField(_("opportunities"), default=0)
    people_count = models.PositiveIntegerField(_("people"), default=0)
    submitted_count = models.PositiveIntegerField(_("people who submitted"), default=0)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("forecast roll-up")
        verbose_name_plural = _("forecast roll-ups")
        constraints = [
            models.UniqueConstraint(fields=["period", "user"], condition=Q(user__isnull=False),
                                    name="forecastrollup_once_per_user"),
            models.UniqueConstraint(fields=["period", "org_unit"], condition=Q(org_unit__isnull=False),
                                    name="forecastrollup_once_per_unit"),
            models.CheckConstraint(condition=Q(user__isnull=True) ^ Q(org_unit__isnull=True),
                                   name="forecastrollup_user_or_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.user or self.org_unit}"


class ForecastReminder(models.Model):
    """A deadline reminder sent: at most one per person, period and deadline."""

    period = models.ForeignKey(ForecastPeriod, verbose_name=_("period"), on_delete=models.CASCADE,
                               related_name="reminders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
                             related_name="+")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    due = models.DateField(_("deadline"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(fields=["period", "user", "due"], name="forecastreminder_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.period} · {self.due}"
