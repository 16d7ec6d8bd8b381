from rest_framework.routers import SimpleRouter

from bids import api

router = SimpleRouter()
router.register("bids", api.BidProjectViewSet, basename="bid")
router.register("partners", api.PartnerViewSet, basename="partner")
router.register("competitor-brands", api.CompetitorBrandViewSet, basename="competitor-brand")
urlpatterns = router.urls
