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
    for item in items:
        item["active"] = current == item["name"] or (
            ":" in item["name"] and current.split(":")[0] == item["name"].split(":")[0]
        )
    return {"navigation": items}
