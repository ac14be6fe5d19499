from typing import Any

from rest_framework import serializers, status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response


class TokenRequestSerializer(AuthTokenSerializer):
    # As long as a username can be; longer input would only overflow the login-attempt log.
    username = serializers.CharField(label="Username", max_length=150, write_only=True)


class ObtainTokenView(ObtainAuthToken):
    """POST username and password, get {"token": ...} for `Authorization: Token <key>`."""

    serializer_class = TokenRequestSerializer

    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        try:
            return super().post(request, *args, **kwargs)
        except ValidationError:
            # django-axes marks the request when this user name is locked out from this address.
            if getattr(request, "axes_locked_out", False):
                detail = "Too many failed logins from this address; try again later."
                return Response({"detail": detail}, status=status.HTTP_429_TOO_MANY_REQUESTS)
            raise
