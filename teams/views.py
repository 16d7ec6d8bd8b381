"""Pages of the sales organisation: the org chart, the language switch and the notifications."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from crm.errors import DomainError
from crm.params import parse_id
from teams import selectors, services
from teams.models import Notification
from teams.page_parts import settings_cards


@login_required
def org_chart(request):
    return render(request, "teams/org_chart.html", {"tree": selectors.org_chart(viewer=request.user)})


@login_required
@require_GET
def my_settings(request):
    """The signed-in person's own page: who they are in the organisation, their language, and the cards apps
    above teams add (the calendar subscription, chat accounts)."""
    return render(request, "teams/settings.html", {"person": request.user, "cards": settings_cards(request)})


@require_POST
def switch_language(request):
    """Switch the UI language: stored on the person when signed in, and in a cookie for the login page."""
    language = request.POST.get("language", "")
    next_url = request.POST.get("next") or reverse("home")
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    if language not in dict(settings.LANGUAGES):
        return response
    if request.user.is_authenticated:
        try:
            services.user_set_language(user=request.user, language=language)
        except DomainError:
            return response
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME, language, max_age=365 * 24 * 3600, samesite="Lax",
        secure=request.is_secure(), httponly=True,
    )
    return response


@login_required
@require_GET
def notification_list(request):
    """My notifications, newest first; unread ones stand out until opened or marked read."""
    notifications = Notification.objects.visible_to(request.user)
    page = Paginator(notifications, 30).get_page(request.GET.get("page"))
    return render(request, "teams/notifications.html", {"page": page})


@login_required
@require_POST
def notification_mark_read(request):
    """Mark one notification read (`id`), or all of mine; `open` also follows its link."""
    notification_id = parse_id(request.POST.get("id"))
    if notification_id is not None:
        notification = get_object_or_404(Notification.objects.visible_to(request.user), pk=notification_id)
        services.notifications_mark_read(user=request.user, ids=[notification.pk])
        if request.POST.get("open") and notification.url and url_has_allowed_host_and_scheme(
                notification.url, {request.get_host()}, request.is_secure()):
            return HttpResponseRedirect(notification.url)
    else:
        services.notifications_mark_read(user=request.user)
    return redirect("teams:notifications")


def locked_out(request, original_response=None, credentials=None):
    """django-axes' answer on the sign-in page to a locked-out name and address (AXES_LOCKOUT_CALLABLE): the
    styled page saying the account is locked and for how long, 429 with Retry-After. The same whatever the
    password, so it tells an attacker nothing about it."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME * 60))
    response = render(request, "registration/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response

