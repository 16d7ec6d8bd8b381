"""One-time form tokens: a create form can be sent once.

Every create form renders `{% form_token %}` (a built-in tag) beside its `{% csrf_token %}`, and its
view is wrapped in `one_time_form`. The first submission claims the token (the table's primary key)
and, when it creates something, keeps the address it redirects to; a second submission of the same
form (a double click, a reload, the back button) is sent to that address instead of creating a second
row. Two submissions at the same moment: the second one's claim waits for the first's transaction,
then finds what it created.
"""

from __future__ import annotations

import re
import secrets
from datetime import timedelta
from functools import wraps

from django import template
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _

from crm.models import FormToken

FIELD = "form_token"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Tokens older than this are forgotten (a form kept open longer is sent as a new one).
KEPT_FOR = timedelta(days=1)
REDIRECTS = {301, 302, 303, 307, 308}

register = template.Library()


@register.simple_tag
def form_token() -> str:
    """The hidden input carrying a new one-time token (the form can be sent once)."""
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, secrets.token_urlsafe(24))


def one_time_form(view):
    """Wrap a view that creates something from a POST: a second use of the same form's token goes to what
    the first one created, with a message. The view runs in one transaction with the token's claim; a
    submission that creates nothing (the form comes back with its errors) frees the token again."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        token = request.POST.get(FIELD, "") if request.method == "POST" else ""
        if not TOKEN.fullmatch(token):
            return view(request, *args, **kwargs)
        with transaction.atomic():
            used = _claim(token, request)
            if used is not None:
                return _already_sent(request, used)
            response = view(request, *args, **kwargs)
            location = response.get("Location", "") if response.status_code in REDIRECTS else ""
            if location:
                FormToken.objects.filter(pk=token).update(created_url=location[:500])
            else:
                FormToken.objects.filter(pk=token).delete()
        return response

    wrapper.one_time_form = True
    return wrapper


def _claim(token: str, request) -> FormToken | None:
    """Claim the token for this submission (None), or the earlier submission that used it."""
    user_id = request.user.pk if request.user.is_authenticated else None
    if user_id is not None:
        FormToken.objects.filter(user_id=user_id, created_at__lt=timezone.now() - KEPT_FOR).delete()
    try:
        with transaction.atomic():
            FormToken.objects.create(token=token, user_id=user_id, path=request.path[:500])
    except IntegrityError:
        return FormToken.objects.get(pk=token)
    return None


def _already_sent(request, used: FormToken) -> HttpResponseRedirect:
    """The form was sent before: to what it created (when the same person sent it), else a fresh form."""
    user_id = request.user.pk if request.user.is_authenticated else None
    if used.user_id == user_id and used.created_url:
        messages.info(request, _("This form had already been sent: here is what it created."))
        return HttpResponseRedirect(used.created_url)
    messages.warning(request, _("This form had already been sent; fill it in again if something is missing."))
    return HttpResponseRedirect(request.get_full_path())
