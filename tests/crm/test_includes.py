"""The shared includes every page uses: one form field, one pager."""

from django import forms
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


class SampleForm(forms.Form):
    name = forms.CharField(help_text="As on the business licence.")
    lots = forms.BooleanField(required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def field(name: str, **extra) -> str:
    form = SampleForm({"lots": "on"})
    form.is_valid()
    return render_to_string("includes/field.html", {"field": form[name], **extra})


def test_the_wrapper_class_defaults_to_mb_2_and_an_empty_one_gives_none():
    assert field("name").startswith('<div class="mb-2">')
    assert field("name", css="col-md-4").startswith('<div class="col-md-4">')
    assert field("name", css="").startswith("<div>")


def test_a_field_shows_its_label_star_error_and_help():
    html = field("name")
    assert '<span class="text-danger" aria-hidden="true">*</span>' in html
    assert '<div class="invalid-feedback d-block">' in html
    assert 'id="id_name_helptext">As on the business licence.' in html


def test_checkboxes_and_hidden_fields():
    assert '<div class="form-check">' in field("lots")
    assert '<div class="form-check mt-md-4">' in field("lots", check_css="mt-md-4")
    assert field("version").strip() == '<input type="hidden" name="version" id="id_version">'


def pager(number: int, url: str, **extra) -> str:
    page = Paginator(list(range(60)), 25).get_page(number)
    return render_to_string("includes/pagination.html", {"page": page, **extra},
                            request=RequestFactory().get(url))


def test_the_pager_keeps_the_filters_and_sort_and_adds_the_anchor():
    html = pager(2, "/bids/?status=open&ordering=-quote_total&page=2", anchor="#report")
    assert 'href="?status=open&amp;ordering=-quote_total&amp;page=3#report"' in html
    assert 'href="?status=open&amp;ordering=-quote_total&amp;page=1#report"' in html
    assert "page-range" not in html


def test_the_pager_shows_the_range_when_asked_and_nothing_for_one_page():
    assert "26–50" in pager(2, "/", show_range=True)
    page = Paginator([1], 25).get_page(1)
    assert render_to_string("includes/pagination.html", {"page": page}).strip() == ""
