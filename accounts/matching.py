"""Customer uniqueness: normalise names and score existing customers against incoming data.

Strongest evidence first: the unified social credit code; the normalised name; trigram
similarity of the names (the pg_trgm algorithm, computed by PostgreSQL with a GIN index, and
by the same algorithm in Python on SQLite) supported by city, phone, e-mail domain and website.
A score of SURE_SCORE or more links the record; PROBABLE_SCORE or more sends it to a person.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db import connection
from django.db.models import Q
from django.utils.translation import gettext as _

SURE_SCORE = 90
PROBABLE_SCORE = 60
TRIGRAM_THRESHOLD = 0.3
MAX_CANDIDATES = 10

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
FREE_MAIL_DOMAINS = {
    "qq.com", "163.com", "126.com", "139.com", "sina.com", "sina.cn", "sohu.com", "foxmail.com", "yeah.net",
    "aliyun.com", "gmail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com",
}
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
    host = urlsplit(value).hostname or ""
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
    customer_id: int
    name: str
    score: int
    reasons: list[str] = field(default_factory=list)


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
        return normalize_name(self.name)


def score_pair(incoming: Incoming, existing, name_similarity: float | None = None) -> Candidate:
    """Score one existing customer against the incoming record, with the reasons in words."""
    reasons: list[str] = []
    if incoming.credit_code and existing.credit_code and incoming.credit_code == existing.credit_code:
        return Candidate(existing.pk, existing.name, 100, [_("same unified social credit code")])

    score = 0.0
    incoming_name = incoming.normalized_name
    if incoming_name and incoming_name == existing.normalized_name:
        score = 90
        reasons.append(_("same name after normalisation"))
    else:
        sim = similarity(incoming_name, existing.normalized_name) if name_similarity is None else name_similarity
        shorter, longer = sorted([incoming_name, existing.normalized_name], key=len)
        if len(shorter) >= 4 and shorter in longer and sim < CONTAINED_SIMILARITY:
            sim = CONTAINED_SIMILARITY
            reasons.append(_("one name contains the other"))
        if sim >= TRIGRAM_THRESHOLD:
            score = round(sim * 85)
            reasons.append(_("similar name (%(percent)d%%)") % {"percent": round(sim * 100)})
    if score and incoming.city and existing.city:
        if normalize_text(incoming.city) == normalize_text(existing.city):
            score += 5
            reasons.append(_("same city"))
        else:
            score -= 15
            reasons.append(_("different city"))
    if incoming.phone and existing.phone and phone_key(incoming.phone) == phone_key(existing.phone):
        score += 30
        reasons.append(_("same phone"))
    website = website_domain(incoming.website)
    if website and website == website_domain(existing.website):
        score += 30
        reasons.append(_("same website"))
    domain = email_domain(incoming.email)
    if domain and domain not in FREE_MAIL_DOMAINS and domain == email_domain(existing.email):
        score += 20
        reasons.append(_("same e-mail domain"))
    score = min(99, score)
    if incoming.credit_code and existing.credit_code and score > 75:
        # Two different valid codes are two legal entities: never linked without a person.
        score = 75
        reasons.append(_("different credit codes"))
    return Candidate(existing.pk, existing.name, max(0, round(score)), reasons)


def customer_match_candidates(incoming: Incoming, *, queryset=None, exclude_id: int | None = None) -> list[Candidate]:
    """Existing customers that may be the incoming one, best first, each with a score and reasons.

    Matching runs over every customer (uniqueness is company-wide); callers decide what of a
    candidate the person may see.
    """
    from accounts.models import Customer

    base = queryset if queryset is not None else Customer.objects.all()
    if exclude_id:
        base = base.exclude(pk=exclude_id)
    fields = ["id", "name", "normalized_name", "credit_code", "city", "phone", "email", "website"]
    normalized = incoming.normalized_name
    found: dict[int, tuple[object, float | None]] = {}

    exact = Q(pk__in=[])
    if incoming.credit_code:
        exact |= Q(credit_code=incoming.credit_code)
    if normalized:
        exact |= Q(normalized_name=normalized)
    phone = phone_key(incoming.phone)
    if len(phone) >= 7:
        exact |= Q(phone_key=phone)
    website = website_domain(incoming.website)
    if website:
        exact |= Q(website_key=website)
    domain = email_domain(incoming.email)
    if domain and domain not in FREE_MAIL_DOMAINS:
        exact |= Q(email_domain=domain)
    for customer in base.filter(exact).only(*fields)[:50]:
        found[customer.pk] = (customer, None)

    if normalized:
        for customer, sim in _similar_names(base, normalized, fields):
            found[customer.pk] = (customer, sim)

    candidates = [score_pair(incoming, customer, sim) for customer, sim in found.values()]
    candidates = [c for c in candidates if c.score > 0]
    candidates.sort(key=lambda c: (-c.score, c.customer_id))
    return candidates[:MAX_CANDIDATES]


def _similar_names(base, normalized: str, fields: list[str]):
    """Customers whose normalised name is trigram-similar: pg_trgm's GIN index, or a scan on SQLite."""
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import TrigramSimilarity

        rows = (
            base.filter(normalized_name__trigram_similar=normalized)
            .annotate(sim=TrigramSimilarity("normalized_name", normalized))
            .order_by("-sim")
            .only(*fields)[: MAX_CANDIDATES * 2]
        )
        return [(row, float(row.sim)) for row in rows]
    wanted = trigrams(normalized)
    scored = []
    for row in base.only(*fields).iterator(chunk_size=2000):
        other = trigrams(row.normalized_name)
        if not other or not (wanted & other):
            continue
        sim = len(wanted & other) / len(wanted | other)
        if sim >= TRIGRAM_THRESHOLD:
            scored.append((row, sim))
    scored.sort(key=lambda pair: -pair[1])
    return scored[: MAX_CANDIDATES * 2]
