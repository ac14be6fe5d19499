from django.urls import path

from monitoring.subscriptions.api.views import SubscribeView

urlpatterns = [path("", SubscribeView.as_view(), name="subscriptions")]
