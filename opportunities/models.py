"""Opportunities (商机): the funnel stages (as data), products, lines, the sales team with one primary
owner, the 20-question assessment, activities and action plans for team selling.

Rules live in opportunities/services.py; reads shared by pages and the API in selectors.py; the stages'
entry requirements in opportunities/stage_requirements.py.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Source
from crm.lookups import AnyOf  # noqa: F401 - registers field__any_of
from crm.request_memo import remembered
from opportunities.stage_requirements import unknown_requirements

MONEY = {"max_digits": 18, "decimal_places": 2}


def default_currency() -> str:
    return settings.DEFAULT_CURRENCY


def weighted_amount(amount: Decimal, probability: int) -> Decimal:
    """An amount weighted by its stage's probability (percent), to the cent."""
    return (amount * probability / Decimal(100)).quantize(Decimal("0.01"))


def in_english() -> bool:
    """Whether the current UI language is English (else Chinese): picks a stage's or question's name."""
    return (get_language() or "").startswith("en")


# --- Stages --------------------------------------------------------------------------------

class StageOutcome(models.TextChoices):
    # "Open" is also a button (打开): the stage outcome is an opportunity still in progress (进行中).
    OPEN = "open", pgettext_lazy("stage outcome", "Open")
    WON = "won", _("Won")
    LOST = "lost", _("Lost")


CHECKLIST_HELP = _("One task per line, shown on the opportunity while it is in this stage.")


class StageQuerySet(models.QuerySet):
    def visible_to(self, user) -> StageQuerySet:
        """The funnel's configuration is known to every signed-in member of the company."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.all()

    def open(self) -> StageQuerySet:
        return self.filter(outcome=StageOutcome.OPEN)

    def resolve(self, code: str, outcome: str | None = None) -> Stage:
        """The stage a move names: `("05")`, or `("08", "won")` / `("08", "lost")` for the close.

        Raises Stage.DoesNotExist for an unknown code, and Stage.MultipleObjectsReturned when the
        code has several outcomes and none was given.
        """
        stages = self.filter(code=code, active=True)
        if outcome:
            stages = stages.filter(outcome=outcome)
        return stages.get()

    def first_open(self) -> Stage | None:
        """Where a new opportunity starts: the first active open stage."""
        return self.open().filter(active=True).order_by("order", "id").first()


def _checklist_items(text: str | None) -> list[str]:
    """A checklist's tasks: one per non-empty line, without list markers."""
    return [line.strip(" \t-•·") for line in (text or "").splitlines() if line.strip(" \t-•·")]


