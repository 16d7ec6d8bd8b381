"""The one move service (funnel.services.opportunity_move): requirements, history, permissions, closing
and reopening, and that editing stages later never rewrites the history."""

from decimal import Decimal

import pytest

from crm.errors import DomainError, PermissionDenied
from funnel import services
from funnel.models import StageChange, StageEntry
from opportunities.models import Assessment, Opportunity, Stage
from opportunities.stage_requirements import REQUIREMENTS, Requirement
from teams.models import Notification
from tests.factories import OpportunityFactory, stage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def assess(opportunity, by):
    return Assessment.objects.create(opportunity=opportunity, author=by, score=12, threshold=10, high_value=True,
                                     opportunity_score=3, competitiveness_score=3, winnability_score=3,
                                     worth_score=3)


def test_forward_move_records_the_change_and_the_weighted_amount(owner, opportunity):
    opportunity.amount = Decimal("1000000.00")
    opportunity.save()
    moved = services.opportunity_move(opportunity=opportunity, stage_code="02", by=owner, note="需求已确认")
    assert moved.stage.code == "02"
    assert Opportunity.objects.get(pk=opportunity.pk).stage == stage("02")
    assert moved.weighted_amount == Decimal("200000.00")
    change = StageChange.objects.get(opportunity=opportunity)
    assert (change.from_code, change.to_code, change.direction) == ("01", "02", "forward")
    assert (change.from_probability, change.to_probability) == (10, 20)
    assert (change.weighted_before, change.weighted_after) == (Decimal("100000.00"), Decimal("200000.00"))
    assert change.changed_by == owner and change.note == "需求已确认"
    assert StageEntry.objects.get(opportunity=opportunity).stage == stage("02")


def test_moving_forward_into_04_needs_the_assessment(owner, opportunity):
    services.opportunity_move(opportunity=opportunity, stage_code="03", by=owner, skip_open_tasks=True)
    with pytest.raises(DomainError) as error:
        services.opportunity_move(opportunity=opportunity, stage_code="04", by=owner)
    assert error.value.field == "stage"
    assert "Assess the opportunity" in error.value.message
    assert Opportunity.objects.get(pk=opportunity.pk).stage.code == "03"
    assess(opportunity, owner)
    assert services.opportunity_move(opportunity=opportunity, stage_code="04", by=owner).stage.code == "04"


def test_skipping_a_stage_does_not_skip_its_requirement(owner, opportunity):
    with pytest.raises(DomainError, match="Assess the opportunity"):
        services.opportunity_move(opportunity=opportunity, stage_code="06", by=owner)
    with pytest.raises(DomainError, match="Assess the opportunity"):
        services.opportunity_move(opportunity=opportunity, stage_code="08", outcome="won", by=owner)


def test_moving_without_requirements_skips_stages_freely(owner, opportunity):
    Stage.objects.filter(code="04").update(requirements=[])
    moved = services.opportunity_move(opportunity=opportunity, stage_code="06", by=owner, skip_open_tasks=True)
    assert moved.stage.code == "06"


def test_backwards_is_allowed_recorded_and_unchecked(owner, opportunity):
    assess(opportunity, owner)
    services.opportunity_move(opportunity=opportunity, stage_code="05", by=owner, skip_open_tasks=True)
    Assessment.objects.filter(opportunity=opportunity).delete()  # requirement no longer met
    services.opportunity_move(opportunity=opportunity, stage_code="02", by=owner)
    last = StageChange.objects.filter(opportunity=opportunity).first()
    assert (last.from_code, last.to_code, last.direction) == ("05", "02", "backward")
    assert StageChange.objects.filter(opportunity=opportunity).count() == 2


def test_stage_08_needs_an_outcome(owner, opportunity):
    with pytest.raises(DomainError) as error:
        services.opportunity_move(opportunity=opportunity, stage_code="08", by=owner)
    assert error.value.field == "outcome"
    with pytest.raises(DomainError) as error:
        services.opportunity_move(opportunity=opportunity, stage_code="09", by=owner)
    assert error.value.field == "stage"
    with pytest.raises(DomainError) as error:
        services.opportunity_move(opportunity=opportunity, stage_code="05", outcome="won", by=owner)
    assert error.value.field == "outcome"


def test_lost_needs_a_reason_and_keeps_reason_and_competitor(owner, opportunity):
    with pytest.raises(DomainError) as error:
        services.opportunity_move(opportunity=opportunity, stage_code="08", outcome="lost", by=owner, loss_reason="  ")
    assert error.value.field == "loss_reason"
    moved = services.opportunity_move(opportunity=opportunity, stage_code="08", outcome="lost", by=owner,
                                      loss_reason="价格高于竞争对手", competitor="西门子")
    assert moved.stage.outcome == "lost" and moved.weighted_amount == Decimal("0.00")
    change = StageChange.objects.get(opportunity=opportunity)
    assert (change.to_outcome, change.loss_reason, change.competitor, change.direction) == (
        "lost", "价格高于竞争对手", "西门子", "close")


def test_moving_to_the_current_stage_changes_nothing(owner, opportunity):
    moved = services.opportunity_move(opportunity=opportunity, stage_code="01", by=owner)
    assert moved.stage.code == "01"
    assert not StageChange.objects.exists()


@pytest.mark.parametrize("who", ["owner", "manager", "director", "admin_user"])
def test_owner_superiors_and_admins_may_move(request, opportunity, who):
    person = request.getfixturevalue(who)
    assert services.opportunity_move(opportunity=opportunity, stage_code="02", by=person).stage.code == "02"
    assert StageChange.objects.get(opportunity=opportunity).changed_by == person


