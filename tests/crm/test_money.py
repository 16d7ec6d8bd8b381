"""crm/money.py: the one place amounts are parsed, rounded and shown."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from crm.errors import DomainError
from crm.money import MAX_MONEY, format_money, parse_money, to_decimal


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(("given", "expected"), [
    ("1,200.5", Decimal("1200.50")),
    ("0.005", Decimal("0.01")),  # half up, not half to even
    ("2.665", Decimal("2.67")),
    (Decimal("7"), Decimal("7.00")),
    (12, Decimal("12.00")),
    ("  3.10 ", Decimal("3.10")),
])
def test_parse_money_rounds_half_up_to_the_cent(given, expected):
    assert parse_money(given, field="amount") == expected


@pytest.mark.parametrize(("given", "message"), [
    (1.5, "Enter a number."),  # a float is never money
    (True, "Enter a number."),
    ("abc", "Enter a number."),
    ("NaN", "Enter a number."),
    ("-0.01", "The amount cannot be negative."),
    (str(MAX_MONEY), "The number is too large."),
    ("9999999999999999.995", "The number is too large."),  # fits before rounding, not after
    ("", "Enter an amount."),
    (None, "Enter an amount."),
    ([1], "Enter a number."),
])
def test_parse_money_refuses_with_a_message_naming_the_field(given, message):
    with pytest.raises(DomainError) as error:
        parse_money(given, field="quote")
    assert error.value.message == message and error.value.field == "quote"


def test_nothing_is_allowed_when_asked():
    assert parse_money("", field="cap", allow_none=True) is None
    assert parse_money(None, field="cap", allow_none=True) is None


def test_to_decimal_bounds():
    assert to_decimal("-5", field="x", minimum=None) == Decimal("-5")
    with pytest.raises(DomainError, match="at least 1"):
        to_decimal("0.5", field="x", minimum=Decimal("1"))
    with pytest.raises(DomainError, match="too large"):
        to_decimal("100", field="x", maximum=Decimal("100"))


def test_format_money_groups_rounds_half_up_and_signs():
    assert format_money(Decimal("1250000.5")) == "1,250,000.50"
    assert format_money(Decimal("2.665")) == "2.67"
    assert format_money(Decimal("1250000.5"), places=0) == "1,250,001"
    assert format_money(Decimal("-3500"), signed=True) == "-3,500.00"
    assert format_money(Decimal("12000"), signed=True) == "+12,000.00"
    assert format_money(None) == format_money("") == "—"


def test_every_template_has_the_money_filters():
    html = Template("{{ a|money }} {{ a|money0 }} {{ b|signed_money }} {{ c|money }}").render(
        Context({"a": Decimal("1234.565"), "b": Decimal("5"), "c": None}))
    assert html == "¥1,234.57 ¥1,235 +¥5.00 —"


@pytest.mark.parametrize(("language", "value", "expected"), [
    ("zh-hans", "15000", "¥1.5万"), ("zh-hans", "320000000", "¥3.20亿"), ("zh-hans", "-25000", "-¥2.5万"),
    ("zh-hans", "9999", "¥9,999"), ("en", "15000", "¥15.0K"), ("en", "1464904000", "¥1.5B"),
    ("en", "2500000", "¥2.5M"), ("en", "999", "¥999"),
])
def test_summaries_count_in_the_readers_units(language, value, expected):
    with translation.override(language):
        assert Template("{{ a|money_short }}").render(Context({"a": Decimal(value)})) == expected


def test_an_amount_shows_its_own_currency():
    html = Template("{{ a|money:'USD' }} {{ a|money }}").render(Context({"a": Decimal("1050000")}))
    assert html == "$1,050,000.00 ¥1,050,000.00"