class Stage(models.Model):
    """A stage of the sales funnel with its win probability (percent, 0-100): configuration data that
    every opportunity points to; the funnel app keeps the history of moves between stages.

    Stage 08 of the specification ends the funnel in one of two ways: agreement on all terms
    (won, 100%) or the opportunity lost (0%). It is held as **two rows sharing the code "08"**,
    one with `outcome = won` and one with `outcome = lost`; every other stage has
    `outcome = open`. So an opportunity's stage alone says whether it is open, won or lost
    (a plain foreign key, no second field to keep in step), `stages/` lists `outcome` as the
    contract says, and `POST opportunities/{id}/move/ {"stage": "08", "outcome": "lost"}`
    resolves to exactly one row: `Stage.objects.resolve("08", "lost")`. A code is unique per
    outcome (database constraint).
    """

    code = models.CharField(_("code"), max_length=8)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=60)
    tasks_zh = models.TextField(_("tasks (Chinese)"), blank=True)
    tasks_en = models.TextField(_("tasks (English)"), blank=True)
    checklist_zh = models.TextField(_("task checklist (Chinese)"), blank=True, help_text=CHECKLIST_HELP)
    checklist_en = models.TextField(_("task checklist (English)"), blank=True, help_text=CHECKLIST_HELP)
    tasks_required = models.BooleanField(
        _("tasks required"), default=False,
        help_text=_("An opportunity moves forward out of this stage, or past it, only with every task of its "
                    "checklist ticked off."))
    requirements = models.JSONField(
        _("entry requirements"), default=list, blank=True,
        help_text=_("What must be true before an opportunity moves forward into this stage."),
    )
    stuck_after_days = models.PositiveSmallIntegerField(
        _("stuck after (days)"), null=True, blank=True,
        help_text=_("An opportunity longer than this in the stage is flagged as stuck; empty: never."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("win probability (%)"),
        validators=[MaxValueValidator(100, _("The win probability is a percentage from 0 to 100."))])
    outcome = models.CharField(_("outcome"), max_length=8, choices=StageOutcome.choices, default=StageOutcome.OPEN)
    active = models.BooleanField(_("active"), default=True)
    # The stage once lived in the funnel app: its tables keep their names (migration opportunities 0003).
    history = HistoricalRecords(table_name="funnel_historicalstage")

    objects = StageQuerySet.as_manager()

    class Meta:
        db_table = "funnel_stage"
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["code", "outcome"], name="stage_unique_code_outcome"),
            models.CheckConstraint(condition=Q(probability__lte=100), name="stage_probability_percent",
                                   violation_error_message=_("The win probability is a percentage from 0 to 100.")),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        """The name in the current UI language."""
        return self.name_en if in_english() else self.name_zh

    @property
    def tasks(self) -> str:
        return self.tasks_en if in_english() else self.tasks_zh

    @property
    def is_closed(self) -> bool:
        return self.outcome != StageOutcome.OPEN

    @property
    def checklist(self) -> list[str]:
        """The stage's tasks in the current UI language, one item per non-empty line; the other language's
        list where this one is empty. Both lists hold the same tasks in the same order (`clean`), so a tick
        (kept by position) and the required-task rule mean the same in either language."""
        chinese, english = _checklist_items(self.checklist_zh), _checklist_items(self.checklist_en)
        return (english or chinese) if in_english() else (chinese or english)

    def clean(self) -> None:
        """The stage's rules, in one place for the stage service (funnel.services.stage_save, which the API and
        the admin call) and the admin's form: requirements from the registry, a probability in percent, no
        stuck limit on a closed stage, a code unique per outcome, and a stage that holds opportunities keeps
        its outcome (moving them would bypass the funnel's StageChange history)."""
        if not isinstance(self.requirements, list):
            raise ValidationError({"requirements": _("List the requirement codes.")})
        unknown = unknown_requirements(self.requirements)
        if unknown:
            message = _("Unknown requirement: %(codes)s.") % {"codes": ", ".join(unknown)}
            raise ValidationError({"requirements": message})
        if isinstance(self.probability, int) and not 0 <= self.probability <= 100:
            raise ValidationError({"probability": _("The win probability is a percentage from 0 to 100.")})
        chinese, english = _checklist_items(self.checklist_zh), _checklist_items(self.checklist_en)
        if chinese and english and len(chinese) != len(english):
            raise ValidationError({"checklist_en": _(
                "List the same tasks in both languages, in the same order (the Chinese list has %(count)d).")
                % {"count": len(chinese)}})
        if self.outcome != StageOutcome.OPEN and self.stuck_after_days:
            raise ValidationError({"stuck_after_days": _("A closed stage cannot be stuck; leave it empty.")})
        if Stage.objects.filter(code=self.code, outcome=self.outcome).exclude(pk=self.pk).exists():
            raise ValidationError({"code": _("Another stage has this code and outcome.")})
        if self.pk is not None:
            before = Stage.objects.filter(pk=self.pk).values_list("outcome", flat=True).first()
            if before is not None and before != self.outcome and Opportunity.objects.filter(stage=self).exists():
                raise ValidationError({"outcome": _("Opportunities are in this stage: its outcome cannot change.")})


# --- Products ------------------------------------------------------------------------------

