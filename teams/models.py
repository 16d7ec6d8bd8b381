"""The sales organisation: people, their reporting lines and the org units they belong to."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from crm.request_memo import remember, remembered
from crm.stored_text import render
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


class Position(models.TextChoices):
    """A person's place in the organisation, which decides their workbench: derived from the role and the org
    units they manage, never stored."""

    COMPANY_HEAD = "company_head", _("Head of the company")
    DIVISION_HEAD = "division_head", _("Head of a business division")
    MANAGER = "manager", _("Sales manager")
    ACCOUNT_MANAGER = "account_manager", _("Account manager")
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


# The columns a person's name is made of (User.__str__), for reads of many names without a model instance each.
NAME_FIELDS = ("display_name", "first_name", "last_name", "username")


def person_name(display_name: str, first_name: str, last_name: str, username: str) -> str:
    """How a person is named on every page (`str(user)`): the display name, else the full name, else the username."""
    return display_name or f"{first_name} {last_name}".strip() or username


class UserQuerySet(models.QuerySet):
    def names(self) -> list[tuple[int, str]]:
        """(id, name) of each person, in the queryset's order: one query of the name columns, no model instances
        (a select of a company head's 265 people built 265 of them)."""
        return [(pk, person_name(*name)) for pk, *name in self.values_list("pk", *NAME_FIELDS)]

    def visible_to(self, user) -> UserQuerySet:
        """The people directory is open to every signed-in member: sales teams cross the org chart.

        Records that people own (customers, opportunities, forecasts) are scoped by
        `User.visible_owner_ids()` in their own apps.
        """
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.all()

    def sales_people(self) -> UserQuerySet:
        """The people who sell or lead sellers: active and not administrators (who configure the system and carry
        no customers, funnel, forecast or quota). Every list of sales members starts here: funnel members,
        attainment, forecasts, assignment."""
        return self.filter(is_active=True, is_superuser=False).exclude(role=Role.ADMIN)


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
        return person_name(self.display_name, self.first_name, self.last_name, self.username)

    def clean(self) -> None:
        super().clean()
        from teams.services import user_check_manager

        user_check_manager(user=self, manager=self.manager)

    @property
    def is_admin(self) -> bool:
        """Administrators (and Django superusers) see and configure everything."""
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def is_manager(self) -> bool:
        """A sales manager, or an administrator, who may do whatever a manager may."""
        return self.is_admin or self.role == Role.MANAGER

    @cached_property
    def position(self) -> str:
        """The person's place in the organisation (a Position): administrator; head of the company or of a
        business division (the manager of such a unit); sales manager; account manager. At most one query."""
        if self.is_admin:
            return Position.ADMIN
        if self.role != Role.MANAGER:
            return Position.ACCOUNT_MANAGER
        kinds = set(self.managed_units.values_list("kind", flat=True)) if self.pk else set()
        if OrgUnitKind.COMPANY in kinds:
            return Position.COMPANY_HEAD
        if OrgUnitKind.DIVISION in kinds:
            return Position.DIVISION_HEAD
        return Position.MANAGER

    def get_position_display(self) -> str:
        return Position(self.position).label

    @property
    def has_own_book(self) -> bool:
        """Whether the person sells with customers, opportunities and a forecast of their own (account managers
        and the managers of regions and teams); heads of the company or of a division and administrators
        lead or configure, and their workbench shows no personal panels."""
        return self.position in (Position.ACCOUNT_MANAGER, Position.MANAGER)

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
        """True if `other` reports to this user, directly or anywhere down the line (one query, once per page
        view however many parts of the page ask: crm.request_memo; a manager's opportunity page asked five
        times, for editing, changing the owner, moving, ticking tasks and the tender record)."""
        if other is None or other.pk is None or other.pk == self.pk:
            return False
        return remembered(("superior-of", self.pk, other.pk),
                          lambda: self.subordinates().filter(pk=other.pk).exists())

    def visible_owner_ids(self) -> RawSQL | None:
        """Owners whose records this user may see: themselves and their whole subtree.

        None means no restriction (administrators). This is the building block of every app's
        `visible_to(user)`.
        """
        if self.is_admin:
            return None
        return self.subordinate_ids(include_self=True)

    def visible_owner_id_list(self) -> list[int] | None:
        """`visible_owner_ids()` read into a list (None: no restriction), once per page view however many parts
        of the page ask (crm.request_memo): every app's `visible_to` and the pages' owner filters."""
        owners = self.visible_owner_ids()
        if owners is None:
            return None
        return remembered(("visible-owners", self.pk),
                          lambda: list(User.objects.filter(pk__in=owners).values_list("pk", flat=True)))

    # The SQL of visible_owner_id_list()'s list, as one array, for a query that reads it along with other things
    # (teams.selectors.people_around on PostgreSQL): the same ids in the same order (the model's, by username).
    VISIBLE_OWNER_ARRAY_SQL = ('SELECT array_agg(seen."id" ORDER BY seen."username") FROM "teams_user" seen'
                               ' WHERE seen."id" IN ({owners})')

    def visible_owner_id_list_read(self, ids: list[int]) -> None:
        """Keep `ids`, read by another query of the page with VISIBLE_OWNER_ARRAY_SQL, as this request's
        `visible_owner_id_list()` (nothing is kept outside a GET or HEAD request)."""
        remember(("visible-owners", self.pk), list(ids))


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user) -> NotificationQuerySet:
        """A notification is for its recipient only."""
        if not (user and user.is_authenticated):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """An in-app message to one person: a customer assigned, a review waiting, a deadline."""

    recipient = models.ForeignKey(User, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    kind = models.CharField(_("kind"), max_length=40)
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The message in the active language (it is stored as a code and its parameters)."""
        return render(self.message)


class TerritoryQuerySet(models.QuerySet):
    def visible_to(self, user) -> TerritoryQuerySet:
        if not (user and user.is_authenticated and user.is_active):
            return self.none()
        return self.all()


class Territory(models.Model):
    """A sales territory: provinces, cities and industries, covered by a set of people."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("org unit"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="territories")
    provinces = models.JSONField(_("provinces"), default=list, blank=True)
    cities = models.JSONField(_("cities"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    members = models.ManyToManyField(User, verbose_name=_("members"), blank=True, related_name="territories")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(m2m_fields=[members])

    objects = TerritoryQuerySet.as_manager()

    class Meta:
        verbose_name = _("territory")
        verbose_name_plural = _("territories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AssignmentStrategy(models.TextChoices):
    USER = "user", _("A named person")
    ROUND_ROBIN = "round_robin", _("Round-robin within a team or territory")
    FEWEST_CUSTOMERS = "fewest_customers", _("Fewest customers within a team or territory")


# The customer sources an assignment rule may name, (code, label). The accounts app defines the sources and
# registers them at start-up (accounts/apps.py), as teams sits below accounts.
ASSIGNMENT_SOURCES: list[tuple[str, str]] = []


def assignment_sources_register(choices) -> None:
    """Called once by the accounts app: the sources assignment rules can filter on."""
    ASSIGNMENT_SOURCES[:] = list(choices)


class AssignmentRuleQuerySet(models.QuerySet):
    def visible_to(self, user) -> AssignmentRuleQuerySet:
        """The rules are company configuration: every signed-in member may read why a customer went to whom;
        administrators alone change them."""
        if not signed_in(user):
            return self.none()
        return self.all()


class AssignmentRule(models.Model):
    """Picks the owner of a new customer. Rules are tried in `order`; the first that matches wins.

    An empty condition matches everything; a list condition matches when the customer's value is
    one of the listed values.
    """

    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveIntegerField(_("order"), default=100, db_index=True)
    active = models.BooleanField(_("active"), default=True)
    provinces = models.JSONField(_("provinces"), default=list, blank=True)
    cities = models.JSONField(_("cities"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    sources = models.JSONField(_("sources"), default=list, blank=True)
    min_employees = models.PositiveIntegerField(_("minimum employees"), null=True, blank=True)
    max_employees = models.PositiveIntegerField(_("maximum employees"), null=True, blank=True)
    min_annual_revenue = models.DecimalField(_("minimum annual revenue"), max_digits=18, decimal_places=2,
                                             null=True, blank=True)
    max_annual_revenue = models.DecimalField(_("maximum annual revenue"), max_digits=18, decimal_places=2,
                                             null=True, blank=True)
    strategy = models.CharField(_("strategy"), max_length=20, choices=AssignmentStrategy.choices,
                                default=AssignmentStrategy.USER)
    user = models.ForeignKey(User, verbose_name=_("person"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="+")
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("team"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    territory = models.ForeignKey(Territory, verbose_name=_("territory"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    # Round-robin remembers whom it gave the last customer to.
    last_assigned = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                      editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["last_assigned"])

    objects = AssignmentRuleQuerySet.as_manager()

    class Meta:
        verbose_name = _("assignment rule")
        verbose_name_plural = _("assignment rules")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.strategy == AssignmentStrategy.USER and not self.user_id:
            raise ValidationError({"user": _("Name the person who gets the customers.")})
        if self.strategy != AssignmentStrategy.USER and not (self.org_unit_id or self.territory_id):
            raise ValidationError({"org_unit": _("Choose the team or the territory to share the customers in.")})
        if (self.min_employees is not None and self.max_employees is not None
                and self.min_employees > self.max_employees):
            raise ValidationError({"max_employees": _("The maximum is below the minimum.")})
        if (self.min_annual_revenue is not None and self.max_annual_revenue is not None
                and self.min_annual_revenue > self.max_annual_revenue):
            raise ValidationError({"max_annual_revenue": _("The maximum is below the minimum.")})



def managed_unit_ids(user) -> RawSQL:
    """Ids of every unit `user` manages and every unit below them, as one subquery."""
    table = OrgUnit._meta.db_table
    sql = (
        f"WITH RECURSIVE tree(id, depth) AS ("  # noqa: S608 - the table is a code constant
        f" SELECT id, 0 FROM {table} WHERE manager_id = %s"
        f" UNION SELECT child.id, tree.depth + 1 FROM {table} child"
        f" JOIN tree ON child.parent_id = tree.id WHERE tree.depth < 50"
        f") SELECT id FROM tree"
    )
    return RawSQL(sql, (user.pk,))  # noqa: S611 - the id is a bound parameter


def signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)

