"""Money, in one place: parse what a person or a client sent, round half-up to the cent, format for people.

Amounts are `Decimal` in `DecimalField(**MONEY_FIELD)`; never float. Every service that accepts an amount
parses it here and every page shows it through the `money` filters (crm/money_filters.py), so a page, the
API and an import round the same way.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from crm.errors import DomainError

MONEY_FIELD = {"max_digits": 18, "decimal_places": 2}
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# The first value that no longer fits DecimalField(max_digits=18, decimal_places=2).
MAX_MONEY = Decimal("1e16")


def money_round(value: Decimal, places: int = 2) -> Decimal:
    """Round half-up (0.005 -> 0.01), the rule for every stored and shown amount."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def to_decimal(value: Any, *, field: str, minimum: Decimal | None = Decimal("0"),
               maximum: Decimal | None = MAX_MONEY) -> Decimal:
    """A finite Decimal from a Decimal, an int or a string ("1,200.50" too), never a float or a bool (money is
    exact); else a DomainError naming `field`. `minimum` is inclusive, `maximum` exclusive; None for no bound."""
    if isinstance(value, (float, bool)) or value is None:
        raise DomainError(_("Enter a number."), field=field)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError, TypeError) as exc:
        raise DomainError(_("Enter a number."), field=field) from exc
    if not number.is_finite():
        raise DomainError(_("Enter a number."), field=field)
    if minimum is not None and number < minimum:
        raise DomainError(_("Must be at least %(minimum)s.") % {"minimum": minimum}, field=field)
    if maximum is not None and number >= maximum:
        raise DomainError(_("The number is too large."), field=field)
    return number


def parse_money(value: Any, *, field: str, allow_none: bool = False) -> Decimal | None:
    """A non-negative amount rounded half-up to the cent; "" or None is None when `allow_none`, else
    "Enter an amount"."""
    if value is None or value == "":
        if allow_none:
            return None
        raise DomainError(_("Enter an amount."), field=field)
    number = to_decimal(value, field=field, minimum=None, maximum=None)
    if number < 0:
        raise DomainError(_("The amount cannot be negative."), field=field)
    number = money_round(number)
    if number >= MAX_MONEY:  # after rounding: 9999999999999999.995 rounds up to what no longer fits
        raise DomainError(_("The number is too large."), field=field)
    return number


CURRENCY_SYMBOLS = {"CNY": "¥", "RMB": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "JPY": "JP¥", "GBP": "£"}


def currency_symbol(code: str | None = None) -> str:
    """The symbol people read for a currency code (the company's default currency when none is given)."""
    from django.conf import settings

    code = (code or getattr(settings, "DEFAULT_CURRENCY", "CNY") or "CNY").upper()
    return CURRENCY_SYMBOLS.get(code, f"{code} ")


def format_money(value: Any, *, places: int = 2, signed: bool = False, currency: bool | str = False,
                 short: bool = False) -> str:
    """1234567.5 -> "1,234,567.50": grouped by thousands whatever the UI language (Chinese finance pages do
    the same; Django's Chinese number format has none), half-up; "+" before a gain when `signed`; "—" for
    nothing. `currency` puts the symbol in front (True: the company's currency; a code: that one). `short` is
    for summaries and tiles, the way the charts count: 1.5万 / 3.2亿 in Chinese, 15.0K / 320.0M in English."""
    if value is None or value == "":
        return "—"
    try:
        number = money_round(value if isinstance(value, Decimal) else Decimal(str(value)), places)
    except (InvalidOperation, ValueError):
        return str(value)
    text = _short(number) if short else f"{number:,}"
    sign = ""
    if text.startswith("-"):
        sign, text = "-", text[1:]
    elif signed and number > 0:
        sign = "+"
    if currency:
        text = currency_symbol(currency if isinstance(currency, str) else None) + text
    return sign + text


def _short(number: Decimal) -> str:
    from django.utils.translation import get_language

    size = abs(number)
    if (get_language() or "").startswith("en"):
        steps = [(Decimal("1e9"), "B", 1), (Decimal("1e6"), "M", 1), (Decimal("1e3"), "K", 1)]
    else:
        steps = [(Decimal("1e8"), "亿", 2), (Decimal("1e4"), "万", 1)]
    for step, unit, digits in steps:
        if size >= step:
            return f"{money_round(number / step, digits):,}{unit}"
    return f"{money_round(number, 0):,}"
