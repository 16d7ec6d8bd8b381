"""The learned win probability (insights): one trained model version per day and one prediction per open
opportunity, both written by the nightly job (or an administrator's "train now") in one transaction.

Pages never compute a probability per row: the opportunity list joins `Prediction`, the forecast pages sum
`amount × probability` in the database (insights/selectors.py).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from opportunities.models import Opportunity


class PredictionSource(models.TextChoices):
    MODEL = "model", _("Learned from past deals")
    STAGE = "stage", _("Stage probability")


class ModelKind(models.TextChoices):
    NAIVE_BAYES = "naive_bayes", _("Naive Bayes")
    LOGISTIC = "logistic", _("Logistic regression")


class FallbackReason(models.TextChoices):
    NONE = "", _("None")
    TOO_FEW = "too_few", _("Too few closed deals to learn from")
    WORSE = "worse", _("Not better than the stage probabilities on the held-out deals")


class WinModel(models.Model):
    """One training run: what it learned from, how it did on the held-out quarter against the stage
    probabilities, and whether its probabilities are the ones people see (`source`). One row per day: running
    the job again the same day replaces that day's row and its predictions; earlier days' rows are kept."""

    day = models.DateField(_("day"), unique=True)
    trained_at = models.DateTimeField(_("trained at"))
    kind = models.CharField(_("model"), max_length=20, choices=ModelKind.choices, blank=True)
    source = models.CharField(_("probabilities shown"), max_length=8, choices=PredictionSource.choices)
    fallback_reason = models.CharField(_("why the stage probabilities are shown"), max_length=10,
                                       choices=FallbackReason.choices, blank=True)
    trained_on = models.PositiveIntegerField(_("closed deals learned from"), default=0)
    won = models.PositiveIntegerField(_("won"), default=0)
    lost = models.PositiveIntegerField(_("lost"), default=0)
    examples = models.PositiveIntegerField(_("examples (deal × stage passed)"), default=0)
    holdout_start = models.DateField(_("held-out deals closed from"), null=True, blank=True)
    holdout_end = models.DateField(_("held-out deals closed until"), null=True, blank=True)
    holdout_deals = models.PositiveIntegerField(_("held-out deals"), default=0)
    brier_model = models.FloatField(_("Brier score of the model"), null=True, blank=True)
    brier_stage = models.FloatField(_("Brier score of the stage probabilities"), null=True, blank=True)
    # Both kinds are measured each night; the other one's figure is kept to show why this kind was kept.
    other_kind = models.CharField(_("other model"), max_length=20, choices=ModelKind.choices, blank=True)
    brier_other = models.FloatField(_("Brier score of the other model"), null=True, blank=True)
    # [{"predicted": mean predicted, "actual": win rate, "count": examples}] per decile of the held-out examples.
    calibration = models.JSONField(_("calibration by decile"), default=list, blank=True)
    calibration_stage = models.JSONField(_("stage calibration by decile"), default=list, blank=True)
    scored = models.PositiveIntegerField(_("open opportunities scored"), default=0)
    seconds = models.FloatField(_("duration (s)"), default=0)

    class Meta:
        verbose_name = _("win probability model")
        verbose_name_plural = _("win probability models")
        ordering = ["-day"]
        constraints = [
            models.CheckConstraint(condition=Q(source__in=["model", "stage"]), name="winmodel_source_known"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.get_source_display()}"

    @property
    def improvement(self) -> float | None:
        """How much lower (better) the model's Brier score is than the stage probabilities', in percent."""
        if self.brier_model is None or not self.brier_stage:
            return None
        return 100 * (self.brier_stage - self.brier_model) / self.brier_stage


class PredictionQuerySet(models.QuerySet):
    def visible_to(self, user) -> PredictionQuerySet:
        """A prediction is seen by whoever sees its opportunity."""
        return self.filter(opportunity__in=Opportunity.objects.visible_to(user).values("pk"))


class Prediction(models.Model):
    """The win probability of one open opportunity as of the last training, with the three factors that
    moved it most. `factors`: [{"label": stored text (crm.stored_text), "effect": percentage points}]."""

    opportunity = models.OneToOneField(Opportunity, verbose_name=_("opportunity"), primary_key=True,
                                       on_delete=models.CASCADE, related_name="prediction")
    model = models.ForeignKey(WinModel, verbose_name=_("model"), on_delete=models.CASCADE,
                              related_name="predictions")
    probability = models.DecimalField(_("win probability"), max_digits=5, decimal_places=4)
    stage_probability = models.DecimalField(_("stage probability"), max_digits=5, decimal_places=4)
    source = models.CharField(_("source"), max_length=8, choices=PredictionSource.choices)
    factors = models.JSONField(_("factors"), default=list, blank=True)

    objects = PredictionQuerySet.as_manager()

    class Meta:
        verbose_name = _("win probability prediction")
        verbose_name_plural = _("win probability predictions")
        constraints = [
            models.CheckConstraint(condition=Q(probability__gte=0) & Q(probability__lte=1),
                                   name="prediction_probability_fraction"),
        ]
        # The list's filter "predicted ≥ 70%" reads the rows above a probability.
        indexes = [models.Index(fields=["probability"], name="prediction_probability")]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.probability}"
