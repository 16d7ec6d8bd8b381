"""The customer list's row written in Python (accounts_tags.customer_row) is the HTML of the template loop it
replaced, character for character but for whitespace between tags: that loop is kept here as the reference."""

import re
from datetime import UTC, datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from accounts.models import Customer, Source, Tier
from accounts.templatetags.accounts_tags import customer_row
from teams.models import User


def _same(html: str) -> str:
    """Whitespace between tags aside (the included badges ended with a newline inside their cell)."""
    return re.sub(r">\s+<", "><", html)

ROW = Template("""{% load i18n %}<tr>
          <td><a href="{{ customer.get_absolute_url }}" class="fw-semibold text-decoration-none">{{ customer.name }}</a></td>
          <td class="font-monospace small text-muted">{{ customer.credit_code|default:"—" }}</td>
          <td>{% if customer.province and customer.province != customer.city %}{{ customer.province }} · {% endif %}{{ customer.city|default:"—" }}</td>
          <td>{{ customer.industry|default:"—" }}</td>
          <td>{% if customer.owner %}{{ customer.owner }}{% else %}<span class="badge text-bg-light border text-muted">{% translate "Unassigned" %}</span>{% endif %}</td>
          <td><span class="badge tier-badge tier-{{ customer.tier }}" data-testid="tier-badge">{{ customer.get_tier_display }}</span></td>
          <td class="small">{{ customer.get_source_display }}</td>
          <td class="text-end small text-muted text-nowrap">{{ customer.created_at|date:"Y-m-d" }}</td>
        </tr>""")  # noqa: E501


def _customers():
    owners = [User(pk=1, username="zw", display_name="张伟"), None, User(pk=2, username="ob", first_name="O'Brien")]
    places = [("上海", "上海"), ("广东", "深圳"), ("", "北京"), ("浙江", ""), ("", "")]
    for index, (province, city) in enumerate(places):
        customer = Customer(
            pk=10 + index, name=f"客户 <{index}> & '引号'", credit_code=["", "91310000MA1FL0000X"][index % 2],
            province=province, city=city, industry=["", "制造 & 工业"][index % 2], owner=owners[index % 3],
            tier=[Tier.KEY, Tier.HIGH_POTENTIAL, Tier.ORDINARY, "unknown"][index % 4],
            source=[Source.MANUAL, "nonsense"][index % 2],
            # 23:30 UTC is the next day in Shanghai: the date is the local one.
            created_at=datetime(2026, 3, 1 + index, 23, 30, tzinfo=UTC))
        customer.detail_url = f"/customers/{customer.pk}/"
        yield customer


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_customer_row_is_the_template_loop(language):
    with translation.override(language):
        for customer in _customers():
            assert _same(customer_row(customer)) == _same(ROW.render(Context({"customer": customer})))
