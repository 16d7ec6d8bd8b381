"""The funnel's API endpoints (mounted under /api/v1/ by crm/urls.py)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from funnel import api

router = SimpleRouter()
router.register("stages", api.StageViewSet, basename="stage")
router.register("funnel/baselines", api.BaselineViewSet, basename="funnel-baseline")

urlpatterns = [
    # The opportunities router lives in the opportunities app; the move is the funnel's.
    path("opportunities/<int:pk>/move/", api.OpportunityMoveView.as_view(), name="opportunity-move"),
    path("opportunities/<int:pk>/stage-changes/", api.StageChangeListView.as_view(), name="opportunity-stage-changes"),
    path("opportunities/<int:pk>/stage-tasks/", api.StageTasksView.as_view(), name="opportunity-stage-tasks"),
    path("funnel/health/", api.HealthView.as_view(), name="funnel-health"),
    *router.urls,
]
