from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForecastingConfig(AppConfig):
    name = "forecasting"
    verbose_name = _("Sales forecasting")
    # The notifications this area leaves (teams.services.notification_kinds; chat rules choose among them).
    notification_kinds = {
        "forecast_submitted": _("A forecast submitted for your approval"),
        "forecast_approved": _("Your forecast approved"),
        "forecast_returned": _("Your forecast returned"),
        "forecast_deadline": _("A forecast deadline coming up"),
    }

    def workbench_panel(self, user):
        """This area's card on the workbench (crm.views.home asks every app config for one)."""
        from forecasting.selectors import workbench_panel

        return workbench_panel(user)

    def seed_demo(self, command, scale: int) -> None:
        """This area's demo data (the seed_demo command calls each app config in INSTALLED_APPS order)."""
        from forecasting.demo import seed

        seed(command, scale)
