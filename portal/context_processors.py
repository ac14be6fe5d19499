from django.conf import settings
from django.http import HttpRequest


def portal(request: HttpRequest) -> dict[str, object]:
    return {"DEMO_MODE": settings.DEMO_MODE}
