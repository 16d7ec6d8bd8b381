"""Sales funnel (销售漏斗): stage history, daily snapshots, baselines (expected values) and the
funnel settings. The stages themselves (and their entry requirements) are opportunities data:
opportunities.models.Stage, opportunities/stage_requirements.py.

Rules live in funnel/services.py (writes) and funnel/selectors.py (reads).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.stored_text import Bilingual, Text
from opportunities.models import Opportunity, Stage, StageOutcome, in_english
from teams.models import managed_unit_ids, signed_in

MONEY = {"max_digits": 18, "decimal_places": 2}


# --- Stage history ---------------------------------------------------------------------------

class StageChangeQuerySet(models.QuerySet):
    def visible_to(self, user) -> StageChangeQuerySet:
        """A stage change is seen by whoever sees its opportunity."""
        return self.filter(opportunity__in=Opportunity.objects.visible_to(user).values("pk"))


class StageChange(models.Model):
    """One move of an opportunity from a stage to another, never rewritten.

    The stages' code, names, outcome and probability are copied as they were at the time (snapshot
    columns), so editing or deactivating a stage later never changes what the history says.
    """

    opportunity = models.ForeignKey("opportunities.Opportunity", verbose_name=_("opportunity"),
                                    on_delete=models.CASCADE, related_name="stage_changes")
    from_stage = models.ForeignKey(Stage, verbose_name=_("from stage"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    to_stage = models.ForeignKey(Stage, verbose_name=_("to stage"), on_delete=models.PROTECT, related_name="+")
    from_code = models.CharField(_("from (code)"), max_length=8, blank=True)
    from_name_zh = models.CharField(_("from (Chinese)"), max_length=60, blank=True)
    from_name_en = models.CharField(_("from (English)"), max_length=60, blank=True)
    from_outcome = models.CharField(_("from (outcome)"), max_length=8, blank=True)
    from_probability = models.PositiveSmallIntegerField(_("probability before (%)"), null=True, blank=True)
    to_code = models.CharField(_("to (code)"), max_length=8)
    to_name_zh = models.CharField(_("to (Chinese)"), max_length=60)
    to_name_en = models.CharField(_("to (English)"), max_length=60)
    to_outcome = models.CharField(_("to (outcome)"), max_length=8)
    to_probability = models.PositiveSmallIntegerField(_("probability after (%)"))
    direction = models.CharField(_("direction"), max_length=10, blank=True)
    amount = models.DecimalField(_("amount"), **MONEY)
    weighted_before = models.DecimalField(_("weighted amount before"), null=True, blank=True, **MONEY)
    weighted_after = models.DecimalField(_("weighted amount after"), **MONEY)
    loss_reason = models.CharField(_("loss reason"), max_length=500, blank=True)
    competitor = models.CharField(_("lost to (competitor)"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)

    objects = StageChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["opportunity", "changed_at"], name="stagechange_opportunity")]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.from_code or '—'} → {self.to_code}"

    @property
    def from_name(self) -> str:
        return self.from_name_en if in_english() else self.from_name_zh

    @property
    def kind(self) -> str:
        """Which way the move went, in the words shown: won, lost, reopened, back or forward."""
        if self.to_outcome in ("won", "lost"):
            return self.to_outcome
        if self.direction == "reopen":
            return "reopened"
        return "back" if self.direction == "backward" else "forward"

    def summary(self) -> str:
        """The move in a sentence for the page's message: "Won: stage 08 …", "Moved back to stage 03 …"."""
        texts = {
            "won": gettext("Won: the opportunity is closed at stage %(code)s %(stage)s."),
            "lost": gettext("Lost: the opportunity is closed at stage %(code)s %(stage)s."),
            "reopened": gettext("Reopened at stage %(code)s %(stage)s."),
            "back": gettext("Moved back to stage %(code)s %(stage)s."),
            "forward": gettext("Moved forward to stage %(code)s %(stage)s."),
        }
        return texts[self.kind] % {"code": self.to_code, "stage": self.to_name}

    def history_note(self) -> Text:
        """The short note of the move on the opportunity's own history: "Moved back: stage 05 → 03" (stored as a
        code, so each reader sees it in their language; short enough for the change reason's column)."""
        texts = {
            "won": gettext_lazy("Won: stage %(old)s → %(new)s"),
            "lost": gettext_lazy("Lost: stage %(old)s → %(new)s"),
            "reopened": gettext_lazy("Reopened: stage %(old)s → %(new)s"),
            "back": gettext_lazy("Moved back: stage %(old)s → %(new)s"),
            "forward": gettext_lazy("Moved forward: stage %(old)s → %(new)s"),
        }
        return Text(texts[self.kind], old=self.from_code or "—", new=self.to_code)

    def notification(self, *, by, name: str) -> Text:
        """The message to the primary owner when someone else moved their opportunity (in the reader's
        language: the stage's two names are both kept)."""
        texts = {
            "won": gettext_lazy("%(by)s closed %(name)s as won (stage %(code)s)."),
            "lost": gettext_lazy("%(by)s closed %(name)s as lost (stage %(code)s)."),
            "reopened": gettext_lazy("%(by)s reopened %(name)s at stage %(code)s %(stage)s."),
            "back": gettext_lazy("%(by)s moved %(name)s back to stage %(code)s %(stage)s."),
            "forward": gettext_lazy("%(by)s moved %(name)s forward to stage %(code)s %(stage)s."),
        }
        return Text(texts[self.kind], by=by, name=name, code=self.to_code,
                    stage=Bilingual(zh=self.to_name_zh, en=self.to_name_en))

    @property
    def to_name(self) -> str:
        return self.to_name_en if in_english() else self.to_name_zh


