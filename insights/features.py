"""What the models learn from, read from the database in a fixed number of queries and turned into categorical
codes (insights/learning.py).

A closed deal gives one example per open stage it passed through (from the funnel's stage history): "at stage
03 for 20 days, then won" and "at stage 05 for 9 days, then won". An open opportunity is scored the same way at
the stage it is in now. So the model answers the question the stage probability answers (what becomes of a
deal at this stage?) with what else is known about the deal.

Features: stage, days in the stage, age, customer tier, industry, source, amount band, activities in the last 30
days (before the close for a closed deal), the owner's past win rate (their other closed deals), the 20 answers
of the latest scorecard and its four dimension scores.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from decimal import Decimal

import numpy as np
from django.db.models import Case, IntegerField, Max, Value, When
from django.utils import timezone

from accounts.models import Source, Tier
from funnel.models import StageChange
from opportunities.models import (
    Activity,
    Assessment,
    AssessmentQuestion,
    Dimension,
    Opportunity,
    Stage,
    StageOutcome,
)

DAY = 86_400.0
AGE_EDGES = [30, 90, 180, 365]
IN_STAGE_EDGES = [14, 30, 60, 120]
ACTIVITY_EDGES = [1, 2, 4]
RATE_EDGES = [0.3, 0.45, 0.6]
DIMENSION_EDGES = [2, 4]
INDUSTRIES_KEPT = 12
ANSWER_VALUES = ["none", "no", "yes"]  # 0: not answered (or not assessed), 1: no, 2: yes
DIMENSIONS = [d.value for d in Dimension]


def band(values: np.ndarray, edges: list[float]) -> np.ndarray:
    """Index of the band each value falls in: 0 below edges[0], …, len(edges) from the last edge up."""
    return np.searchsorted(np.asarray(edges, dtype=np.float64), values, side="right").astype(np.int32)


@dataclass
class Deals:
    """One row per opportunity (closed or open), with what the features need."""

    ids: np.ndarray
    outcome: np.ndarray          # 1 won, 0 lost, -1 open
    closed_on: list              # date or None
    created: np.ndarray          # epoch seconds
    reference: np.ndarray        # close moment (closed) or now (open), epoch seconds
    amount: np.ndarray
    amounts: list[Decimal]
    owner: np.ndarray
    stage: np.ndarray            # current stage id (open) / closing stage id (closed)
    entered: np.ndarray          # when the current stage was entered (open deals)
    tier: list[str]
    industry: list[str]
    source: list[str]
    activities: np.ndarray = field(default=None)
    answers: np.ndarray = field(default=None)     # (n, questions) 0 none / 1 no / 2 yes
    dimensions: np.ndarray = field(default=None)  # (n, 4) score, -1 not assessed

    def __len__(self) -> int:
        return len(self.ids)


def _epoch(moment: datetime | None) -> float:
    return moment.timestamp() if moment is not None else np.nan


def load_deals(*, now: datetime, closed: bool, questions: list[str]) -> Deals:
    """The closed (won or lost) or the open opportunities, with their activities and latest assessment."""
    outcomes = [StageOutcome.WON, StageOutcome.LOST] if closed else [StageOutcome.OPEN]
    stage_outcome = dict(Stage.objects.values_list("pk", "outcome"))
    stage_ids = [pk for pk, outcome in stage_outcome.items() if outcome in outcomes]
    fields = ["pk", "stage_id", "closed_on", "created_at", "amount", "source", "customer__tier",
              "customer__industry", "primary_owner_id"]
    if not closed:
        fields.append("stage_entry__entered_at")
    rows = list(Opportunity.objects.filter(stage_id__in=stage_ids).order_by("pk").values_list(*fields))
    n = len(rows)
    zone = timezone.get_current_timezone()
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    stage = np.fromiter((r[1] for r in rows), dtype=np.int64, count=n)
    outcome = np.fromiter(((1 if stage_outcome[r[1]] == StageOutcome.WON else 0) if closed else -1 for r in rows),
                          dtype=np.int8, count=n)
    created = np.fromiter((_epoch(r[3]) for r in rows), dtype=np.float64, count=n)
    if closed:
        # A deal closed on a day ends that day (its closing move may be dated any time in it).
        reference = np.fromiter(
            (_epoch(timezone.make_aware(datetime.combine(r[2], time.max), zone)) if r[2] else now.timestamp()
             for r in rows), dtype=np.float64, count=n)
        entered = np.full(n, np.nan)
    else:
        reference = np.full(n, now.timestamp())
        entered = np.fromiter((_epoch(r[9]) if r[9] else _epoch(r[3]) for r in rows), dtype=np.float64, count=n)
    deals = Deals(
        ids=ids, outcome=outcome, closed_on=[r[2] for r in rows], created=created, reference=reference,
        amount=np.fromiter((float(r[4]) for r in rows), dtype=np.float64, count=n), amounts=[r[4] for r in rows],
        owner=np.fromiter((r[8] for r in rows), dtype=np.int64, count=n), stage=stage, entered=entered,
        tier=[r[6] or "" for r in rows], industry=[(r[7] or "").strip() for r in rows], source=[r[5] for r in rows],
    )
    deals.activities = _activity_counts(deals, stage_ids)
    deals.answers, deals.dimensions = _assessments(deals, stage_ids, questions)
    return deals


def _activity_counts(deals: Deals, stage_ids: list[int]) -> np.ndarray:
    """Activities of each deal in the 30 days up to its reference moment (one query)."""
    counts = np.zeros(len(deals), dtype=np.int32)
    if not len(deals):
        return counts
    earliest = datetime.fromtimestamp(float(deals.reference.min()) - 30 * DAY, tz=timezone.get_current_timezone())
    position = {int(pk): i for i, pk in enumerate(deals.ids)}
    times: dict[int, list[float]] = defaultdict(list)
    for opportunity_id, due_at in (Activity.objects.filter(opportunity__stage_id__in=stage_ids, due_at__gte=earliest)
                                   .values_list("opportunity_id", "due_at").iterator(chunk_size=20_000)):
        times[opportunity_id].append(due_at.timestamp())
    for opportunity_id, moments in times.items():
        i = position.get(opportunity_id)
        if i is None:
            continue
        end = deals.reference[i]
        counts[i] = sum(1 for moment in moments if end - 30 * DAY <= moment <= end)
    return counts


def _assessments(deals: Deals, stage_ids: list[int], questions: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The latest scorecard of each deal: its answers (0 none, 1 no, 2 yes) and dimension scores (-1 none),
    aggregated per assessment in the database (one query)."""
    answers = np.zeros((len(deals), len(questions)), dtype=np.int8)
    dimensions = np.full((len(deals), len(DIMENSIONS)), -1, dtype=np.int16)
    if not len(deals) or not questions:
        return answers, dimensions
    latest = (Assessment.objects.filter(opportunity__stage_id__in=stage_ids).order_by()
              .values("opportunity_id").annotate(last=Max("id")).values("last"))
    per_code = {
        f"a{index}": Max(Case(When(answers__code=code, answers__answer=True, then=Value(2)),
                              When(answers__code=code, then=Value(1)), default=Value(0), output_field=IntegerField()))
        for index, code in enumerate(questions)
    }
    scores = [f"{dimension}_score" for dimension in DIMENSIONS]
    rows = (Assessment.objects.filter(pk__in=latest).order_by()
            .values("opportunity_id", *scores).annotate(**per_code))
    position = {int(pk): i for i, pk in enumerate(deals.ids)}
    for row in rows.iterator(chunk_size=20_000):
        i = position.get(row["opportunity_id"])
        if i is None:
            continue
        answers[i] = [row[f"a{index}"] or 0 for index in range(len(questions))]
        dimensions[i] = [row[score] for score in scores]
    return answers, dimensions


