from rest_framework import serializers

from portal.models import ChangeRecord


class ChangeRecordSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = ChangeRecord
        fields = ["time", "user", "kind", "object_repr", "changes"]