class StageEntry(models.Model):
    """When the opportunity entered its current stage: the last StageChange into it, kept as one row
    per opportunity so that lists and the funnel find "days in stage" with a join, not a subquery."""

    opportunity = models.OneToOneField("opportunities.Opportunity", verbose_name=_("opportunity"),
                                       on_delete=models.CASCADE, primary_key=True, related_name="stage_entry")
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(_("entered at"))

    class Meta:
        verbose_name = _("stage entry")
        verbose_name_plural = _("stage entries")
        # Stuck opportunities are a range scan per stage (entered_at < today - the stage's limit); a unit's
        # oldest stuck ones are read in entered_at order until enough of its people's are found.
        indexes = [models.Index(fields=["stage", "entered_at"], name="stageentry_stage_entered"),
                   models.Index(fields=["entered_at", "opportunity"], name="stageentry_entered")]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.stage_id} since {self.entered_at:%Y-%m-%d}"


class StageTaskQuerySet(models.QuerySet):
    def visible_to(self, user) -> StageTaskQuerySet:
        """A ticked task is seen by whoever sees its opportunity."""
        return self.filter(opportunity__in=Opportunity.objects.visible_to(user).values("pk"))


class StageTaskDone(models.Model):
    """One task of a stage's checklist ticked off on one opportunity: who did it and when.

    A task is the line at `position` of the stage's checklist (the Chinese and English lists are the
    same tasks line by line); its text is copied as it read when ticked. Unticking deletes the row;
    the model's history keeps every tick and untick with who did it.
    """

    opportunity = models.ForeignKey("opportunities.Opportunity", verbose_name=_("opportunity"),
                                    on_delete=models.CASCADE, related_name="stage_tasks_done")
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("position in the checklist"))
    task = models.CharField(_("task"), max_length=300)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("done by"), null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    done_at = models.DateTimeField(_("done at"), default=timezone.now)
    history = HistoricalRecords()

    objects = StageTaskQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage task done")
        verbose_name_plural = _("stage tasks done")
        ordering = ["stage", "position"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "stage", "position"], name="stagetaskdone_once"),
        ]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.stage_id} #{self.position} {self.task}"


# --- Settings, snapshots, baselines -----------------------------------------------------------

class Lookback(models.TextChoices):
    QUARTERS = "quarters", _("Same day of the last quarters")
    DAYS = "days", _("Last days")


