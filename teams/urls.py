from django.urls import path

from teams import views

app_name = "teams"

urlpatterns = [
    path("org/", views.org_chart, name="org-chart"),
]
