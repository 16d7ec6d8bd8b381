from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class BidsConfig(AppConfig):
    name = "bids"
    verbose_name = _("Key-account projects")
    # The notifications this area leaves (teams.services.notification_kinds; chat rules choose among them).
    notification_kinds = {
        "bid_deadline": _("A tender's key date coming up"),
    }

    def workbench_panel(self, user):
        """This area's card on the workbench (crm.views.home asks every app config for one)."""
        from bids.selectors import workbench_panel

        return workbench_panel(user)

    def seed_demo(self, command, scale: int) -> None:
        """This area's demo data (the seed_demo command calls each app config in INSTALLED_APPS order)."""
        from bids.demo import seed

        seed(command, scale)

    def ready(self) -> None:
        from bids.selectors import stage_requirement_bid_record
        from opportunities.models import Opportunity
        from opportunities.page_parts import register_action
        from opportunities.signals import opportunity_owner_changed
        from opportunities.stage_requirements import register

        # A stage can require a tender record (set on stage 05 by administrators).
        register("bid_record", _("Key-account project (bid) record exists"))(stage_requirement_bid_record)
        opportunity_owner_changed.connect(_agenda_follows_owner, sender=Opportunity,
                                          dispatch_uid="bids.bid_agenda_follow_owner")
        # The opportunity page links to its tender record (new, or the existing one) for those who may edit it.
        register_action("tender-record", 10, _("Tender record"), "bi-file-earmark-text", _tender_record_url,
                        _may_edit_tender)


def _agenda_follows_owner(sender, *, opportunity, **kwargs) -> None:
    """The open key dates of the opportunity's tenders move to its new primary owner (in the owner change's
    transaction)."""
    from bids.services import bid_agenda_follow_owner

    bid_agenda_follow_owner(opportunity=opportunity)


def _tender_record_url(opportunity) -> str:
    return f"{reverse('bids:bid-new')}?opportunity={opportunity.pk}"


def _may_edit_tender(user, opportunity) -> bool:
    from bids.services import may_edit_bid

    return may_edit_bid(user, opportunity)