class FunnelSettings(models.Model):
    """How expected values are computed from history, and the health thresholds (one row)."""

    lookback = models.CharField(_("look-back"), max_length=10, choices=Lookback.choices, default=Lookback.QUARTERS)
    lookback_quarters = models.PositiveSmallIntegerField(
        _("quarters to look back"), default=4,
        help_text=_("Snapshots 91, 182, 273… days before, where present; else the last days below."))
    lookback_days = models.PositiveSmallIntegerField(
        _("days to look back"), default=90,
        help_text=_("The window used with 'last days', and where no quarterly snapshot exists yet."))
    min_expected_count = models.DecimalField(
        _("fewest expected opportunities"), max_digits=6, decimal_places=2, default=Decimal("1"),
        help_text=_("A stage whose history expects fewer opportunities than this on average has no history "
                    "baseline, by count or by amount: it was mostly empty then, and a ratio against so little "
                    "says nothing. Manual baselines always apply."))
    good_from_percent = models.DecimalField(_("good from (%)"), max_digits=6, decimal_places=2, default=Decimal("70"))
    excellent_above_percent = models.DecimalField(_("excellent above (%)"), max_digits=6, decimal_places=2,
                                                  default=Decimal("100"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funnel settings")
        verbose_name_plural = _("funnel settings")
        constraints = [
            models.CheckConstraint(condition=Q(good_from_percent__lte=models.F("excellent_above_percent")),
                                   name="funnelsettings_thresholds_in_order"),
            models.CheckConstraint(condition=Q(lookback_quarters__gte=1) & Q(lookback_days__gte=1),
                                   name="funnelsettings_lookback_positive"),
            models.CheckConstraint(condition=Q(min_expected_count__gte=0), name="funnelsettings_min_expected_count"),
        ]

    def __str__(self) -> str:
        return str(_("Funnel settings"))

    @property
    def min_expected_plural(self) -> int:
        """The number that picks the plural form of "fewer than N opportunities" (N may be 1.5)."""
        return 1 if self.min_expected_count == 1 else 2

    @classmethod
    def load(cls) -> FunnelSettings:
        return cls.objects.order_by("pk").first() or cls.objects.create()


class SnapshotQuerySet(models.QuerySet):
    def for_holder(self, *, user=None, org_unit=None) -> SnapshotQuerySet:
        return self.filter(user=user) if user is not None else self.filter(org_unit=org_unit)


class FunnelSnapshot(models.Model):
    """One day's funnel of one person (their own opportunities) or one org unit (everyone in its
    subtree), per open stage, with the expected values in force that day (for the health trend)."""

    date = models.DateField(_("date"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey("teams.OrgUnit", verbose_name=_("org unit"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField(_("count"), default=0)
    amount = models.DecimalField(_("amount"), default=Decimal("0.00"), **MONEY)
    weighted_amount = models.DecimalField(_("weighted amount"), default=Decimal("0.00"), **MONEY)
    stuck = models.PositiveIntegerField(_("stuck"), default=0)
    expected_count = models.DecimalField(_("expected count"), max_digits=12, decimal_places=2, null=True, blank=True)
    expected_amount = models.DecimalField(_("expected amount"), null=True, blank=True, **MONEY)

    objects = SnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("funnel snapshot")
        verbose_name_plural = _("funnel snapshots")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=True) ^ Q(org_unit__isnull=True),
                                   name="funnelsnapshot_one_holder"),
            models.UniqueConstraint(fields=["date", "user", "stage"], condition=Q(user__isnull=False),
                                    name="funnelsnapshot_once_per_person"),
            models.UniqueConstraint(fields=["date", "org_unit", "stage"], condition=Q(org_unit__isnull=False),
                                    name="funnelsnapshot_once_per_unit"),
        ]
        indexes = [
            models.Index(fields=["user", "date"], name="funnelsnapshot_person"),
            models.Index(fields=["org_unit", "date"], name="funnelsnapshot_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.user_id or self.org_unit_id} {self.stage_id}: {self.count}"


class ClosedSnapshot(models.Model):
    """One day's won or lost of one org unit (everyone in its subtree): the opportunities closed from `days` days
    before that day to that day (both included) and still closed when the snapshot was taken. A large unit's
    funnel page shows them with its other figures from the day's snapshot; a person's, and a small unit's, are
    counted live."""

    date = models.DateField(_("date"))
    org_unit = models.ForeignKey("teams.OrgUnit", verbose_name=_("org unit"), on_delete=models.CASCADE,
                                 related_name="+")
    outcome = models.CharField(_("outcome"), max_length=8,
                               choices=[(StageOutcome.WON, StageOutcome.WON.label),
                                        (StageOutcome.LOST, StageOutcome.LOST.label)])
    days = models.PositiveSmallIntegerField(_("days"))
    count = models.PositiveIntegerField(_("count"), default=0)
    amount = models.DecimalField(_("amount"), default=Decimal("0.00"), **MONEY)

    class Meta:
        verbose_name = _("closed snapshot")
        verbose_name_plural = _("closed snapshots")
        ordering = ["date", "org_unit", "outcome"]
        constraints = [
            models.UniqueConstraint(fields=["date", "org_unit", "days", "outcome"], name="closedsnapshot_once"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.org_unit_id} {self.outcome} ({self.days} days): {self.count}"


class SnapshotRun(models.Model):
    """The daily job's mark for a date: taken once a day; a second run of the same day rewrites nothing."""

    date = models.DateField(_("date"), unique=True)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    taken_at = models.DateTimeField(
        _("figures as of"), null=True, blank=True,
        help_text=_("When the opportunities were read; the funnel page of a large unit shows the figures as of then."))
    rows = models.PositiveIntegerField(_("rows"), default=0)

    class Meta:
        verbose_name = _("snapshot run")
        verbose_name_plural = _("snapshot runs")
        ordering = ["-date"]

    def __str__(self) -> str:
        return str(self.date)


class BaselineSource(models.TextChoices):
    HISTORY = "history", _("History")
    MANUAL = "manual", _("Manual")


class BaselineQuerySet(models.QuerySet):
    def visible_to(self, user) -> BaselineQuerySet:
        """Baselines of oneself, of the people below and of the units one manages (and below);
        administrators see all."""
        if not signed_in(user):
            return self.none()
        if user.is_admin:
            return self.all()
        return self.filter(Q(user__in=user.subordinate_ids(include_self=True)) | Q(org_unit__in=managed_unit_ids(user)))


class Baseline(models.Model):
    """The expected count and amount of one stage for a person or unit (历史经验数据 / 基准).

    `history` rows are recomputed by the daily job from the snapshots; a `manual` row, set by an
    administrator or a manager above, overrides the history for each value it gives.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="+")
    org_unit = models.ForeignKey("teams.OrgUnit", verbose_name=_("org unit"), null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+")
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="baselines")
    source = models.CharField(_("source"), max_length=10, choices=BaselineSource.choices)
    expected_count = models.DecimalField(_("expected count"), max_digits=12, decimal_places=2, null=True, blank=True)
    expected_amount = models.DecimalField(_("expected amount"), null=True, blank=True, **MONEY)
    lookback = models.CharField(_("look-back used"), max_length=200, blank=True)
    sample_days = models.PositiveSmallIntegerField(_("days sampled"), default=0)
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("set by"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    objects = BaselineQuerySet.as_manager()

    class Meta:
        verbose_name = _("baseline")
        verbose_name_plural = _("baselines")
        ordering = ["stage__order", "source", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(user__isnull=True) ^ Q(org_unit__isnull=True),
                                   name="baseline_one_holder"),
            models.UniqueConstraint(fields=["user", "stage", "source"], condition=Q(user__isnull=False),
                                    name="baseline_once_per_person"),
            models.UniqueConstraint(fields=["org_unit", "stage", "source"], condition=Q(org_unit__isnull=False),
                                    name="baseline_once_per_unit"),
            models.CheckConstraint(condition=Q(expected_count__isnull=True) | Q(expected_count__gte=0),
                                   name="baseline_count_not_negative"),
            models.CheckConstraint(condition=Q(expected_amount__isnull=True) | Q(expected_amount__gte=0),
                                   name="baseline_amount_not_negative"),
            models.CheckConstraint(condition=Q(expected_count__isnull=False) | Q(expected_amount__isnull=False),
                                   name="baseline_has_a_value"),
        ]

    def __str__(self) -> str:
        return f"{self.user or self.org_unit} · {self.stage.code} ({self.source})"

    @property
    def holder(self):
        return self.user if self.user_id else self.org_unit
