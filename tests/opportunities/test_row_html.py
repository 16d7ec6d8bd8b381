"""The list rows written in Python (opportunities_tags.opportunity_row, customer_opportunity_row) are the HTML of the
template loops they replaced, character for character but for whitespace between tags: those loops are kept
here as the reference. opportunities_tags.form_field writes what includes/field.html does, character for
character."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation

from accounts.models import Customer
from opportunities import page_parts
from opportunities.models import Opportunity, Stage
from opportunities.templatetags.opportunities_tags import customer_opportunity_row, opportunity_row
from teams.models import User


def _same(html: str) -> str:
    """Whitespace between tags aside (the included badges ended with a newline inside their cell)."""
    return re.sub(r">\s+<", "><", html)

LIST_ROW = Template("""{% load i18n opportunities_tags %}<tr>
        <td class="text-truncate opp-col-name"><a href="{% url 'opportunities:opportunity-detail' opportunity.pk %}" class="fw-semibold" title="{{ opportunity.name }}">{{ opportunity.name }}</a></td>
        <td class="text-truncate opp-col-customer" title="{{ opportunity.customer.name }}">{{ opportunity.customer.name }}</td>
        <td>{% with stage=opportunity.stage %}{% if stage.outcome == "won" %}<span class="badge text-bg-success">{{ stage.code }} {{ stage.name }}</span>{% elif stage.outcome == "lost" %}<span class="badge text-bg-danger">{{ stage.code }} {{ stage.name }}</span>{% else %}<span class="badge opp-stage-badge">{{ stage.code }} {{ stage.name }}</span>{% endif %}{% endwith %}</td>
        <td class="text-end opp-amount">{{ opportunity.amount|money }}</td>
        <td>{{ opportunity.expected_close_date|date:"Y-m-d" }}</td>
        <td>{{ opportunity.primary_owner }}</td>
        <td class="text-center">{% if opportunity.assessment_score is None %}<span class="badge text-bg-light border text-muted" title="{% translate 'Not assessed yet' %}">—</span>{% elif opportunity.high_value %}<span class="badge text-bg-success" title="{% translate 'High value' %}" data-testid="score-badge">{{ opportunity.assessment_score }}/20 <i class="bi bi-star-fill"></i></span>{% else %}<span class="badge text-bg-secondary" data-testid="score-badge">{{ opportunity.assessment_score }}/20</span>{% endif %}</td>
        <td class="text-center">{% if opportunity.confirmed %}<i class="bi bi-check-circle-fill text-success" title="{% translate 'Confirmed' %}"></i>{% else %}<span class="text-muted">—</span>{% endif %}</td>
        {% for column in list_columns %}<td class="text-end">{% list_cell column opportunity %}</td>{% endfor %}
      </tr>""")  # noqa: E501

CUSTOMER_TAB_ROW = Template("""{% load i18n %}<tr>
        <td><a href="{{ opportunity.get_absolute_url }}" class="fw-semibold">{{ opportunity.name }}</a></td>
        <td><span class="badge {% if opportunity.stage.outcome == 'won' %}text-bg-success{% elif opportunity.stage.outcome == 'lost' %}text-bg-danger{% else %}text-bg-light border{% endif %}">{{ opportunity.stage.code }} {{ opportunity.stage.name }}</span></td>
        <td class="text-end font-monospace">{{ opportunity.amount|money }}</td>
        <td>{{ opportunity.expected_close_date|date:"Y-m-d" }}</td>
        <td>{{ opportunity.primary_owner }}</td>
      </tr>""")  # noqa: E501

STAGES = [Stage(code="03", name_zh="掌握 <组织> 关系", name_en="Org & chart", outcome="open"),
          Stage(code="08", name_zh="赢单", name_en="Won", outcome="won"),
          Stage(code="08", name_zh="丢单", name_en="Lost \"x\"", outcome="lost")]
PEOPLE = [User(username="zw", display_name="张伟"), User(username="ob", first_name="O'Brien", last_name="& Co"),
          User(username="just_a_username")]


def _rows():
    for index, (stage, person, (score, high), confirmed, amount) in enumerate([
        (STAGES[0], PEOPLE[0], (None, False), False, Decimal("0.00")),
        (STAGES[1], PEOPLE[1], (20, True), True, Decimal("1234567.50")),
        (STAGES[2], PEOPLE[2], (7, False), False, Decimal("12.345")),
        (STAGES[0], PEOPLE[0], (0, False), True, Decimal("99999999.99")),
    ]):
        opportunity = Opportunity(
            pk=1000 + index, name=f"商机 <b>{index}</b> & \"引号\"", amount=amount,
            expected_close_date=date(2026, 1 + index, 28), confirmed=confirmed, assessment_score=score,
            high_value=high, stage=stage, primary_owner=person,
            customer=Customer(pk=50 + index, name=f"客户 '{index}' <有限公司>"))
        opportunity.predicted_probability = [None, Decimal("0.7512"), Decimal("0.1"), Decimal("0.5")][index]
        opportunity.predicted_source = ["", "model", "model", "stage"][index]
        opportunity.detail_url = f"/opportunities/{opportunity.pk}/"
        yield opportunity


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_opportunity_row_is_the_template_loop(language):
    columns = page_parts.list_columns()
    with translation.override(language):
        for opportunity in _rows():
            expected = LIST_ROW.render(Context({"opportunity": opportunity, "list_columns": columns}))
            assert _same(opportunity_row(opportunity, columns)) == _same(expected)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_customer_opportunity_row_is_the_template_loop(language):
    with translation.override(language):
        for opportunity in _rows():
            assert (_same(customer_opportunity_row(opportunity))
                    == _same(CUSTOMER_TAB_ROW.render(Context({"opportunity": opportunity}))))


class _Fields(forms.Form):
    note = forms.CharField(label="备注 <b>&", help_text="Say \"why\" & <how>", required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=True)
    agree = forms.BooleanField(label="I agree <x>", required=False)
    count = forms.IntegerField(label="Count", min_value=1)


INCLUDED_FIELD = Template('{% include "includes/field.html" with field=field %}')
FORM_FIELD = Template("{% load opportunities_tags %}{% form_field field %}")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_form_field_is_the_field_include(language, product):
    from opportunities.forms import LineForm

    with translation.override(language):
        forms_to_show = [
            LineForm(), LineForm({"product": "x", "quantity": "-1", "discount": "120"}),
            _Fields(), _Fields({"count": "0", "note": "<x>"}), _Fields(auto_id=False), _Fields({}, auto_id=False),
        ]
        for form in forms_to_show:
            for field in form:
                context = Context({"field": field})
                assert FORM_FIELD.render(context) == INCLUDED_FIELD.render(context), field.name
