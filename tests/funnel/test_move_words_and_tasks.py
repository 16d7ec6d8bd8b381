"""Stage moves say which way they went (moved forward / moved back / won / lost / reopened) in the page's
message, the opportunity's history and the owner's notification, in both languages; a stage's required
checklist tasks are never left open (nor skipped)."""

import pytest
from django.urls import reverse
from django.utils import translation

from crm.errors import DomainError
from crm.stored_text import render
from funnel import services
from funnel.models import StageChange, StageTaskDone
from opportunities.models import Opportunity, Stage
from teams.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_requirements(db):
    Stage.objects.update(requirements=[])


def move(opportunity, code, by, **kwargs):
    kwargs.setdefault("skip_open_tasks", True)  # the checklists are not what these tests are about
    return services.opportunity_move(opportunity=opportunity, stage_code=code, by=by, **kwargs)


def notes(opportunity):
    """The history notes as the reader sees them (stored as codes, rendered in the active language)."""
    return [render(note) for note in Opportunity.history.filter(id=opportunity.pk).exclude(
        history_change_reason=None).order_by("history_date").values_list("history_change_reason", flat=True)]


def test_the_words_say_which_way_the_move_went(owner, manager, opportunity):
    with translation.override("en"):
        move(opportunity, "02", manager)
        move(opportunity, "01", manager)
        move(opportunity, "08", manager, outcome="lost", loss_reason="价格")
        move(opportunity, "03", manager)
        move(opportunity, "08", manager, outcome="won")
        summaries = [change.summary() for change in StageChange.objects.order_by("changed_at", "id")]
        messages = [note.text for note in Notification.objects.filter(recipient=owner).order_by("id")]
        english_notes = notes(opportunity)[-5:]
    assert summaries[0].startswith("Moved forward to stage 02")
    assert summaries[1].startswith("Moved back to stage 01")
    assert summaries[2].startswith("Lost: the opportunity is closed at stage 08")
    assert summaries[3].startswith("Reopened at stage 03")
    assert summaries[4].startswith("Won: the opportunity is closed at stage 08")
    assert english_notes == ["Moved forward: stage 01 → 02", "Moved back: stage 02 → 01",
                                       "Lost: stage 01 → 08", "Reopened: stage 08 → 03", "Won: stage 03 → 08"]
    assert "moved 华远二期产线改造 back to stage 01" in messages[1]
    assert "closed 华远二期产线改造 as lost" in messages[2]
    assert not any("advanced" in text for text in summaries + messages)


def test_the_words_are_translated(owner, manager, opportunity):
    with translation.override("zh-hans"):
        move(opportunity, "02", manager)
        move(opportunity, "01", manager)
        back = StageChange.objects.order_by("changed_at", "id").last().summary()
    assert back.startswith("退回到阶段 01")
    assert notes(opportunity)[-1].startswith("退回")
    assert "推进" not in back


def test_a_won_or_lost_move_reads_as_a_deal_not_a_tender(owner, manager, opportunity):
    """"Won"/"lost" of a stage move is 赢单/丢单; 中标/未中标 is a tender's outcome."""
    from django.utils.translation import pgettext

    with translation.override("zh-hans"):
        assert (pgettext("stage move", "Won"), pgettext("stage move", "Lost")) == ("赢单", "丢单")
        assert (pgettext("bid status", "Won"), pgettext("bid status", "Lost")) == ("中标", "未中标")


def test_the_page_says_lost_not_advanced(client, owner, opportunity):
    client.force_login(owner)
    response = client.post(reverse("funnel:opportunity-move", args=[opportunity.pk]),
                           {"stage": "08", "outcome": "lost", "loss_reason": "价格", "next": "/"},
                           HTTP_HX_REQUEST="true")
    text = response.content.decode()
    assert "丢单:商机已在阶段 08" in text and "推进" not in text  # it said "advanced to stage 08 lost"


