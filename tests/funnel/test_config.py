"""The funnel configuration seeded by migration 0004 and how stages are validated."""

import pytest
from django.core.exceptions import ValidationError

from funnel.models import FunnelSettings
from opportunities.models import Stage
from opportunities.stage_requirements import REQUIREMENTS, requirement_choices

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_default_checklists_in_both_languages_requirement_and_limits():
    stages = {(s.code, s.outcome): s for s in Stage.objects.all()}
    assert len(stages) == 9
    for stage in stages.values():
        assert stage.checklist_zh and stage.checklist_en
        assert len(stage.checklist_zh.splitlines()) == len(stage.checklist_en.splitlines())
    assert stages[("04", "open")].requirements == ["assessment_done"]
    assert [s.requirements for key, s in stages.items() if key != ("04", "open")] == [[]] * 8
    assert stages[("01", "open")].stuck_after_days == 30
    assert stages[("05", "open")].stuck_after_days == 60
    assert stages[("08", "won")].stuck_after_days is None and stages[("08", "lost")].stuck_after_days is None


def test_checklist_follows_the_language():
    from django.utils import translation

    stage = Stage.objects.resolve("04")
    assert stage.checklist[0] == "Complete the opportunity assessment (20 questions)"
    with translation.override("zh-hans"):
        assert stage.checklist[0] == "完成商机价值评估(20 问)"


def test_settings_default_to_four_quarters_and_ninety_days():
    settings = FunnelSettings.load()
    assert (settings.lookback, settings.lookback_quarters, settings.lookback_days) == ("quarters", 4, 90)
    assert (settings.good_from_percent, settings.excellent_above_percent) == (70, 100)


def test_requirement_registry_and_stage_validation():
    assert {"assessment_done", "bid_record"} <= set(REQUIREMENTS)
    assert ("assessment_done", "Opportunity assessment done") in [(c, str(label)) for c, label in
                                                                  requirement_choices()]
    stage = Stage.objects.resolve("05")
    stage.requirements = ["no_such_thing"]
    with pytest.raises(ValidationError) as error:
        stage.full_clean()
    assert "requirements" in error.value.message_dict
    won = Stage.objects.resolve("08", "won")
    won.stuck_after_days = 10
    with pytest.raises(ValidationError):
        won.full_clean()


def test_daily_job_is_scheduled_by_the_migration():
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="funnel.tasks.funnel_daily_snapshot")
    assert task.enabled and task.crontab.hour == "1" and task.crontab.minute == "30"
