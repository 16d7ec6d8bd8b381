"""Pages of the sales organisation, under /teams/: the org chart and notifications."""

from django.urls import path

from teams import views

app_name = "teams"

urlpatterns = [
    path("org/", views.org_chart, name="org-chart"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notification_mark_read, name="notifications-read"),
]
