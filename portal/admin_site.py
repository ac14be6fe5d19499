"""The Django admin, opened to whoever `portal.permissions` lets administer, not to Django's `is_staff` flag."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from portal.permissions import Action, can
from portal.throttling import login_throttled


class AdministratorLoginForm(AdminAuthenticationForm):
    def confirm_login_allowed(self, user: AbstractBaseUser) -> None:
        if not can(user, Action.ADMINISTER):
            raise forms.ValidationError(
                _("Only regulator administrators use the administration pages."), code="invalid_login"
            )


class AdministratorAccess:
    """For ModelAdmins and their inlines: only regulator administrators use the page, whatever Django's per-model
    permissions say. `may_administer` is the one decision; a read-only page narrows these answers further.

    The site itself admits the same users, and gives every page registered without this mixin (Django's own and
    other libraries' admins) the mixin, so no page is left to Django's per-model permissions.
    """

    def may_administer(self, request: HttpRequest) -> bool:
        return can(request.user, Action.ADMINISTER)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.may_administer(request)

    # `obj` (Any: each page narrows it to its model) is the parent object for an inline; a ModelAdmin is asked
    # for additions without it.
    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_administer(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_administer(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_administer(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.may_administer(request)


class ReadOnlyAccess(AdministratorAccess):
    """A page administrators read but never edit here (records of what happened, rows a service owns)."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PortalAdminSite(admin.AdminSite):
    site_header = _("Qaldyq administration")
    site_title = _("Qaldyq administration")
    login_form = AdministratorLoginForm

    def has_permission(self, request: HttpRequest) -> bool:
        return can(request.user, Action.ADMINISTER)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # Throttled like the site's own login page (portal.throttling).
        return login_throttled(super().login)(request, extra_context)

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        admin_class = _with_access(admin_class or admin.ModelAdmin)
        admin_class.inlines = [_with_access(inline) for inline in admin_class.inlines]
        super().register(model_or_iterable, admin_class, **options)


def _with_access(admin_class: type) -> Any:
    if issubclass(admin_class, AdministratorAccess):
        return admin_class
    return type(admin_class.__name__, (AdministratorAccess, admin_class), {"__module__": admin_class.__module__})
