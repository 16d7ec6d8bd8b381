"""Pages of insights: the calibration page (administrators and managers), "train now" (administrators), and the
opportunity page's prediction part (loaded by hx-get; 404 for whoever may not see the opportunity)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from crm.errors import DomainError, refusal_message
from crm.params import parse_id
from insights import selectors, services


@login_required
@require_GET
def calibration(request):
    """Predicted vs actual win rate by decile on the held-out quarter, the Brier scores against the stage
    probabilities, how many deals the model learned from, and whether its probabilities are shown."""
    context = selectors.calibration(viewer=request.user)
    return render(request, "insights/calibration.html", context)


@login_required
@require_POST
def train_now(request):
    """An administrator trains the model now: a job, whose page follows it."""
    try:
        job = services.win_model_train_start(by=request.user)
    except (DomainError, PermissionDenied) as error:
        messages.error(request, refusal_message(error))
        return redirect("insights:calibration")
    messages.success(request, _("The training runs in the background."))
    return redirect(job.get_absolute_url())


@login_required
@require_GET
def prediction_part(request, pk):
    """The opportunity page's prediction with its three factors."""
    prediction = selectors.prediction_get(viewer=request.user, pk=parse_id(pk) or 0)
    factors = [{"label": factor.label, "effect": factor.effect,
                "points": f"{factor.effect:+.0f}" if abs(factor.effect) >= 0.5 else f"{factor.effect:+.1f}"}
               for factor in prediction.factors]
    return render(request, "insights/_prediction.html", {
        "prediction": prediction, "factors": factors, "percent": round(prediction.probability * 100),
        "stage_percent": round(prediction.stage_probability * 100)})
