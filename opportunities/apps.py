from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Opportunities")
    # The notifications this area leaves (teams.services.notification_kinds; chat rules choose among them).
    notification_kinds = {
        "opportunity_assigned": _("An opportunity assigned to you"),
        "opportunity_owner": _("An opportunity handed over to you"),
        "opportunity_team": _("Added to an opportunity's sales team"),
        "activity_assigned": _("An activity assigned to you"),
    }

    def workbench_panel(self, user):
        """This area's card on the workbench (crm.views.home asks every app config for one)."""
        from opportunities.selectors import workbench_panel

        return workbench_panel(user)

    def seed_demo(self, command, scale: int) -> None:
        """This area's demo data (the seed_demo command calls each app config in INSTALLED_APPS order)."""
        from opportunities.demo import seed

        seed(command, scale)

    def ready(self) -> None:
        from django.urls import reverse

        from accounts.models import register_customer_access
        from accounts.page_parts import register_customer_action, register_customer_part
        from opportunities.selectors import team_customer_ids

        # A member of an opportunity's sales team sees the opportunity's customer.
        register_customer_access("opportunity_team", team_customer_ids)
        # The customer page's "Opportunities" tab: this customer's opportunities, a new one, an activity.
        register_customer_action("customer-opportunities", 10, _("Opportunities with this customer"), "",
                                 lambda customer: f"{reverse('opportunities:opportunity-list')}"
                                                  f"?customer={customer.pk}&stage=all",
                                 _everyone, style="outline-primary")
        register_customer_action("new-opportunity", 20, _("New opportunity"), "bi-plus-lg",
                                 lambda customer: f"{reverse('opportunities:opportunity-new')}?customer={customer.pk}",
                                 _everyone, style="primary")
        register_customer_action("new-activity", 30, _("Log an activity"), "",
                                 lambda customer: f"{reverse('opportunities:activity-new')}?customer={customer.pk}",
                                 _everyone)
        register_customer_part("customer-opportunities", 10, _customer_opportunities)


def _customer_opportunities(request, customer) -> str:
    from django.template.loader import render_to_string

    from crm.links import record_url
    from opportunities.selectors import customer_opportunities

    rows, more = customer_opportunities(viewer=request.user, customer=customer)
    detail_url = record_url("opportunities:opportunity-detail")  # one reverse() for the list, not one per row
    for opportunity in rows:
        opportunity.detail_url = detail_url(opportunity.pk)
    return render_to_string("opportunities/_customer_opportunities.html",
                            {"opportunities": rows, "more": more, "customer": customer}, request=request)


def _everyone(user, customer) -> bool:
    """Whoever sees the customer's page may look for, start or log work with it (the pages check the rest)."""
    return True