def stage_paths(deals: Deals, first_open: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The examples of closed deals: (deal index, open stage id, entered, left) for each open stage each deal
    passed through, from the funnel's stage history (one query). A deal without history counts once, at the
    first open stage, from its creation to its close."""
    position = {int(pk): i for i, pk in enumerate(deals.ids)}
    stage_ids = list({int(s) for s in deals.stage})
    deal_index, stage, entered, left = [], [], [], []
    seen, previous = set(), {}
    changes = (StageChange.objects.filter(opportunity__stage_id__in=stage_ids)
               .order_by("opportunity_id", "changed_at", "id")
               .values_list("opportunity_id", "from_stage_id", "from_outcome", "changed_at"))
    for opportunity_id, from_stage, from_outcome, changed_at in changes.iterator(chunk_size=20_000):
        i = position.get(opportunity_id)
        if i is None:
            continue
        moment = changed_at.timestamp()
        start = previous.get(i, deals.created[i])
        previous[i] = moment
        if from_outcome == StageOutcome.OPEN and from_stage is not None and moment <= deals.reference[i]:
            deal_index.append(i)
            stage.append(from_stage)
            entered.append(start)
            left.append(moment)
            seen.add(i)
    for i in range(len(deals)):
        if i not in seen:
            deal_index.append(i)
            stage.append(first_open)
            entered.append(deals.created[i])
            left.append(deals.reference[i])
    return (np.asarray(deal_index, dtype=np.int64), np.asarray(stage, dtype=np.int64),
            np.asarray(entered, dtype=np.float64), np.asarray(left, dtype=np.float64))


@dataclass
class Feature:
    key: str          # "stage", "tier", …, "q:q7", "dim:winnability"
    values: list      # what each value index means (a band's bounds, a stage id, a choice)


class Encoder:
    """Turns deals into categorical codes. Fitted on the training deals: the amount bands (quintiles of their
    amounts), the industries common enough to keep, and the owners' win records."""

    def __init__(self, *, stages: list[Stage], questions: list[str]) -> None:
        self.open_stages = [s.pk for s in stages if s.outcome == StageOutcome.OPEN]
        self.stage_index = {pk: i for i, pk in enumerate(self.open_stages)}
        self.questions = questions
        self.amount_edges: list[float] = []
        self.industries: list[str] = []
        self.owner_record: dict[int, tuple[int, int]] = {}

    def fit(self, deals: Deals) -> Encoder:
        if len(deals):
            edges = np.unique(np.quantile(deals.amount, [0.2, 0.4, 0.6, 0.8]))
            self.amount_edges = [float(_round_figure(edge)) for edge in edges]
        counts = Counter(name for name in deals.industry if name)
        self.industries = [name for name, _count in counts.most_common(INDUSTRIES_KEPT)]
        record: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        for owner, outcome in zip(deals.owner.tolist(), deals.outcome.tolist(), strict=True):
            record[owner][0] += outcome
            record[owner][1] += 1
        self.owner_record = {owner: (won, total) for owner, (won, total) in record.items()}
        return self

    def features(self) -> list[Feature]:
        features = [
            Feature("stage", list(self.open_stages)),
            Feature("in_stage", _bands(IN_STAGE_EDGES)),
            Feature("age", _bands(AGE_EDGES)),
            Feature("tier", ["", *Tier.values]),
            Feature("industry", ["", "other", *self.industries]),
            Feature("source", list(Source.values)),
            Feature("amount", _bands(self.amount_edges)),
            Feature("activities", _bands(ACTIVITY_EDGES)),
            Feature("owner_rate", ["none", *_bands(RATE_EDGES)]),
        ]
        features += [Feature(f"q:{code}", list(ANSWER_VALUES)) for code in self.questions]
        features += [Feature(f"dim:{dimension}", ["none", *_bands(DIMENSION_EDGES)]) for dimension in DIMENSIONS]
        return features

    def encode(self, deals: Deals, index: np.ndarray, stage: np.ndarray, entered: np.ndarray, left: np.ndarray,
               *, leave_one_out: bool) -> np.ndarray:
        """The codes of the examples (deal `index`, at `stage` from `entered` to `left`). With `leave_one_out`
        the owner's win rate leaves the deal's own outcome out (a training deal must not see its answer)."""
        n = len(index)
        features = self.features()
        codes = np.zeros((n, len(features)), dtype=np.int32)
        codes[:, 0] = [self.stage_index.get(int(s), 0) for s in stage]
        codes[:, 1] = band(np.nan_to_num((left - entered) / DAY), IN_STAGE_EDGES)
        codes[:, 2] = band(np.nan_to_num((left - deals.created[index]) / DAY), AGE_EDGES)
        tier_index = {value: i for i, value in enumerate(features[3].values)}
        industry_index = {value: i for i, value in enumerate(features[4].values)}
        source_index = {value: i for i, value in enumerate(features[5].values)}
        per_deal = np.zeros((len(deals), 4), dtype=np.int32)
        per_deal[:, 0] = [tier_index.get(t, 0) for t in deals.tier]
        per_deal[:, 1] = [industry_index.get(name, 1) if name else 0 for name in deals.industry]
        per_deal[:, 2] = [source_index.get(s, 0) for s in deals.source]
        per_deal[:, 3] = self._owner_rates(deals, leave_one_out=leave_one_out)
        codes[:, 3:6] = per_deal[index, :3]
        codes[:, 6] = band(deals.amount[index], self.amount_edges)
        codes[:, 7] = band(deals.activities[index].astype(np.float64), ACTIVITY_EDGES)
        codes[:, 8] = per_deal[index, 3]
        q = len(self.questions)
        codes[:, 9:9 + q] = deals.answers[index]
        dims = deals.dimensions[index].astype(np.float64)
        codes[:, 9 + q:] = np.where(dims < 0, 0, band(dims, DIMENSION_EDGES) + 1)
        return codes

    def _owner_rates(self, deals: Deals, *, leave_one_out: bool) -> list[int]:
        codes = []
        for owner, outcome in zip(deals.owner.tolist(), deals.outcome.tolist(), strict=True):
            won, total = self.owner_record.get(owner, (0, 0))
            if leave_one_out and outcome >= 0:
                won, total = won - outcome, total - 1
            if total <= 0:
                codes.append(0)
            else:
                codes.append(1 + int(band(np.array([(won + 1) / (total + 2)]), RATE_EDGES)[0]))
        return codes


def _bands(edges: list[float]) -> list[tuple]:
    """The (low, high) bounds of each band; None where open-ended."""
    bounds = [None, *edges, None]
    return [(bounds[i], bounds[i + 1]) for i in range(len(edges) + 1)]


def _round_figure(value: float) -> float:
    """Two significant figures: band edges people can read (1,200,000 rather than 1,187,345.5)."""
    if value <= 0:
        return 0.0
    magnitude = 10 ** max(0, int(np.floor(np.log10(value))) - 1)
    return round(value / magnitude) * magnitude


def question_codes() -> list[str]:
    return list(AssessmentQuestion.objects.filter(active=True).order_by("order", "id").values_list("code", flat=True))


def since(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)
