"""form_add_error: one way for every page to show a service's refusal on its form."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.template.loader import render_to_string

from crm.errors import ConflictError, DomainError, PermissionDenied
from crm.forms import form_add_error


class AmountForm(forms.Form):
    amount = forms.IntegerField()
    note = forms.CharField(required=False)


def bound() -> AmountForm:
    form = AmountForm({"amount": "5"})
    assert form.is_valid()
    return form


def test_a_domain_error_goes_on_the_field_it_names_when_the_form_has_it():
    form = bound()
    form_add_error(form, DomainError("Too much.", field="amount"))
    assert form.errors == {"amount": ["Too much."]}
    form = bound()
    form_add_error(form, ConflictError("Changed meanwhile.", field="version"))  # not on this form
    assert form.errors == {NON_FIELD_ERRORS: ["Changed meanwhile."]}


def test_a_validation_error_goes_field_by_field():
    form = bound()
    form_add_error(form, ValidationError({"amount": ["Too much."], "customer": ["Unknown customer."],
                                          "note": ValidationError("Say %(what)s.", params={"what": "why"})}))
    assert form.errors["amount"] == ["Too much."]
    assert form.errors["note"] == ["Say why."]
    assert form.non_field_errors() == ["Unknown customer."]


def test_a_validation_error_without_fields_keeps_each_message():
    form = bound()
    form_add_error(form, ValidationError(["First.", "Second."]))
    assert form.non_field_errors() == ["First.", "Second."]


def test_permission_denied_is_above_the_form_with_its_message_or_a_generic_one():
    form = bound()
    form_add_error(form, PermissionDenied("Only the owner's superior."))
    assert form.non_field_errors() == ["Only the owner's superior."]
    form = bound()
    form_add_error(form, PermissionDenied())
    assert len(form.non_field_errors()) == 1 and form.non_field_errors()[0]


def test_the_shared_includes_show_them():
    form = bound()
    form_add_error(form, DomainError("Too much.", field="amount"))
    form_add_error(form, PermissionDenied("Not yours."))
    field = render_to_string("includes/field.html", {"field": form["amount"]})
    assert 'id="id_amount_error"' in field and "Too much." in field and 'aria-hidden="true">*</span>' in field
    assert "Not yours." in render_to_string("includes/form_errors.html", {"form": form})
