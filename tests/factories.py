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
