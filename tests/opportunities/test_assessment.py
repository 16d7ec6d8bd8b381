"""The 20-question scorecard: boundaries, dimension sums, history kept as answered."""

import pytest
from django.core.exceptions import ValidationError

from crm.errors import PermissionDenied
from opportunities import services
from opportunities.models import Assessment, AssessmentQuestion, AssessmentSettings

pytestmark = pytest.mark.django_db

CODES = [f"q{n}" for n in range(1, 21)]


def answers(*yes: str) -> dict[str, bool]:
    return {code: code in yes for code in CODES}


def first(count: int) -> dict[str, bool]:
    return answers(*CODES[:count])


def test_ten_yes_is_not_high_value(owner, opportunity):
    assessment = services.opportunity_assess(opportunity=opportunity, answers=first(10), by=owner)
    assert (assessment.score, assessment.high_value) == (10, False)
    opportunity.refresh_from_db()
    assert (opportunity.assessment_score, opportunity.high_value) == (10, False)


def test_eleven_yes_is_high_value(owner, opportunity):
    assessment = services.opportunity_assess(opportunity=opportunity, answers=first(11), by=owner)
    assert (assessment.score, assessment.high_value) == (11, True)
    opportunity.refresh_from_db()
    assert (opportunity.assessment_score, opportunity.high_value) == (11, True)


@pytest.mark.parametrize(("count", "high"), [(0, False), (20, True)])
def test_extremes(owner, opportunity, count, high):
    assert services.opportunity_assess(opportunity=opportunity, answers=first(count), by=owner).high_value is high


def test_dimension_sums(owner, opportunity):
    # 2 of "opportunity", 5 of "competitiveness", 0 of "winnability", 3 of "worth"
    chosen = answers("q1", "q5", "q6", "q7", "q8", "q9", "q10", "q16", "q19", "q20")
    assessment = services.opportunity_assess(opportunity=opportunity, answers=chosen, by=owner)
    assert assessment.dimensions == {"opportunity": 2, "competitiveness": 5, "winnability": 0, "worth": 3}
    assert assessment.score == 10


def test_threshold_is_configurable_and_kept_with_the_assessment(owner, opportunity):
    settings = AssessmentSettings.load()
    settings.threshold = 12
    settings.save()
    assessment = services.opportunity_assess(opportunity=opportunity, answers=first(12), by=owner)
    assert (assessment.high_value, assessment.threshold) == (False, 12)
    assert services.opportunity_assess(opportunity=opportunity, answers=first(13), by=owner).high_value


def test_every_assessment_is_kept_with_author_time_and_answers(owner, manager, opportunity):
    services.opportunity_assess(opportunity=opportunity, answers=first(4), by=owner)
    services.opportunity_assess(opportunity=opportunity, answers=first(15), by=manager)
    history = list(Assessment.objects.filter(opportunity=opportunity).order_by("created_at", "id"))
    assert [(a.score, a.author) for a in history] == [(4, owner), (15, manager)]
    assert history[0].answers.count() == 20
    assert history[0].answers.get(code="q4").answer is True
    assert history[0].answers.get(code="q5").answer is False
    opportunity.refresh_from_db()
    assert opportunity.assessment_score == 15  # the latest


def test_changing_the_questions_never_rewrites_old_assessments(owner, opportunity):
    old = services.opportunity_assess(opportunity=opportunity, answers=first(11), by=owner)
    question = AssessmentQuestion.objects.get(code="q1")
    question.text_zh, question.text_en = "新的措辞", "New wording"
    question.save()
    AssessmentQuestion.objects.filter(code="q20").update(active=False)
    AssessmentQuestion.objects.create(code="q21", dimension="worth", text_zh="新增问题", text_en="New question",
                                      order=21)
    old.refresh_from_db()
    kept = old.answers.get(code="q1")
    assert kept.text_zh == "客户的应用和方案是否明确"
    assert kept.text_en == "Are the customer's application and solution clear?"
    assert old.answers.filter(code="q20").exists() and not old.answers.filter(code="q21").exists()
    assert (old.score, old.high_value) == (11, True)
    # A question deleted outright leaves the old answer in place too.
    AssessmentQuestion.objects.filter(code="q2").delete()
    assert old.answers.get(code="q2").text_zh == "是否知道客户的营业利润"
    # The next assessment asks the questions as they are now.
    new_answers = {**{c: True for c in CODES if c not in ("q2", "q20")}, "q21": False}
    new = services.opportunity_assess(opportunity=opportunity, answers=new_answers, by=owner)
    assert new.answers.get(code="q1").text_zh == "新的措辞"
    assert sorted(new.answers.values_list("code", flat=True)) == sorted([*set(CODES) - {"q2", "q20"}, "q21"])


def test_missing_and_unknown_answers_name_the_questions(owner, opportunity):
    given = first(20)
    del given["q3"]
    given["q99"] = True
    given["q7"] = "yes"
    with pytest.raises(ValidationError) as error:
        services.opportunity_assess(opportunity=opportunity, answers=given, by=owner)
    messages = " ".join(error.value.message_dict["answers"])
    assert "q3" in messages and "q99" in messages and "q7" in messages
    assert not Assessment.objects.exists()


def test_team_member_assesses_outsider_cannot(presales, outsider, opportunity):
    assert services.opportunity_assess(opportunity=opportunity, answers=first(3), by=presales).score == 3
    with pytest.raises(PermissionDenied):
        services.opportunity_assess(opportunity=opportunity, answers=first(3), by=outsider)
