from django.urls import path

from insights import api

urlpatterns = [
    path("opportunities/<int:pk>/prediction/", api.PredictionView.as_view(), name="opportunity-prediction"),
]
