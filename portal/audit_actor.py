"""Who acts, for the audit trail (`portal.audit`): the current request's user, the user of `acting(user)`, or
nobody ("system") inside a Celery task."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass
from typing import Any

from celery.signals import task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse


@dataclass(frozen=True)
class _Actor:
    request: HttpRequest | None = None
    user: Any = None

    def user_id(self) -> int | None:
        user = getattr(self.request, "user", None) if self.request is not None else self.user
        return user.pk if user is not None and getattr(user, "is_authenticated", False) else None


_actor: ContextVar[_Actor | None] = ContextVar("audit_actor", default=None)


def acting_user_id() -> int | None:
    actor = _actor.get()
    return actor.user_id() if actor is not None else None


@contextmanager
def acting(user: Any) -> Iterator[None]:
    """Record the writes of the block as `user`'s (None: the system's), e.g. in a task or a command."""
    token = _actor.set(_Actor(user=user))
    try:
        yield
    finally:
        _actor.reset(token)


class AuditActorMiddleware:
    """Puts the request where the audit trail looks for the person acting."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _actor.set(_Actor(request=request))
        try:
            return self.get_response(request)
        finally:
            _actor.reset(token)


# A task acts for nobody: run eagerly inside a request it must not borrow the request's user (a worker has none).
_task_tokens: dict[str, Token[_Actor | None]] = {}


@task_prerun.connect(dispatch_uid="portal.audit_actor.task_prerun")
def _task_starts(task_id: str, **kwargs: Any) -> None:
    _task_tokens[task_id] = _actor.set(None)


@task_postrun.connect(dispatch_uid="portal.audit_actor.task_postrun")
def _task_ends(task_id: str, **kwargs: Any) -> None:
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        _actor.reset(token)
