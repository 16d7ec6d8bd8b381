"""The main navigation of every page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

# (url name, label, icon[, "managers"]) of each entry of the main navigation; "managers": shown to sales managers
# and administrators only (the page refuses others).
NAVIGATION = [
    ("home", _("Workbench"), "house"),
    ("accounts:customer-list", _("Customers"), "building"),
    ("opportunities:opportunity-list", _("Opportunities"), "briefcase"),
    ("funnel:funnel", _("Funnel"), "funnel"),
    ("forecasting:my-forecast", _("Forecasts"), "graph-up-arrow"),
    ("insights:calibration", _("Win probability"), "cpu", "managers"),
    ("bids:bid-list", _("Tenders"), "file-earmark-text"),
    ("teams:org-chart", _("Organisation"), "diagram-3"),
    ("sales_planning:quota-list", _("Quotas"), "bullseye"),
    ("sales_planning:territory-list", _("Territories"), "map"),
    ("sales_planning:incentive-list", _("Incentives"), "cash-coin"),
]


def _resolved_navigation(user) -> list[dict]:
    return [{"name": name, "url": reverse(name), "label": label, "icon": icon}
            for name, label, icon, *only in NAVIGATION
            if not only or getattr(user, "is_manager", False)]


def navigation(request):
    """The main navigation with the current page's entry active. Worked out once per request: a page whose parts
    are rendered apart (the opportunity page's header parts, the customer page's opportunities) runs the context
    processors for each of them, and each run reversed the eleven URLs again."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    known = getattr(request, "_crm_navigation", None)
    if known is None:
        known = request._crm_navigation = _navigation(request)
    return known


def _navigation(request) -> dict:
    current = getattr(request.resolver_match, "view_name", "") or ""
    items = _resolved_navigation(request.user)
    namespace = current.split(":")[0] if ":" in current else None
    same_area = [item for item in items if ":" in item["name"] and item["name"].split(":")[0] == namespace]
    chosen = next((item for item in items if item["name"] == current), None)
    if chosen is None and same_area:
        # Several entries may share an app namespace (sales_planning: quotas, territories, incentives):
        # the one whose URL is the longest prefix of the page's path wins.
        prefixed = [item for item in same_area if request.path.startswith(item["url"])]
        if prefixed:
            chosen = max(prefixed, key=lambda item: len(item["url"]))
        elif len(same_area) == 1:
            chosen = same_area[0]
    for item in items:
        item["active"] = item is chosen
    return {"navigation": items}

