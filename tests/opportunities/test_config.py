"""The configuration seeded by data migrations: funnel stages, assessment questions, threshold."""

from decimal import Decimal

import pytest

from opportunities.models import AssessmentQuestion, AssessmentSettings, Opportunity, Stage
from tests.factories import OpportunityFactory

pytestmark = pytest.mark.django_db


def test_eight_default_stages_with_their_probabilities():
    stages = list(Stage.objects.order_by("order").values_list("code", "outcome", "probability"))
    assert stages == [
        ("01", "open", 10), ("02", "open", 20), ("03", "open", 30), ("04", "open", 40), ("05", "open", 50),
        ("06", "open", 70), ("07", "open", 90), ("08", "won", 100), ("08", "lost", 0),
    ]


def test_stage_08_resolves_by_outcome():
    assert Stage.objects.resolve("05").probability == 50
    assert Stage.objects.resolve("08", "won").probability == 100
    assert Stage.objects.resolve("08", "lost").probability == 0
    with pytest.raises(Stage.MultipleObjectsReturned):
        Stage.objects.resolve("08")
    with pytest.raises(Stage.DoesNotExist):
        Stage.objects.resolve("09")
    assert Stage.objects.first_open().code == "01"


def test_stage_code_is_unique_per_outcome():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Stage.objects.create(code="05", outcome="open", name_zh="重复", name_en="Duplicate", probability=50)


def test_stage_name_follows_the_language():
    from django.utils import translation

    stage = Stage.objects.resolve("07")
    with translation.override("en"):
        assert stage.name == "Negotiation"
    with translation.override("zh-hans"):
        assert stage.name == "商务谈判"


def test_twenty_questions_in_four_dimensions_in_chinese_and_english():
    questions = list(AssessmentQuestion.objects.order_by("order"))
    assert [q.code for q in questions] == [f"q{n}" for n in range(1, 21)]
    by_dimension = {}
    for question in questions:
        by_dimension.setdefault(question.dimension, []).append(question.code)
    assert by_dimension == {
        "opportunity": ["q1", "q2", "q3", "q4", "q5"],
        "competitiveness": ["q6", "q7", "q8", "q9", "q10"],
        "winnability": ["q11", "q12", "q13", "q14", "q15"],
        "worth": ["q16", "q17", "q18", "q19", "q20"],
    }
    assert questions[0].text_zh == "客户的应用和方案是否明确"
    assert questions[0].text_en == "Are the customer's application and solution clear?"
    assert questions[19].text_zh == "是否有战略价值"


def test_threshold_defaults_to_ten():
    assert AssessmentSettings.load().threshold == 10


def test_weighted_amount_uses_the_stage_probability(owner):
    opportunity = OpportunityFactory(primary_owner=owner, amount=Decimal("1000000.00"),
                                     stage=Stage.objects.resolve("05"))
    assert opportunity.weighted_amount == Decimal("500000.00")
    assert Opportunity.objects.get(pk=opportunity.pk).outcome == "open"
