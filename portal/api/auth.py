"""API tokens: issued for a user name and password, listed and revoked by their owner and by administrators."""

from typing import Any

from django.contrib.auth import authenticate
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from knox.models import AuthToken
from knox.views import LoginView
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from portal.api.exceptions import error_body
from portal.api.throttling import AnonRateThrottle, LoginThrottle
from portal.models import User
from portal.permissions import own_rows
from portal.throttling import client_address
from portal.tokens import ID_LENGTH, live, token_id, token_issue, tokens_revoke


class TokenRequestSerializer(serializers.Serializer):
    # As long as a username can be; longer input would only overflow the login-attempt log.
    username = serializers.CharField(max_length=150, write_only=True)
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # django-axes reads the request: a user name locked from this address is refused without a password check.
        user = authenticate(request=self.context["request"], username=attrs["username"], password=attrs["password"])
        if user is None:
            raise ValidationError(_("Unable to log in with provided credentials."), code="authorization")
        return {"user": user}


ISSUED = inline_serializer("IssuedToken", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()})


class ObtainTokenView(LoginView):
    """POST username and password, get {"token": ..., "expiry": ...} for `Authorization: Token <key>`.

    Each call issues a new token, valid until its expiry: keep it and use it until then, rather than asking for one
    with every run (a user holds a limited number at once; 403 past it). Too many failed logins from one address
    answer 429 with Retry-After; a user name that failed too often from an address is paused there for a while.
    """

    # knox's LoginView sends `user_logged_in`, so a token's login is recorded (django-axes, last_login) like one on
    # the site. Failed attempts count against the client's address (LoginThrottle, checked before any password is
    # hashed) and, with the user name, against django-axes' lockout.

    authentication_classes = ()  # the credentials are in the body
    permission_classes = (AllowAny,)
    throttle_classes = (LoginThrottle, AnonRateThrottle)
    serializer_class = TokenRequestSerializer

    def get_token_limit_per_user(self) -> None:
        return None  # portal.tokens.token_issue applies the limit, with a message that says what to do

    def create_token(self) -> tuple[AuthToken, str]:
        return token_issue(user=self.request.user, address=client_address(self.request))

    @extend_schema(request=TokenRequestSerializer, responses={200: ISSUED}, auth=[])
    def post(self, request: Request, format: str | None = None) -> Response:
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # django-axes marks the request when this user name is locked out from this address.
            if getattr(request, "axes_locked_out", False):
                detail = _("Too many failed logins from this address; try again later.")
                return Response(error_body(code="locked_out", message=detail), status=status.HTTP_429_TOO_MANY_REQUESTS)
            raise ValidationError(serializer.errors)
        request.user = serializer.validated_data["user"]
        return super().post(request, format)


class TokenSerializer(serializers.ModelSerializer):
    id = serializers.SerializerMethodField(help_text="The first characters of the token's digest (not of its key).")
    user = serializers.CharField(source="user.username", read_only=True)
    starts = serializers.SerializerMethodField(help_text="The first characters of the key, to tell tokens apart.")
    current = serializers.SerializerMethodField(help_text="Whether this request was authenticated with it.")

    class Meta:
        model = AuthToken
        fields = ("id", "user", "starts", "created", "expiry", "current")

    def get_id(self, token: AuthToken) -> str:
        return token_id(token)

    def get_starts(self, token: AuthToken) -> str:
        return token.token_key[:8]

    def get_current(self, token: AuthToken) -> bool:
        auth = self.context["request"].auth
        return isinstance(auth, AuthToken) and auth.digest == token.digest


USER_PARAMETER = OpenApiParameter(
    "user", str, description="Administrators: the tokens of this user name (others see only their own)."
)


@extend_schema(parameters=[USER_PARAMETER])
class TokenViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The live API tokens a user holds: their own, and for administrators everyone's (`?user=` for one person's).
    DELETE one by its id; POST `revoke-all/` revokes all of the user's (an administrator's `?user=`: that user's).
    """

    serializer_class = TokenSerializer
    permission_classes = (IsAuthenticated,)
    lookup_value_regex = f"[0-9a-f]{{{ID_LENGTH}}}"

    def get_queryset(self) -> Any:
        tokens = own_rows(self.request.user, live(AuthToken.objects.select_related("user")))
        if username := self.request.query_params.get("user"):
            tokens = tokens.filter(user__username=username)
        return tokens.order_by("-created")

    def get_object(self) -> AuthToken:
        token = self.get_queryset().filter(digest__startswith=self.kwargs["pk"]).first()
        if token is None:
            raise NotFound()
        return token

    def perform_destroy(self, instance: AuthToken) -> None:
        tokens = AuthToken.objects.filter(digest=instance.digest)
        tokens_revoke(tokens=tokens, reason=f"revoked by {self.request.user.get_username()}")

    @extend_schema(request=None, responses={200: inline_serializer("Revoked", {"revoked": serializers.IntegerField()})})
    @action(detail=False, methods=["post"], url_path="revoke-all")
    def revoke_all(self, request: Request) -> Response:
        assert isinstance(request.user, User)
        tokens = self.get_queryset().filter(user__username=request.query_params.get("user", request.user.username))
        revoked = tokens_revoke(tokens=tokens, reason=f"all revoked by {request.user.username}")
        return Response({"revoked": revoked})
