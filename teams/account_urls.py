"""Pages at the site root that belong to the signed-in person (mounted at / by crm/urls.py)."""

from django.urls import path

from teams import views

urlpatterns = [
    path("language/", views.switch_language, name="switch-language"),
    path("me/", views.my_settings, name="my-settings"),
]
