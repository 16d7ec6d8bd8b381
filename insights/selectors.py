"""Reads of insights shared by its pages, its API, and the lower apps' pages (through the providers registered
in insights/apps.py): one prediction with its factors, the calibration figures, the machine forecast and the
list's column. Everything a person sees goes through `visible_to`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Cast, Coalesce
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from crm.money import ZERO
from crm.stored_text import render
from forecasting.selectors import MachineFigures
from insights.models import Prediction, PredictionSource, WinModel
from opportunities.models import Opportunity, StageOutcome
from teams.models import User

PROBABILITY = DecimalField(max_digits=5, decimal_places=4)


@dataclass
class Factor:
    label: str
    effect: float  # percentage points


@dataclass
class PredictionView:
    opportunity: Opportunity
    probability: float
    source: str
    factors: list[Factor]
    trained_on: int
    stage_probability: float
    model: WinModel | None
    fresh: bool  # scored by the latest training (False: new or changed since, stage probability shown)


def latest_model() -> WinModel | None:
    return WinModel.objects.order_by("-day").first()


def prediction_get(*, viewer: User, pk: int) -> PredictionView:
    """The win probability of one opportunity the viewer may see (404 otherwise): the stored prediction with its
    factors in the reader's language; the stage probability for one not scored yet or closed since."""
    opportunity = get_object_or_404(Opportunity.objects.visible_to(viewer).select_related("stage"), pk=pk)
    stored = Prediction.objects.select_related("model").filter(opportunity=opportunity).first()
    stage_probability = opportunity.stage.probability / 100
    if stored is not None and opportunity.stage.outcome == StageOutcome.OPEN:
        return PredictionView(
            opportunity=opportunity, probability=float(stored.probability), source=stored.source,
            factors=[Factor(label=render(f["label"]), effect=float(f["effect"])) for f in stored.factors],
            trained_on=stored.model.trained_on, stage_probability=float(stored.stage_probability),
            model=stored.model, fresh=True)
    model = latest_model()
    return PredictionView(opportunity=opportunity, probability=stage_probability, source=PredictionSource.STAGE,
                          factors=[], trained_on=model.trained_on if model else 0,
                          stage_probability=stage_probability, model=model, fresh=False)


def calibration(*, viewer: User) -> dict:
    """The latest training's figures for administrators and managers (PermissionDenied for anyone else)."""
    if not getattr(viewer, "is_manager", False):
        raise PermissionDenied(_("The win probability's calibration is for managers and administrators."))
    model = latest_model()
    rows = []
    if model is not None:
        stage_rows = model.calibration_stage or []
        for number, row in enumerate(model.calibration or [], start=1):
            rows.append({"decile": number, **row, "gap": row["actual"] - row["predicted"]})
    else:
        stage_rows = []
    from insights.services import MIN_DEALS, MIN_EACH  # the fallback's thresholds, said on the page as they are

    return {"model": model, "deciles": rows, "stage_deciles": stage_rows, "min_deals": MIN_DEALS,
            "min_each": MIN_EACH, "history": list(WinModel.objects.order_by("-day")[:10])}


# --- The machine forecast (registered with forecasting) -------------------------------------------------------

def _stage_fraction():
    """The opportunity's stage probability as a fraction (30 % → 0.30), in SQL. Times 0.01 rather than divided by
    100: an integer division would make 30 / 100 zero, and SQLite keeps even the cast value an integer."""
    return Cast("stage__probability", DecimalField(max_digits=9, decimal_places=4)) * Value(Decimal("0.01"))


def _weighted_amount():
    """amount × the stored prediction, or × the stage probability for an opportunity not scored yet."""
    probability = Coalesce(F("prediction__probability"), _stage_fraction(), output_field=PROBABILITY)
    return F("amount") * probability


def machine_forecast_by_owner(*, ranges: list[tuple[date, date]], owner_ids: list[int] | None) -> MachineFigures:
    """Per date range, each primary owner's machine forecast: the sum of amount × win probability over their open
    opportunities expected to close in it, plus the deals they already won in it (in full, as a submitted
    forecast counts them), so that it compares with the submitted figure. One query for every range."""
    model = latest_model()
    source = model.source if model is not None else PredictionSource.STAGE
    if not ranges:
        return MachineFigures(source=source, by_owner=[])
    first, last = min(start for start, _end in ranges), max(end for _start, end in ranges)
    opportunities = Opportunity.objects.filter(
        Q(stage__outcome=StageOutcome.OPEN, expected_close_date__range=(first, last))
        | Q(stage__outcome=StageOutcome.WON, closed_on__range=(first, last)))
    if owner_ids is not None:
        opportunities = opportunities.filter(primary_owner_id__in=list(owner_ids))
    weighted = _weighted_amount()
    sums = {f"r{i}": Sum(Case(When(stage__outcome=StageOutcome.OPEN, expected_close_date__range=span, then=weighted),
                              When(stage__outcome=StageOutcome.WON, closed_on__range=span, then=F("amount")),
                              default=Value(ZERO), output_field=DecimalField(max_digits=24, decimal_places=6)))
            for i, span in enumerate(ranges)}
    by_owner: list[dict[int, Decimal]] = [{} for _ in ranges]
    for row in opportunities.order_by().values("primary_owner_id").annotate(**sums):
        for i in range(len(ranges)):
            by_owner[i][row["primary_owner_id"]] = row[f"r{i}"] or ZERO
    return MachineFigures(source=source, by_owner=by_owner)


# --- The opportunity list's column and filter (registered with opportunities) --------------------------------

PREDICTED_MIN_CHOICES = ("90", "70", "50", "30")


def list_annotate(queryset: QuerySet) -> QuerySet:
    """The list's rows with their stored prediction, else the stage probability as the opportunity page shows it
    (a join: no query per row)."""
    return queryset.annotate(
        predicted_probability=Coalesce(F("prediction__probability"), _stage_fraction(), output_field=PROBABILITY),
        predicted_source=Coalesce(F("prediction__source"), Value(PredictionSource.STAGE.value)))


def list_filter(queryset: QuerySet, value: str) -> QuerySet:
    """Rows whose figure in the list's column is at least `value` percent: the learned prediction, else (not
    scored yet, or moved since) the stage probability the column shows in grey."""
    return queryset.filter(Q(prediction__probability__gte=Decimal(value) / 100)
                           | Q(prediction__isnull=True, stage__probability__gte=int(value)))
