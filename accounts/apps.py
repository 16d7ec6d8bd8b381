from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Customers")
    # The notifications this area leaves (teams.services.notification_kinds; chat rules choose among them).
    notification_kinds = {
        "customer_assigned": _("A customer assigned to you"),
        "enrichment_review": _("New information on a customer to review"),
        "plan_review": _("An account plan to review"),
        "plan_reviewed": _("Your account plan reviewed"),
    }

    def ready(self) -> None:
        from accounts.models import Source
        from teams.models import assignment_sources_register

        assignment_sources_register(Source.choices)

        from django.db.models.signals import post_delete, post_save

        from accounts.matching import public_mail_domains_changed
        from accounts.models import PublicMailDomain

        post_save.connect(public_mail_domains_changed, sender=PublicMailDomain, dispatch_uid="public-mail-domains")
        post_delete.connect(public_mail_domains_changed, sender=PublicMailDomain, dispatch_uid="public-mail-domains")

    def workbench_panel(self, user):
        """This area's card on the workbench (crm.views.home asks every app config for one)."""
        from accounts.selectors import workbench_panel

        return workbench_panel(user)

    def seed_demo(self, command, scale: int) -> None:
        """This area's demo data (the seed_demo command calls each app config in INSTALLED_APPS order)."""
        from accounts.demo import seed

        seed(command, scale)
