"""crm.forms.QuickSelect, QuickTextInput and QuickNumberInput write exactly the HTML of Django's Select, TextInput
and NumberInput (they only skip the template engine)."""

from decimal import Decimal

import pytest
from django import forms
from django.utils.safestring import mark_safe

from crm.forms import QuickNumberInput, QuickSelect, QuickTextInput
from teams.models import User
from tests.factories import UserFactory

CHOICES = [
    ("", "全部"), ("a", "A & <b>"), (25, 25), ("x\"y", mark_safe("<i>safe</i>")),
    ("组", [("g1", "第一"), ("g2", "第二")]), ("z", "最后"),
]


@pytest.mark.parametrize("value", [None, "", "a", "25", "g2", ["a", "g1"], "none of them"])
@pytest.mark.parametrize("attrs", [None, {"class": "form-select form-select-sm", "required": True,
                                          "disabled": False, "data-x": "1 < 2"}])
def test_same_html_as_django(value, attrs):
    quick = QuickSelect(attrs=attrs, choices=CHOICES)
    django = forms.Select(attrs=attrs, choices=CHOICES)
    assert quick.render("f", value, attrs={"id": "id_f"}) == django.render("f", value, attrs={"id": "id_f"})


@pytest.mark.django_db
def test_same_html_for_a_model_choice_field():
    people = [UserFactory(display_name=name) for name in ("张伟", "O'Brien & Co")]

    class Pick(forms.Form):
        quick = forms.ModelChoiceField(queryset=User.objects.order_by("pk"), widget=QuickSelect, empty_label="谁")
        plain = forms.ModelChoiceField(queryset=User.objects.order_by("pk"), empty_label="谁")

    form = Pick({"quick": people[1].pk, "plain": people[1].pk})
    quick, plain = str(form["quick"]), str(form["plain"])
    assert quick.replace("quick", "plain") == plain
    assert "selected" in quick and "O&#x27;Brien &amp; Co" in quick


@pytest.mark.parametrize(("quick", "plain"), [(QuickTextInput, forms.TextInput), (QuickNumberInput, forms.NumberInput)])
@pytest.mark.parametrize("value", [None, "", "a & <b>", 25, Decimal("1.50"), 'x"y', mark_safe("<i>safe</i>")])
@pytest.mark.parametrize("attrs", [None, {"class": "form-control form-control-sm", "required": True, "disabled": False,
                                          "placeholder": "1 < 2", "step": "0.01", "maxlength": 300}])
def test_inputs_same_html_as_django(quick, plain, value, attrs):
    assert (quick(attrs=attrs).render("f", value, attrs={"id": "id_f"})
            == plain(attrs=attrs).render("f", value, attrs={"id": "id_f"}))


def test_inputs_same_html_in_a_form_with_errors():
    class Line(forms.Form):
        quick_text = forms.CharField(max_length=5, widget=QuickTextInput)
        plain_text = forms.CharField(max_length=5)
        quick_number = forms.DecimalField(max_digits=5, decimal_places=2, min_value=0, widget=QuickNumberInput)
        plain_number = forms.DecimalField(max_digits=5, decimal_places=2, min_value=0)

    for data in ({}, {"quick_text": "too long <b>", "plain_text": "too long <b>", "quick_number": "-1",
                      "plain_number": "-1"}, {"quick_number": "1.5", "plain_number": "1.5"}):
        form = Line(data)
        form.is_valid()
        for kind in ("text", "number"):
            assert str(form[f"quick_{kind}"]).replace("quick", "plain") == str(form[f"plain_{kind}"])
