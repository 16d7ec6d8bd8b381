"""Training the win probability model and scoring the open opportunities: the nightly job's and the
administrators' "train now" one service.

Rules:
- fewer than MIN_DEALS closed deals, or fewer than MIN_EACH won or lost: the stage probabilities are shown
  (source "stage", reason "too_few");
- both models are fitted on the deals closed before the held-out window (the last quarter) and measured on
  it with the Brier score; the better one is kept, refitted on every closed deal, and scores the open ones;
- a model no better than the stage probabilities on the held-out deals is not shown: the predictions carry
  the stage probability (source "stage", reason "worse"); the calibration page says why;
- one version per day: running again replaces the day's model and every prediction in one transaction;
- time-boxed: past settings.INSIGHTS_TRAIN_SECONDS it stops before writing anything.
"""

from __future__ import annotations

import time as clock
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.errors import ConflictError, DomainError
from crm.jobs import job_progress, job_start
from crm.stored_text import encode
from insights import learning
from insights.factors import factor_text
from insights.features import Deals, Encoder, load_deals, question_codes, stage_paths
from insights.models import FallbackReason, Prediction, PredictionSource, WinModel
from opportunities.models import AssessmentQuestion, Opportunity, Stage, StageOutcome

MIN_DEALS = 50
MIN_EACH = 10
TRAIN_TASK = "insights.tasks.win_model_train"
WRITE_LOCK = 0x1A5167  # the advisory lock two trainings take turns on while they write
HOLDOUT_DAYS = 91           # the last quarter's closed deals are held out
MIN_HOLDOUT_DEALS = 10      # fewer than this in the last quarter: the latest fifth of the deals instead
WRITE_BATCH = 5000


class TrainingTimedOut(DomainError):
    status_code = 503


@dataclass
class Evaluation:
    kind: str
    brier: dict[str, float]
    calibration: list[dict]
    calibration_stage: list[dict]
    holdout_start: date | None
    holdout_end: date | None
    holdout_deals: int


class _Clock:
    def __init__(self, seconds: float) -> None:
        self.started = clock.monotonic()
        self.deadline = self.started + seconds

    def check(self) -> None:
        if clock.monotonic() > self.deadline:
            raise TrainingTimedOut(_("Training took longer than %(seconds)d seconds and was stopped; nothing was "
                                     "changed.") % {"seconds": settings.INSIGHTS_TRAIN_SECONDS})

    @property
    def elapsed(self) -> float:
        return clock.monotonic() - self.started


def win_model_train(*, by=None, now: datetime | None = None) -> WinModel:
    """Learn the win probability from the closed deals and score every open opportunity (see the module's rules).
    `by`: the administrator who asked (None: the nightly job)."""
    if by is not None and not getattr(by, "is_admin", False):
        raise PermissionDenied(_("Only an administrator can train the win probability model."))
    timer = _Clock(settings.INSIGHTS_TRAIN_SECONDS)
    now = now or timezone.now()
    stages = list(Stage.objects.all())
    stage_by_id = {s.pk: s for s in stages}
    open_stages = sorted((s for s in stages if s.outcome == StageOutcome.OPEN), key=lambda s: (s.order, s.pk))
    questions = question_codes()
    closed = load_deals(now=now, closed=True, questions=questions)
    current = load_deals(now=now, closed=False, questions=questions)
    job_progress(1, 4)
    timer.check()
    won = int((closed.outcome == 1).sum())
    lost = len(closed) - won
    stage_probability = np.array([stage_by_id[int(s)].probability / 100 for s in current.stage]) if len(current) \
        else np.zeros(0)
    version = WinModel(day=timezone.localdate(now), trained_at=now, trained_on=len(closed), won=won, lost=lost,
                       source=PredictionSource.STAGE)
    factors: list[list[dict]] = [[] for _ in range(len(current))]
    probability = stage_probability
    if open_stages and len(closed) >= MIN_DEALS and won >= MIN_EACH and lost >= MIN_EACH:
        first_open = open_stages[0].pk
        index, stage, entered, left = stage_paths(closed, first_open)
        version.examples = len(index)
        evaluation = _evaluate(closed, index, stage, entered, left, stages=stages, questions=questions,
                               stage_by_id=stage_by_id, now=now)
        timer.check()
        job_progress(2, 4)
        version.kind = evaluation.kind
        version.other_kind = next(k for k in learning.FITTERS if k != evaluation.kind)
        version.brier_model = evaluation.brier[evaluation.kind]
        version.brier_other = evaluation.brier[version.other_kind]
        version.brier_stage = evaluation.brier["stage"]
        version.calibration, version.calibration_stage = evaluation.calibration, evaluation.calibration_stage
        version.holdout_start, version.holdout_end = evaluation.holdout_start, evaluation.holdout_end
        version.holdout_deals = evaluation.holdout_deals
        if version.brier_model < version.brier_stage:
            encoder = Encoder(stages=stages, questions=questions).fit(closed)
            codes = encoder.encode(closed, index, stage, entered, left, leave_one_out=True)
            fitted = learning.FITTERS[evaluation.kind](codes, closed.outcome[index].astype(np.float64),
                                                       [len(f.values) for f in encoder.features()],
                                                       weight=learning.deal_weights(index))
            timer.check()
            probability, factors = _score(encoder, fitted, current, stage_by_id=stage_by_id)
            version.source = PredictionSource.MODEL
        else:
            version.fallback_reason = FallbackReason.WORSE
    else:
        version.fallback_reason = FallbackReason.TOO_FEW
    timer.check()
    job_progress(3, 4)
    _write(version, current, probability, stage_probability, factors, timer)
    return version


