from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from crm import views
from teams import api as teams_api
from teams import api_selling as teams_selling_api
from teams import views as teams_views

router = DefaultRouter()
router.register("users", teams_api.UserViewSet, basename="user")
router.register("org-units", teams_api.OrgUnitViewSet, basename="org-unit")
# Sales force planning (teams): quotas, territory plans, re-deployment, incentives.
router.register("quota-periods", teams_api.QuotaPeriodViewSet, basename="quota-period")
router.register("quotas", teams_api.QuotaViewSet, basename="quota")
router.register("territory-plans", teams_api.TerritoryPlanViewSet, basename="territory-plan")
router.register("territory-accounts", teams_api.TerritoryAccountViewSet, basename="territory-account")
router.register("redeployments", teams_api.RedeploymentViewSet, basename="redeployment")
router.register("incentive-plans", teams_api.IncentivePlanViewSet, basename="incentive-plan")
router.register("bonuses", teams_api.BonusViewSet, basename="bonus")
router.register("territories", teams_api.TerritoryViewSet, basename="territory")
router.register("assignment-rules", teams_api.AssignmentRuleViewSet, basename="assignment-rule")
# Team selling on an opportunity (teams): the team's plan, contact strategies, meetings, key interactions.
router.register("team-plans", teams_selling_api.TeamPlanViewSet, basename="team-plan")
router.register("contact-strategies", teams_selling_api.ContactStrategyViewSet, basename="contact-strategy")
router.register("team-meetings", teams_selling_api.TeamMeetingViewSet, basename="team-meeting")
router.register("key-interactions", teams_selling_api.KeyInteractionViewSet, basename="key-interaction")

api_v1 = [
    path("auth/token/", teams_api.TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
    # Each business area registers its endpoints in <app>/api_urls.py.
    path("", include("accounts.api_urls")),
    path("", include("opportunities.api_urls")),
    path("", include("funnel.api_urls")),
    path("", include("forecasting.api_urls")),
    path("", include("bids.api_urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", teams_views.switch_language, name="switch-language"),
    path("teams/", include("teams.urls")),
    path("customers/", include("accounts.urls")),
    path("opportunities/", include("opportunities.urls")),
    path("funnel/", include("funnel.urls")),
    path("forecasts/", include("forecasting.urls")),
    path("bids/", include("bids.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="v1")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI sets inline styles; scripts stay files only, so only style-src is relaxed here.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(SpectacularSwaggerSplitView.as_view(url_name="schema")),
        name="api-docs",
    ),
]
