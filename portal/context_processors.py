from django.conf import settings
from django.http import HttpRequest

from portal.permissions import Action, AnyUser, can


class Capabilities:
    """`{{ may.decide }}` in a template: whether the user may do an action anywhere (for menus and links)."""

    def __init__(self, user: AnyUser) -> None:
        self._user = user
        self._known: dict[str, bool] = {}

    def __getitem__(self, name: str) -> bool:
        if name not in self._known:
            self._known[name] = can(self._user, Action(name))
        return self._known[name]


def portal(request: HttpRequest) -> dict[str, object]:
    return {"DEMO_MODE": settings.DEMO_MODE, "may": Capabilities(request.user)}