def _evaluate(closed: Deals, index, stage, entered, left, *, stages, questions, stage_by_id, now) -> Evaluation:
    """Fit both kinds on the deals closed before the held-out window, measure them and the stage probabilities
    on the window's deals; the kind with the lower Brier score is kept."""
    closed_on = np.array([(d or timezone.localdate(now)).toordinal() for d in closed.closed_on], dtype=np.int64)
    cutoff = (timezone.localdate(now) - timedelta(days=HOLDOUT_DAYS)).toordinal()
    if int((closed_on >= cutoff).sum()) < MIN_HOLDOUT_DEALS or int((closed_on < cutoff).sum()) < MIN_DEALS // 2:
        cutoff = int(np.sort(closed_on)[int(len(closed_on) * 0.8)])
    held = closed_on >= cutoff
    train_deals = ~held
    train_rows, held_rows = train_deals[index], held[index]
    encoder = Encoder(stages=stages, questions=questions).fit(_subset(closed, train_deals))
    # The owners' records come from the training deals only: a held-out deal's outcome is never seen.
    train_codes = encoder.encode(closed, index[train_rows], stage[train_rows], entered[train_rows],
                                 left[train_rows], leave_one_out=True)
    held_codes = encoder.encode(closed, index[held_rows], stage[held_rows], entered[held_rows], left[held_rows],
                                leave_one_out=False)
    outcome = closed.outcome[index].astype(np.float64)
    sizes = [len(f.values) for f in encoder.features()]
    held_outcome = outcome[held_rows]
    baseline = np.array([stage_by_id[int(s)].probability / 100 for s in stage[held_rows]])
    brier, predicted = {"stage": learning.brier(baseline, held_outcome)}, {}
    for kind, fit in learning.FITTERS.items():
        fitted = fit(train_codes, outcome[train_rows], sizes, weight=learning.deal_weights(index[train_rows]))
        predicted[kind] = fitted.predict(held_codes)
        brier[kind] = learning.brier(predicted[kind], held_outcome)
    kind = min(learning.FITTERS, key=lambda k: brier[k])
    held_dates = closed_on[held]
    return Evaluation(
        kind=kind, brier={k: round(v, 5) for k, v in brier.items()},
        calibration=learning.deciles(predicted[kind], held_outcome),
        calibration_stage=learning.deciles(baseline, held_outcome),
        holdout_start=date.fromordinal(int(held_dates.min())) if len(held_dates) else None,
        holdout_end=date.fromordinal(int(held_dates.max())) if len(held_dates) else None,
        holdout_deals=int(held.sum()),
    )


def _subset(deals: Deals, mask: np.ndarray) -> Deals:
    """The deals where `mask` holds, for fitting the encoder (the arrays it reads)."""
    picked = np.flatnonzero(mask)
    return Deals(ids=deals.ids[picked], outcome=deals.outcome[picked], closed_on=[deals.closed_on[i] for i in picked],
                 created=deals.created[picked], reference=deals.reference[picked], amount=deals.amount[picked],
                 amounts=[deals.amounts[i] for i in picked], owner=deals.owner[picked], stage=deals.stage[picked],
                 entered=deals.entered[picked], tier=[deals.tier[i] for i in picked],
                 industry=[deals.industry[i] for i in picked], source=[deals.source[i] for i in picked],
                 activities=deals.activities[picked], answers=deals.answers[picked],
                 dimensions=deals.dimensions[picked])


