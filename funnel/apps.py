from django.apps import AppConfig
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _


class FunnelConfig(AppConfig):
    name = "funnel"
    verbose_name = _("Sales funnel")
    # The notifications this area leaves (teams.services.notification_kinds; chat rules choose among them).
    notification_kinds = {
        "opportunity_stage": _("An opportunity moved to another stage"),
    }

    def workbench_panel(self, user):
        """This area's card on the workbench (crm.views.home asks every app config for one)."""
        from funnel.selectors import workbench_panel

        return workbench_panel(user)

    def seed_demo(self, command, scale: int) -> None:
        """This area's demo data (the seed_demo command calls each app config in INSTALLED_APPS order)."""
        from funnel.demo import seed

        seed(command, scale)

    def ready(self) -> None:
        from opportunities.models import Opportunity
        from opportunities.page_parts import register_header_part
        from opportunities.signals import opportunity_created

        opportunity_created.connect(_start_stage_entry, sender=Opportunity, dispatch_uid="funnel.stage_entry_start")
        # The opportunity page's header shows the clickable stage path with the stage's checklist; the page's
        # query of the opportunity joins its stage entry (days in stage) rather than the path reading it apart.
        register_header_part("stage_path", 10, _stage_path, select_related=("stage_entry",))


def _start_stage_entry(sender, *, opportunity, **kwargs) -> None:
    """A new opportunity enters its first stage now (in the creation's transaction): "days in stage" and the
    stuck counts start."""
    from funnel.services import stage_entry_start

    stage_entry_start(opportunity=opportunity)


def _stage_path(request, opportunity) -> str:
    return render_to_string("funnel/_stage_path.html", {"opportunity": opportunity}, request=request)
