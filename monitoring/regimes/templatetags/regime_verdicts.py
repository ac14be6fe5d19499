"""`{% regime_verdicts regime as verdicts %}`: the regime's verdicts the reader sees, for the regime page's block
`regimes/_verdicts.html` (the regime page's view is the regimes', the verdicts the verification's)."""

from typing import Any

from django import template

from monitoring.regimes import verdicts
from monitoring.regimes.models import Regime

register = template.Library()


@register.simple_tag(takes_context=True)
def regime_verdicts(context: dict[str, Any], regime: Regime) -> list[verdicts.VerdictRow]:
    user = context["request"].user
    return verdicts.with_visible_alerts(list(verdicts.regime_verdicts(regime, user=user)), user=user)
