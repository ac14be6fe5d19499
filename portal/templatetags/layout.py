"""Template helpers of the page layout."""

from django import forms, template
from django.http import QueryDict

register = template.Library()


@register.filter
def active_filters(form: forms.Form) -> int:
    """How many fields of a list's filter form the request sets: the folded filters' summary shows the count, so
    that a phone user sees the list is filtered without opening them."""
    data = form.data
    if not form.is_bound or not isinstance(data, QueryDict):
        return 0
    return sum(1 for name in form.fields if any(value.strip() for value in data.getlist(name)))