class ProductQuerySet(models.QuerySet):
    def visible_to(self, user) -> ProductQuerySet:
        """The product catalogue is known to every signed-in member of the company."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.all()


class Product(models.Model):
    """Something the company sells; administrators keep the catalogue."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    unit = models.CharField(_("unit"), max_length=20, default="台")
    list_price = models.DecimalField(_("list price"), null=True, blank=True, **MONEY)
    description = models.TextField(_("description"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(list_price__isnull=True) | Q(list_price__gte=0),
                                   name="product_list_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


# --- Opportunities -------------------------------------------------------------------------

class OpportunityQuerySet(models.QuerySet):
    # Above this many sales-team memberships the ids stay a subquery instead of a literal list.
    TEAM_IDS_INLINE_LIMIT = 5000

    def visible_to(self, user, *, by_key: bool = False) -> OpportunityQuerySet:
        """Primary owner in the viewer's subtree (themselves included), or the viewer on the sales
        team; administrators see everything. Everything else is a 404.

        The subtree's ids and the viewer's memberships are read first (two small queries) and
        given to the database as literal lists: both conditions then use their indexes and the
        planner knows how many rows to expect, which a recursive subquery inside an OR hides from
        it (at 300,000 opportunities: milliseconds instead of a scan of every row).

        `by_key=True` is for reads that an indexed key narrows first: one opportunity by its primary key (its
        page, a form posted to it), one customer's (the customer page's tab). The key finds the rows and the
        two conditions, kept as subqueries, are checked on those rows alone, so nothing is read first (one
        query instead of three; the same rows either way). Not for lists of everything the viewer sees.
        """
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        if by_key:
            owners = user.visible_owner_ids()
            if owners is None:
                return self.all()
            return self.filter(Q(primary_owner_id__in=owners) | Q(pk__in=OpportunityTeamMember.objects.filter(
                user=user, is_primary=False).values("opportunity_id")))
        condition = self.visible_condition(user)
        return self.all() if condition is None else self.filter(condition)

    @classmethod
    def visible_condition(cls, user, *, through: str = "") -> Q | None:
        """`visible_to(user)`'s rule as a condition, on the opportunity itself or on the one reached through the
        relation `through` (e.g. "opportunity" from a tender); None: the viewer sees every opportunity. For a
        signed-in, active viewer (`visible_to` checks that first).

        A record that follows its opportunity's visibility filters on the joined opportunity's columns with it,
        rather than by `opportunity__in=visible_to(...)`: the database then checks the few candidate records'
        opportunities by key instead of first listing every opportunity the viewer sees (for the company head,
        296,000 of them, to find a dozen tenders)."""
        # Read once per page view however many parts of the page ask (crm.request_memo).
        owner_ids = user.visible_owner_id_list()
        if owner_ids is None:
            return None
        prefix = f"{through}__" if through else ""

        def memberships():
            return OpportunityTeamMember.objects.filter(user=user, is_primary=False).values_list(
                "opportunity_id", flat=True)

        team_ids = remembered(("opportunity-memberships", user.pk),
                              lambda: list(memberships()[: cls.TEAM_IDS_INLINE_LIMIT + 1]))
        # One array each (crm.lookups), not one placeholder per person or membership.
        condition = Q(**{f"{prefix}primary_owner_id__any_of": owner_ids})
        if len(team_ids) > cls.TEAM_IDS_INLINE_LIMIT:
            condition |= Q(**{f"{prefix}pk__in": memberships()})
        elif team_ids:
            condition |= Q(**{f"{prefix}pk__any_of": team_ids})
        return condition

    def open(self) -> OpportunityQuerySet:
        return self.filter(stage__outcome=StageOutcome.OPEN)

    def won_between(self, start, end) -> OpportunityQuerySet:
        """Won in the period (both days included): at a won stage, dated by the day it was won (`closed_on`),
        never by its expected close date. Quota attainment, bonuses and the forecast's actuals read this."""
        return self.filter(stage__outcome=StageOutcome.WON, closed_on__range=(start, end))

    def closing_between(self, start, end) -> OpportunityQuerySet:
        """The opportunities of a period (both days included): an open one by its expected close date, a won
        or lost one by the day it was closed (`closed_on`)."""
        return self.filter(Q(stage__outcome=StageOutcome.OPEN, expected_close_date__range=(start, end))
                           | Q(stage__outcome__in=[StageOutcome.WON, StageOutcome.LOST], closed_on__range=(start, end)))


class Opportunity(models.Model):
    """A chance to sell to a customer, worked by a sales team with exactly one primary owner.

    `primary_owner` is the canonical owner (NOT NULL: never none); the team row with
    `is_primary = True` mirrors it (a partial unique index: never two), and the services change
    both in one locked transaction. `amount` is the sum of the lines when there are lines.
    `assessment_score` and `high_value` repeat the latest assessment for the list's filter.
    """

    customer = models.ForeignKey("accounts.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="opportunities")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    amount = models.DecimalField(_("amount"), default=Decimal("0.00"), **MONEY)
    currency = models.CharField(_("currency"), max_length=3, default=default_currency)
    expected_close_date = models.DateField(_("expected close date"))
    closed_on = models.DateField(
        _("closed on"), null=True, blank=True,
        help_text=_("The day it was won or lost (set by the move to stage 08, cleared when reopened)."))
    stage = models.ForeignKey(Stage, verbose_name=_("stage"), on_delete=models.PROTECT,
                              related_name="opportunities")
    primary_owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("primary owner"),
                                      on_delete=models.PROTECT, related_name="owned_opportunities")
    confirmed = models.BooleanField(_("confirmed"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.MANUAL)
    competitors = models.JSONField(_("competitors"), default=list, blank=True)
    assessment_score = models.PositiveSmallIntegerField(_("assessment score"), null=True, blank=True)
    high_value = models.BooleanField(_("high value"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["expected_close_date", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="opportunity_amount_not_negative"),
        ]
        indexes = [
            models.Index(fields=["expected_close_date", "id"], name="opportunity_close_date"),
            models.Index(fields=["primary_owner", "expected_close_date"], name="opportunity_owner_close"),
            models.Index(fields=["-updated_at"], name="opportunity_updated"),
            models.Index(fields=["-amount", "id"], name="opportunity_amount"),
            # Closed in a period (the funnel's last 90 days, won for quotas and forecasts): stage, owner and amount
            # come with the date, so the 13,600 of a company's quarter are read from the index alone.
            models.Index(fields=["closed_on"], include=["stage", "primary_owner", "amount"],
                         name="opportunity_closed_on"),
            # The same for a person or a team (the funnel page's won and lost of the last 90 days): their own closes,
            # not the company's 13,600 filtered down to theirs.
            models.Index(fields=["primary_owner", "closed_on"], include=["stage", "amount"],
                         name="opportunity_owner_closed_on"),
            # The customers of a person's opportunities (who sees which customer), read index-only.
            models.Index(fields=["primary_owner", "customer"], name="opportunity_owner_customer"),
            # A person's figures per stage (the workbench's opportunity and funnel cards, the funnel page), read
            # index-only: count, amount and how many are of high value; and the ids of a person's opportunities
            # (the visibility of their tenders and activities) without a heap page each.
            models.Index(fields=["primary_owner", "stage"], include=["amount", "high_value", "id"],
                         name="opportunity_owner_stage"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("opportunities:opportunity-detail", args=[self.pk])

    @property
    def outcome(self) -> str:
        """open, won or lost: what the stage says."""
        return self.stage.outcome

    @property
    def weighted_amount(self) -> Decimal:
        return weighted_amount(self.amount, self.stage.probability)


class OpportunityLine(models.Model):
    """One product line: amount = quantity × unit price × (1 − discount %), to the cent, in Decimal."""

    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE,
                                    related_name="lines")
    product = models.ForeignKey(Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="lines")
    configuration = models.CharField(_("configuration"), max_length=300, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=12, decimal_places=2, default=Decimal("1"))
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    discount = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, default=Decimal("0"))
    amount = models.DecimalField(_("amount"), editable=False, **MONEY)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("opportunity line")
        verbose_name_plural = _("opportunity lines")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="opportunityline_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="opportunityline_price_not_negative"),
            models.CheckConstraint(condition=Q(discount__gte=0) & Q(discount__lte=100),
                                   name="opportunityline_discount_percent"),
        ]

    def __str__(self) -> str:
        return f"{self.product} × {self.quantity}"


class TeamRole(models.TextChoices):
    SALES = "sales", _("Sales")
    PRESALES = "presales", _("Presales")
    SOLUTION = "solution", _("Solution architect")
    SERVICE = "service", _("Service")
    PARTNER_MANAGER = "partner_manager", _("Partner manager")


class OpportunityTeamMember(models.Model):
    """A person on an opportunity's sales team (销售团队), whatever their place in the org chart."""

    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE,
                                    related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.PROTECT,
                             related_name="opportunity_memberships")
    role = models.CharField(_("role"), max_length=20, choices=TeamRole.choices, default=TeamRole.SALES)
    is_primary = models.BooleanField(_("primary owner"), default=False)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("added by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sales team member")
        verbose_name_plural = _("sales team members")
        ordering = ["-is_primary", "added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["opportunity", "user"], name="opportunityteam_once_per_person"),
            # Exactly one primary owner: at most one row here (never two, even under concurrent
            # writes); the NOT NULL Opportunity.primary_owner makes it at least one.
            models.UniqueConstraint(fields=["opportunity"], condition=Q(is_primary=True),
                                    name="opportunityteam_one_primary_owner"),
        ]
        indexes = [
            # The memberships besides the primary owner's, read by every visibility check (index-only).
            models.Index(fields=["user", "opportunity"], condition=Q(is_primary=False),
                         name="opportunityteam_secondary"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class OwnerChange(models.Model):
    """Every change of an opportunity's primary owner: who, when, from whom, to whom, why."""

    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE,
                                    related_name="owner_changes")
    old_owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("from"), on_delete=models.PROTECT,
                                  related_name="+")
    new_owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("to"), on_delete=models.PROTECT,
                                  related_name="+")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("changed by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("changed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("owner change")
        verbose_name_plural = _("owner changes")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.old_owner} → {self.new_owner}"


# --- Assessment (商机价值评估) ----------------------------------------------------------------

class Dimension(models.TextChoices):
    OPPORTUNITY = "opportunity", _("Is there an opportunity?")
    COMPETITIVENESS = "competitiveness", _("Can we compete?")
    WINNABILITY = "winnability", _("Can we win?")
    WORTH = "worth", _("Is it worth winning?")


class AssessmentQuestion(models.Model):
    """One yes/no question of the scorecard; administrators edit the list and its wording."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    text_zh = models.CharField(_("question (Chinese)"), max_length=200)
    text_en = models.CharField(_("question (English)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment question")
        verbose_name_plural = _("assessment questions")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def text(self) -> str:
        return self.text_en if in_english() else self.text_zh


class AssessmentSettings(models.Model):
    """The scorecard's threshold: an opportunity is of high value when its score is above it."""

    threshold = models.PositiveSmallIntegerField(_("high value above"), default=10)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment settings")
        verbose_name_plural = _("assessment settings")

    def __str__(self) -> str:
        return str(_("High value above %(threshold)d") % {"threshold": self.threshold})

    @classmethod
    def load(cls) -> AssessmentSettings:
        return cls.objects.order_by("pk").first() or cls.objects.create()


class AssessmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> AssessmentQuerySet:
        return self.filter(opportunity__in=Opportunity.objects.visible_to(user))


class Assessment(models.Model):
    """One completed scorecard, never rewritten: its score, dimension scores and the threshold used."""

    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE,
                                    related_name="assessments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("assessed by"), null=True,
                               on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("assessed at"), auto_now_add=True, db_index=True)
    score = models.PositiveSmallIntegerField(_("score"))
    threshold = models.PositiveSmallIntegerField(_("threshold"))
    high_value = models.BooleanField(_("high value"))
    opportunity_score = models.PositiveSmallIntegerField(_("opportunity"))
    competitiveness_score = models.PositiveSmallIntegerField(_("competitiveness"))
    winnability_score = models.PositiveSmallIntegerField(_("winnability"))
    worth_score = models.PositiveSmallIntegerField(_("worth"))

    objects = AssessmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.opportunity}: {self.score}"

    @property
    def dimensions(self) -> dict[str, int]:
        return {
            Dimension.OPPORTUNITY.value: self.opportunity_score,
            Dimension.COMPETITIVENESS.value: self.competitiveness_score,
            Dimension.WINNABILITY.value: self.winnability_score,
            Dimension.WORTH.value: self.worth_score,
        }


