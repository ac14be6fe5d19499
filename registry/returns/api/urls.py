from rest_framework.routers import SimpleRouter

from registry.returns.api.views import LateFilerViewSet, ReturnViewSet, WasteCodeViewSet

router = SimpleRouter()
# Before the returns: their detail route would take "late-filers" for a return's id.
router.register("late-filers", LateFilerViewSet, basename="late-filer")
router.register("waste-codes", WasteCodeViewSet, basename="waste-code")
router.register("", ReturnViewSet, basename="return")

urlpatterns = router.urls
