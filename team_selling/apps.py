from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamSellingConfig(AppConfig):
    name = "team_selling"
    verbose_name = _("Team selling")
    # The notifications this area leaves (teams.services.notification_kinds; chat rules choose among them).
    notification_kinds = {
        "meeting_scheduled": _("A team meeting scheduled"),
    }

    def ready(self) -> None:
        from django.urls import reverse

        from opportunities.page_parts import register_tab

        # The opportunity page's "Team selling" tab, after the sales team's and before the assessment.
        register_tab("selling", 30, _("Team selling"), lambda opportunity: reverse("team_selling:selling-tab",
                                                                                   args=[opportunity.pk]))

    def seed_demo(self, command, scale: int) -> None:
        """This area's demo data (the seed_demo command calls each app config in INSTALLED_APPS order)."""
        from team_selling.demo import seed

        seed(command, scale)
