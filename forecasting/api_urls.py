from django.urls import path
from rest_framework.routers import SimpleRouter

from forecasting import api

router = SimpleRouter()
router.register("forecast-periods", api.ForecastPeriodViewSet, basename="forecast-period")
router.register("forecasts", api.ForecastViewSet, basename="forecast")
router.register("channel-forecasts", api.ChannelForecastViewSet, basename="channel-forecast")
urlpatterns = [
    *router.urls,
    path("production-plan/", api.ProductionPlanView.as_view(), name="production-plan"),
]
