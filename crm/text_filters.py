"""Stored texts on pages (a template builtin, see TEMPLATES in settings): `{{ note|text }}` renders a message
stored as a code and its parameters (crm.stored_text) in the reader's language; `{{ reasons|texts }}` does so
for a list and joins it."""

from django import template

from crm.stored_text import render, render_all

register = template.Library()


@register.filter
def text(value) -> str:
    return render(value)


@register.filter
def texts(value, separator=", ") -> str:
    return separator.join(render_all(value))
