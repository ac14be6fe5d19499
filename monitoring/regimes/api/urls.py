from django.urls import URLPattern, URLResolver, path
from rest_framework.routers import SimpleRouter

from monitoring.regimes.api.verdicts import RegimeVerdictViewSet
from monitoring.regimes.api.views import CityViewSet, RegimePlanViewSet, RegimeViewSet

router = SimpleRouter()
# The fixed paths first: "cities" and "plans" are not a regime's id.
router.register("cities", CityViewSet, basename="regime-city")
router.register("plans", RegimePlanViewSet, basename="regime-plan")
router.register("", RegimeViewSet, basename="regime")

urlpatterns: list[URLPattern | URLResolver] = [
    # A regime's verdicts (api.verdicts): before the regimes' routes, which do not take this path anyway.
    path("<int:regime_pk>/verdicts/", RegimeVerdictViewSet.as_view({"get": "list"}), name="regime-verdicts"),
    *router.urls,
]
