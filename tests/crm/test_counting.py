"""crm.counting's counters for cards: several counts in one query, a list with its parts."""

from django.db.models import Q

from accounts.models import Customer
from crm.counting import counts_together, list_tally, list_tally_with_parts
from tests.factories import CustomerFactory


def test_counts_together_gives_each_querysets_count_in_one_query(owner, teammate, django_assert_num_queries):
    CustomerFactory.create_batch(3, owner=owner, tier="key")
    CustomerFactory(owner=teammate, tier="key")
    CustomerFactory(owner=None)
    querysets = {
        "mine": Customer.objects.filter(owner=owner),
        "tiers": Customer.objects.values("tier").distinct(),
        "none": Customer.objects.filter(owner=owner, tier="ordinary"),
    }
    with django_assert_num_queries(1):
        counts = counts_together(querysets)
    assert counts == {name: queryset.count() for name, queryset in querysets.items()}
    assert counts["mine"] == 3 and counts["none"] == 0
    assert counts_together({}) == {}


def test_counts_together_counts_a_list_known_to_be_empty_without_asking(owner, django_assert_num_queries):
    CustomerFactory(owner=owner)
    querysets = {"none": Customer.objects.none(), "mine": Customer.objects.filter(owner=owner),
                 "no ids": Customer.objects.filter(pk__in=[])}
    with django_assert_num_queries(1):
        assert counts_together(querysets) == {"none": 0, "mine": 1, "no ids": 0}
    with django_assert_num_queries(0):
        assert counts_together({"none": Customer.objects.none()}) == {"none": 0}


def test_a_tally_with_parts_counts_the_parts_with_the_whole_within_the_limit(owner, django_assert_num_queries):
    CustomerFactory.create_batch(3, owner=owner, tier="key")
    CustomerFactory(owner=owner)
    CustomerFactory(owner=None)
    everyone = Customer.objects.all()
    with django_assert_num_queries(1):
        whole, parts = list_tally_with_parts(everyone, {"key": Q(tier="key"), "unassigned": Q(owner__isnull=True)},
                                             limit=10)
    assert (whole.count, whole.exact, whole.limit) == (5, True, 10)
    assert (parts["key"].count, parts["key"].exact) == (3, True)
    assert (parts["unassigned"].count, parts["unassigned"].exact) == (1, True)


def test_above_the_limit_each_part_is_tallied_as_list_tally_would(owner):
    CustomerFactory.create_batch(3, owner=owner, tier="key")
    CustomerFactory.create_batch(2, owner=owner)
    everyone = Customer.objects.all()
    whole, parts = list_tally_with_parts(everyone, {"key": Q(tier="key"), "other": Q(tier="ordinary")}, limit=2)
    assert not whole.exact and whole == list_tally(everyone, limit=2)
    assert parts["key"] == list_tally(everyone.filter(tier="key"), limit=2) and not parts["key"].exact
    assert parts["other"] == list_tally(everyone.filter(tier="ordinary"), limit=2)
    assert parts["other"].exact and parts["other"].count == 2