@pytest.mark.parametrize("who", ["presales", "teammate", "outsider"])
def test_team_members_peers_and_outsiders_may_not(request, opportunity, who):
    person = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.opportunity_move(opportunity=opportunity, stage_code="02", by=person)
    assert Opportunity.objects.get(pk=opportunity.pk).stage.code == "01"


def test_a_system_move_without_a_person_is_recorded_as_such(opportunity):
    services.opportunity_move(opportunity=opportunity, stage_code="02", by=None, note="tender published")
    assert StageChange.objects.get(opportunity=opportunity).changed_by is None


def test_the_owner_is_told_when_someone_else_moves_it(owner, manager, opportunity):
    services.opportunity_move(opportunity=opportunity, stage_code="02", by=manager)
    assert Notification.objects.filter(recipient=owner, kind="opportunity_stage").count() == 1
    services.opportunity_move(opportunity=opportunity, stage_code="03", by=owner)
    assert Notification.objects.filter(recipient=owner, kind="opportunity_stage").count() == 1


def test_only_a_superior_or_admin_reopens_a_closed_opportunity(owner, manager, admin_user, opportunity):
    services.opportunity_move(opportunity=opportunity, stage_code="08", outcome="lost", by=owner,
                              loss_reason="预算取消")
    with pytest.raises(PermissionDenied):
        services.opportunity_move(opportunity=opportunity, stage_code="03", by=owner)
    with pytest.raises(PermissionDenied):
        services.opportunity_move(opportunity=opportunity, stage_code="08", outcome="won", by=owner)
    reopened = services.opportunity_move(opportunity=opportunity, stage_code="03", by=manager)
    assert reopened.stage.code == "03"
    assert StageChange.objects.filter(opportunity=opportunity).first().direction == "reopen"
    services.opportunity_move(opportunity=opportunity, stage_code="08", outcome="lost", by=owner,
                              loss_reason="再次丢单")
    assert services.opportunity_move(opportunity=opportunity, stage_code="02", by=admin_user).stage.code == "02"


def test_editing_and_deactivating_stages_keeps_the_history(owner, admin_user, opportunity):
    services.opportunity_move(opportunity=opportunity, stage_code="02", by=owner)
    two = stage("02")
    services.stage_save(stage=two, by=admin_user, data={"name_zh": "需求与预算(新)", "name_en": "Renamed",
                                                         "probability": 25})
    change = StageChange.objects.get(opportunity=opportunity)
    assert (change.to_name_zh, change.to_name_en, change.to_probability) == ("确认需求与预算", "Needs and budget", 20)
    # The opportunity follows the stage's new probability; its history does not.
    assert Opportunity.objects.get(pk=opportunity.pk).weighted_amount == Decimal("25000.00")
    with pytest.raises(DomainError):
        services.stage_delete(stage=two, by=admin_user)
    two.active = False
    two.save()
    assert Stage.objects.filter(pk=two.pk).exists()
    # Nobody moves into an inactive stage; what is in it moves out.
    other = OpportunityFactory(primary_owner=owner)
    with pytest.raises(DomainError):
        services.opportunity_move(opportunity=other, stage_code="02", by=owner)
    assert services.opportunity_move(opportunity=opportunity, stage_code="03", by=owner).stage.code == "03"


def test_only_admins_configure_stages(manager, admin_user):
    with pytest.raises(PermissionDenied):
        services.stage_save(stage=stage("05"), by=manager, data={"probability": 55})
    with pytest.raises(DomainError):
        services.stage_save(stage=stage("05"), by=admin_user, data={"requirements": ["nope"]})
    with pytest.raises(DomainError):
        services.stage_save(stage=stage("05"), by=admin_user, data={"probability": 120})
    unused = services.stage_save(stage=Stage(), by=admin_user, data={
        "code": "09", "name_zh": "新阶段", "name_en": "New", "probability": 95, "order": 20,
        "requirements": ["bid_record"]})
    services.stage_delete(stage=unused, by=admin_user)
    assert not Stage.objects.filter(code="09").exists()


def test_a_requirement_registered_by_an_app_above_is_checked(owner, opportunity, monkeypatch):
    """Apps above opportunities register their requirements (bids: "bid_record", from its AppConfig.ready())."""
    Stage.objects.filter(code="04").update(requirements=[])
    Stage.objects.filter(code="05").update(requirements=["bid_record"])
    answer = {"message": "Record the tender first."}
    monkeypatch.setitem(REQUIREMENTS, "bid_record",
                        Requirement(code="bid_record", label="tender record", check=lambda opp: answer["message"]))
    with pytest.raises(DomainError, match=r"Record the tender first\."):
        services.opportunity_move(opportunity=opportunity, stage_code="05", by=owner)
    answer["message"] = None
    moved = services.opportunity_move(opportunity=opportunity, stage_code="05", by=owner, skip_open_tasks=True)
    assert moved.stage.code == "05"


def test_a_requirement_no_longer_registered_is_ignored(owner, opportunity, monkeypatch, caplog):
    Stage.objects.filter(code="04").update(requirements=[])
    Stage.objects.filter(code="05").update(requirements=["retired_check"])
    assert "retired_check" not in REQUIREMENTS
    moved = services.opportunity_move(opportunity=opportunity, stage_code="05", by=owner, skip_open_tasks=True)
    assert moved.stage.code == "05"
    assert "retired_check" in caplog.text
