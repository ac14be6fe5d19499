"""The FilterSets of the change log: the history pages filter by person, date range and kind; the audit log also by
kind of object."""

from collections.abc import Callable, Mapping
from typing import Any

import django_filters
from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.functional import Promise, lazy
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.audit import audited_models
from portal.models import ChangeKind, ChangeRecord

DATE = forms.DateInput(attrs={"type": "date"})


def _descending(label: object) -> str:
    return _("%(label)s (descending)") % {"label": label}


_descending_lazy = lazy(_descending, str)


class OrderingFilter(django_filters.OrderingFilter):
    """django-filter's, with choices written in the reader's language: django-filter writes "(descending)" once,
    in the language active when the FilterSet is defined (at import), and names a choice it has no label for by its
    parameter ("State year"). Every field needs its label (`field_labels`, lazily translated).

    `expressions` orders a field by an expression made when a list is asked for instead of by its column: a name in
    the reader's language (registry.models.local_name), which the language active at import would not give."""

    def __init__(self, *args: Any, expressions: Mapping[str, Callable[[], Any]] | None = None, **kwargs: Any) -> None:
        self.expressions = dict(expressions or {})
        super().__init__(*args, **kwargs)

    def get_ordering_value(self, param: str) -> Any:
        descending = param.startswith("-")
        field = self.param_map.get(param.removeprefix("-"))
        if field not in self.expressions:
            return super().get_ordering_value(param)
        expression = self.expressions[field]()
        return expression.desc() if descending else expression.asc()

    def build_choices(self, fields: Mapping[str, str], labels: Mapping[str, Promise]) -> list[tuple[str, Any]]:
        missing = sorted(set(fields) - set(labels))
        assert not missing, f"give these orderings a label: {missing}"
        ascending = [(param, labels[field]) for field, param in fields.items()]
        descending = [(f"-{param}", _descending_lazy(label)) for param, label in ascending]
        return [choice for pair in zip(ascending, descending, strict=True) for choice in pair]


class ChangeRecordFilterSet(django_filters.FilterSet):
    person = django_filters.CharFilter(method="filter_person", label=gettext_lazy("Person"))
    since = django_filters.DateFilter(
        field_name="time__date", lookup_expr="gte", label=gettext_lazy("From"), widget=DATE
    )
    until = django_filters.DateFilter(field_name="time__date", lookup_expr="lte", label=gettext_lazy("To"), widget=DATE)
    kind = django_filters.ChoiceFilter(choices=ChangeKind.choices, label=gettext_lazy("Change"))

    class Meta:
        model = ChangeRecord
        fields = ["person", "since", "until", "kind"]

    def filter_person(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        """A login name or part of a person's name; "system" for writes made by no one logged in."""
        if value.strip().lower() in {"system", str(_("system")).lower()}:
            return queryset.filter(user=None)
        return queryset.filter(
            Q(user__username__icontains=value)
            | Q(user__first_name__icontains=value)
            | Q(user__last_name__icontains=value)
        )


def _model_choices() -> list[tuple[str, str]]:
    choices = [
        (f"{model._meta.app_label}.{model._meta.model_name}", capfirst(_(str(model._meta.verbose_name))))
        for model in audited_models()
    ]
    return sorted(choices, key=lambda choice: choice[1])


class AuditLogFilterSet(ChangeRecordFilterSet):
    model = django_filters.ChoiceFilter(choices=_model_choices, method="filter_model", label=gettext_lazy("Object"))

    class Meta:
        model = ChangeRecord
        fields = ["person", "since", "until", "kind", "model"]

    def filter_model(self, queryset: QuerySet, name: str, value: Any) -> QuerySet:
        app_label, model_name = value.split(".")
        return queryset.filter(content_type=ContentType.objects.get_by_natural_key(app_label, model_name))
