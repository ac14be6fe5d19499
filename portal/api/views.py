from typing import Any

from django.db import models
from rest_framework import exceptions, viewsets
from rest_framework.permissions import SAFE_METHODS


class RestrictedViewSetMixin(viewsets.GenericViewSet):
    """Scopes every query to what the requesting user may see, and writes to what they may change.

    A row the user may not see answers 404; one they may see but not change answers 403.
    """

    def get_queryset(self) -> models.QuerySet:
        return super().get_queryset().restrict(self.request.user, "view")

    def check_object_permissions(self, request: Any, obj: models.Model) -> None:
        super().check_object_permissions(request, obj)
        if request.method not in SAFE_METHODS and not self.may_change(obj):
            raise exceptions.PermissionDenied()

    def may_change(self, obj: models.Model) -> bool:
        return type(obj).objects.restrict(self.request.user, "change").filter(pk=obj.pk).exists()
