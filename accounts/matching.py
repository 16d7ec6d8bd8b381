"""Customer uniqueness: normalise names and score existing customers against incoming data.

Strongest evidence first: the unified social credit code; the normalised name; trigram
similarity of the names (the pg_trgm algorithm, computed by PostgreSQL with a GIN index, and
by the same algorithm in Python on SQLite) supported by city, phone, e-mail domain and website.
A score of SURE_SCORE or more links the record; PROBABLE_SCORE or more sends it to a person.
"""

from __future__ import annotations

import hashlib
import re
import time
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext_lazy

from crm.stored_text import Text, encode

SURE_SCORE = 90
PROBABLE_SCORE = 60
TRIGRAM_THRESHOLD = 0.3
MAX_CANDIDATES = 10
# Customers taken per record from the exact-key lookup (lowest ids first) and from the trigram search.
EXACT_LIMIT = 50
TRIGRAM_LIMIT = MAX_CANDIDATES * 2
# A phone shorter than this is not looked up (too many false hits); it still counts as evidence.
MIN_PHONE_KEY = 7
MATCH_FIELDS = ["id", "name", "normalized_name", "credit_code", "city", "phone", "email", "website", "phone_key",
                "website_key", "email_domain"]

# Legal-form words, longest first so that 股份有限公司 goes before 有限公司.
LEGAL_SUFFIXES_ZH = sorted(
    ["股份有限公司", "有限责任公司", "集团有限公司", "集团股份有限公司", "有限公司", "股份公司", "集团公司",
     "集团", "公司", "分公司", "总公司"],
    key=len, reverse=True,
)
LEGAL_WORDS_EN = {
    "co", "company", "ltd", "limited", "inc", "incorporated", "corp", "corporation", "llc", "plc", "gmbh",
    "ag", "sa", "group", "holdings", "holding", "the",
}
# Public and placeholder mail domains are no evidence of anything shared: administrators keep the list
# (accounts.PublicMailDomain, seeded by migration 0007). Read at most once a minute per process, and again at once
# in the process that changed it (accounts.apps clears it on save and delete).
PUBLIC_MAIL_DOMAINS_TTL = 60.0
_public_mail_domains: tuple[float, frozenset[str]] | None = None


def public_mail_domains() -> frozenset[str]:
    """The mail domains that count as no evidence when two records share them."""
    global _public_mail_domains
    now = time.monotonic()
    if _public_mail_domains is None or now - _public_mail_domains[0] > PUBLIC_MAIL_DOMAINS_TTL:
        from accounts.models import PublicMailDomain

        _public_mail_domains = (now, frozenset(PublicMailDomain.objects.values_list("domain", flat=True)))
    return _public_mail_domains[1]


def public_mail_domains_changed(**kwargs) -> None:
    global _public_mail_domains
    _public_mail_domains = None


_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# "深圳市腾讯" and "深圳腾讯": the 省/市 after a leading place name is dropped (on both sides alike).
_PLACE_PREFIX = re.compile(r"^([\u4e00-\u9fff]{2,3})[省市]")
CONTAINED_SIMILARITY = 0.75


