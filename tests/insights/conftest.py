"""A synthetic history for the win probability: closed deals whose outcome one scorecard answer decides."""

from __future__ import annotations

import random
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.factories import CustomerFactory, ensure_default_config


def make_deals(owner, *, count: int, outcome=None, decider: str = "q7", seed: int = 1, open_stage: str = "03"):
    """`count` opportunities of `owner` with a scorecard each (random answers). Closed ones (outcome None):
    won exactly when the `decider` question was answered yes, closed over the past year; open ones (outcome
    "open") sit at `open_stage`. Written in bulk, fast. Returns them with their answers."""
    from opportunities.models import (
        Assessment,
        AssessmentAnswer,
        AssessmentQuestion,
        Opportunity,
        OpportunityTeamMember,
        Stage,
    )

    ensure_default_config()
    pick = random.Random(seed)  # noqa: S311
    questions = list(AssessmentQuestion.objects.filter(active=True).order_by("order"))
    won, lost = Stage.objects.get(code="08", outcome="won"), Stage.objects.get(code="08", outcome="lost")
    at = Stage.objects.get(code=open_stage, outcome="open")
    customer = CustomerFactory(owner=owner)
    today = timezone.localdate()
    deals, answer_sets = [], []
    for number in range(count):
        answers = {q.code: pick.random() < 0.5 for q in questions}
        if outcome == "open":
            stage, closed_on = at, None
        else:
            stage, closed_on = (won if answers[decider] else lost), today - timedelta(days=pick.randint(2, 360))
        deals.append(Opportunity(customer=customer, name=f"合成{seed}-{number}", amount=Decimal("100000.00"),
                                 expected_close_date=closed_on or today + timedelta(days=10), closed_on=closed_on,
                                 stage=stage, primary_owner=owner))
        answer_sets.append(answers)
    Opportunity.objects.bulk_create(deals)
    OpportunityTeamMember.objects.bulk_create(
        [OpportunityTeamMember(opportunity=d, user=owner, is_primary=True) for d in deals])
    assessments = [Assessment(opportunity=d, score=sum(a.values()), threshold=10, high_value=False,
                              opportunity_score=0, competitiveness_score=0, winnability_score=0, worth_score=0)
                   for d, a in zip(deals, answer_sets, strict=True)]
    Assessment.objects.bulk_create(assessments)
    AssessmentAnswer.objects.bulk_create([
        AssessmentAnswer(assessment=s, question=q, code=q.code, dimension=q.dimension, text_zh=q.text_zh,
                         text_en=q.text_en, order=q.order, answer=a[q.code])
        for s, a in zip(assessments, answer_sets, strict=True) for q in questions])
    return list(zip(deals, answer_sets, strict=True))


@pytest.fixture
def history(db, owner):
    """200 closed deals decided by Q7, and 20 open ones at stage 03."""
    closed = make_deals(owner, count=200)
    current = make_deals(owner, count=20, outcome="open", seed=2)
    return {"closed": closed, "open": current}
