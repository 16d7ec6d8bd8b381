from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesPlanningConfig(AppConfig):
    name = "sales_planning"
    verbose_name = _("Sales planning")
    # The notifications this area leaves (teams.services.notification_kinds; chat rules choose among them).
    notification_kinds = {
        "territory_plan_submitted": _("A territory plan submitted for your approval"),
        "territory_plan_approved": _("Your territory plan approved"),
        "territory_plan_returned": _("Your territory plan returned"),
        "redeployment": _("Accounts re-deployed"),
        "quota_submitted": _("Quotas submitted for your approval"),
        "quota_approved": _("Quotas approved"),
        "quota_returned": _("Quotas returned"),
        "incentive_submitted": _("An incentive plan submitted for your approval"),
        "incentive_approved": _("Your incentive plan approved"),
        "incentive_returned": _("Your incentive plan returned"),
        "incentive_published": _("An incentive plan published"),
        "bonus_paid": _("A bonus paid"),
    }

    def ready(self) -> None:
        from django.db.models import Count

        from forecasting.selectors import register_quota_provider
        from sales_planning.selectors import quota_amount
        from teams.selectors import TERRITORY_FIGURES

        TERRITORY_FIGURES["account_count"] = lambda: Count("named_accounts", distinct=True)
        register_quota_provider(quota_amount)

    def workbench_panel(self, user):
        """This area's card on the workbench (crm.views.home asks every app config for one)."""
        from sales_planning.selectors import workbench_panel

        return workbench_panel(user)

    def seed_demo(self, command, scale: int) -> None:
        """This area's demo data (the seed_demo command calls each app config in INSTALLED_APPS order)."""
        from sales_planning.demo import seed

        seed(command, scale)
