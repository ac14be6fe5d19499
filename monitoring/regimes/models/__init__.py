"""The regimes app's models: `regimes` (cities, regimes, the required cuts and the enterprises' regime plans) and
`verdicts` (whether each source made its cut). Imported from here by name, as Django and the other apps expect."""

from monitoring.regimes.models.regimes import (
    DEGREES,
    City,
    CityQuerySet,
    Degree,
    Regime,
    RegimePlan,
    RegimePlanQuerySet,
    RegimeQuerySet,
    RequiredCut,
    RequiredCutQuerySet,
)
from monitoring.regimes.models.verdicts import (
    NotMeasuredReason,
    Verdict,
    VerdictQuerySet,
    VerdictStatus,
    Verification,
    VerificationQuerySet,
)

__all__ = [
    "DEGREES",
    "City",
    "CityQuerySet",
    "Degree",
    "NotMeasuredReason",
    "Regime",
    "RegimePlan",
    "RegimePlanQuerySet",
    "RegimeQuerySet",
    "RequiredCut",
    "RequiredCutQuerySet",
    "Verdict",
    "VerdictQuerySet",
    "VerdictStatus",
    "Verification",
    "VerificationQuerySet",
]
