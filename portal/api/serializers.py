from dataclasses import asdict
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from drf_spectacular.utils import extend_schema_field, inline_serializer
from rest_framework import serializers

from portal import values
from portal.api.fields import STRICT
from portal.audit_display import present
from portal.models import ChangeRecord


class ModelSerializer(serializers.ModelSerializer):
    """The base of the apps' ModelSerializers: the model's numbers and text read as portal.values defines them."""

    serializer_field_mapping = {
        model_field: STRICT.get(field, field)
        for model_field, field in serializers.ModelSerializer.serializer_field_mapping.items()
    }

    def build_standard_field(self, field_name: str, model_field: models.Field) -> tuple[type, dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if issubclass(field_class, serializers.CharField):
            kwargs["validators"] = [*kwargs.get("validators", []), values.validate_text]
        return field_class, kwargs


CHANGE_LINE = inline_serializer(
    "ChangeLine",
    {
        "field": serializers.CharField(help_text="The field's name, as in `changes`."),
        "label": serializers.CharField(help_text="The field's label, in the language asked for."),
        "old": serializers.CharField(help_text="The old value, formatted for reading."),
        "new": serializers.CharField(help_text="The new value, formatted for reading."),
    },
    many=True,
)


class ChangeRecordListSerializer(serializers.ListSerializer):
    def to_representation(self, data: Any) -> list[Any]:
        # Formatted together: the related rows the records name are read once for the whole page.
        records = present(data.all() if hasattr(data, "all") else data)
        return [self.child.to_representation(record) for record in records]  # type: ignore[union-attr]


class ChangeRecordSerializer(serializers.ModelSerializer):
    """A change record with its raw values (`changes`: {field: [old, new]}, as stored) and the same change for
    reading (`lines`: labels and formatted values, in the request's language)."""

    user: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="username", read_only=True)
    user_display = serializers.SerializerMethodField()
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    model = serializers.SerializerMethodField()
    model_display = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()

    class Meta:
        model = ChangeRecord
        list_serializer_class = ChangeRecordListSerializer
        fields = [
            "time", "user", "user_display", "kind", "kind_display", "model", "model_display", "object_id",
            "object_repr", "changes", "lines",
        ]  # fmt: skip

    def to_representation(self, instance: ChangeRecord) -> dict[str, Any]:
        if not hasattr(instance, "lines"):
            present([instance])
        return super().to_representation(instance)

    def get_user_display(self, record: ChangeRecord) -> str:
        return record.actor  # type: ignore[attr-defined]

    def get_model(self, record: ChangeRecord) -> str:
        content_type = ContentType.objects.get_for_id(record.content_type_id)
        return f"{content_type.app_label}.{content_type.model}"

    def get_model_display(self, record: ChangeRecord) -> str:
        return record.model_label  # type: ignore[attr-defined]

    @extend_schema_field(CHANGE_LINE)
    def get_lines(self, record: ChangeRecord) -> list[dict[str, str]]:
        return [asdict(line) for line in record.lines]  # type: ignore[attr-defined]
