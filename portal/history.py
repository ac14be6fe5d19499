"""Who reads which change records.

Apart from portal.models because portal.permissions, whose RestrictedQuerySet this is, imports portal.models.
"""

from portal.permissions import RestrictedQuerySet


class ChangeRecordQuerySet(RestrictedQuerySet):
    """Read with `Action.READ_HISTORY`: staff the records of their enterprises, inspectors those of their regions,
    administrators all (the ids are copied onto each record when it is written, portal.audit)."""

    enterprise_field = "enterprise_id"
    region_field = "region_id"
