from rest_framework.routers import SimpleRouter

from accounts import api

router = SimpleRouter()
router.register("customers", api.CustomerViewSet, basename="customer")
router.register("contacts", api.ContactViewSet, basename="contact")
router.register("intakes", api.IntakeViewSet, basename="intake")
router.register("enrichment-proposals", api.ProposalViewSet, basename="enrichment-proposal")
urlpatterns = router.urls