def normalize_text(value: str) -> str:
    """Full-width to half-width, lower case, spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", value or "").lower().split())


def normalize_name(value: str) -> str:
    """The name as matching compares it: no case, width, spaces, punctuation or legal-form words.

    "华远智能科技（集团）股份有限公司" and "華遠智能科技" stay different (traditional characters
    are not folded), but "ＡＢＣ Co., Ltd." and "abc" are the same.
    """
    text = normalize_text(value)
    # Brackets around a legal word: "（集团）", "(China)" keep their content, lose the brackets.
    words = _WORD.findall(text)
    words = [word for word in words if word not in LEGAL_WORDS_EN]
    joined = "".join(words)
    changed = True
    while changed and joined:
        changed = False
        for suffix in LEGAL_SUFFIXES_ZH:
            if joined.endswith(suffix) and len(joined) > len(suffix):
                joined = joined[: -len(suffix)]
                changed = True
                break
    return _PLACE_PREFIX.sub(r"\1", joined) if len(joined) > 4 else joined


def phone_key(value: str) -> str:
    """Digits only, without the country code 86, so that "+86 21-1234 5678" equals "021 12345678"."""
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", value or ""))
    if digits.startswith("86") and len(digits) > 11:
        digits = digits[2:]
    return digits.lstrip("0")


def email_domain(value: str) -> str:
    value = normalize_text(value)
    return value.rsplit("@", 1)[1] if "@" in value else ""


def website_domain(value: str) -> str:
    value = normalize_text(value)
    if not value:
        return ""
    if "//" not in value:
        value = "//" + value
    try:
        host = urlsplit(value).hostname or ""
    except ValueError:  # "http://[abc": not a host anyone can compare
        return ""
    return host.removeprefix("www.")


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each word padded with two spaces before and one after."""
    result: set[str] = set()
    for word in _WORD.findall(text.lower()):
        padded = f"  {word} "
        result.update(padded[i:i + 3] for i in range(len(padded) - 2))
    return result


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity(): shared trigrams over all distinct trigrams of both."""
    left, right = trigrams(a), trigrams(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


@dataclass
class Candidate:
    customer_id: int | None
    name: str
    score: int
    reasons: list[str] = field(default_factory=list)
    # The customer itself: during a batch it may not be saved yet (no id until the batch's insert).
    customer: object = field(default=None, repr=False, compare=False)


@dataclass
class Incoming:
    """The fields matching looks at, normalised once."""

    name: str
    credit_code: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""

    @property
    def normalized_name(self) -> str:
        value = self.__dict__.get("_normalized")
        if value is None:
            value = self.__dict__["_normalized"] = normalize_name(self.name)
        return value

    def memo(self, key: str, derive, raw: str):
        """A value derived from one of the fields, computed once (scoring compares it per candidate)."""
        cache = self.__dict__.setdefault("_memo", {})
        if key not in cache:
            cache[key] = derive(raw)
        return cache[key]

    def keys(self) -> dict[str, str]:
        """The exact keys a customer is looked up by (the indexed columns of the customer table)."""
        keys = {"credit_code": self.credit_code, "normalized_name": self.normalized_name}
        phone = phone_key(self.phone)
        keys["phone_key"] = phone if len(phone) >= MIN_PHONE_KEY else ""
        keys["website_key"] = website_domain(self.website)
        domain = email_domain(self.email)
        keys["email_domain"] = domain if domain not in public_mail_domains() else ""
        return {name: value for name, value in keys.items() if value}


# The reasons are stored with the candidates (the review queue shows them later, to readers of either
# language): each is a message code (crm.stored_text), rendered when shown. Encoded once, at import.
_REASON_CODES = {
    "code": gettext_lazy("same unified social credit code"), "name": gettext_lazy("same name after normalisation"),
    "contains": gettext_lazy("one name contains the other"), "city": gettext_lazy("same city"),
    "other_city": gettext_lazy("different city"), "phone": gettext_lazy("same phone"),
    "website": gettext_lazy("same website"), "email": gettext_lazy("same e-mail domain"),
    "codes": gettext_lazy("different credit codes"),
}
REASONS = {key: encode(Text(message)) for key, message in _REASON_CODES.items()}
# Evidence that two records are one company: a shared identifier or the very same name. Name likeness and the
# city alone are weak (the review queue can create such records in bulk: accounts.services.review_create_weak).
STRONG_REASONS = frozenset(REASONS[key] for key in ("code", "name", "phone", "website", "email", "codes"))
SIMILAR_NAME = gettext_lazy("similar name (%(percent)d%%)")
# The review queue's reason filter: key -> the message id found in a stored reason (crm.stored_text keeps it).
REASON_FILTERS = {key: Text(message).data()["m"] for key, message in _REASON_CODES.items()} | {
    "similar": "similar name ("}
REASON_LABELS = {**_REASON_CODES, "similar": gettext_lazy("similar name")}


def _stored_key(customer, key: str, derive, raw: str, limit: int) -> str:
    """A matching key as the customer table stores it, derived from the raw field when not loaded
    (or when the stored value may have been cut at the column's length)."""
    value = customer.__dict__.get(key)
    if value is None or len(value) >= limit:
        return derive(raw)
    return value


def score_pair(incoming: Incoming, existing, name_similarity: float | None = None) -> Candidate:
    """Score one existing customer against the incoming record, with the reasons (stored texts: render them)."""
    texts = REASONS
    reasons: list[str] = []
    if incoming.credit_code and existing.credit_code and incoming.credit_code == existing.credit_code:
        return Candidate(existing.pk, existing.name, 100, [texts["code"]])

    score = 0.0
    incoming_name = incoming.normalized_name
    if incoming_name and incoming_name == existing.normalized_name:
        score = 90
        reasons.append(texts["name"])
    else:
        sim = similarity(incoming_name, existing.normalized_name) if name_similarity is None else name_similarity
        shorter, longer = sorted([incoming_name, existing.normalized_name], key=len)
        if len(shorter) >= 4 and shorter in longer and sim < CONTAINED_SIMILARITY:
            sim = CONTAINED_SIMILARITY
            reasons.append(texts["contains"])
        if sim >= TRIGRAM_THRESHOLD:
            score = round(sim * 85)
            reasons.append(encode(Text(SIMILAR_NAME, percent=round(sim * 100))))
    if score and incoming.city and existing.city:
        if incoming.memo("city", normalize_text, incoming.city) == normalize_text(existing.city):
            score += 5
            reasons.append(texts["city"])
        else:
            score -= 15
            reasons.append(texts["other_city"])
    if (incoming.phone and existing.phone and incoming.memo("phone", phone_key, incoming.phone)
            == _stored_key(existing, "phone_key", phone_key, existing.phone, 40)):
        score += 30
        reasons.append(texts["phone"])
    website = incoming.memo("website", website_domain, incoming.website)
    if website and website == _stored_key(existing, "website_key", website_domain, existing.website, 200):
        score += 30
        reasons.append(texts["website"])
    domain = incoming.memo("email", email_domain, incoming.email)
    if (domain and domain not in public_mail_domains()
            and domain == _stored_key(existing, "email_domain", email_domain, existing.email, 200)):
        score += 20
        reasons.append(texts["email"])
    score = min(99, score)
    if incoming.credit_code and existing.credit_code and score > 75:
        # Two different valid codes are two legal entities: never linked without a person.
        score = 75
        reasons.append(texts["codes"])
    return Candidate(existing.pk, existing.name, max(0, round(score)), reasons)


def trigram_only_ceiling(incoming: Incoming) -> int:
    """The highest score score_pair can give a customer found by the trigram search alone.

    Such a customer shares none of the exact keys: no credit code (a different code caps the score
    at 75), a different normalised name (at most 85 for the name), no looked-up phone, website or
    e-mail domain. What is left: the city (+5) and a phone too short to be looked up (+30).
    """
    ceiling = 85
    if incoming.city:
        ceiling += 5
    if 0 < len(phone_key(incoming.phone)) < MIN_PHONE_KEY:
        ceiling += 30
    return min(99, ceiling)


def lock_customer_keys(incomings: list[Incoming]) -> None:
    """Until the transaction ends, hold a lock on each record's credit code and normalised name, so that
    deciding whether a customer exists and creating it are one step: a second request bringing in the
    same customer at that moment waits, then finds the first one's customer (the answer a duplicate sent
    later gets). PostgreSQL advisory locks, taken in one order; SQLite lets one writer in at a time."""
    if connection.vendor != "postgresql":
        return
    keys = set()
    for incoming in incomings:
        if incoming.credit_code:
            keys.add(f"customer-code:{incoming.credit_code}")
        if incoming.normalized_name:
            keys.add(f"customer-name:{incoming.normalized_name}")
    if not keys:
        return
    ids = sorted({int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big", signed=True)
                  for key in keys})
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(k) FROM unnest(%s::bigint[]) AS k", [ids])


@dataclass
class Lookup:
    """What the database holds for one incoming record: customers sharing an exact key (by id, at
    most EXACT_LIMIT, lowest ids first) and the trigram search's best names with their similarity
    (None when the search was skipped because an exact key already decides)."""

    exact: list = field(default_factory=list)
    exact_truncated: bool = False
    similar: list[tuple[object, float]] | None = None


def customer_match_lookup(incomings: list[Incoming], *, exclude_id: int | None = None,
                          decision_only: bool = False) -> list[Lookup]:
    """The database side of matching for many records at once: one query for the exact keys of all
    of them, then one trigram search for all of them, or, with `decision_only` (intake decides,
    nobody reads the whole list), only for those that no exact key settles (`needs_trigram_search`)."""
    from accounts.models import Customer

    lookups = [Lookup() for _ in incomings]
    keys = [incoming.keys() for incoming in incomings]
    wanted: dict[str, set[str]] = {}
    for record_keys in keys:
        for name, value in record_keys.items():
            wanted.setdefault(name, set()).add(value)
    if wanted:
        condition = Q(pk__in=[])
        for name, values in wanted.items():
            condition |= Q(**{f"{name}__in": sorted(values)})
        found = Customer.objects.filter(condition)
        if exclude_id:
            found = found.exclude(pk=exclude_id)
        by_key: dict[tuple[str, str], list] = {}
        for customer in found.only(*MATCH_FIELDS).order_by("id"):
            for name in wanted:
                value = getattr(customer, name)
                if value:
                    by_key.setdefault((name, value), []).append(customer)
        for lookup, record_keys in zip(lookups, keys, strict=True):
            seen: dict[int, object] = {}
            for name, value in record_keys.items():
                for customer in by_key.get((name, value), ()):
                    seen[customer.pk] = customer
            ordered = [seen[pk] for pk in sorted(seen)]
            lookup.exact_truncated = len(ordered) > EXACT_LIMIT
            lookup.exact = ordered[:EXACT_LIMIT]
    searching = [index for index, incoming in enumerate(incomings)
                 if incoming.normalized_name and not (
                     decision_only and not needs_trigram_search(incoming, lookups[index].exact,
                                                                lookups[index].exact_truncated))]
    if searching:
        results = similar_names([incomings[index].normalized_name for index in searching], exclude_id=exclude_id)
        for index, similar in zip(searching, results, strict=True):
            lookups[index].similar = similar
    return lookups


def needs_trigram_search(incoming: Incoming, exact: list, truncated: bool = False) -> bool:
    """False when an exact key gives a sure match that no trigram-only candidate could equal, so
    the search cannot change the decision nor the customer linked."""
    if truncated:
        return True
    best = max((score_pair(incoming, customer).score for customer in exact), default=0)
    return not (best >= SURE_SCORE and best > trigram_only_ceiling(incoming))


def customer_rank(incoming: Incoming, lookup: Lookup, pool: MatchPool | None = None) -> list[Candidate]:
    """Score the customers a lookup (and, during a batch, the pool of customers written since the
    lookup) found: best first, at most MAX_CANDIDATES, each with its score and reasons."""
    exact = list(lookup.exact)
    truncated = lookup.exact_truncated
    similar = lookup.similar
    if pool is not None and pool.customers:
        exact, similar, truncated = pool.merge(incoming, exact, similar, truncated)
    found: dict[tuple, tuple[object, float | None]] = {}
    for customer in exact:
        found[_identity(customer)] = (customer, None)
    if similar is not None and (pool is None or not pool.decision_only
                                or needs_trigram_search(incoming, exact, truncated)):
        for customer, sim in similar:
            found[_identity(customer)] = (customer, sim)
    candidates = []
    for customer, sim in found.values():
        candidate = score_pair(incoming, customer, sim)
        if candidate.score > 0:
            candidate.customer = customer
            candidates.append(candidate)
    candidates.sort(key=lambda c: (-c.score, _order(c.customer)))
    return candidates[:MAX_CANDIDATES]


def customer_match_candidates(incoming: Incoming, *, exclude_id: int | None = None) -> list[Candidate]:
    """Existing customers that may be the incoming one, best first, each with a score and reasons.

    Matching runs over every customer (uniqueness is company-wide); callers decide what of a
    candidate the person may see.
    """
    return customer_rank(incoming, customer_match_lookup([incoming], exclude_id=exclude_id)[0])


def _identity(customer) -> tuple:
    return ("id", customer.pk) if customer.pk is not None else ("new", id(customer))


def _order(customer) -> tuple[int, int]:
    """Candidates of equal score: lowest id first; customers not saved yet come after, in the order
    they were taken in (they get the next ids)."""
    if customer.pk is not None:
        return (0, customer.pk)
    return (1, getattr(customer, "_pool_order", 0))


def similar_names(names: list[str], *, exclude_id: int | None = None) -> list[list[tuple[object, float]]]:
    """For each normalised name, the customers whose normalised name is trigram-similar (pg_trgm's
    `%`), most similar first, at most TRIGRAM_LIMIT: the narrow table's GIN index on PostgreSQL,
    joined back to the customer for the best ones; the same algorithm in Python on SQLite."""
    from accounts.models import Customer

    if not names:
        return []
    if connection.vendor == "postgresql":
        exclude = "AND n.customer_id <> %s" if exclude_id else ""
        if len(names) == 1:
            # One name: the planner sees the value (and its trigrams' frequency).
            sql = f"""
                SELECT {", ".join("c." + f for f in MATCH_FIELDS)}, n.sim, 0 AS position
                FROM (SELECT n.customer_id, similarity(n.normalized_name, %s) AS sim
                      FROM accounts_customername n WHERE n.normalized_name %% %s {exclude}
                      ORDER BY sim DESC, n.customer_id LIMIT {TRIGRAM_LIMIT}) n
                JOIN accounts_customer c ON c.id = n.customer_id"""  # noqa: S608 - constants only
            params: list = [names[0], names[0], *([exclude_id] if exclude_id else [])]
        else:
            sql = f"""
                SELECT {", ".join("c." + f for f in MATCH_FIELDS)}, n.sim, q.position
                FROM unnest(%s::text[]) WITH ORDINALITY AS q(name, position)
                CROSS JOIN LATERAL (
                    SELECT n.customer_id, similarity(n.normalized_name, q.name) AS sim
                    FROM accounts_customername n WHERE n.normalized_name %% q.name {exclude}
                    ORDER BY sim DESC, n.customer_id LIMIT {TRIGRAM_LIMIT}) n
                JOIN accounts_customer c ON c.id = n.customer_id"""  # noqa: S608 - constants only
            params = [list(names), *([exclude_id] if exclude_id else [])]
        results: list[list[tuple[object, float]]] = [[] for _ in names]
        offset = 0 if len(names) == 1 else 1
        for customer in Customer.objects.raw(sql, params):
            results[customer.position - offset].append((customer, float(customer.sim)))
        for rows in results:
            rows.sort(key=lambda pair: (-pair[1], pair[0].pk))
        return results
    return _similar_names_python(names, exclude_id=exclude_id)


def _similar_names_python(names: list[str], *, exclude_id: int | None) -> list[list[tuple[object, float]]]:
    """SQLite: one pass over the narrow table for all the names, the best ones fetched by id."""
    from accounts.models import Customer, CustomerName

    wanted = [trigrams(name) for name in names]
    by_trigram: dict[str, list[int]] = {}
    for index, grams in enumerate(wanted):
        for gram in grams:
            by_trigram.setdefault(gram, []).append(index)
    scored: list[list[tuple[int, float]]] = [[] for _ in names]
    rows = CustomerName.objects.values_list("customer_id", "normalized_name")
    if exclude_id:
        rows = rows.exclude(customer_id=exclude_id)
    for pk, name in rows.iterator(chunk_size=5000):
        other = trigrams(name)
        sharing = {index for gram in other for index in by_trigram.get(gram, ())}
        for index in sharing:
            sim = len(wanted[index] & other) / len(wanted[index] | other)
            if sim >= TRIGRAM_THRESHOLD:
                scored[index].append((pk, sim))
    best = [sorted(pairs, key=lambda pair: (-pair[1], pair[0]))[:TRIGRAM_LIMIT] for pairs in scored]
    ids = {pk for pairs in best for pk, _sim in pairs}
    customers = Customer.objects.only(*MATCH_FIELDS).in_bulk(ids) if ids else {}
    return [[(customers[pk], sim) for pk, sim in pairs if pk in customers] for pairs in best]


KEY_FIELDS = ["credit_code", "normalized_name", "phone_key", "website_key", "email_domain"]


class MatchPool:
    """Customers written during a batch after its lookups ran: the ones it creates (not saved
    yet) and the existing ones it filled in. Each later record of the batch is matched against
    them as the database would match it had each record gone in alone, so that a file does not
    create two near-identical customers."""

    def __init__(self, *, decision_only: bool = True) -> None:
        # As customer_match_lookup's `decision_only`: records an exact key settles skip the trigrams.
        self.decision_only = decision_only
        self.customers: dict[tuple, object] = {}
        self._by_key: dict[tuple[str, str], set[tuple]] = {}
        self._by_gram: dict[str, set[tuple]] = {}
        self._taken = 0

    def put(self, customer) -> None:
        """Add a customer, or its newer state (its keys can only have been filled in)."""
        if customer.pk is None and not hasattr(customer, "_pool_order"):
            self._taken += 1
            customer._pool_order = self._taken
        identity = _identity(customer)
        self.customers[identity] = customer
        for name in KEY_FIELDS:
            value = getattr(customer, name)
            if value:
                self._by_key.setdefault((name, value), set()).add(identity)
        grams = getattr(customer, "_pool_trigrams", None)
        if grams is None:
            grams = customer._pool_trigrams = trigrams(customer.normalized_name)
        for gram in grams:
            self._by_gram.setdefault(gram, set()).add(identity)

    def saved(self) -> None:
        """The batch's new customers were inserted: file them under their ids."""
        customers = list(self.customers.values())
        self.customers, self._by_key, self._by_gram = {}, {}, {}
        for customer in customers:
            self.put(customer)

    def merge(self, incoming: Incoming, exact: list, similar, truncated: bool):
        """The lookup's results as they would be with the pool's customers in the database."""
        merged_exact = {}
        for customer in exact:
            identity = _identity(customer)
            merged_exact[identity] = self.customers.get(identity, customer)
        for name, value in incoming.keys().items():
            for identity in self._by_key.get((name, value), ()):
                merged_exact[identity] = self.customers[identity]
        ordered = sorted(merged_exact.values(), key=_order)
        truncated = truncated or len(ordered) > EXACT_LIMIT
        ordered = ordered[:EXACT_LIMIT]
        if similar is None:
            return ordered, None, truncated
        merged_similar = {}
        for customer, sim in similar:
            identity = _identity(customer)
            merged_similar[identity] = (self.customers.get(identity, customer), sim)
        wanted = trigrams(incoming.normalized_name)
        sharing = {identity for gram in wanted for identity in self._by_gram.get(gram, ())}
        for identity in sharing:
            other = self.customers[identity]._pool_trigrams
            sim = len(wanted & other) / len(wanted | other)
            if sim >= TRIGRAM_THRESHOLD:
                merged_similar[identity] = (self.customers[identity], sim)
        best = sorted(merged_similar.values(), key=lambda pair: (-pair[1], _order(pair[0])))[:TRIGRAM_LIMIT]
        return ordered, best, truncated


def only_weak_evidence(candidates: list[dict]) -> bool:
    """No candidate stored with an intake shares an identifier or the exact name with it (see STRONG_REASONS)."""
    return not any(STRONG_REASONS.intersection(candidate.get("reasons", [])) for candidate in candidates)
