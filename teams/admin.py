"""Administration screens for people and org units (with their change history)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from teams.models import OrgUnit, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin, SimpleHistoryAdmin):
    list_display = ["username", "display_name", "role", "org_unit", "manager", "is_active"]
    list_filter = ["role", "is_active", "org_unit__kind", "org_unit"]
    list_select_related = ["org_unit", "manager"]
    search_fields = ["username", "display_name", "email"]
    autocomplete_fields = ["manager", "org_unit"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Person"), {"fields": ("display_name", "first_name", "last_name", "email", "language")}),
        (_("Sales organisation"), {"fields": ("role", "org_unit", "manager")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "password1", "password2")}),
        (_("Sales organisation"), {"fields": ("display_name", "role", "org_unit", "manager")}),
    )


@admin.register(OrgUnit)
class OrgUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "parent", "manager"]
    list_filter = ["kind"]
    list_select_related = ["parent", "manager"]
    search_fields = ["name"]
    autocomplete_fields = ["parent", "manager"]
