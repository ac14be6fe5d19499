from rest_framework.routers import SimpleRouter

from monitoring.api import views

router = SimpleRouter()
router.register("submissions", views.SubmissionViewSet, basename="submission")
router.register("exceedances", views.ExceedanceViewSet, basename="exceedance")
router.register("results", views.ResultViewSet, basename="result")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("points", views.PointViewSet, basename="point")

urlpatterns = router.urls
