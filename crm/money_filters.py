"""The money filters of every page (a template builtin, see TEMPLATES in settings): `{{ amount|money }}`
-> 1,250,000.50; `|money0` -> 1,250,001 for dense tables and tiles; `|signed_money` -> +12,000.00 for gaps."""

from django import template

from crm.money import format_money

register = template.Library()


@register.filter
def money(value) -> str:
    return format_money(value)


@register.filter
def money0(value) -> str:
    return format_money(value, places=0)


@register.filter
def signed_money(value) -> str:
    return format_money(value, signed=True)
