"""Every write to permits, emission sources and limits.

Staff of an enterprise (`Action.FILE` on it) enter its permits, sources and limits by form, file or API, and submit a
permit; an inspector of its region (`Action.DECIDE`) verifies it or returns it with reasons. A permit is edited
while it is a draft or returned; a verified one is changed by a new permit that replaces it (both stay readable).
Sources belong to the enterprise and outlive its permits. Every save is recorded in the history (portal.audit), in
the caller's transaction; messages go through the outbox.
"""

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal import outbox, values
from portal.models import User
from portal.permissions import Action, AnyUser, require
from registry.models import Deposit, Enterprise
from registry.permits.checks import (
    SOURCE_FIELDS,
    Parsed,
    RowIssue,
    RowsInvalid,
    limit_issues,
    merged_source,
    parse_rows,
    source_issues,
)
from registry.permits.models import EmissionLimit, EmissionSource, Permit, PermitStatus, PlacementLimit

PERMIT_FIELDS = ("number", "category", "issuer", "valid_from", "valid_to", "document", "replaces")
EDITABLE = (PermitStatus.DRAFT, PermitStatus.RETURNED)
# No permit in the register was issued before the Soviet norms of emission limits (НДВ) took their present form.
FIRST_YEAR = 1980


def _check_may_file(actor: AnyUser, enterprise: Enterprise) -> User:
    return require(
        actor, Action.FILE, enterprise,
        _("You may not enter permits or sources of %(enterprise)s.") % {"enterprise": enterprise},
    )  # fmt: skip


def _locked(permit: Permit) -> Permit:
    return Permit.objects.select_for_update(of=("self",)).select_related("enterprise").get(pk=permit.pk)


def _check_status(permit: Permit, *allowed: str) -> None:
    if permit.status not in allowed:
        raise ValidationError(
            _("The permit is %(status)s; this needs it to be %(allowed)s.")
            % {
                "status": permit.get_status_display(),
                "allowed": " / ".join(str(PermitStatus(status).label) for status in allowed),
            },
            code="wrong_status",
        )


def _editable(actor: AnyUser, permit: Permit) -> tuple[Permit, User]:
    """The permit, locked, once the actor may file for its enterprise and it is a draft or returned."""
    permit = _locked(permit)
    filer = _check_may_file(actor, permit.enterprise)
    _check_status(permit, *EDITABLE)
    return permit, filer


def _check_replaces(permit: Permit) -> None:
    """A permit replaces a verified one of the same enterprise that no other permit replaces."""
    older = permit.replaces
    if older is None:
        return
    if older.pk == permit.pk or older.enterprise_id != permit.enterprise_id:
        raise ValidationError({"replaces": _("A permit replaces another permit of the same enterprise.")})
    if older.status != PermitStatus.VERIFIED:
        raise ValidationError({"replaces": _("Only a verified permit is replaced by a new one.")}, code="not_verified")
    taken = Permit.objects.filter(replaces=older).exclude(pk=permit.pk).first()
    if taken is not None:
        message = _("Permit %(older)s is already replaced by %(newer)s.") % {
            "older": older.number,
            "newer": taken.number,
        }
        raise ValidationError({"replaces": message}, code="already_replaced")


def _save_permit(permit: Permit) -> Permit:
    errors: dict[str, list[str]] = {}
    for name in ("number", "issuer"):
        try:
            values.validate_text(getattr(permit, name))
        except ValidationError as exc:
            errors.setdefault(name, []).append(values.message(exc))
    try:
        values.check_year(permit.valid_from.year if permit.valid_from else None, earliest=FIRST_YEAR, latest=2100)
    except ValidationError as exc:
        errors.setdefault("valid_from", []).append(values.message(exc))
    if permit.valid_from and permit.valid_to and permit.valid_to < permit.valid_from:
        errors.setdefault("valid_to", []).append(_("A permit cannot end before it begins."))
    same_number = Permit.objects.filter(enterprise_id=permit.enterprise_id, number=permit.number)
    if same_number.exclude(pk=permit.pk).exists():
        errors.setdefault("number", []).append(_("The enterprise already has a permit with this number."))
    if errors:
        raise ValidationError(errors)
    _check_replaces(permit)
    permit.full_clean()
    permit.save()
    return permit


@transaction.atomic
def permit_create(*, actor: AnyUser, enterprise: Enterprise, fields: Mapping[str, Any]) -> Permit:
    """A new permit of `enterprise`, a draft; `fields` are of PERMIT_FIELDS (`replaces`: the verified permit it
    replaces)."""
    _check_may_file(actor, enterprise)
    unknown = set(fields) - set(PERMIT_FIELDS)
    assert not unknown, unknown  # the forms and serializers give only these
    return _save_permit(Permit(enterprise=enterprise, **fields))


