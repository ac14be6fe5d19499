"""The pages of the verdicts: an enterprise's verdicts over every regime (its sources', newest regime first), and the
hourly rate behind a verdict, as JSON for its chart. The regime page shows its verdicts through the template
`regimes/_verdicts.html` (templatetags/regime_verdicts.py reads them)."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render

from monitoring.regimes import verdicts
from portal.permissions import Action
from registry.models import Enterprise

PAGE_SIZE = 60  # verdicts: about twenty regimes of a smelter's three measured stacks


def enterprise_verdicts(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = get_object_or_404(Enterprise.objects.restrict(request.user, Action.VIEW), pk=pk)
    page = Paginator(verdicts.enterprise_verdicts(enterprise, user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = verdicts.with_visible_alerts(list(page), user=request.user)
    context = {"enterprise": enterprise, "page": page, "verdicts": rows}
    return render(request, "regimes/enterprise_verdicts.html", context)


def verdict_series(request: HttpRequest, pk: int) -> JsonResponse:
    verdict = get_object_or_404(verdicts.visible_verdicts(request.user), pk=pk)
    return JsonResponse(verdicts.verdict_series(verdict))
