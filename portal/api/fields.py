from typing import Any

from django.db import models
from rest_framework import serializers


class NaturalKeyField(serializers.SlugRelatedField):
    """A related object named by a natural key (BIN, ISO code), with NUL characters refused up front."""

    def to_internal_value(self, data: Any) -> models.Model:
        if isinstance(data, str) and "\x00" in data:
            self.fail("invalid")
        return super().to_internal_value(data)
