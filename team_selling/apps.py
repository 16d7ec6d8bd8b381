from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamSellingConfig(AppConfig):
    name = "team_selling"
    verbose_name = _("Team selling")

    def seed_demo(self, command, scale: int) -> None:
        """This area's demo data (the seed_demo command calls each app config in INSTALLED_APPS order)."""
        from team_selling.demo import seed

        seed(command, scale)
