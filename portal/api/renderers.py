from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework import renderers

from portal.headers import CSP_HEADER, build_policy


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, whose templates have `style` attributes: its pages alone allow them (never inline
    scripts or style sheets), in the policy they carry, which the page cache keeps with the page."""

    def get_context(self, data: Any, accepted_media_type: str | None, renderer_context: Mapping[str, Any]) -> dict:
        context = super().get_context(data, accepted_media_type, renderer_context)
        context["code_style"] = None  # Pygments' colours as an inline <style>; docstrings are shown plain
        return context

    def render(
        self, data: Any, accepted_media_type: str | None = None, renderer_context: Mapping[str, Any] | None = None
    ) -> Any:
        rendered = super().render(data, accepted_media_type, renderer_context)
        response = (renderer_context or {}).get("response")
        if response is not None:
            response[CSP_HEADER] = build_policy({**settings.SECURE_CSP, "style-src-attr": ["'unsafe-inline'"]})
        return rendered
