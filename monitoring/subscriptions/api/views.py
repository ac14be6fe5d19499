"""POST /api/v1/subscriptions/: anyone (no login) asks for an address to follow a city or an enterprise. The
answer, 202, is the same whatever the address's state; the confirmation link goes to the address."""

from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle

from monitoring.subscriptions import services
from monitoring.subscriptions.api.serializers import RequestedSerializer, SubscribeSerializer
from monitoring.subscriptions.models import Subscription
from portal.throttling import client_address


class SubscribeThrottle(BaseThrottle):
    """SUBSCRIBE_RATE per client address, counted with the page's requests (services.SUBSCRIBE)."""

    seconds = 0

    def allow_request(self, request: Request, view: Any) -> bool:
        self.seconds = services.SUBSCRIBE.hit(client_address(request))
        return not self.seconds

    def wait(self) -> float | None:
        return self.seconds or None


class SubscribeView(generics.GenericAPIView):
    permission_classes = [AllowAny]
    throttle_classes = [SubscribeThrottle]
    queryset = Subscription.objects.none()  # for the schema generator: nothing is read back
    serializer_class = SubscribeSerializer

    @extend_schema(request=SubscribeSerializer, responses={202: RequestedSerializer})
    def post(self, request: Request) -> Response:
        serializer = SubscribeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.subscription_request(
            email=data["email"], city=data.get("city"), enterprise=data.get("enterprise"), language=get_language()
        )
        detail = _(
            "If this address can receive our e-mails, a message with a link to confirm the subscription is on its "
            "way. Nothing else is sent before it is confirmed."
        )
        return Response(RequestedSerializer({"detail": detail}).data, status=status.HTTP_202_ACCEPTED)
