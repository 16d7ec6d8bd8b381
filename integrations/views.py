"""Pages of the integrations: the private calendar feed (no session: its token is the key), and the cards of the
person's settings page (calendar subscription, chat accounts) with their forms."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from crm.errors import DomainError, PermissionDenied, refusal_message
from crm.form_tokens import one_time_form
from integrations import services
from integrations.feeds import calendar_feed
from integrations.models import ChatIdentity


def _client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def feed_rate_exceeded(request) -> bool:
    """More than CALENDAR_FEED_RATE_PER_MINUTE feed reads from one address this minute (shared cache, so every
    web process counts together)."""
    key = f"integrations:feed-rate:{_client_address(request)}"
    if cache.add(key, 1, timeout=60):
        return False
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=60)
        return False
    return count > settings.CALENDAR_FEED_RATE_PER_MINUTE


@never_cache
@require_GET
def calendar_feed_view(request, token: str):
    """The person's agenda as text/calendar, for calendar apps (no session: the token is the key). An unknown or
    replaced token is 404, like an address that never existed; too many reads from one address, 429."""
    if feed_rate_exceeded(request):
        response = HttpResponse(_("Too many requests: try again in a minute."), status=429,
                                content_type="text/plain; charset=utf-8")
        response["Retry-After"] = "60"
        return response
    user = services.calendar_feed_reader(token=token)
    if user is None:
        raise Http404
    response = HttpResponse(calendar_feed(user), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="crm-agenda.ics"'
    response["X-Robots-Tag"] = "noindex"
    return response


def calendar_feed_url(request, token: str) -> str:
    return request.build_absolute_uri(reverse("integrations:calendar-feed", args=[token]))


def calendar_card(request) -> str:
    """The settings page's "Calendar subscription" card: the address with a copy button, how to subscribe, and
    a button that replaces the address (after a confirmation)."""
    token = services.calendar_feed_token(user=request.user)
    url = calendar_feed_url(request, token)
    return render_to_string("integrations/_calendar_card.html", {
        "feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[-1]}, request=request)


def chat_card(request) -> str:
    """The settings page's "Chat accounts" card: the person's own ids in WeCom, DingTalk and Feishu."""
    identity = ChatIdentity.objects.filter(user=request.user).first() or ChatIdentity(user=request.user)
    return render_to_string("integrations/_chat_card.html", {"identity": identity}, request=request)


@login_required
@require_POST
@one_time_form
def calendar_feed_regenerate(request):
    """A new calendar address; the old one stops working at once."""
    try:
        services.calendar_feed_regenerate(user=request.user)
    except (DomainError, PermissionDenied) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, _("Your calendar has a new address: the old one no longer works. Subscribe "
                                    "again with the new one."))
    return redirect(reverse("my-settings") + "#calendar")


@login_required
@require_POST
def chat_identity_save(request):
    """Save the person's chat accounts from the settings page."""
    data = {name: request.POST.get(name, "") for name in services.CHAT_IDENTITY_FIELDS}
    try:
        services.chat_identity_save(user=request.user, data=data)
    except (DomainError, PermissionDenied) as error:
        messages.error(request, refusal_message(error))
    else:
        messages.success(request, _("Your chat accounts are saved."))
    return redirect(reverse("my-settings") + "#chat")
