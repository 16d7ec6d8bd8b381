"""Reads on customers shared by the pages, exports and the workbench.

Everything here starts from `visible_to(user)`: a record outside it does not exist for the viewer,
in lists, counts, exports and search alike. Each read costs a constant number of queries.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import connections, router
from django.db.models import Case, Count, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from accounts.matching import REASON_FILTERS
from accounts.models import (
    AccountPlan,
    Contact,
    Customer,
    CustomerIntake,
    CustomerMerge,
    EnrichmentProposal,
    ImportBatch,
    IntakeStatus,
    ProposalStatus,
    Tier,
    TierChange,
)
from crm.counting import counts_together, list_tally_with_parts
from crm.history import Change, HistoryEntry, field_label, newest_first, record_entries
from teams.models import User

# Sort keys the customer list accepts -> ORDER BY; tier sorts by rank (key customers first).
TIER_RANK = Case(
    When(tier=Tier.KEY, then=Value(0)),
    When(tier=Tier.HIGH_POTENTIAL, then=Value(1)),
    When(tier=Tier.ORDINARY, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)
CUSTOMER_SORTS = {
    "name": ["name", "id"],
    "-name": ["-name", "-id"],
    "created": ["created_at", "id"],
    "-created": ["-created_at", "-id"],
    "tier": ["tier_rank", "name", "id"],
    "-tier": ["-tier_rank", "name", "id"],
    "city": ["province", "city", "name", "id"],
    "owner": ["owner__display_name", "owner__username", "name", "id"],
}
DEFAULT_SORT = "name"


# --- The customer list ---------------------------------------------------------------------

def my_customers(*, viewer: User) -> QuerySet[Customer]:
    """"My customers": the customers `viewer` owns. The list's "mine" scope, the workbench's count and the API's
    `mine` filter all read this one definition."""
    return Customer.objects.visible_to(viewer).filter(owner=viewer)


def default_customer_scope(viewer: User) -> str:
    """The list opens on my customers; a manager's opens on everything they see (their team's)."""
    return "all" if viewer.is_manager else "mine"


def customer_list(*, viewer: User, filters: dict[str, Any] | None = None) -> QuerySet[Customer]:
    """Customers visible to `viewer`, filtered and sorted, with what a list row shows (one query).

    `filters` keys: scope ("mine": my_customers, else every visible one), q (name, credit code or phone), tier,
    source, owner (a User), province, industry, unassigned (bool, managers), sort (a key of CUSTOMER_SORTS).
    """
    filters = filters or {}
    customers = my_customers(viewer=viewer) if filters.get("scope") == "mine" else Customer.objects.visible_to(viewer)
    customers = customers.select_related("owner")
    query = (filters.get("q") or "").strip()
    if query:
        from accounts.matching import normalize_name, phone_key
        from accounts.validators import normalize_credit_code

        condition = Q(name__icontains=query) | Q(credit_code__icontains=normalize_credit_code(query))
        normalized = normalize_name(query)
        if normalized:
            condition |= Q(normalized_name__contains=normalized)
        digits = phone_key(query)
        if len(digits) >= 4:
            condition |= Q(phone_key__contains=digits)
        customers = customers.filter(condition)
    for name in ("tier", "source", "province", "industry"):
        if filters.get(name):
            customers = customers.filter(**{name: filters[name]})
    if filters.get("owner"):
        customers = customers.filter(owner=filters["owner"])
    if filters.get("unassigned"):
        customers = customers.filter(owner__isnull=True)
    sort = filters.get("sort") or DEFAULT_SORT
    if sort not in CUSTOMER_SORTS:
        sort = DEFAULT_SORT
    if "tier" in sort:
        customers = customers.annotate(tier_rank=TIER_RANK)
    return customers.order_by(*CUSTOMER_SORTS[sort])


# What a row of the list page shows (accounts_tags.customer_row): the wide columns (address, keys, notes) and the
# owner's other columns stay in the tables.
CUSTOMER_ROW_FIELDS = (
    "name", "credit_code", "province", "city", "industry", "tier", "source", "created_at", "owner_id",
    "owner__username", "owner__display_name", "owner__first_name", "owner__last_name",
)


FILTER_CHOICES_SECONDS = 300


def customer_filter_choices(*, viewer: User) -> dict[str, list]:
    """Values the list's filters offer: provinces and industries of visible customers, visible owners.

    Reading them means reading every visible customer (120 ms at 124,000), so they are kept in the shared
    cache for a few minutes per viewer: a new province shows in the filter a little later, nothing else."""

    def read() -> dict[str, list]:
        visible = Customer.objects.visible_to(viewer).order_by()
        return {
            "provinces": list(visible.exclude(province="").order_by("province").values_list("province", flat=True)
                              .distinct()),
            "industries": list(visible.exclude(industry="").order_by("industry").values_list("industry", flat=True)
                               .distinct()),
        }

    return cache.get_or_set(f"customer-filter-choices:{viewer.pk}", read, FILTER_CHOICES_SECONDS)


def visible_people(*, viewer: User) -> QuerySet[User]:
    """People whose customers `viewer` may see: themselves and their subtree (everyone for admins)."""
    owners = viewer.visible_owner_id_list()  # the page's list pages read it already (crm.request_memo)
    people = User.objects.filter(is_active=True)
    if owners is not None:
        people = people.filter(pk__any_of=owners)
    return people.select_related("org_unit").order_by("org_unit__name", "display_name", "username")


def assignable_people(*, viewer: User) -> QuerySet[User]:
    """Sales people `viewer` may give customers to, with how many customers each already has."""
    people = visible_people(viewer=viewer) & User.objects.sales_people()
    if not viewer.is_manager:
        people = people.filter(pk=viewer.pk)
    return people.annotate(customer_count=Count("customers"))


EXPORT_COLUMNS = [
    "name", "credit_code", "province", "city", "industry", "owner", "tier", "source", "phone", "email", "website",
    "employees", "annual_revenue", "created_at",
]


def customer_export_rows(customers: QuerySet[Customer]):
    """Header and rows of the export; values a spreadsheet would run as a formula are defused."""
    fields = {name: Customer._meta.get_field(name) for name in EXPORT_COLUMNS}
    yield [str(fields[name].verbose_name) for name in EXPORT_COLUMNS]
    from django.utils import timezone

    for customer in customers.iterator(chunk_size=2000):
        row: list[Any] = []
        for name in EXPORT_COLUMNS:
            if name == "owner":
                value: Any = str(customer.owner) if customer.owner_id else ""
            elif name == "tier":
                value = customer.get_tier_display()
            elif name == "source":
                value = customer.get_source_display()
            elif name == "created_at":
                value = timezone.localtime(customer.created_at).replace(tzinfo=None)
            else:
                value = getattr(customer, name)
            if value is None:
                value = ""
            if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
                value = "'" + value
            row.append(value)
        yield row


# --- One customer --------------------------------------------------------------------------

def customer_get(*, viewer: User, pk: int) -> Customer:
    """One visible customer with its owner and group company; Customer.DoesNotExist otherwise."""
    return Customer.objects.visible_to(viewer).select_related("owner", "parent", "created_by").get(pk=pk)


def customer_relatives(*, viewer: User, customer: Customer, subsidiaries_total: int | None = None) -> dict[str, Any]:
    """The group company (shown by name; linked if visible) and the visible subsidiaries, with how
    many others belong to teams the viewer cannot see (`subsidiaries_total`: all of them, when already counted)."""
    visible = Customer.objects.visible_to(viewer)
    subsidiaries = list(visible.filter(parent=customer).order_by("name").only("id", "name"))
    if subsidiaries_total is None:
        subsidiaries_total = customer.subsidiaries.count()
    return {
        "parent_visible": bool(customer.parent_id) and visible.filter(pk=customer.parent_id).exists(),
        "subsidiaries": [{"customer": s, "visible": True} for s in subsidiaries],
        "hidden_subsidiaries": subsidiaries_total - len(subsidiaries),
    }


def customer_counts(*, customer: Customer) -> dict[str, int]:
    """The customer page's tab badges (contacts, account plans, pending proposals, intake records) and how many
    subsidiaries it has, visible or not: one statement of five scalar counts, not five queries. Written as SQL:
    the ORM's five COUNT queries cost 2.8 ms, mostly building them, and five Subquery annotations more (3.8 ms)."""
    database = router.db_for_read(Customer)
    quote = connections[database].ops.quote_name

    def count(model, column: str, extra: str = "") -> str:
        # The tables and columns are the models' own, quoted; the values are parameters.
        return f"(SELECT COUNT(*) FROM {quote(model._meta.db_table)} WHERE {quote(column)} = %s{extra})"  # noqa: S608

    status = quote(EnrichmentProposal._meta.get_field("status").column)
    sql = "SELECT " + ", ".join([
        count(Contact, Contact._meta.get_field("customer").column),
        count(AccountPlan, AccountPlan._meta.get_field("customer").column),
        count(EnrichmentProposal, EnrichmentProposal._meta.get_field("customer").column, f" AND {status} = %s"),
        count(CustomerIntake, CustomerIntake._meta.get_field("customer").column),
        count(Customer, Customer._meta.get_field("parent").column),
    ])
    with connections[database].cursor() as cursor:
        cursor.execute(sql, [customer.pk, customer.pk, customer.pk, ProposalStatus.PENDING.value, customer.pk,
                             customer.pk])
        contacts, plans, proposals, intakes, subsidiaries = cursor.fetchone()
    return {"contacts": contacts, "plans": plans, "proposals": proposals, "intakes": intakes,
            "subsidiaries": subsidiaries}


