"""REST API of insights: an opportunity's predicted win probability (spec/api.md). Thin: the read is
insights.selectors.prediction_get (404 for whoever may not see the opportunity)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from crm.params import parse_id
from insights import selectors
from insights.models import PredictionSource


class FactorSerializer(serializers.Serializer):
    label = serializers.CharField(help_text="In the caller's language.")
    effect = serializers.FloatField(help_text="Percentage points this factor moved the probability (+ or −).")


class PredictionSerializer(serializers.Serializer):
    probability = serializers.FloatField(min_value=0, max_value=1)
    source = serializers.ChoiceField(choices=PredictionSource.choices,
                                     help_text="`stage` when the history is too small, the model is not better than "
                                               "the stage probabilities, or the opportunity was not scored yet.")
    factors = FactorSerializer(many=True, help_text="The three factors that moved the prediction most.")
    trained_on = serializers.IntegerField(min_value=0, help_text="Closed deals the last training learned from.")


class PredictionView(APIView):
    @extend_schema(responses=PredictionSerializer, operation_id="opportunities_prediction")
    def get(self, request, pk: int):
        """The opportunity's predicted win probability (0–1), learned nightly from the company's closed deals, with
        the three factors that moved it most; the stage probability (`source: stage`) when the history is too
        small. People who cannot see the opportunity get 404."""
        prediction = selectors.prediction_get(viewer=request.user, pk=parse_id(pk) or 0)
        return Response(PredictionSerializer({
            "probability": round(prediction.probability, 4), "source": prediction.source,
            "factors": [{"label": f.label, "effect": f.effect} for f in prediction.factors],
            "trained_on": prediction.trained_on,
        }).data)
