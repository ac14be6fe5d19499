from rest_framework.routers import SimpleRouter

from registry.returns.api.views import LateFilerViewSet, ReturnViewSet

router = SimpleRouter()
# Before the returns: their detail route would take "late-filers" for a return's id.
router.register("late-filers", LateFilerViewSet, basename="late-filer")
router.register("", ReturnViewSet, basename="return")

urlpatterns = router.urls
