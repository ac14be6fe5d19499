from rest_framework.routers import SimpleRouter

from registry.returns.api.views import ReturnViewSet

router = SimpleRouter()
router.register("", ReturnViewSet, basename="return")

urlpatterns = router.urls
