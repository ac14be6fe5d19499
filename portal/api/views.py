from typing import Any

from django.db import models
from rest_framework import viewsets
from rest_framework.permissions import SAFE_METHODS
from rest_framework.request import Request
from rest_framework.serializers import Serializer

from portal.permissions import Action, RestrictedQuerySet, can

# The permission action of each standard ViewSet action (NetBox's BaseViewSet does the same).
STANDARD_ACTIONS = {
    "list": Action.VIEW,
    "retrieve": Action.VIEW,
    "create": Action.CHANGE,
    "update": Action.CHANGE,
    "partial_update": Action.CHANGE,
    "destroy": Action.CHANGE,
}


class BaseViewSet(viewsets.GenericViewSet):
    """Every API ViewSet's base: each method maps to a permission action, decided by `portal.permissions`.

    Reads are scoped to the rows the user may view; a row they may not view answers 404, one they may view but
    not act on answers 403 (401 when not logged in). An anonymous client, and on a list or create route any user
    whose role holds the action nowhere, is refused before anything is looked up. `permission_actions` names the
    permission action of a ViewSet's own and extra actions; an extra action not named there needs view to read
    and change to write. A create's service then checks the rows it references.
    """

    permission_actions: dict[str, Action] = {}

    def get_permission_action(self) -> Action:
        name = self.action or ""
        if name in self.permission_actions:
            return self.permission_actions[name]
        default = Action.VIEW if self.request.method in SAFE_METHODS else Action.CHANGE
        return STANDARD_ACTIONS.get(name, default)

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        action = self.get_permission_action()
        # A logged-in user's detail route looks its row up first: a row they may not view answers 404 (below).
        early = self.detail is False or not request.user.is_authenticated
        if action != Action.VIEW and early and not can(request.user, action):
            self.permission_denied(request)

    def get_queryset(self) -> models.QuerySet:
        queryset = super().get_queryset()
        assert isinstance(queryset, RestrictedQuerySet)  # every model's queryset is one (docs/architecture.md)
        return queryset.restrict(self.request.user, Action.VIEW)

    def check_object_permissions(self, request: Request, obj: models.Model) -> None:
        super().check_object_permissions(request, obj)
        action = self.get_permission_action()
        if action != Action.VIEW and not can(request.user, action, obj):
            self.permission_denied(request)


def validated(serializer_class: type[Serializer], request: Request, **kwargs: Any) -> dict[str, Any]:
    """The request's body read by an input serializer (a 400 naming each field otherwise), for a service to take.
    The serializer has the request in its context (fields that show only the rows the user sees read it there)."""
    serializer = serializer_class(data=request.data, context={"request": request}, **kwargs)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)
