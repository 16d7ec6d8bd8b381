"""Sales force planning's API endpoints (mounted under /api/v1/ by crm/urls.py)."""

from rest_framework.routers import SimpleRouter

from sales_planning import api

router = SimpleRouter()
router.register("quota-periods", api.QuotaPeriodViewSet, basename="quota-period")
router.register("quotas", api.QuotaViewSet, basename="quota")
router.register("territory-plans", api.TerritoryPlanViewSet, basename="territory-plan")
router.register("territory-accounts", api.TerritoryAccountViewSet, basename="territory-account")
router.register("redeployments", api.RedeploymentViewSet, basename="redeployment")
router.register("incentive-plans", api.IncentivePlanViewSet, basename="incentive-plan")
router.register("bonuses", api.BonusViewSet, basename="bonus")
urlpatterns = router.urls
