"""factory_boy factories: each builds a valid object with one call."""

import factory
from django.contrib.auth.hashers import make_password

from teams.models import OrgUnit, OrgUnitKind, Role, User

TEST_PASSWORD = "correct-horse-battery-staple"
_PASSWORD_HASH = make_password(TEST_PASSWORD)


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    name = factory.Sequence(lambda n: f"团队{n}")
    kind = OrgUnitKind.TEAM


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    role = Role.ACCOUNT_MANAGER
    password = _PASSWORD_HASH  # hashing per user would slow every test down


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class AdminFactory(UserFactory):
    role = Role.ADMIN
    is_staff = True
    is_superuser = True


def make_credit_code(seed: int) -> str:
    """A valid unified social credit code, different for each seed."""
    from accounts.validators import ALPHABET, credit_code_check_char

    body = "91"  # an enterprise registered with the market regulator
    body += f"{110000 + seed % 890000:06d}"  # region code
    number = seed
    tail = ""
    for _ in range(9):
        tail = ALPHABET[number % 31] + tail
        number //= 31
    first17 = body + tail
    return first17 + credit_code_check_char(first17)


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Customer"

    name = factory.Sequence(lambda n: f"测试客户{n}号科技有限公司")
    city = "上海"
    province = "上海"
    industry = "制造业"
    source = "manual"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "accounts.Contact"

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Sequence(lambda n: f"联系人{n}")
    title = "采购经理"


# --- Opportunities (issue 4) -----------------------------------------------------------------

class _CurrentModels:
    """The app registry as the data migrations' seed functions expect it, for calling them outside a migration
    (after a flush): they name each model where it lived when they were written."""

    # (app label, model) in the migration -> where the model is now.
    MOVED = {("funnel", "stage"): ("opportunities", "stage")}

    def get_model(self, app_label: str, model_name: str | None = None):
        from django.apps import apps

        if model_name is None:
            app_label, model_name = app_label.split(".")
        app_label, model_name = self.MOVED.get((app_label, model_name.lower()), (app_label, model_name))
        return apps.get_model(app_label, model_name)


def ensure_default_config() -> None:
    """The stages and assessment questions the data migrations seed, back after a flush.

    Tests with transaction=True (browser journeys, concurrency) empty every table when they end,
    data migrations' rows included; this puts the defaults back (a no-op when they are there).
    """
    from importlib import import_module

    from opportunities.models import AssessmentQuestion, Stage

    if not Stage.objects.exists():
        import_module("funnel.migrations.0002_default_stages").seed_stages(_CurrentModels())
    if not AssessmentQuestion.objects.exists():
        import_module("opportunities.migrations.0002_default_assessment").seed_assessment(_CurrentModels())


def _money(text: str):
    from decimal import Decimal

    return Decimal(text)


def _days_from_today(days: int):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.localdate() + timedelta(days=days)


def _hours_from_now(hours: int):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.now() + timedelta(hours=hours)


def stage(code: str = "01", outcome: str = "open"):
    """A default stage by code (08 takes outcome won or lost)."""
    from opportunities.models import Stage

    ensure_default_config()
    return Stage.objects.get(code=code, outcome=outcome)


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "opportunities.Product"
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"P{n:04d}")
    name = factory.Sequence(lambda n: f"测试产品{n}")
    unit = "台"
    list_price = factory.LazyFunction(lambda: _money("10000.00"))


class OpportunityFactory(factory.django.DjangoModelFactory):
    """An opportunity owned by `primary_owner`, on a customer they own, with its primary team row."""

    class Meta:
        model = "opportunities.Opportunity"
        skip_postgeneration_save = True

    primary_owner = factory.SubFactory(UserFactory)
    customer = factory.SubFactory(CustomerFactory, owner=factory.SelfAttribute("..primary_owner"))
    name = factory.Sequence(lambda n: f"测试商机{n}")
    expected_close_date = factory.LazyFunction(lambda: _days_from_today(60))
    stage = factory.LazyFunction(stage)
    amount = factory.LazyFunction(lambda: _money("100000.00"))

    @factory.post_generation
    def primary_member(obj, create, extracted, **kwargs):
        if create:
            from opportunities.models import OpportunityTeamMember

            OpportunityTeamMember.objects.get_or_create(
                opportunity=obj, user=obj.primary_owner, defaults={"is_primary": True, "role": "sales"},
            )


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "opportunities.OpportunityTeamMember"

    opportunity = factory.SubFactory(OpportunityFactory)
    user = factory.SubFactory(UserFactory)
    role = "presales"
    is_primary = False


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "opportunities.Activity"

    kind = "meeting"
    subject = factory.Sequence(lambda n: f"拜访客户{n}")
    opportunity = factory.SubFactory(OpportunityFactory)
    customer = factory.SelfAttribute("opportunity.customer")
    owner = factory.SelfAttribute("opportunity.primary_owner")
    due_at = factory.LazyFunction(lambda: _hours_from_now(2))


# --- Forecasting (issue 6) -------------------------------------------------------------------

def ensure_forecast_config() -> None:
    """The default forecast rule and stage categories (forecasting migration 0002), back after a flush."""
    from importlib import import_module

    from forecasting.models import ForecastRule

    ensure_default_config()
    if not ForecastRule.objects.exists():
        import_module("forecasting.migrations.0002_default_rules").seed_rules(_CurrentModels())


# --- Funnel (issue 5) ------------------------------------------------------------------------

def ensure_funnel_config() -> None:
    """The funnel defaults of migration 0004 (checklists, requirement of stage 04, stuck limits, settings),
    back after a flush; fills only what is empty."""
    from importlib import import_module

    ensure_default_config()
    migration = import_module("funnel.migrations.0004_default_funnel_config")
    migration.seed_funnel_config(_CurrentModels())
    migration.schedule_daily_snapshot(_CurrentModels())


class BaselineFactory(factory.django.DjangoModelFactory):
    """A manual baseline of a person (pass org_unit=... and user=None for a unit)."""

    class Meta:
        model = "funnel.Baseline"

    user = factory.SubFactory(UserFactory)
    stage = factory.LazyFunction(lambda: stage("03"))
    source = "manual"
    expected_count = factory.LazyFunction(lambda: _money("10.00"))
    expected_amount = factory.LazyFunction(lambda: _money("1000000.00"))


# --- Key-account projects (issue 7) ------------------------------------------------------------

class PartnerFactory(factory.django.DjangoModelFactory):
    """An active agent with a valid credit code; its credit standing comes from partner_rate_credit."""

    class Meta:
        model = "bids.Partner"
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"测试代理商{n}有限公司")
    credit_code = factory.Sequence(lambda n: make_credit_code(700000 + n))
    kind = "agent"
    region = "华东"
    status = "active"


class CompetitorBrandFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "bids.CompetitorBrand"
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"竞品{n}")
    threat_level = "medium"


class BidProjectFactory(factory.django.DjangoModelFactory):
    """A tender record in preparation, written directly (no lines, agents or agenda: use bids.services)."""

    class Meta:
        model = "bids.BidProject"

    opportunity = factory.SubFactory(OpportunityFactory, stage=factory.LazyFunction(lambda: stage("05")))
    sales_method = "tender"
    tender_type = "open_single_quote"
    scheme = "direct"
    relationship = "unknown"
    created_by = factory.SelfAttribute("opportunity.primary_owner")
