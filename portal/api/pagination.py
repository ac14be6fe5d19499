from typing import Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.request import Request


class StrictPageSize(BasePagination):
    """`page_size` from 1 to `max_page_size`, or a 400 naming it: DRF's own takes "abc" or 5000 for the default or
    its largest page without a word, and the API refuses rather than changes what it was asked for."""

    page_size: int
    page_size_query_param: str | None = "page_size"
    max_page_size: int | None = 1000

    def get_page_size(self, request: Request) -> int:
        name, maximum = self.page_size_query_param or "page_size", self.max_page_size or 1000
        raw = request.query_params.get(name)
        if raw is None or raw == "":
            return self.page_size
        if not (raw.isascii() and raw.isdecimal() and 1 <= int(raw) <= maximum):
            message = _("Give a whole number from 1 to %(maximum)s.") % {"maximum": maximum}
            raise ValidationError({name: [message]}, code="invalid")
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {**parameter["schema"], "minimum": 1, "maximum": self.max_page_size}
        return parameters


class Pagination(StrictPageSize, PageNumberPagination):
    page_size = 50
