"""Pages and API actions shared by the filings of registry.returns.workflow (waste returns, release reports of
registry.releases): the list, a version as frozen, the difference of two versions, the workflow's steps run from
a page, and the API's versions and steps. Each filing names its own lookups, templates and services; what is the
same is written once here."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Manager, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from portal.permissions import Action, can
from registry.models import Enterprise
from registry.returns.checks import ReturnWarning
from registry.returns.models import ReturnStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

View = Callable[[HttpRequest, int], HttpResponse]


def stored_warnings(version: Any, warning_class: type[ReturnWarning]) -> list[tuple[ReturnWarning, str]]:
    """A version's warnings as frozen at submission (a draft has none yet), each with the filer's explanation."""
    return [
        (warning, version.confirmations.get(warning.key, ""))
        for warning in map(warning_class.from_stored, version.warnings)
    ]


def compared_versions(request: HttpRequest, versions: Manager[Any]) -> tuple[Any, Any] | HttpResponse:
    """The two versions a diff page compares (`?from=1&to=2`), or the page's answer to numbers it cannot read."""
    numbers = [request.GET.get(name, "") for name in ("from", "to")]
    if not all(number.isascii() and number.isdecimal() and len(number) <= 5 for number in numbers):
        return HttpResponse(_("Give two version numbers: ?from=1&to=2."), status=400)
    return get_object_or_404(versions, number=numbers[0]), get_object_or_404(versions, number=numbers[1])


def list_context(
    request: HttpRequest, filterset_class: type, queryset: QuerySet[Any], page_size: int
) -> dict[str, Any]:
    """The context of a filing's list: the filings the user sees, filtered and paged. An inspector's list opens
    on the queue of what awaits their decision; "Any status" (status=) shows every filing."""
    may_decide = can(request.user, Action.DECIDE)
    data = request.GET.copy()
    if may_decide and "status" not in data:
        data["status"] = ReturnStatus.SUBMITTED
    filterset = filterset_class(data, queryset=queryset)
    filings = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    return {
        "filter": filterset,
        "page": Paginator(filings, page_size).get_page(request.GET.get("page")),
        "query": request.GET.copy(),
        "may_file": Enterprise.objects.restrict(request.user, Action.FILE).exists(),
        "may_decide": may_decide,
    }


def confirmations(request: HttpRequest) -> dict[str, str]:
    """The explanations of the warnings, as the submit form posts them: one field a warning's key."""
    return {key: request.POST.get(key, "") for key in request.POST if key != "csrfmiddlewaretoken"}


