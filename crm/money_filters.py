"""The money filters of every page (a template builtin, see TEMPLATES in settings), all through
`crm.money.format_money`: `{{ amount|money }}` -> ¥1,250,000.50 (the company's currency; `|money:"USD"` for
another); `|money0` -> ¥1,250,001 for dense tables; `|money_short` -> ¥125.0万 / ¥1.3M for summaries and
tiles; `|signed_money` -> +¥12,000.00 for gaps."""

from django import template

from crm.money import format_money

register = template.Library()


@register.filter
def money(value, currency=True) -> str:
    return format_money(value, currency=currency or True)


@register.filter
def money0(value, currency=True) -> str:
    return format_money(value, places=0, currency=currency or True)


@register.filter
def money_short(value, currency=True) -> str:
    return format_money(value, short=True, currency=currency or True)


@register.filter
def signed_money(value, currency=True) -> str:
    return format_money(value, signed=True, currency=currency or True)
