from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrmConfig(AppConfig):
    """The platform under every business area: request safety (one-time form tokens, idempotent API
    writes) and the job outbox. It imports no business area."""

    name = "crm"
    label = "crm"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from crm import history

        history.connect()
