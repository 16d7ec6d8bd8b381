"""The sales organisation: people, their reporting lines and the org units they belong to."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from teams.hierarchy import ancestors_sql, descendants_sql


class OrgUnitKind(models.TextChoices):
    COMPANY = "company", _("Company")
    DIVISION = "division", _("Business division")
    REGION = "region", _("Region")
    TEAM = "team", _("Team")


class Role(models.TextChoices):
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
    MANAGER = "manager", _("Sales manager")
    ADMIN = "admin", _("Administrator")


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    EN = "en", "English"


class OrgUnitQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrgUnitQuerySet:
        """The org chart is known to every signed-in member of the company."""
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.all()


class OrgUnit(models.Model):
    """A node of the sales hierarchy: company > business division > region > team."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgUnitKind.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="children",
    )
    manager = models.ForeignKey(
        "teams.User", verbose_name=_("manager"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="managed_units",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("id")), name="orgunit_not_own_parent"),
            models.UniqueConstraint(fields=["parent", "name"], name="orgunit_unique_name_per_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from teams.services import org_unit_check_parent

        org_unit_check_parent(unit=self, parent=self.parent)

    def subtree_ids(self, *, include_self: bool = True) -> RawSQL:
        """Ids of this unit and every unit below it, as a subquery (one SQL statement)."""
        return descendants_sql(OrgUnit._meta.db_table, "parent_id", self.pk, include_root=include_self)

    def subtree(self, *, include_self: bool = True) -> OrgUnitQuerySet:
        return OrgUnit.objects.filter(pk__in=self.subtree_ids(include_self=include_self))

    def ancestors(self) -> OrgUnitQuerySet:
        return OrgUnit.objects.filter(pk__in=ancestors_sql(OrgUnit._meta.db_table, "parent_id", self.pk))


class UserQuerySet(models.QuerySet):
    def visible_to(self, user) -> UserQuerySet:
        """The people directory is open to every signed-in member: sales teams cross the org chart.

        Records that people own (customers, opportunities, forecasts) are scoped by
        `User.visible_owner_ids()` in their own apps.
        """
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.all()


class CrmUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A member of the sales organisation, with one manager up the reporting line."""

    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    manager = models.ForeignKey(
        "self", verbose_name=_("reports to"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="direct_reports",
    )
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("org unit"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="members",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.ACCOUNT_MANAGER)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, default=Language.ZH_HANS)
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    objects = CrmUserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]
        constraints = [
            models.CheckConstraint(condition=~Q(manager=models.F("id")), name="user_not_own_manager"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        from teams.services import user_check_manager

        user_check_manager(user=self, manager=self.manager)

    @property
    def is_admin(self) -> bool:
        """Administrators (and Django superusers) see and configure everything."""
        return self.is_superuser or self.role == Role.ADMIN

    def subordinate_ids(self, *, include_self: bool = False) -> RawSQL:
        """Ids of everyone below this user in the reporting line, as a subquery."""
        return descendants_sql(User._meta.db_table, "manager_id", self.pk, include_root=include_self)

    def subordinates(self, *, include_self: bool = False) -> UserQuerySet:
        """The whole subtree of people reporting to this user, directly or not (one query)."""
        return User.objects.filter(pk__in=self.subordinate_ids(include_self=include_self))

    def superiors(self) -> UserQuerySet:
        """Everyone up this user's reporting line (one query)."""
        return User.objects.filter(pk__in=ancestors_sql(User._meta.db_table, "manager_id", self.pk))

    def is_superior_of(self, other: User) -> bool:
        """True if `other` reports to this user, directly or anywhere down the line (one query)."""
        if other is None or other.pk is None or other.pk == self.pk:
            return False
        return self.subordinates().filter(pk=other.pk).exists()

    def visible_owner_ids(self) -> RawSQL | None:
        """Owners whose records this user may see: themselves and their whole subtree.

        None means no restriction (administrators). This is the building block of every app's
        `visible_to(user)`.
        """
        if self.is_admin:
            return None
        return self.subordinate_ids(include_self=True)
