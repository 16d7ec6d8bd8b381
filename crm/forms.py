"""Base pieces of the server-rendered forms shared by the business areas."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from crm.errors import refusal_message


def bootstrap_small(form: forms.Form) -> None:
    """Bootstrap's small controls on every field."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        elif isinstance(widget, (forms.Select, forms.SelectMultiple)):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")


def form_add_error(form: forms.BaseForm, error: Exception) -> None:
    """Show a service's refusal on the page's form: on the field it names when the form has that field,
    else above the form (a non-field error).

    - ValidationError with a message_dict: each message on its field, the unknown ones above the form;
      without one: its messages above the form, one per line.
    - DomainError: its message on its `field`.
    - PermissionDenied (or anything else): above the form, with its message or a generic refusal.
    """
    if isinstance(error, ValidationError):
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return
    field = getattr(error, "field", None)
    form.add_error(field if field in form.fields else None, refusal_message(error))