@transaction.atomic
def permit_update(*, actor: AnyUser, permit: Permit, fields: Mapping[str, Any]) -> Permit:
    """Change a draft or returned permit's fields (of PERMIT_FIELDS)."""
    permit, _filer = _editable(actor, permit)
    for name, value in fields.items():
        assert name in PERMIT_FIELDS, name
        setattr(permit, name, value)
    return _save_permit(permit)


def _notify(permit: Permit, event: str, recipients: Iterable[User]) -> None:
    outbox.post(
        key=f"permit:{permit.pk}:{event}:{permit.submitted_at.isoformat() if permit.submitted_at else ''}",
        code=f"permits.{event}",
        # The enterprise by its id, named when the message is shown (messages.py), in the reader's language.
        params={"enterprise_id": permit.enterprise_id, "number": permit.number, "reasons": permit.reasons},
        link=reverse("permits:detail", args=[permit.pk]),
        recipients=recipients,
    )


@transaction.atomic
def permit_submit(*, actor: AnyUser, permit: Permit) -> Permit:
    """Send a draft or returned permit to the inspectors of the enterprise's region for verification."""
    permit, _filer = _editable(actor, permit)
    permit.status, permit.submitted_at, permit.reasons = PermitStatus.SUBMITTED, timezone.now(), ""
    permit.save(update_fields=["status", "submitted_at", "reasons"])
    inspectors = User.objects.filter(inspector_assignments__region_id=permit.enterprise.region_id, is_active=True)
    _notify(permit, "submitted", inspectors.order_by("pk"))
    return permit


def _decide(actor: AnyUser, permit: Permit) -> tuple[Permit, User]:
    permit = _locked(permit)
    decider = require(
        actor, Action.DECIDE, permit, _("Only an inspector of the enterprise's region verifies its permits.")
    )
    _check_status(permit, PermitStatus.SUBMITTED)
    return permit, decider


@transaction.atomic
def permit_verify(*, actor: AnyUser, permit: Permit) -> Permit:
    """The inspector confirms the permit as entered: it is then public, and its limits are those in force."""
    permit, decider = _decide(actor, permit)
    permit.status, permit.verified_by, permit.verified_at = PermitStatus.VERIFIED, decider, timezone.now()
    permit.save(update_fields=["status", "verified_by", "verified_at"])
    _notify(permit, "verified", User.objects.filter(memberships__enterprise=permit.enterprise, is_active=True))
    return permit


@transaction.atomic
def permit_send_back(*, actor: AnyUser, permit: Permit, reasons: str) -> Permit:
    """The inspector returns the permit to the enterprise for correction, saying why."""
    if not str(reasons).strip():
        raise ValidationError({"reasons": ValidationError(_("Say why the permit goes back."), code="required")})
    try:
        values.text(reasons)
    except ValidationError as exc:
        raise ValidationError({"reasons": ValidationError(values.message(exc), code=exc.code)}) from None
    permit, _decider = _decide(actor, permit)
    permit.status, permit.reasons = PermitStatus.RETURNED, reasons.strip()
    permit.save(update_fields=["status", "reasons"])
    _notify(permit, "returned", User.objects.filter(memberships__enterprise=permit.enterprise, is_active=True))
    return permit


# Sources: the enterprise's, whatever the state of its permits.


def _as_issues_error(issues: list[RowIssue]) -> ValidationError:
    return ValidationError({issue.field: ValidationError(issue.message, code=issue.code) for issue in issues})


def _save_source(source: EmissionSource) -> EmissionSource:
    issues = source_issues(None, {name: getattr(source, name) for name in SOURCE_FIELDS})
    issues = [issue for issue in issues if issue.code != "required"]  # full_clean names missing fields itself
    if issues:
        raise _as_issues_error(issues)
    same_code = EmissionSource.objects.filter(enterprise_id=source.enterprise_id, code=source.code)
    if same_code.exclude(pk=source.pk).exists():
        message = _("The enterprise already has a source %(code)s.") % {"code": source.code}
        raise ValidationError({"code": ValidationError(message, code="unique")})
    source.full_clean()
    source.save()
    return source


@transaction.atomic
def source_create(*, actor: AnyUser, enterprise: Enterprise, fields: Mapping[str, Any]) -> EmissionSource:
    """A new emission source or water outlet of `enterprise`; `fields`: code and SOURCE_FIELDS (and
    `is_published`, which administrators set)."""
    _check_may_file(actor, enterprise)
    _check_publishing(actor, fields, current=True)
    return _save_source(EmissionSource(enterprise=enterprise, **fields))


