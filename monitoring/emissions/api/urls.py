from rest_framework.routers import SimpleRouter

from monitoring.emissions.api import channels, views

router = SimpleRouter()
router.register("values", views.EmissionValueViewSet, basename="emission-value")
router.register("submissions", views.EmissionSubmissionViewSet, basename="emission-submission")
router.register("channels", channels.ChannelViewSet, basename="emission-channel")
router.register("coverage", channels.CoverageViewSet, basename="emission-coverage")

urlpatterns = router.urls
