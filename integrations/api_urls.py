"""The integrations' API endpoints (mounted under /api/v1/ by crm/urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from integrations import api

router = SimpleRouter()
router.register("notification-channels", api.NotificationChannelViewSet, basename="notification-channel")

urlpatterns = [
    path("users/me/calendar-feed/", api.CalendarFeedView.as_view(), name="calendar-feed"),
    *router.urls,
]