@transaction.atomic
def source_update(*, actor: AnyUser, source: EmissionSource, fields: Mapping[str, Any]) -> EmissionSource:
    source = EmissionSource.objects.select_for_update(of=("self",)).get(pk=source.pk)
    _check_may_file(actor, source.enterprise)
    _check_publishing(actor, fields, current=source.is_published)
    if (
        "medium" in fields
        and fields["medium"] != source.medium
        and EmissionLimit.objects.filter(source=source).exists()
    ):
        message = _("The source is limited by a permit: its medium stays as the permit set it.")
        raise ValidationError({"medium": ValidationError(message, code="limited")})
    for name, value in fields.items():
        setattr(source, name, value)
    return _save_source(source)


def _check_publishing(actor: AnyUser, fields: Mapping[str, Any], *, current: bool) -> None:
    if fields.get("is_published", current) != current:
        require(actor, Action.PUBLISH, message=_("Only regulator administrators publish or withdraw sources."))


# Limits: of a draft or returned permit, on its enterprise's own sources and deposits.


def _check_limit(permit: Permit, limit: EmissionLimit) -> None:
    if limit.source.enterprise_id != permit.enterprise_id:
        message = _("The source is not one of the enterprise's own.")
        raise ValidationError({"source": ValidationError(message, code="foreign_source")})
    issues = limit_issues(None, medium=limit.source.medium, grams_per_second=limit.grams_per_second)
    if issues:
        raise _as_issues_error(issues)
    same = EmissionLimit.objects.filter(permit=permit, source=limit.source, substance=limit.substance)
    if same.exclude(pk=limit.pk).exists():
        message = _("The permit already limits %(substance)s on this source.") % {"substance": limit.substance}
        raise ValidationError({"substance": ValidationError(message, code="duplicate_limit")})
    limit.full_clean()


@transaction.atomic
def limit_save(
    *, actor: AnyUser, permit: Permit, limit: EmissionLimit | None, fields: Mapping[str, Any]
) -> EmissionLimit:
    """Add (`limit` None) or change a limit of a draft or returned permit; `fields`: source, substance,
    grams_per_second (air only), tonnes_per_year."""
    permit, _filer = _editable(actor, permit)
    if limit is None:
        limit = EmissionLimit(permit=permit)
    else:
        limit = EmissionLimit.objects.select_for_update(of=("self",)).get(pk=limit.pk, permit=permit)
    for name, value in fields.items():
        setattr(limit, name, value)
    _check_limit(permit, limit)
    limit.save()
    return limit


@transaction.atomic
def limit_delete(*, actor: AnyUser, limit: EmissionLimit) -> None:
    _editable(actor, limit.permit)
    EmissionLimit.objects.filter(pk=limit.pk).delete()


def _check_placement(permit: Permit, placement: PlacementLimit) -> None:
    if placement.deposit.operator_id != permit.enterprise_id:
        message = _("The deposit is not one the enterprise operates.")
        raise ValidationError({"deposit": ValidationError(message, code="foreign_deposit")})
    same = PlacementLimit.objects.filter(permit=permit, deposit=placement.deposit)
    if same.exclude(pk=placement.pk).exists():
        message = _("The permit already limits placement on this deposit.")
        raise ValidationError({"deposit": ValidationError(message, code="duplicate_limit")})
    placement.full_clean()


@transaction.atomic
def placement_limit_save(
    *, actor: AnyUser, permit: Permit, placement: PlacementLimit | None, fields: Mapping[str, Any]
) -> PlacementLimit:
    """Add (`placement` None) or change a waste placement limit; `fields`: deposit, tonnes_per_year."""
    permit, _filer = _editable(actor, permit)
    if placement is None:
        placement = PlacementLimit(permit=permit)
    else:
        placement = PlacementLimit.objects.select_for_update(of=("self",)).get(pk=placement.pk, permit=permit)
    for name, value in fields.items():
        setattr(placement, name, value)
    _check_placement(permit, placement)
    placement.save()
    return placement


@transaction.atomic
def placement_limit_delete(*, actor: AnyUser, placement: PlacementLimit) -> None:
    _editable(actor, placement.permit)
    PlacementLimit.objects.filter(pk=placement.pk).delete()


# Rows (a file, the API): every row checked first, then sources and limits saved together, or nothing.


def _known_sources(enterprise: Enterprise) -> dict[str, EmissionSource]:
    return {source.code: source for source in EmissionSource.objects.filter(enterprise=enterprise)}


