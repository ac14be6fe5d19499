"""Every admin page, and every inline on it, is opened by the permission authority (administer), never by
Django's per-model permissions or the `is_staff` flag alone."""

from django.contrib import admin

from portal.admin_site import AdministratorAccess


def test_every_registered_admin_and_inline_decides_access_through_the_authority():
    outside = [
        f"{model._meta.label}: {type(model_admin).__name__}"
        for model, model_admin in admin.site._registry.items()
        if not isinstance(model_admin, AdministratorAccess)
    ]
    outside += [
        f"{model._meta.label}: {inline.__name__}"
        for model, model_admin in admin.site._registry.items()
        for inline in model_admin.inlines
        if not issubclass(inline, AdministratorAccess)
    ]
    assert not outside, "Derive these from portal.admin.AdministratorAccess:\n" + "\n".join(outside)