def _score(encoder: Encoder, fitted: learning.Fitted, current: Deals, *, stage_by_id) -> tuple[np.ndarray, list]:
    """Each open opportunity's probability and its three factors (labels stored as codes, effects in points)."""
    if not len(current):
        return np.zeros(0), []
    codes = encoder.encode(current, np.arange(len(current)), current.stage, current.entered, current.reference,
                           leave_one_out=False)
    probability, which, effects = learning.top_factors(fitted, codes)
    features = encoder.features()
    questions = {q.code: q for q in AssessmentQuestion.objects.all()}
    labels: dict[tuple[int, int], str] = {}
    factors = []
    for row in range(len(current)):
        listed = []
        for feature, effect in zip(which[row].tolist(), effects[row].tolist(), strict=True):
            value = int(codes[row, feature])
            label = labels.get((feature, value))
            if label is None:
                label = labels[(feature, value)] = encode(
                    factor_text(features[feature], value, stages=stage_by_id, questions=questions))
            listed.append({"label": label, "effect": round(effect, 1)})
        factors.append(listed)
    return probability, factors


def _fraction(value: float, fallback: float = 0.0) -> Decimal:
    """A probability as the column holds it; a value that is not a number (NaN, inf) is `fallback` (the stage's
    probability), never a silent 0% (max(0, nan) is 0)."""
    value = float(value)
    if not np.isfinite(value):
        value = float(fallback)
    return Decimal(f"{min(1.0, max(0.0, value)):.4f}")


def _write(version: WinModel, current: Deals, probability, stage_probability, factors, timer: _Clock) -> None:
    """Replace the day's version and every prediction, in one transaction. Two trainings at once (the night's and
    an administrator's) take turns here, so the second replaces the first's rows instead of failing on them; an
    opportunity deleted while the model learned is not scored."""
    with transaction.atomic():
        if connection.vendor == "postgresql":  # SQLite's IMMEDIATE transactions already write one at a time
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [WRITE_LOCK])
        existing = set(Opportunity.objects.filter(pk__in=[int(pk) for pk in current.ids])
                       .values_list("pk", flat=True)) if len(current) else set()
        WinModel.objects.filter(day=version.day).delete()
        Prediction.objects.all().delete()
        version.scored = len(existing)
        version.save()
        source = version.source
        rows = ((int(current.ids[i]), _fraction(probability[i], stage_probability[i]), _fraction(stage_probability[i]),
                 factors[i] if source == PredictionSource.MODEL else []) for i in range(len(current))
                if int(current.ids[i]) in existing)
        if connection.vendor == "postgresql":
            _copy_predictions(version, rows)
        else:
            batch = []
            for opportunity_id, fraction, stage_fraction, listed in rows:
                batch.append(Prediction(opportunity_id=opportunity_id, model=version, probability=fraction,
                                        stage_probability=stage_fraction, source=source, factors=listed))
                if len(batch) == WRITE_BATCH:
                    Prediction.objects.bulk_create(batch)
                    batch = []
            Prediction.objects.bulk_create(batch)
        version.seconds = round(timer.elapsed, 2)
        WinModel.objects.filter(pk=version.pk).update(seconds=version.seconds)


def _copy_predictions(version: WinModel, rows) -> None:
    """The predictions by COPY (PostgreSQL): at 200,000 open opportunities several times faster than INSERTs."""
    import json

    table = Prediction._meta.db_table
    columns = [Prediction._meta.get_field(name).column
               for name in ("opportunity", "model", "probability", "stage_probability", "source", "factors")]
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for opportunity_id, fraction, stage_fraction, listed in rows:
            copy.write_row((opportunity_id, version.pk, fraction, stage_fraction, version.source,
                            json.dumps(listed, ensure_ascii=False)))


def win_model_train_start(*, by):
    """An administrator's "train now": the training runs as a job; returns the Job row (its page follows it)."""
    if not getattr(by, "is_admin", False):
        raise PermissionDenied(_("Only an administrator can train the win probability model."))
    from crm.models import Job, JobState

    if Job.objects.filter(task=TRAIN_TASK, state__in=[JobState.PENDING, JobState.QUEUED, JobState.RUNNING]).exists():
        raise ConflictError(_("The model is being trained already; its figures appear when it is done."))
    return job_start(TRAIN_TASK, by=by,
                     label=gettext_lazy("Train the win probability model"))