@dataclass
class ContactNode:
    contact: Contact
    depth: int
    children: list[ContactNode] = field(default_factory=list)


def customer_contacts(*, customer: Customer) -> list[Contact]:
    return list(customer.contacts.select_related("reports_to").order_by("name", "id"))


def contact_tree(contacts: list[Contact]) -> list[ContactNode]:
    """The customer's organisation chart: contacts by `reports_to`, tops first (no extra query)."""
    by_parent: dict[int | None, list[Contact]] = {}
    known = {c.pk for c in contacts}
    for contact in contacts:
        parent = contact.reports_to_id if contact.reports_to_id in known else None
        by_parent.setdefault(parent, []).append(contact)

    seen: set[int] = set()

    def build(contact: Contact, depth: int) -> ContactNode:
        seen.add(contact.pk)
        node = ContactNode(contact, depth)
        for child in by_parent.get(contact.pk, []):
            if child.pk not in seen:  # a cycle slipped into the data: show each person once
                node.children.append(build(child, depth + 1))
        return node

    roots = [build(contact, 0) for contact in by_parent.get(None, [])]
    # People caught in a cycle have no top: show them at the top level rather than lose them.
    roots += [build(contact, 0) for contact in contacts if contact.pk not in seen]
    return roots


def customer_plans(*, customer: Customer) -> list[AccountPlan]:
    return list(customer.plans.select_related("author", "reviewed_by").order_by("-year"))


