from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpportunitiesConfig(AppConfig):
    name = "opportunities"
    verbose_name = _("Opportunities")

    def workbench_panel(self, user):
        """This area's card on the workbench (crm.views.home asks every app config for one)."""
        from opportunities.selectors import workbench_panel

        return workbench_panel(user)

    def seed_demo(self, command, scale: int) -> None:
        """This area's demo data (the seed_demo command calls each app config in INSTALLED_APPS order)."""
        from opportunities.demo import seed

        seed(command, scale)

    def ready(self) -> None:
        from accounts.models import register_customer_access
        from opportunities.selectors import team_customer_ids

        # A member of an opportunity's sales team sees the opportunity's customer.
        register_customer_access("opportunity_team", team_customer_ids)
