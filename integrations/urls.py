"""Pages of the integrations (mounted at / by crm/urls.py)."""

from django.urls import path

from integrations import views

app_name = "integrations"

urlpatterns = [
    path("calendar/<str:token>.ics", views.calendar_feed_view, name="calendar-feed"),
    path("me/calendar/regenerate/", views.calendar_feed_regenerate, name="calendar-regenerate"),
    path("me/chat-accounts/", views.chat_identity_save, name="chat-accounts"),
]
