"""crm.escaping.esc is Django's conditional_escape, only faster."""

from decimal import Decimal

import pytest
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from crm.escaping import esc
from teams.models import User


@pytest.mark.parametrize("value", [
    "", "plain", "a < b & c > d", "\"double\" and 'single'", "中文 <b>粗</b>", 0, 25, Decimal("1234.50"), None,
    mark_safe("<i>already safe</i>"), gettext_lazy("Confirmed"), User(username="o'brien & <co>"),
])
def test_esc_is_conditional_escape(value):
    with override("zh-hans"):
        assert esc(value) == conditional_escape(value)
