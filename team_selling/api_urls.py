"""Team selling's API endpoints (mounted under /api/v1/ by crm/urls.py)."""

from rest_framework.routers import SimpleRouter

from team_selling import api

router = SimpleRouter()
router.register("team-plans", api.TeamPlanViewSet, basename="team-plan")
router.register("contact-strategies", api.ContactStrategyViewSet, basename="contact-strategy")
router.register("team-meetings", api.TeamMeetingViewSet, basename="team-meeting")
router.register("key-interactions", api.KeyInteractionViewSet, basename="key-interaction")
urlpatterns = router.urls
