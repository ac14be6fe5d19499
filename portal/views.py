"""Pages of the change log: the audit log here, and the parts every history page shares."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from portal import selectors
from portal.audit_display import present
from portal.filters import AuditLogFilterSet, ChangeRecordFilterSet
from portal.models import ChangeRecord
from portal.permissions import Action, can

PAGE_SIZE = 50


def change_records_context(
    request: HttpRequest, records: QuerySet[ChangeRecord], filterset_class: type[ChangeRecordFilterSet]
) -> dict[str, object]:
    """Filtered, paginated and formatted change records, for the template portal/_change_records.html."""
    filterset = filterset_class(request.GET, queryset=records)
    filtered = filterset.qs if filterset.is_valid() else records.none()
    page = Paginator(filtered, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = present(page.object_list)
    return {"filter": filterset, "page": page, "query": request.GET.copy()}


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Action.READ_HISTORY):
        raise PermissionDenied(_("You may not read the change log."))
    records = selectors.readable_changes(user=request.user)
    return render(request, "portal/audit_log.html", change_records_context(request, records, AuditLogFilterSet))
