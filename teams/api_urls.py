"""The sales organisation's API endpoints (mounted under /api/v1/ by crm/urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from teams import api

router = SimpleRouter()
router.register("users", api.UserViewSet, basename="user")
router.register("org-units", api.OrgUnitViewSet, basename="org-unit")
router.register("territories", api.TerritoryViewSet, basename="territory")
router.register("assignment-rules", api.AssignmentRuleViewSet, basename="assignment-rule")

urlpatterns = [
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    *router.urls,
]
