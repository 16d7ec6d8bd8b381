"""Platform tables shared by every business area (none of them imports a business area)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Request safety: one-time form tokens and idempotent API writes (crm.form_tokens, crm.idempotency) ---
# The person is kept as a plain id: these rows are short-lived records of requests, below the teams app.


class FormToken(models.Model):
    """The one use of a create form's token: claimed by the first submission, which keeps the address
    of what it created so that a second submission of the same form is sent there."""

    token = models.CharField(_("token"), max_length=64, primary_key=True)
    user_id = models.BigIntegerField(_("user id"), null=True)
    path = models.CharField(_("path"), max_length=500)
    created_url = models.CharField(_("address of what it created"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("used at"), auto_now_add=True)

    class Meta:
        verbose_name = _("form token")
        verbose_name_plural = _("form tokens")
        indexes = [models.Index(fields=["user_id", "created_at"], name="formtoken_user_created")]

    def __str__(self) -> str:
        return self.token


class IdempotentRequest(models.Model):
    """An API write sent with an `Idempotency-Key`: the request it answered (method, path, body's hash)
    and the response given, returned again when the same key comes back with the same request."""

    user_id = models.BigIntegerField(_("user id"))
    key = models.CharField(_("idempotency key"), max_length=255)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("path"), max_length=500)
    body_hash = models.CharField(_("request body hash"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("response status"), null=True)
    content_type = models.CharField(_("response content type"), max_length=100, blank=True)
    response_body = models.BinaryField(_("response body"), default=b"")
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idempotent request")
        verbose_name_plural = _("idempotent requests")
        constraints = [models.UniqueConstraint(fields=["user_id", "key"], name="idempotent_request_unique_key")]
        indexes = [models.Index(fields=["user_id", "created_at"], name="idempotent_user_created")]

    def __str__(self) -> str:
        return f"{self.method} {self.path} ({self.key})"