class AssessmentAnswer(models.Model):
    """One answer, with the question as it was worded when answered (a snapshot)."""

    assessment = models.ForeignKey(Assessment, verbose_name=_("assessment"), on_delete=models.CASCADE,
                                   related_name="answers")
    question = models.ForeignKey(AssessmentQuestion, verbose_name=_("question"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    code = models.CharField(_("code"), max_length=10)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    text_zh = models.CharField(_("question (Chinese)"), max_length=200)
    text_en = models.CharField(_("question (English)"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    answer = models.BooleanField(_("answer"))

    class Meta:
        verbose_name = _("assessment answer")
        verbose_name_plural = _("assessment answers")
        ordering = ["order", "id"]
        constraints = [models.UniqueConstraint(fields=["assessment", "code"], name="assessmentanswer_once")]

    def __str__(self) -> str:
        return f"{self.code}: {self.answer}"

    @property
    def text(self) -> str:
        return self.text_en if in_english() else self.text_zh


# --- Activities and action plans (团队合作销售) ----------------------------------------------

class ActivityKind(models.TextChoices):
    MEETING = "meeting", _("Meeting")
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    SEMINAR = "seminar", _("Seminar")
    DEMO = "demo", _("Demonstration")
    SAMPLE = "sample", _("Sample")
    PROPOSAL = "proposal", _("Proposal")
    INTERACTION = "interaction", _("Interaction note")
    TASK = "task", _("Task")


class ActionPlanQuerySet(models.QuerySet):
    def visible_to(self, user) -> ActionPlanQuerySet:
        return self.filter(opportunity__in=Opportunity.objects.visible_to(user))


class ActionPlan(models.Model):
    """An ordered set of activities for an opportunity, each step assigned to a team member."""

    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), on_delete=models.CASCADE,
                                    related_name="action_plans")
    name = models.CharField(_("name"), max_length=200)
    goal = models.TextField(_("goal"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = ActionPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name


class ActivityQuerySet(models.QuerySet):
    def visible_to(self, user) -> ActivityQuerySet:
        """Owner in the viewer's subtree, the viewer taking part, or an opportunity the viewer sees."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        owners = user.visible_owner_ids()
        if owners is None:
            return self.all()
        participating = Activity.participants.through.objects.filter(user=user).values("activity_id")
        return self.filter(
            Q(owner__in=owners)
            | Q(pk__in=participating)
            | Q(opportunity__in=Opportunity.objects.visible_to(user).values("pk"))
        )


class Activity(models.Model):
    """A piece of team selling: a meeting, call, visit, seminar, demo, sample, proposal, note or task."""

    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices, default=ActivityKind.MEETING)
    subject = models.CharField(_("subject"), max_length=200)
    customer = models.ForeignKey("accounts.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 related_name="activities")
    opportunity = models.ForeignKey(Opportunity, verbose_name=_("opportunity"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="activities")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="activities")
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("colleagues"), blank=True,
                                          related_name="activities_joined")
    contacts = models.ManyToManyField("accounts.Contact", verbose_name=_("customer contacts"), blank=True,
                                      related_name="activities")
    location = models.CharField(_("place"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("due"), db_index=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    plan = models.ForeignKey(ActionPlan, verbose_name=_("action plan"), null=True, blank=True,
                             on_delete=models.CASCADE, related_name="steps")
    sequence = models.PositiveSmallIntegerField(_("step"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "sequence"], condition=Q(plan__isnull=False),
                                    name="activity_one_step_per_position"),
        ]
        indexes = [models.Index(fields=["owner", "due_at"], name="activity_owner_due")]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
