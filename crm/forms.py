"""Base pieces of the server-rendered forms shared by the business areas."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator
from django.utils.formats import localize
from django.utils.safestring import SafeData, mark_safe
from django.utils.translation import gettext as _

from crm.errors import refusal_message
from crm.escaping import esc

# The browser sends an empty value for a date it cannot read (31 February typed into the date picker);
# static/js/app.js adds "<name>__invalid" then, so the form says "enter a valid date", not "required".
BAD_INPUT_SUFFIX = "__invalid"


class _KnowsBadInput:
    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        if not value and data.get(name + BAD_INPUT_SUFFIX):
            return "?"  # not a date: the field's "invalid" message, not "required"
        return value


class DateInput(_KnowsBadInput, forms.DateInput):
    """The browser's date picker; an unreadable date is reported as such (see BAD_INPUT_SUFFIX)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class DateTimeInput(_KnowsBadInput, forms.DateTimeInput):
    """The browser's date-and-time picker; an unreadable value is reported as such."""

    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


# Escaped with crm.escaping.esc: conditional_escape's result without its lazy-text wrapper, which cost more than the
# escaping itself across a select of 265 options.

def _text(value) -> str:
    """`{{ value|stringformat:'s' }}` in an autoescaped template."""
    text = "%s" % (value,)  # noqa: UP031 - exactly the stringformat filter's conversion
    # A value that was safe stays safe, as the filter (is_safe) keeps it.
    return esc(mark_safe(text) if isinstance(value, SafeData) else text)  # noqa: S308


def _attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    return "".join(f" {esc(name)}" if value is True else f' {esc(name)}="{_text(value)}"'
                   for name, value in attrs.items() if value is not False)


def _label_html(label) -> str:
    """`{{ option.label }}` in an autoescaped template."""
    value = localize(label)
    return esc(value if isinstance(value, str) else str(value))


class QuickSelect(forms.Select):
    """Django's select, written in Python instead of by the template engine: the same HTML, character for
    character (tests compare them), at a tenth of the cost. A filter form's selects of 265 people or a few
    hundred provinces took 30 ms of the customer list's rendering through three templates per option."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{esc(widget["name"])}"{_attrs_html(widget["attrs"])}>']
        for group_name, group_choices, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{esc(group_name)}">')
            for option in group_choices:
                parts.append(f'\n  <option value="{_text(option["value"])}"{_attrs_html(option["attrs"])}>'
                             f'{_label_html(option["label"])}</option>\n')
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 - every piece above is escaped


class _QuickInput:
    """django/forms/widgets/input.html, written in Python (see QuickSelect): the same HTML, character for character
    (tests compare them), without a template per field."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        value_html = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
        return mark_safe(f'<input type="{esc(widget["type"])}" '  # noqa: S308 - every piece escaped
                         f'name="{esc(widget["name"])}"{value_html}{_attrs_html(widget["attrs"])}>')


class QuickTextInput(_QuickInput, forms.TextInput):
    """Django's TextInput without the template engine (see _QuickInput)."""


class QuickNumberInput(_QuickInput, forms.NumberInput):
    """Django's NumberInput without the template engine (see _QuickInput)."""


class ListedModelChoiceIterator(ModelChoiceIterator):
    """A ModelChoiceField's options read with one plain query when rendered: Django's own iterator reads through a
    server-side cursor on PostgreSQL (DECLARE, FETCH, CLOSE: three round trips for a page's one select)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in list(self.queryset):
            yield self.choice(obj)


def name_the_field_in_date_errors(form: forms.BaseForm) -> None:
    """An impossible date names its field ("Expected close date: enter a valid date."), so the message reads
    right also where it is shown above the form (a summary, a toast)."""
    for field in form.fields.values():
        if isinstance(field, forms.DateTimeField):
            field.error_messages["invalid"] = _("%(field)s: enter a valid date and time.") % {"field": field.label}
        elif isinstance(field, forms.DateField):
            field.error_messages["invalid"] = _("%(field)s: enter a valid date.") % {"field": field.label}


def bootstrap_small(form: forms.Form) -> None:
    """Bootstrap's small controls on every field (and date errors that name their field)."""
    name_the_field_in_date_errors(form)
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
