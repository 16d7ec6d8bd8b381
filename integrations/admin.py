"""Administration screens of the integrations: chat channels (with a "send a test message" action), the rules
that send notifications to them, the delivery log, people's chat accounts and calendar feeds."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponseRedirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.admin import SimpleHistoryAdmin

from crm.admin import ReadOnlyAdmin
from crm.errors import DomainError, PermissionDenied, refusal_message
from crm.stored_text import render
from integrations import services
from integrations.models import (
    CalendarFeed,
    ChannelKind,
    ChatIdentity,
    Delivery,
    NotificationChannel,
    NotificationRule,
)
from teams.services import notification_kinds


class NotificationChannelForm(forms.ModelForm):
    url = forms.URLField(label=_("address"), max_length=500, assume_scheme="https", help_text=_(
        "The robot's webhook address as the chat service gives it (with its key or access token)."))
    # Write-only: the stored secret is never put back into the page.
    secret = forms.CharField(label=_("New signing secret"), required=False, max_length=200,
                             widget=forms.PasswordInput(render_value=False), help_text=_(
                                 "DingTalk: the robot's SEC… secret; Feishu: the bot's signature key; webhook: the "
                                 "shared secret. Leave empty to keep the current one."))
    remove_secret = forms.BooleanField(label=_("Remove the signing secret"), required=False)

    class Meta:
        model = NotificationChannel
        fields = ["kind", "name", "url", "org_unit", "active"]

    def clean(self):
        cleaned = super().clean()
        keeps_secret = self.instance.has_secret and not cleaned.get("remove_secret")
        if cleaned.get("kind") == ChannelKind.WEBHOOK and not (cleaned.get("secret") or keeps_secret):
            raise ValidationError({"secret": _("A webhook needs a signing secret: the receiver checks each "
                                               "message with it.")})
        return cleaned


class _RefusalAsMessage:
    """An admin whose save_model goes through a service: a refusal the form could not foresee is said on the
    page (the form is shown again) rather than a server error."""

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(NotificationChannel)
class NotificationChannelAdmin(_RefusalAsMessage, SimpleHistoryAdmin):
    form = NotificationChannelForm
    list_display = ["name", "kind", "org_unit", "active", "secret_masked", "updated_at"]
    list_filter = ["kind", "active"]
    list_select_related = ["org_unit"]
    search_fields = ["name"]
    autocomplete_fields = ["org_unit"]
    readonly_fields = ["secret_masked"]
    fields = ["kind", "name", "url", "org_unit", "active", "secret_masked", "secret", "remove_secret"]
    actions = ["send_test"]

    @admin.display(description=_("signing secret"))
    def secret_masked(self, obj):
        return obj.secret_masked or "—"

    def has_module_permission(self, request):
        return bool(request.user.is_authenticated and request.user.is_admin)

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: self.has_module_permission(request))

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in ["kind", "name", "url", "org_unit", "active"]}
        if form.cleaned_data.get("remove_secret"):
            data["secret"] = ""
        elif form.cleaned_data.get("secret"):
            data["secret"] = form.cleaned_data["secret"]
        try:
            saved = services.channel_save(by=request.user, data=data, channel=obj if change else None)
        except (DomainError, PermissionDenied) as error:
            # The form was valid, the rule was not: say why on the page rather than fail.
            raise ValidationError(refusal_message(error)) from error
        obj.pk, obj.secret_sealed, obj.secret_last4 = saved.pk, saved.secret_sealed, saved.secret_last4

    def delete_model(self, request, obj):
        services.channel_delete(channel=obj, by=request.user)

    @admin.action(description=_("Send a test message"))
    def send_test(self, request, queryset):
        """One test message per chosen channel, sent by a job; with one channel, its job page follows it."""
        jobs = [services.channel_test(channel=channel, by=request.user).job for channel in queryset]
        if len(jobs) == 1:
            return HttpResponseRedirect(jobs[0].get_absolute_url())
        self.message_user(request, ngettext("%(count)d test message is on its way: see the delivery log.",
                                            "%(count)d test messages are on their way: see the delivery log.",
                                            len(jobs)) % {"count": len(jobs)}, messages.SUCCESS)
        return None


def _kind_choices():
    kinds = sorted(notification_kinds().items(), key=lambda item: str(item[1]))
    return [(NotificationRule.ANY_KIND, _("Every kind (*)")), *((code, f"{label} ({code})") for code, label in kinds)]


class NotificationRuleForm(forms.ModelForm):
    # The kinds the apps leave, by name: a kind typed by hand that no app leaves would match nothing.
    kind = forms.ChoiceField(label=_("notification kind"), choices=_kind_choices)

    class Meta:
        model = NotificationRule
        fields = ["kind", "target", "channel", "mention", "active"]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:  # the service's rule, shown beside its field
            cleaned.update(services.rule_check(data=cleaned, rule=self.instance if self.instance.pk else None))
        except DomainError as error:
            raise ValidationError({error.field or NON_FIELD_ERRORS: refusal_message(error)}) from error
        return cleaned


@admin.register(NotificationRule)
class NotificationRuleAdmin(_RefusalAsMessage, SimpleHistoryAdmin):
    form = NotificationRuleForm
    list_display = ["kind_label", "target", "channel", "mention", "active"]
    list_filter = ["target", "active", "channel"]
    list_select_related = ["channel"]
    search_fields = ["kind"]

    def has_module_permission(self, request):
        return bool(request.user.is_authenticated and request.user.is_admin)

    has_view_permission = has_add_permission = has_change_permission = has_delete_permission = (
        lambda self, request, obj=None: self.has_module_permission(request))

    @admin.display(description=_("notification kind"), ordering="kind")
    def kind_label(self, obj):
        label = notification_kinds().get(obj.kind)
        return f"{label} ({obj.kind})" if label else obj.kind

    def save_model(self, request, obj, form, change):
        data = {field: form.cleaned_data[field] for field in ["kind", "target", "channel", "mention", "active"]}
        try:
            saved = services.rule_save(by=request.user, data=data, rule=obj if change else None)
        except (DomainError, PermissionDenied) as error:
            raise ValidationError(refusal_message(error)) from error
        obj.pk = saved.pk


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "channel", "notification_kind", "is_test", "status", "attempts", "response_code",
                    "error_text"]
    list_filter = ["status", "is_test", "channel"]
    list_select_related = ["channel", "notification"]
    search_fields = ["response_body", "error", "channel__name"]
    date_hierarchy = "created_at"
    readonly_fields = ["channel", "notification", "is_test", "mention", "requested_by", "status", "attempts",
                       "response_code", "response_body", "error_text", "created_at", "last_attempt_at", "sent_at"]

    @admin.display(description=_("error"))
    def error_text(self, obj):
        return render(obj.error)

    @admin.display(description=_("notification kind"))
    def notification_kind(self, obj):
        return obj.notification.kind if obj.notification_id else "—"

    def has_view_permission(self, request, obj=None):
        return bool(request.user.is_authenticated and request.user.is_admin)

    has_module_permission = has_view_permission


def _administrator(request) -> bool:
    return bool(request.user.is_authenticated and request.user.is_admin)


@admin.register(ChatIdentity)
class ChatIdentityAdmin(ReadOnlyAdmin):
    """Who linked which chat accounts, for administrators. Each person edits their own on their settings page,
    through the service that checks the values (they end up in chat markup); nobody edits them here."""

    list_display = ["user", "wecom_userid", "dingtalk_user_id", "dingtalk_mobile", "feishu_open_id", "updated_at"]
    search_fields = ["user__username", "user__display_name", "wecom_userid", "dingtalk_user_id", "feishu_open_id"]
    list_select_related = ["user"]

    def has_view_permission(self, request, obj=None):
        return _administrator(request)

    has_module_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return _administrator(request)


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    """Who has a calendar address and when it was last read; the token itself is never shown. Deleting a feed
    revokes the address (the person gets a new one on their settings page)."""

    list_display = ["user", "created_at", "regenerated_at", "last_read_at"]
    search_fields = ["user__username", "user__display_name"]
    list_select_related = ["user"]
    fields = ["user", "created_at", "regenerated_at", "last_read_at"]
    readonly_fields = fields

    def has_view_permission(self, request, obj=None):
        return _administrator(request)

    has_module_permission = has_view_permission

    def has_delete_permission(self, request, obj=None):
        return _administrator(request)
