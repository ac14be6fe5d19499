from rest_framework.routers import DefaultRouter

from registry.api import views

# No ".json" twins of the routes: the views do not take the `format` argument they would pass (a 500), and the
# returns and monitoring routers have none either.
router = DefaultRouter()
router.include_format_suffixes = False
router.register("regions", views.RegionViewSet, basename="region")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("deposits", views.DepositViewSet, basename="deposit")

urlpatterns = router.urls
