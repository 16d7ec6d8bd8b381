"""The main navigation: each business area appears once its pages exist."""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, icon); an area whose url name does not resolve yet is left out.
NAVIGATION = [
    ("home", _("Workbench"), "house"),
    ("accounts:customer-list", _("Customers"), "building"),
    ("opportunities:opportunity-list", _("Opportunities"), "briefcase"),
    ("funnel:funnel", _("Funnel"), "funnel"),
    ("forecasting:my-forecast", _("Forecasts"), "graph-up-arrow"),
    ("bids:bid-list", _("Tenders"), "file-earmark-text"),
    ("teams:org-chart", _("Organisation"), "diagram-3"),
    ("teams:quota-list", _("Quotas"), "bullseye"),
    ("teams:territory-list", _("Territories"), "map"),
    ("teams:incentive-list", _("Incentives"), "cash-coin"),
]


def _resolved_navigation() -> list[dict]:
    items = []
    for name, label, icon in NAVIGATION:
        try:
            url = reverse(name)
        except NoReverseMatch:
            continue
        items.append({"name": name, "url": url, "label": label, "icon": icon})
    return items


def navigation(request):
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    current = getattr(request.resolver_match, "view_name", "") or ""
    items = _resolved_navigation()
    namespace = current.split(":")[0] if ":" in current else None
    same_area = [item for item in items if ":" in item["name"] and item["name"].split(":")[0] == namespace]
    chosen = next((item for item in items if item["name"] == current), None)
    if chosen is None and same_area:
        # Several entries may share an app namespace (teams: organisation, quotas, incentives...):
        # the one whose URL is the longest prefix of the page's path wins.
        prefixed = [item for item in same_area if request.path.startswith(item["url"])]
        if prefixed:
            chosen = max(prefixed, key=lambda item: len(item["url"]))
        elif len(same_area) == 1:
            chosen = same_area[0]
    for item in items:
        item["active"] = item is chosen
    return {"navigation": items}


def notifications(request):
    """The unread count of the bell in the top bar, counted only when a page shows it."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated:
        return {}
    from django.utils.functional import SimpleLazyObject

    from teams.models import Notification

    return {"unread_notifications": SimpleLazyObject(
        lambda: Notification.objects.visible_to(user).unread().count())}
