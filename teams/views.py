"""Pages of the sales organisation: the org chart and the language switch."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from crm.errors import DomainError
from teams import selectors, services


@login_required
def org_chart(request):
    return render(request, "teams/org_chart.html", {"tree": selectors.org_chart(viewer=request.user)})


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
