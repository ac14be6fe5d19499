"""Who may do what: the one place permission is decided.

A user reaches the rows of an action through their role: enterprise staff the rows of the enterprises they
belong to, inspectors the rows of the regions assigned to them, administrators every row, and nobody
(anonymous or inactive users) only what a model declares public. `ROLE_ACTIONS` says which actions a role
holds at all; each model's queryset says how its rows lead to an enterprise and a region
(`RestrictedQuerySet`), and may add the rows everyone sees. `can(user, action, obj)` asks the queryset, so
pages, templates, the API and services all get the same answer.

Role tests (`user.role`, superuser) appear only in this module; a test keeps it so.
"""

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Self

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q

from portal.models import User

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

AnyUser = User | AnonymousUser


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    FILE = "file"  # file an enterprise's annual returns
    SUBMIT = "submit"  # submit an enterprise's monitoring results
    DECIDE = "decide"  # accept or send back a submitted return
    WORK_ALERTS = "work_alerts"  # acknowledge, investigate, close and assign alerts
    READ_HISTORY = "read_history"
    ORDER_REPORTS = "order_reports"
    PUBLISH = "publish"  # publish or withdraw deposits and monitoring points
    DECLARE_REGIMES = "declare_regimes"  # declare, change and end adverse-weather regimes over a region's cities
    ADMINISTER = "administer"  # reference data, regions, the register of enterprises, users and their roles


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    User.Role.ENTERPRISE_STAFF: frozenset(
        {Action.VIEW, Action.CHANGE, Action.FILE, Action.SUBMIT, Action.READ_HISTORY}
    ),
    User.Role.INSPECTOR: frozenset(
        {
            Action.VIEW,
            Action.DECIDE,
            Action.WORK_ALERTS,
            Action.READ_HISTORY,
            Action.ORDER_REPORTS,
            Action.DECLARE_REGIMES,
        }
    ),
    User.Role.ADMINISTRATOR: frozenset(Action),
}


@dataclass(frozen=True)
class Reach:
    """The rows a user reaches for one action: every row, the rows of some enterprises or regions, or none."""

    everything: bool = False
    enterprises: models.QuerySet | None = None  # ids, as a subquery
    regions: models.QuerySet | None = None  # ids, as a subquery

    @property
    def nothing(self) -> bool:
        return not self.everything and self.enterprises is None and self.regions is None

    def q(self, *, enterprise: str | None, region: str | None) -> Q | None:
        """The filter for rows whose enterprise id is at `enterprise` and region id at `region` (lookup paths);
        None when the user reaches no row of the model."""
        if self.everything:
            return Q()
        if self.enterprises is not None and enterprise:
            return Q(**{f"{enterprise}__in": self.enterprises})
        if self.regions is not None and region:
            return Q(**{f"{region}__in": self.regions})
        return None


NOWHERE = Reach()
EVERYWHERE = Reach(everything=True)


def role_of(user: "AnyUser | AbstractBaseUser") -> str | None:
    """The role a user acts in; None for the public and for inactive users."""
    if not isinstance(user, User) or not user.is_active:
        return None
    if user.is_superuser:
        return User.Role.ADMINISTRATOR
    return user.role


def reach(user: "AnyUser | AbstractBaseUser", action: Action) -> Reach:
    role = role_of(user)
    if role is None or action not in ROLE_ACTIONS.get(role, frozenset()):
        return NOWHERE
    assert isinstance(user, User)
    if role == User.Role.ADMINISTRATOR:
        return EVERYWHERE
    if role == User.Role.INSPECTOR:
        return Reach(regions=user.inspector_assignments.values("region_id"))
    return Reach(enterprises=user.memberships.values("enterprise_id"))


class RestrictedQuerySet(models.QuerySet):
    """A queryset that knows who may do what with its rows (NetBox's `restrict`).

    A model states how a row leads to its enterprise and region (`enterprise_field`, `region_field`: lookup
    paths to their ids) and which rows everyone may view (`public`); `restrict(user, action)` then keeps the
    rows the user reaches for that action.
    """

    enterprise_field: str | None = None
    region_field: str | None = None

    def public(self) -> Q | None:
        """Rows anyone, logged in or not, may view; None for none."""
        return None

    def restrict(self, user: "AnyUser | AbstractBaseUser", action: Action = Action.VIEW) -> Self:
        rows = reach(user, action)
        public = self.public() if action == Action.VIEW else None
        # An empty Q means every row; it must not meet `|`, which would drop it.
        if rows.everything or (public is not None and not public):
            return self.all()
        q = rows.q(enterprise=self.enterprise_field, region=self.region_field)
        if public is not None:
            q = public if q is None else q | public
        return self.none() if q is None else self.filter(q)


class PublicQuerySet(RestrictedQuerySet):
    """Reference data and registers: everyone reads them, administrators change them."""

    def public(self) -> Q | None:
        return Q()


def can(user: "AnyUser | AbstractBaseUser", action: Action, obj: models.Model | None = None) -> bool:
    """May `user` do `action` to `obj`? Without an object: to any row at all (menus, create pages)."""
    if obj is None:
        return not reach(user, action).nothing
    manager: Any = type(obj)._default_manager
    return bool(manager.restrict(user, action).filter(pk=obj.pk).exists())


def holders(action: Action, obj: models.Model) -> models.QuerySet[User]:
    """The users who may do `action` to `obj` (whom an alert may be assigned to): `can`'s answer for every user at
    once, in one query. The public rows of a model everyone reads are the active users' to view."""
    rows: RestrictedQuerySet = type(obj)._default_manager.filter(pk=obj.pk)  # type: ignore[assignment]
    public = rows.public() if action == Action.VIEW else None
    if public is not None and rows.filter(public).exists():
        return User.objects.filter(is_active=True)
    who = Q(is_superuser=True)  # role_of: a superuser acts as an administrator, who holds every action
    for role, actions in ROLE_ACTIONS.items():
        if action not in actions:
            continue
        if role == User.Role.ADMINISTRATOR:
            who |= Q(role=role)
        elif role == User.Role.INSPECTOR and rows.region_field:
            who |= Q(role=role, inspector_assignments__region__in=rows.values(rows.region_field))
        elif role == User.Role.ENTERPRISE_STAFF and rows.enterprise_field:
            who |= Q(role=role, memberships__enterprise__in=rows.values(rows.enterprise_field))
    return User.objects.filter(who, is_active=True).distinct()


def own_rows(user: "AnyUser | AbstractBaseUser", rows: models.QuerySet, owner: str = "user") -> models.QuerySet:
    """Rows that belong to a person rather than to an enterprise or a region (their API tokens): a user reaches
    their own, administrators everyone's, the public and inactive users none. `owner` is the lookup of the person."""
    if not reach(user, Action.ADMINISTER).nothing:
        return rows.all()
    if role_of(user) is None:
        return rows.none()
    return rows.filter(**{owner: user})


def require(
    user: "AnyUser | AbstractBaseUser", action: Action, obj: models.Model | None = None, message: str | None = None
) -> User:
    """Raise PermissionDenied (with `message` for the person) unless `can(user, action, obj)`; returns the user,
    who is then known to be a logged-in `User`."""
    if not can(user, action, obj) or not isinstance(user, User):
        raise PermissionDenied(message)
    return user