def _save_parsed(permit: Permit, parsed: Parsed, known: dict[str, EmissionSource]) -> list[EmissionSource]:
    """Create the new sources and change those described otherwise; then the permit's limits are the rows'."""
    changed = []
    # Limits of other permits fix a source's medium; this permit's own are replaced below.
    others = EmissionLimit.objects.filter(source__enterprise=permit.enterprise).exclude(permit=permit)
    limited = set(others.values_list("source_id", flat=True))
    for code, parsed_source in parsed.sources.items():
        fields = merged_source(parsed_source, known.get(code))
        source = known.get(code) or EmissionSource(enterprise=permit.enterprise, code=code)
        if source.pk in limited and fields["medium"] != source.medium:
            message = _("the source is limited by a permit: its medium stays as the permit set it.")
            raise RowsInvalid([RowIssue(parsed_source.row, "medium", "limited", message)])
        if source.pk and all(getattr(source, name) == fields[name] for name in SOURCE_FIELDS):
            continue
        for name, value in fields.items():
            setattr(source, name, value)
        source.full_clean()
        source.save()
        known[code] = source
        changed.append(source)
    permit.limits.all().delete()
    EmissionLimit.objects.bulk_create(
        EmissionLimit(
            permit=permit, source=known[limit.source_code], substance=limit.substance,
            grams_per_second=limit.grams_per_second, tonnes_per_year=limit.tonnes_per_year,
        )
        for limit in parsed.limits
    )  # fmt: skip
    return changed


@transaction.atomic
def permit_import(*, actor: AnyUser, permit: Permit, rows: Iterable[tuple[int, Mapping[str, Any]]]) -> Permit:
    """A file's sources and limits (registry.permits.checks): new sources are added, described ones changed, and
    the permit's emission limits become the file's. `rows` are (row number, cells). Nothing is saved unless every
    row passes (RowsInvalid names each row and field)."""
    permit, _filer = _editable(actor, permit)
    known = _known_sources(permit.enterprise)
    parsed, issues = parse_rows(rows, known_sources=known)
    if not parsed.sources and not issues:
        issues = [RowIssue(None, "file", "empty", _("The file has no rows of sources or limits."))]
    if issues:
        raise RowsInvalid(issues)
    _save_parsed(permit, parsed, known)
    return permit


def _placement_rows(
    permit: Permit, rows: Iterable[Mapping[str, Any]], issues: list[RowIssue]
) -> list[tuple[Deposit, Decimal]]:
    deposits = {deposit.pk: deposit for deposit in Deposit.objects.filter(operator=permit.enterprise)}
    placements: list[tuple[Deposit, Decimal]] = []
    first: dict[int, int] = {}
    for row, raw in enumerate(rows, start=1):
        try:
            deposit_id = values.integer(raw.get("deposit"))
        except ValidationError:
            deposit_id = None
        deposit = deposits.get(deposit_id) if deposit_id is not None else None
        if deposit is None:
            message = _("“%(value)s” is not one of this enterprise's deposits.") % {
                "value": values.shown(raw.get("deposit"))
            }
            issues.append(RowIssue(row, "deposit", "unknown_deposit", message))
            continue
        try:
            tonnes = values.number(
                raw.get("tonnes_per_year"), **values.decimal_column(PlacementLimit, "tonnes_per_year")
            )
            if tonnes < 0:
                raise ValidationError(_("a limit cannot be negative."), code="negative")
        except ValidationError as exc:
            issues.append(RowIssue(row, "tonnes_per_year", exc.code or "invalid", values.message(exc)))
            continue
        if deposit.pk in first:
            message = _("the deposit is already limited in row %(first)s.") % {"first": first[deposit.pk]}
            issues.append(RowIssue(row, "deposit", "duplicate_limit", message))
            continue
        first[deposit.pk] = row
        placements.append((deposit, tonnes))
    return placements


@transaction.atomic
def limits_replace(
    *,
    actor: AnyUser,
    permit: Permit,
    limits: Iterable[Mapping[str, Any]],
    placement_limits: Iterable[Mapping[str, Any]] | None = None,
) -> Permit:
    """The API's rows: the permit's emission limits (each row a source by code, a substance by code or CAS, and its
    figures; a row may describe a new source as a file's row does) and, when given, its waste placement limits
    (deposit id, tonnes_per_year) become these. Rows are numbered from 1; nothing is saved unless every row
    passes."""
    permit, _filer = _editable(actor, permit)
    known = _known_sources(permit.enterprise)
    parsed, issues = parse_rows(enumerate(limits, start=1), known_sources=known)
    placements = None
    if placement_limits is not None:
        placement_issues: list[RowIssue] = []
        placements = _placement_rows(permit, placement_limits, placement_issues)
        issues += [RowIssue(i.row, f"placement_limits.{i.field}", i.code, i.message) for i in placement_issues]
    if issues:
        raise RowsInvalid(issues)
    _save_parsed(permit, parsed, known)
    if placements is not None:
        permit.placement_limits.all().delete()
        PlacementLimit.objects.bulk_create(
            PlacementLimit(permit=permit, deposit=deposit, tonnes_per_year=tonnes) for deposit, tonnes in placements
        )
    return permit
