from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """Django's admin app with the portal's site (`portal.admin_site`), listed in INSTALLED_APPS instead of
    `django.contrib.admin`. Apart from the models, so that loading the app list imports no model."""

    default_site = "portal.admin_site.PortalAdminSite"