def customer_pending_proposals(*, customer: Customer) -> list[EnrichmentProposal]:
    return list(customer.proposals.filter(status=ProposalStatus.PENDING).order_by("-created_at", "-id"))


def customer_intakes(*, customer: Customer) -> list[CustomerIntake]:
    return list(customer.intakes.select_related("created_by", "resolved_by", "batch").order_by("-created_at", "-id"))


HISTORY_LIMIT = 50


def customer_history(*, customer: Customer) -> dict[str, Any]:
    """Field-by-field changes (simple-history) and tier changes of one customer in one list, newest first (a
    change of tier is told once, by its tier-change row with its reason), and the customers merged into it."""
    records = list(customer.history.select_related("history_user").order_by("-history_date", "-history_id")
                   [: HISTORY_LIMIT + 1])
    entries = record_entries(reversed(records), Customer, exclude=("tier_score", "tier_suggested", "created_by"),
                             told_elsewhere=("tier", "tier_overridden"), on_create=("owner", "tier", "source"))
    tier_label = field_label(Customer, "tier")
    for change in TierChange.objects.filter(customer=customer).select_related("changed_by")[:HISTORY_LIMIT]:
        entries.append(HistoryEntry(
            change.created_at, change.changed_by or _("the rules"), "tier", _("Tier changed"),
            changes=[Change(tier_label, change.get_old_tier_display() or "—", change.get_new_tier_display())],
            note=" · ".join(filter(None, [change.reason, _("score %(score)s") % {"score": change.score}])),
        ))
    return {
        "entries": newest_first(entries),
        "truncated": len(records) > HISTORY_LIMIT,
        "merges": [_merge_display(merge) for merge in
                   CustomerMerge.objects.filter(survivor=customer).select_related("merged_by")],
    }


def _merge_display(merge: CustomerMerge) -> CustomerMerge:
    """Name what a merge moved ("accounts.Contact": 3 -> "contacts × 3") and the fields it filled."""
    from django.apps import apps

    moved = []
    for label, count in (merge.moved or {}).items():
        if label == "filled_fields":
            continue
        with contextlib.suppress(LookupError, ValueError):
            label = apps.get_model(label)._meta.verbose_name_plural
        moved.append((label, count))
    merge.moved_display = moved
    merge.filled_display = [Customer._meta.get_field(name).verbose_name
                            for name in (merge.moved or {}).get("filled_fields", [])
                            if name in {f.name for f in Customer._meta.fields}]
    return merge


