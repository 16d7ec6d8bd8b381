from django.urls import path

from forecasting import views

app_name = "forecasting"

urlpatterns = [
    path("", views.my_forecast, name="my-forecast"),
    path("create/", views.forecast_create, name="forecast-create"),
    path("opportunities/<int:pk>/confirm/", views.opportunity_confirm, name="opportunity-confirm"),
    path("team/", views.team_forecast, name="team-forecast"),
    path("rollup/", views.rollup_run, name="rollup-run"),
    path("records/", views.records, name="records"),
    path("records/<int:pk>/", views.forecast_detail, name="forecast-detail"),
    path("records/<int:pk>/lines/", views.lines_update, name="lines-update"),
    path("records/<int:pk>/<str:action>/", views.forecast_action, name="forecast-action"),
    path("division/", views.division, name="division"),
    path("division/import/", views.channel_import, name="channel-import"),
    path("production-plan/", views.production_plan, name="production-plan"),
]
