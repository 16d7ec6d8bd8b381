"""The learned win probability: it finds the answer that decides, beats the stage probabilities on held-out
deals, falls back to them without history, and the nightly job is idempotent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from crm.stored_text import render
from insights.models import FallbackReason, Prediction, PredictionSource, WinModel
from insights.services import win_model_train
from insights.tasks import win_model_train as nightly
from tests.insights.conftest import make_deals


def test_one_question_decides_it_is_the_top_factor_and_beats_the_stages(history):
    version = win_model_train()
    assert version.source == PredictionSource.MODEL
    assert version.trained_on == 200
    assert version.brier_model < version.brier_stage / 2
    assert version.holdout_deals > 0 and version.calibration
    for deal, answers in history["open"]:
        prediction = Prediction.objects.get(opportunity=deal)
        assert prediction.source == PredictionSource.MODEL
        assert len(prediction.factors) == 3
        with translation.override("en"):
            top = render(prediction.factors[0]["label"])
        assert "(Q7)" in top
        if answers["q7"]:
            assert prediction.probability > Decimal("0.8")
            assert prediction.factors[0]["effect"] > 0
            assert "yes" in top
        else:
            assert prediction.probability < Decimal("0.2")
            assert prediction.factors[0]["effect"] < 0
        with translation.override("zh-hans"):
            assert "解决方案的好坏" in render(prediction.factors[0]["label"])


def test_without_history_the_stage_probability_applies(db, owner):
    current = make_deals(owner, count=3, outcome="open", open_stage="05")
    make_deals(owner, count=30, seed=3)  # fewer than 50 closed deals
    version = win_model_train()
    assert version.source == PredictionSource.STAGE
    assert version.fallback_reason == FallbackReason.TOO_FEW
    for deal, _answers in current:
        prediction = Prediction.objects.get(opportunity=deal)
        assert prediction.source == PredictionSource.STAGE
        assert prediction.probability == Decimal(deal.stage.probability) / 100
        assert prediction.factors == []


def test_a_model_no_better_than_the_stages_is_not_shown(db, owner):
    # One deal in ten won, whatever its answers: the rate of stage 01 (10%), where these deals start (they have no
    # stage history), is already the best guess; a model can only add noise.
    from opportunities.models import Opportunity, Stage

    deals = make_deals(owner, count=150, seed=5)
    won, lost = Stage.objects.get(code="08", outcome="won"), Stage.objects.get(code="08", outcome="lost")
    for number, (deal, _answers) in enumerate(deals):
        Opportunity.objects.filter(pk=deal.pk).update(stage=won if number % 10 == 0 else lost)
    current = make_deals(owner, count=2, outcome="open", seed=6)
    version = win_model_train()
    assert version.brier_model is not None and version.brier_model >= version.brier_stage
    assert version.source == PredictionSource.STAGE and version.fallback_reason == FallbackReason.WORSE
    assert {p.source for p in Prediction.objects.filter(opportunity__in=[d for d, _a in current])} == {"stage"}


def test_the_nightly_job_is_idempotent(history):
    first = nightly()
    predictions = dict(Prediction.objects.values_list("opportunity_id", "probability"))
    second = nightly()
    assert WinModel.objects.count() == 1
    assert first["day"] == second["day"] and second["scored"] == 20
    assert dict(Prediction.objects.values_list("opportunity_id", "probability")) == predictions


def test_an_account_manager_cannot_train(db, owner, admin_user):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        win_model_train(by=owner)
    assert win_model_train(by=admin_user).pk


def test_train_now_while_a_training_waits_or_runs_is_refused(db, admin_user, django_capture_on_commit_callbacks):
    # Two "train now" presses (or one during the night's run) made two trainings race to replace the same rows.
    from crm.errors import ConflictError
    from crm.models import Job, JobState
    from insights.services import win_model_train_start

    with django_capture_on_commit_callbacks(execute=False):
        job = win_model_train_start(by=admin_user)
    with pytest.raises(ConflictError):
        win_model_train_start(by=admin_user)
    Job.objects.filter(pk=job.pk).update(state=JobState.DONE)
    with django_capture_on_commit_callbacks(execute=False):
        assert win_model_train_start(by=admin_user).pk != job.pk