def customer_pick(*, viewer: User, query: str, exclude_id: int | None = None, limit: int = 10) -> list[Customer]:
    """Visible customers whose name or credit code contains `query`, for pickers."""
    query = query.strip()
    if not query:
        return []
    customers = customer_list(viewer=viewer, filters={"q": query})
    if exclude_id:
        customers = customers.exclude(pk=exclude_id)
    return list(customers[:limit])


# --- Queues --------------------------------------------------------------------------------

def review_queue(*, viewer: User, batch_id: int | None = None, reason: str = "") -> QuerySet[CustomerIntake]:
    """Intake records waiting for a person, visible to `viewer`, oldest first; optionally of one import
    (`batch_id`) and with one match reason (a key of accounts.matching.REASON_FILTERS)."""
    queue = (
        CustomerIntake.objects.visible_to(viewer)
        .filter(status=IntakeStatus.PENDING_REVIEW)
        .select_related("created_by", "batch")
        .order_by("created_at", "id")
    )
    if batch_id is not None:
        queue = queue.filter(batch_id=batch_id)
    if reason in REASON_FILTERS:
        # The reasons are stored texts inside the candidates' JSON: their message id is found in its text.
        queue = queue.annotate(candidates_text=Cast("candidates", TextField())).filter(
            candidates_text__contains=REASON_FILTERS[reason])
    return queue


def review_imports(*, viewer: User) -> list[ImportBatch]:
    """The imports that have records waiting for review, for the queue's filter."""
    waiting = review_queue(viewer=viewer).exclude(batch=None).values("batch_id")
    return list(ImportBatch.objects.filter(pk__in=waiting).order_by("-id"))


def review_candidates(*, viewer: User, intakes: list[CustomerIntake]) -> dict[int, Customer]:
    """The visible candidate customers of a page of intakes, by id (one query)."""
    ids = {candidate.get("id") for intake in intakes for candidate in intake.candidates if candidate.get("id")}
    if not ids:
        return {}
    return {c.pk: c for c in Customer.objects.visible_to(viewer).filter(pk__in=ids).select_related("owner")}


def unassigned_queue(*, viewer: User) -> QuerySet[Customer]:
    """Customers without an owner; only managers and administrators work this queue."""
    if not viewer.is_manager:
        return Customer.objects.none()
    return Customer.objects.visible_to(viewer).filter(owner__isnull=True).order_by("created_at", "id")


def enrichment_reviews(*, viewer: User) -> QuerySet[EnrichmentProposal]:
    """Conflicting new values waiting for a decision, on customers visible to `viewer`."""
    return (
        EnrichmentProposal.objects.visible_to(viewer)
        .filter(status=ProposalStatus.PENDING)
        .select_related("customer", "customer__owner", "intake")
        .order_by("customer__name", "customer_id", "field", "created_at")
    )


# --- Workbench -----------------------------------------------------------------------------

# The card's counts are exact up to this many customers and the planner's estimate above ("about 105,000"): it shows
# a figure, not pages, and reading 10,000 rows twice (the head's team and unassigned customers) cost 6 ms a view.
WORKBENCH_EXACT_COUNT = 1_000


def workbench_panel(user: User) -> dict[str, Any] | None:
    """The customer area's card on the workbench: what is mine and what waits for me."""
    if not (user and user.is_authenticated):
        return None

    def tally(customers, part: Q):
        # Each count reads at most WORKBENCH_EXACT_COUNT + 1 rows (crm.counting): bounded whoever looks. The part
        # (my key customers, the unassigned ones) is counted by the same read while the whole is within the limit.
        whole, parts = list_tally_with_parts(customers, {"part": part}, limit=WORKBENCH_EXACT_COUNT)
        return whole, parts["part"]

    personal = user.has_own_book
    # Heads of the company or a division and administrators have no customers of their own: their card shows
    # the customers of their part of the organisation instead (None: not counted).
    mine_tally, key_tally = tally(my_customers(viewer=user), Q(tier=Tier.KEY)) if personal else (None, None)
    panel = {
        "template": "accounts/_workbench.html",
        "personal": personal,
        "my_customers": mine_tally,
        "key_customers": key_tally,
        "team_customers": None,
        **counts_together({"pending_reviews": review_queue(viewer=user),
                           "pending_proposals": enrichment_reviews(viewer=user)}),
        "unassigned": None,
    }
    if user.is_manager or not personal:
        visible = Customer.objects.visible_to(user)
        panel["team_customers"], panel["unassigned"] = tally(visible, Q(owner__isnull=True))
    return panel