def test_required_tasks_refuse_the_move_with_the_list(owner, opportunity):
    stage_01 = Stage.objects.get(code="01")
    Stage.objects.filter(code="01").update(tasks_required=True)
    with translation.override("en"):
        tasks = Stage.objects.get(code="01").checklist
        with pytest.raises(DomainError) as refused:
            move(opportunity, "02", owner)
        assert "required tasks are open" in refused.value.message
        assert all(f"01 {task}" in refused.value.message for task in tasks)
        for position, task in enumerate(tasks):
            StageTaskDone.objects.create(opportunity=opportunity, stage=stage_01, position=position, task=task)
        assert move(opportunity, "02", owner).stage.code == "02"
    # A stage with required tasks is never skipped either.
    Stage.objects.filter(code="03").update(tasks_required=True)
    with pytest.raises(DomainError, match="03"):
        move(opportunity, "04", owner)


def test_skipping_a_stage_with_open_tasks_asks_first(owner, manager, opportunity):
    """The person is asked (with the list) before a move that skips a stage leaves tasks open; the next stage
    with the current stage's tasks unticked is not a skip; the system's own moves are not asked."""
    with translation.override("en"):
        with pytest.raises(services.OpenTasksToConfirm) as asked:
            move(opportunity, "04", owner, skip_open_tasks=False)
        assert {task.stage.code for task in asked.value.tasks} == {"01", "02", "03"}
        assert "skips a stage" in asked.value.message and asked.value.field == "skip_open_tasks"
        assert Opportunity.objects.get(pk=opportunity.pk).stage.code == "01"
        assert move(opportunity, "02", owner, skip_open_tasks=False).stage.code == "02"
        assert move(opportunity, "04", owner, skip_open_tasks=True).stage.code == "04"
        assert move(opportunity, "06", None, skip_open_tasks=False).stage.code == "06"


def test_the_move_page_asks_before_skipping_and_moves_once_confirmed(client, owner, opportunity):
    client.force_login(owner)
    url = reverse("funnel:opportunity-move", args=[opportunity.pk])
    asked = client.post(url, {"stage": "03", "next": "/"}, HTTP_ACCEPT_LANGUAGE="en")
    text = asked.content.decode()
    assert asked.status_code == 200 and 'data-testid="move-confirm"' in text
    assert Stage.objects.get(code="02").checklist[0] in text and 'name="skip_open_tasks"' in text
    assert Opportunity.objects.get(pk=opportunity.pk).stage.code == "01"
    moved = client.post(url, {"stage": "03", "skip_open_tasks": "1", "form": "page", "next": "/"})
    assert moved.status_code == 302 and Opportunity.objects.get(pk=opportunity.pk).stage.code == "03"


def test_the_api_refuses_a_skip_over_open_tasks_unless_told(api_as, owner, opportunity):
    url = reverse("v1:opportunity-move", args=[opportunity.pk])
    refused = api_as(owner).post(url, {"stage": "03"}, format="json")
    assert refused.status_code == 400 and list(refused.json()) == ["skip_open_tasks"]
    assert api_as(owner).post(url, {"stage": "03", "skip_open_tasks": True}, format="json").status_code == 200


def test_required_tasks_mean_the_same_in_either_language(owner, opportunity):
    """A checklist written in one language only is the checklist in both (ticks are kept by position), and the
    two lists must hold as many tasks: otherwise the move would be refused in Chinese and allowed in English."""
    from django.core.exceptions import ValidationError

    Stage.objects.filter(code="01").update(tasks_required=True, checklist_zh="甲\n乙", checklist_en="")
    for language in ("zh-hans", "en"):
        with translation.override(language), pytest.raises(DomainError, match="甲"):
            move(opportunity, "02", owner)
    stage = Stage.objects.get(code="01")
    stage.checklist_en = "A"
    with pytest.raises(ValidationError) as refused:
        stage.clean()
    assert "checklist_en" in refused.value.message_dict
