from rest_framework.routers import SimpleRouter

from registry.permits.api.views import PermitViewSet, SourceViewSet, SubstanceViewSet

router = SimpleRouter()
router.register("permits", PermitViewSet, basename="permit")
router.register("sources", SourceViewSet, basename="source")
router.register("substances", SubstanceViewSet, basename="substance")

urlpatterns = router.urls
