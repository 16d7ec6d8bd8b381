from django.urls import path

from insights import views

app_name = "insights"

urlpatterns = [
    path("", views.calibration, name="calibration"),
    path("train/", views.train_now, name="train-now"),
    path("opportunities/<int:pk>/prediction/", views.prediction_part, name="prediction-part"),
]