@dataclass(frozen=True)
class FilingPages:
    """The pages of one kind of filing built alike: `get(request, pk)` the filing the user sees (or 404),
    `detail(request, filing, errors)` its page (showing a refused step's errors), `url` that page's URL name, and
    `name` what the filing is called in templates' context and by its services' keywords. The workflow's steps
    take the actor and the filing's current version (`correct`, the filing); the texts are the filing's own."""

    get: Callable[[HttpRequest, int], Any]
    detail: Callable[[HttpRequest, Any, list[str]], HttpResponse]
    url: str
    name: str

    def detail_view(self) -> View:
        def page(request: HttpRequest, pk: int) -> HttpResponse:
            return self.detail(request, self.get(request, pk), [])

        return login_required(page)

    def version_view(
        self, template: str, lines: Callable[[Any], dict[str, Any]], warning_class: type[ReturnWarning]
    ) -> Callable[[HttpRequest, int, int], HttpResponse]:
        """One version as it stands (or stood when submitted): its `lines(version)`, and its frozen warnings."""

        def page(request: HttpRequest, pk: int, number: int) -> HttpResponse:
            filing = self.get(request, pk)
            version = get_object_or_404(filing.versions, number=number)
            warnings = stored_warnings(version, warning_class)
            context = {self.name: filing, "version": version, **lines(version), "warnings": warnings}
            return render(request, template, context)

        return login_required(page)

    def diff_view(self, template: str, differences: Callable[[Any, Any], object]) -> View:
        """What changed from version `?from=` to version `?to=`."""

        def page(request: HttpRequest, pk: int) -> HttpResponse:
            filing = self.get(request, pk)
            compared = compared_versions(request, filing.versions)
            if isinstance(compared, HttpResponse):
                return compared
            older, newer = compared
            context = {self.name: filing, "older": older, "newer": newer, "differences": differences(older, newer)}
            return render(request, template, context)

        return login_required(page)

    def run(
        self, request: HttpRequest, pk: int, step: Callable[[Any], object], success: "StrOrPromise"
    ) -> HttpResponse:
        filing = self.get(request, pk)
        try:
            step(filing)
        except ValidationError as exc:
            return self.detail(request, filing, exc.messages)
        messages.success(request, str(success))
        return redirect(self.url, pk=pk)

    def view(self, step: Callable[[HttpRequest, Any], object], success: "StrOrPromise") -> View:
        """A page that runs `step(request, filing)` when posted to."""

        def page(request: HttpRequest, pk: int) -> HttpResponse:
            return self.run(request, pk, lambda filing: step(request, filing), success)

        return login_required(require_POST(page))

    def submit(self, service: Callable[..., object], success: "StrOrPromise") -> View:
        return self.view(
            lambda request, filing: service(
                actor=request.user, version=filing.current_version, confirmations=confirmations(request)
            ),
            success,
        )

    def accept(self, service: Callable[..., object], success: "StrOrPromise") -> View:
        return self.view(lambda request, filing: service(actor=request.user, version=filing.current_version), success)

    def send_back(self, service: Callable[..., object], success: "StrOrPromise") -> View:
        return self.view(
            lambda request, filing: service(
                actor=request.user, version=filing.current_version, reasons=request.POST.get("reasons", "")
            ),
            success,
        )

    def correct(self, service: Callable[..., object], success: "StrOrPromise") -> View:
        return self.view(lambda request, filing: service(actor=request.user, **{self.name: filing}), success)


def version_number(request: Request, name: str) -> int:
    """A version's number from the API's query; an error naming the parameter otherwise."""
    value = request.query_params.get(name, "")
    if not (value.isascii() and value.isdecimal()) or len(value) > 5:  # isdecimal() alone takes any script's digits
        raise ApiValidationError({name: "Give a version number."})
    return int(value)


class FilingApiMixin:
    """What the API's viewsets of the filings share: the workflow's steps by the action they need, a request body
    checked by a serializer (`_valid`), and `versions/<number>` and `diff?from=&to=`: `version_serializer` shows a
    version, `differences(older, newer)` are the rows `difference_serializer` shows. The subclass names the
    serializers in its schema (drf_spectacular.utils.extend_schema_view)."""

    permission_actions = {
        "create": Action.FILE, "update": Action.FILE, "submit": Action.FILE, "correct": Action.FILE,
        "accept": Action.DECIDE, "send_back": Action.DECIDE,
    }  # fmt: skip
    version_serializer: type
    difference_serializer: type
    get_object: Callable[[], Any]

    def differences(self, older: Any, newer: Any) -> list[Any]:
        raise NotImplementedError

    @action(detail=True, url_path=r"versions/(?P<number>\d+)")
    def version(self, request: Request, pk: str, number: str) -> Response:
        version = get_object_or_404(self.get_object().versions, number=number)
        return Response(self.version_serializer(version).data)

    @extend_schema(
        parameters=[OpenApiParameter("from", int, required=True), OpenApiParameter("to", int, required=True)]
    )
    @action(detail=True)
    def diff(self, request: Request, pk: str) -> Response:
        versions = self.get_object().versions
        older = get_object_or_404(versions, number=version_number(request, "from"))
        newer = get_object_or_404(versions, number=version_number(request, "to"))
        return Response(self.difference_serializer(self.differences(older, newer), many=True).data)
