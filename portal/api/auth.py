from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken


class TokenRequestSerializer(AuthTokenSerializer):
    # As long as a username can be; longer input would only overflow the login-attempt log.
    username = serializers.CharField(label="Username", max_length=150, write_only=True)


class ObtainTokenView(ObtainAuthToken):
    """POST username and password, get {"token": ...} for `Authorization: Token <key>`."""

    serializer_class = TokenRequestSerializer
