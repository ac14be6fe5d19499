from rest_framework.routers import DefaultRouter

from registry.api import views

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("enterprises", views.EnterpriseViewSet, basename="enterprise")
router.register("deposits", views.DepositViewSet, basename="deposit")

urlpatterns = router.urls
