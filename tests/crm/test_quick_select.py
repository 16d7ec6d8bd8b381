"""crm.forms.QuickSelect writes exactly the HTML of Django's Select (it only skips the template engine)."""

import pytest
from django import forms
from django.utils.safestring import mark_safe

from crm.forms import QuickSelect
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
