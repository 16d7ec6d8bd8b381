from rest_framework.routers import SimpleRouter

from opportunities import api

router = SimpleRouter()
router.register("opportunities", api.OpportunityViewSet, basename="opportunity")
router.register("activities", api.ActivityViewSet, basename="activity")
router.register("products", api.ProductViewSet, basename="product")
urlpatterns = router.urls
