"""The funnel table's row written in Python (funnel_tags.funnel_health_row) is the HTML of the template loop body
it replaced, with its health badge include, character for character: that loop is kept here as the reference, the
include written in place (funnel/_health_badge.html, its newline included)."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from funnel.selectors import Expected, Figure, Health, StageHealth, health_status
from funnel.templatetags.funnel_tags import funnel_health_row
from opportunities.models import Stage

LOOP = """{% load i18n static opportunities_tags funnel_tags %}{% for row in rows %}
                <tr data-testid="funnel-row-{{ row.stage.code }}">
                  <td><span class="fw-semibold">{{ row.stage.code }}</span> {{ row.stage.name }} <span class="text-muted small">{{ row.stage.probability }}%</span>{% if row.stuck %} <span class="badge fn-stuck-badge" title="{% translate 'Stuck opportunities' %}"><i class="bi bi-hourglass-bottom"></i> {{ row.stuck }}</span>{% endif %}</td>
                  <td class="text-end">{{ row.figure.count }}</td>
                  <td class="text-end text-nowrap">{{ row.figure.amount|money }}</td>
                  <td class="text-end text-nowrap">{{ row.weighted|money }}</td>
                  <td class="text-end text-nowrap">{% with expected=row|measure_expected:measure %}{% if expected is None %}—{% elif measure == "amount" %}{{ expected|money }}{% else %}{{ expected|floatformat:"-2" }}{% endif %}{% endwith %}{% with source=row|measure_source:measure %}{% if source == "manual" %} <i class="bi bi-pencil-square text-muted" title="{% translate 'Manual baseline' %}"></i>{% endif %}{% endwith %}</td>
                  <td class="text-end text-nowrap">{% with percent=row|measure_percent:measure %}{% if percent is None %}—{% else %}{{ percent }}%{% endif %}{% endwith %}</td>
                  <td>{% with status=row|measure_status:measure %}<span class="badge fn-health fn-health-{{ status }}" data-status="{{ status }}">{{ status|health_label }}</span>
{% endwith %}</td>
                </tr>
              {% endfor %}"""  # noqa: E501

NEW = "{% load funnel_tags %}{% for row in rows %}{% funnel_health_row row measure %}{% endfor %}"


def _rows() -> list[StageHealth]:
    stages = [Stage(pk=1, code="01", name_zh="寻找<联系人> & 需求", name_en="Prospect <\"A\"> & 'B'", probability=10),
              Stage(pk=2, code="02", name_zh="方案", name_en="Proposal", probability=35),
              Stage(pk=3, code="0&3", name_zh="谈判", name_en="Negotiation", probability=100)]
    figures = [Figure(count=0, amount=Decimal("0.00")), Figure(count=48446, amount=Decimal("121045648000.00"), stuck=7),
               Figure(count=3, amount=Decimal("1234.56"), stuck=1)]
    expectations = [Expected(), Expected(count=Decimal("2.50"), amount=Decimal("1000000.00"), count_source="manual",
                                         amount_source="history"),
                    Expected(count=Decimal("4"), amount=Decimal("9999.99"), count_source="history",
                             amount_source="manual"),
                    Expected(count=Decimal("0.333"), count_source="history"),
                    Expected(amount=Decimal("1500.00"), amount_source="history")]
    rows = []
    for stage in stages:
        for figure in figures:
            for expected in expectations:
                row = StageHealth(stage=stage, figure=figure, expected=expected)
                row.count_ratio, row.count_status = health_status(current=figure.count, expected=expected.count)
                row.amount_ratio, row.amount_status = health_status(current=figure.amount, expected=expected.amount)
                rows.append(row)
    rows[-1].count_status = "<odd>"  # an unknown status is shown as itself, escaped
    return rows


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("measure", ["count", "amount"])
def test_funnel_health_row_is_the_template_loop(language, measure):
    rows = _rows()
    assert {row.status(measure) for row in rows} >= {Health.EXCELLENT, Health.GOOD, Health.WARNING, Health.NO_BASELINE}
    with translation.override(language):
        context = {"rows": rows, "measure": measure}
        expected = Template(LOOP).render(Context(context))
        assert Template(NEW).render(Context(context)) == expected
        assert "&lt;" in expected and "title=" in expected  # escaped names, the stuck and manual marks shown
    for row in rows:
        assert str(funnel_health_row(row, measure)).startswith("\n                <tr")
