from typing import Any

from rest_framework import serializers

from monitoring.regimes.models import City
from monitoring.subscriptions.services import EMAIL_LENGTH, check_one_target
from portal.api import fields
from portal.api.fields import NaturalKeyField
from registry.models import Enterprise

# Input.


class SubscribeSerializer(serializers.Serializer):
    """An address and what it follows: one city (by code) or one enterprise (by BIN)."""

    email = fields.CharField(max_length=EMAIL_LENGTH, help_text="Checked as an e-mail address; kept in lower case.")
    city = NaturalKeyField(
        slug_field="code", queryset=City.objects.all(), required=False, help_text="A city's code: its regimes."
    )
    enterprise = NaturalKeyField(
        slug_field="bin",
        queryset=Enterprise.objects.all(),
        required=False,
        help_text="An enterprise's BIN: its regime verdicts and alerts.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # Django's ValidationError, as the service raises it: DRF names its fields (both) in the answer.
        check_one_target(city=attrs.get("city"), enterprise=attrs.get("enterprise"))
        return attrs


# Output.


class RequestedSerializer(serializers.Serializer):
    """The same answer whatever the address's state, so that it tells nobody whether an address is subscribed."""

    detail = serializers.CharField()
