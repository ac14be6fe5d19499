"""/api/v1/regimes/{id}/verdicts/: a regime's verdicts (public with their sources; an unpublished source's for its
enterprise, its region's inspectors and administrators), one per source and substance measured in the city."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from rest_framework import mixins, serializers

from monitoring.regimes import verdicts
from monitoring.regimes.models import Regime, Verdict, VerdictStatus
from monitoring.regimes.models.verdicts import NotMeasuredReason
from portal.api import fields
from portal.api.views import BaseViewSet
from portal.permissions import Action


class VerdictSerializer(serializers.ModelSerializer):
    enterprise = serializers.CharField(source="source.enterprise.bin", help_text="The source's enterprise (BIN).")
    enterprise_name = serializers.CharField(source="source.enterprise.local_name")
    # DRF takes declared fields off the class: this one does not shadow Field.source, whatever the stubs say.
    source = serializers.CharField(source="source.code", help_text="The emission source's code.")  # type: ignore[assignment]
    substance = serializers.CharField(source="substance.code", help_text="E-PRTR short name, e.g. SOx.")
    status = serializers.ChoiceField(choices=VerdictStatus.choices, help_text="passed, short or not_measured.")
    reason = serializers.ChoiceField(
        choices=NotMeasuredReason.choices, help_text="Why not measured: no_data_during or no_baseline; else empty."
    )
    during_mean_gs = fields.FigureField(allow_null=True, help_text="Mean rate during the regime, g/s.")
    baseline_mean_gs = fields.FigureField(
        allow_null=True, help_text="Mean rate in the same local hours of the 7 days before, outside regimes, g/s."
    )
    achieved_cut = fields.FigureField(allow_null=True, help_text="1 - during / baseline, a fraction (0.35 = 35 %).")
    required_cut = serializers.DecimalField(
        source="required_value", max_digits=5, decimal_places=4, help_text="The degree's required cut, a fraction."
    )
    required_cut_valid_from = serializers.DateField(
        source="required_cut.valid_from", help_text="The version of the required cut that judged it."
    )
    final = serializers.BooleanField(help_text="False while the regime runs: the window so far.")

    class Meta:
        model = Verdict
        fields = [
            "id", "enterprise", "enterprise_name", "source", "substance", "status", "reason", "during_mean_gs",
            "during_count", "baseline_mean_gs", "baseline_count", "achieved_cut", "required_cut",
            "required_cut_valid_from", "final", "computed_at",
        ]  # fmt: skip


class RegimeVerdictViewSet(BaseViewSet, mixins.ListModelMixin):
    """A regime's verdicts, by enterprise, source and substance."""

    queryset = Verdict.objects.all()
    serializer_class = VerdictSerializer
    permission_actions = {"list": Action.VIEW}

    def get_queryset(self) -> QuerySet[Verdict]:
        regime = get_object_or_404(Regime.objects.restrict(self.request.user, Action.VIEW), pk=self.kwargs["regime_pk"])
        return verdicts.regime_verdicts(regime, user=self.request.user)
