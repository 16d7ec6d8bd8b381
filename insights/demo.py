"""Demo data of insights: a closed history to learn from (about 150 deals won or lost over the past 18 months,
their scorecards leaning with the outcome, their stage paths), then one training so that the pages show real
figures. Idempotent: the history is made once (its deals are named 历史项目…), the training replaces the day's."""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Customer
from funnel.demo import _seed_histories
from insights.services import win_model_train
from opportunities.models import (
    Activity,
    Assessment,
    AssessmentAnswer,
    AssessmentQuestion,
    AssessmentSettings,
    Opportunity,
    OpportunityTeamMember,
    Stage,
    StageOutcome,
)
from teams.models import Role, User

HISTORY_PREFIX = "历史项目"
HISTORY_DEALS = 150
# The questions that decide most (a decision maker on our side, a good solution, strong internal support …):
# a "yes" raises the deal's chance of being won; the others are noise.
STRONG = {"q4": 1.2, "q7": 1.0, "q9": 0.9, "q11": 1.3, "q15": 0.8}


def seed(command, scale: int) -> None:
    say = command.progress if hasattr(command, "progress") else command.stdout.write
    made = _seed_history()
    version = win_model_train()
    say(f"  Insights: {made} closed deals of history added; model {version.get_source_display()} "
        f"({version.trained_on} closed deals, Brier {version.brier_model} vs stages {version.brier_stage})")


def _seed_history() -> int:
    if Opportunity.objects.filter(name__startswith=HISTORY_PREFIX).exists():
        return 0
    stages = list(Stage.objects.order_by("order", "id"))
    won_stage = next((s for s in stages if s.outcome == StageOutcome.WON and s.active), None)
    lost_stage = next((s for s in stages if s.outcome == StageOutcome.LOST and s.active), None)
    questions = list(AssessmentQuestion.objects.filter(active=True).order_by("order"))
    people = list(User.objects.filter(role=Role.ACCOUNT_MANAGER, is_active=True).order_by("username"))
    customers = list(Customer.objects.filter(owner__in=people).order_by("id")[:400])
    if not (won_stage and lost_stage and questions and people and customers):
        return 0
    today = timezone.localdate()
    threshold = AssessmentSettings.load().threshold
    pick = random.Random(18)  # noqa: S311 - demo data, not security
    skill = {p.pk: pick.uniform(-0.6, 0.6) for p in people}
    deals, answer_sets = [], []
    for number in range(HISTORY_DEALS):
        customer = customers[number % len(customers)]
        owner = customer.owner
        answers = {q.code: pick.random() < 0.5 for q in questions}
        lean = sum(weight if answers.get(code) else -weight for code, weight in STRONG.items())
        lean += skill.get(owner.pk, 0) + (0.5 if customer.tier == "key" else 0) + pick.gauss(0, 0.8)
        won = lean > 0.3
        deals.append(Opportunity(
            customer=customer, name=f"{HISTORY_PREFIX}{number + 1:03d}·{customer.name[:20]}",
            amount=Decimal(pick.randrange(80, 3000) * 1000), expected_close_date=today, primary_owner=owner,
            closed_on=today - timedelta(days=pick.randint(3, 540)), stage=won_stage if won else lost_stage,
            confirmed=won, source=customer.source, created_by=owner))
        answer_sets.append(answers)
    for deal in deals:
        deal.expected_close_date = deal.closed_on
    Opportunity.objects.bulk_create(deals)
    OpportunityTeamMember.objects.bulk_create([
        OpportunityTeamMember(opportunity=d, user=d.primary_owner, is_primary=True) for d in deals])
    assessments = []
    for deal, answers in zip(deals, answer_sets, strict=True):
        dims = defaultdict(int)
        for question in questions:
            dims[question.dimension] += answers[question.code]
        score = sum(answers.values())
        deal.assessment_score, deal.high_value = score, score > threshold
        assessments.append(Assessment(
            opportunity=deal, author=deal.primary_owner, score=score, threshold=threshold, high_value=score > threshold,
            opportunity_score=dims["opportunity"], competitiveness_score=dims["competitiveness"],
            winnability_score=dims["winnability"], worth_score=dims["worth"]))
    Assessment.objects.bulk_create(assessments)
    AssessmentAnswer.objects.bulk_create([
        AssessmentAnswer(assessment=assessment, question=question, code=question.code, dimension=question.dimension,
                         text_zh=question.text_zh, text_en=question.text_en, order=question.order,
                         answer=answers[question.code])
        for assessment, answers in zip(assessments, answer_sets, strict=True) for question in questions])
    Opportunity.objects.bulk_update(deals, ["assessment_score", "high_value"])
    # A won deal was worked harder in its last month: a few activities before the close.
    now = timezone.now()
    activities = []
    for deal in deals:
        count = pick.randint(1, 4) if deal.stage_id == won_stage.pk else pick.randint(0, 2)
        for step in range(count):
            due = timezone.make_aware(timezone.datetime.combine(deal.closed_on - timedelta(days=3 + 7 * step),
                                                                timezone.datetime.min.time().replace(hour=10)))
            activities.append(Activity(kind="meeting", subject=f"{deal.name[:40]} 拜访", customer_id=deal.customer_id,
                                       opportunity=deal, owner=deal.primary_owner, due_at=min(due, now),
                                       done_at=min(due, now)))
    Activity.objects.bulk_create(activities)
    _seed_histories(stages)
    return len(deals)
