"""A date the browser cannot read (issue 16, item 7): the date picker sends an empty value and app.js adds
"<name>__invalid"; the form then says the date is not valid, naming the field, instead of "required"."""

from django import forms
from django.utils import translation

from crm.forms import DateInput, DateTimeInput, bootstrap_small


class Meeting(forms.Form):
    day = forms.DateField(label="Meeting day", widget=DateInput())
    starts = forms.DateTimeField(label="Starts", widget=DateTimeInput(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bootstrap_small(self)


def test_an_unreadable_date_is_invalid_not_missing():
    with translation.override("en"):
        form = Meeting({"day": "", "day__invalid": "1", "starts": "", "starts__invalid": "1"})
        assert not form.is_valid()
        assert form.errors["day"] == ["Meeting day: enter a valid date."]
        assert form.errors["starts"] == ["Starts: enter a valid date and time."]


def test_an_empty_date_without_the_flag_is_still_required():
    with translation.override("en"):
        form = Meeting({"day": ""})
        assert form.errors["day"] == ["This field is required."]
        assert "starts" not in form.errors


def test_an_impossible_typed_date_names_the_field_in_chinese():
    with translation.override("zh-hans"):
        form = Meeting({"day": "2026-02-31"})
        assert form.errors["day"] == ["Meeting day：请输入有效日期。"]
