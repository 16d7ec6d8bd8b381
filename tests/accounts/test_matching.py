# ruff: noqa: E501 - the table of realistic pairs reads best one pair per line
"""Customer uniqueness: normalisation and matching on realistic pairs, on SQLite and PostgreSQL alike."""

import pytest
from django.utils.translation import override

from accounts.matching import (
    PROBABLE_SCORE,
    SURE_SCORE,
    Incoming,
    customer_match_candidates,
    normalize_name,
    phone_key,
    similarity,
    trigrams,
    website_domain,
)
from accounts.validators import credit_code_problem
from tests.factories import CustomerFactory, make_credit_code

CODE_A = make_credit_code(101)
CODE_B = make_credit_code(202)


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("华远智能科技股份有限公司", "华远智能科技"),
        ("华远智能科技有限责任公司", "华远智能科技"),
        ("华远智能科技（集团）有限公司", "华远智能科技"),
        ("华远智能科技集团", "华远智能科技"),
        ("  华远 智能科技 有限公司 ", "华远智能科技"),
        ("ＨＵＡＹＵＡＮ　Ｔｅｃｈ", "huayuantech"),
        ("Huayuan Tech Co., Ltd.", "huayuantech"),
        ("HUAYUAN TECH, INC.", "huayuantech"),
        ("The Huayuan Tech Corporation", "huayuantech"),
        ("中国石油化工股份有限公司北京分公司", "中国石油化工股份有限公司北京"),
        ("深圳市腾讯计算机系统有限公司", "深圳腾讯计算机系统"),
        ("广东省广新控股集团有限公司", "广东广新控股"),
    ],
)
def test_normalize_name(raw, normalized):
    assert normalize_name(raw) == normalized


def test_a_legal_form_alone_is_never_normalised_to_nothing():
    assert normalize_name("有限公司") != ""
    assert normalize_name("Co., Ltd.") == ""  # nothing but legal words: no name to compare


def test_keys():
    assert phone_key("+86 21-6888 1234") == phone_key("021 68881234") == "2168881234"
    assert website_domain("https://www.huayuan.com.cn/about") == "huayuan.com.cn"
    assert website_domain("huayuan.com.cn") == "huayuan.com.cn"


def test_similarity_matches_pg_trgm_definition():
    # pg_trgm: select similarity('word', 'two words') = 0.363636
    assert round(similarity("word", "two words"), 6) == 0.363636
    assert trigrams("cat") == {"  c", " ca", "cat", "at "}
    assert similarity("华远智能科技", "华远智能科技") == 1.0
    assert similarity("", "abc") == 0.0


@override("en")
def test_credit_code_validation():
    assert credit_code_problem(CODE_A) is None
    assert "18" in credit_code_problem(CODE_A[:-1])
    wrong = CODE_A[:-1] + ("0" if CODE_A[-1] != "0" else "1")
    assert "check digit" in credit_code_problem(wrong)
    assert "O" in credit_code_problem("91110000MA0" + "O" * 7)


# (existing customer, incoming record, expected: "link" | "review" | "new")
PAIRS = [
    # Same code, whatever the name.
    ({"name": "华远智能科技股份有限公司", "credit_code": CODE_A}, {"name": "华远科技", "credit_code": CODE_A}, "link"),
    ({"name": "Huayuan Tech Co., Ltd.", "credit_code": CODE_A}, {"name": "华远智能科技", "credit_code": CODE_A}, "link"),
    # Legal-form and punctuation variants.
    ({"name": "华远智能科技股份有限公司"}, {"name": "华远智能科技有限公司"}, "link"),
    ({"name": "华远智能科技（集团）有限公司"}, {"name": "华远智能科技集团"}, "link"),
    ({"name": "上海东方明珠有限公司"}, {"name": "上海 东方明珠 有限公司"}, "link"),
    ({"name": "北京京东世纪贸易有限公司"}, {"name": "北京京东世纪贸易有限责任公司"}, "link"),
    # Full-width and case.
    ({"name": "ABC Medical Devices Ltd."}, {"name": "ＡＢＣ　Ｍｅｄｉｃａｌ　Ｄｅｖｉｃｅｓ"}, "link"),
    ({"name": "Sinopec Trading Co., Ltd."}, {"name": "SINOPEC TRADING LIMITED"}, "link"),
    ({"name": "Haier Group Corporation"}, {"name": "haier group"}, "link"),
    # Same name, same city: sure; same name, other city: a person decides.
    ({"name": "宏达电子有限公司", "city": "苏州"}, {"name": "宏达电子", "city": "苏州"}, "link"),
    ({"name": "宏达电子有限公司", "city": "苏州"}, {"name": "宏达电子", "city": "成都"}, "review"),
    # Same name but two different valid codes: two legal entities, a person decides.
    ({"name": "宏达电子有限公司", "credit_code": CODE_A}, {"name": "宏达电子有限公司", "credit_code": CODE_B}, "review"),
    # Near names with supporting evidence.
    ({"name": "杭州海康威视数字技术股份有限公司", "phone": "0571-88075998"},
     {"name": "杭州海康威视数字技术有限公司", "phone": "+86 571 8807 5998"}, "link"),
    ({"name": "深圳市腾讯计算机系统有限公司", "website": "https://www.tencent.com"},
     {"name": "深圳腾讯计算机系统", "website": "tencent.com"}, "link"),
    ({"name": "中建三局集团有限公司", "email": "info@cscec3b.com.cn", "city": "武汉"},
     {"name": "中建三局", "email": "purchase@cscec3b.com.cn", "city": "武汉"}, "link"),
    ({"name": "中建三局集团有限公司", "email": "info@cscec3b.com.cn"},
     {"name": "中建三局第一建设工程有限责任公司", "email": "hr@cscec3b.com.cn"}, "review"),
    # Near names without evidence: a person decides, or nothing.
    ({"name": "广州白云山医药集团股份有限公司"}, {"name": "广州白云山医药股份公司"}, "link"),
    ({"name": "江苏恒瑞医药股份有限公司"}, {"name": "江苏恒瑞医药科技有限公司"}, "review"),
    ({"name": "四川长虹电器股份有限公司"}, {"name": "四川长虹电子控股集团有限公司"}, "new"),
    # English and Chinese names of one company: only the evidence can tell.
    ({"name": "华为技术有限公司", "website": "www.huawei.com", "phone": "0755-28780808"},
     {"name": "Huawei Technologies Co., Ltd.", "website": "https://huawei.com", "phone": "+86 755 2878 0808"}, "review"),
    ({"name": "华为技术有限公司", "website": "www.huawei.com"},
     {"name": "Huawei Technologies Co., Ltd.", "website": "https://huawei.com"}, "new"),
    # Similar names of different companies: must not link.
    ({"name": "北京华远智能科技有限公司", "city": "北京"}, {"name": "上海华远智能科技有限公司", "city": "上海"}, "new"),
    ({"name": "华远智能科技有限公司"}, {"name": "华远智能制造有限公司"}, "new"),
    ({"name": "中国银行股份有限公司"}, {"name": "中国建设银行股份有限公司"}, "new"),
    ({"name": "中国工商银行股份有限公司"}, {"name": "中国农业银行股份有限公司"}, "new"),
    ({"name": "海尔智家股份有限公司"}, {"name": "海信家电集团股份有限公司"}, "new"),
    ({"name": "美的集团股份有限公司"}, {"name": "美的置业集团有限公司"}, "new"),
    ({"name": "Apex Logistics Ltd."}, {"name": "Apex Medical Ltd."}, "new"),
    ({"name": "Golden Sun Trading Co."}, {"name": "Golden Moon Trading Co."}, "new"),
    # One name inside the other: a person decides, unless the cities differ.
    ({"name": "华远智能科技有限公司"}, {"name": "上海华远智能科技有限公司"}, "review"),
    ({"name": "华远智能科技有限公司", "city": "北京"}, {"name": "上海华远智能科技有限公司", "city": "上海"}, "new"),
    # Free mail domains prove nothing.
    ({"name": "宁波天成贸易有限公司", "email": "tiancheng@163.com"},
     {"name": "温州金诚贸易有限公司", "email": "jincheng@163.com"}, "new"),
    # Completely different.
    ({"name": "比亚迪股份有限公司"}, {"name": "宁德时代新能源科技股份有限公司"}, "new"),
    ({"name": "Shanghai Pudong Development Bank"}, {"name": "Bank of Ningbo"}, "new"),
    # Phone alone is not enough (shared switchboards), phone and site together are.
    ({"name": "青岛啤酒股份有限公司", "phone": "0532-85713831"}, {"name": "青岛港国际", "phone": "0532 8571 3831"}, "new"),
]


def outcome(score: int | None) -> str:
    if score is None or score < PROBABLE_SCORE:
        return "new"
    return "link" if score >= SURE_SCORE else "review"


@pytest.mark.django_db
@pytest.mark.parametrize(("existing", "incoming", "expected"), PAIRS, ids=[f"pair{i}" for i in range(len(PAIRS))])
def test_match_pairs(existing, incoming, expected):
    customer = CustomerFactory(city=existing.pop("city", ""), **existing)
    CustomerFactory(name="完全无关的公司", city="")
    candidates = customer_match_candidates(Incoming(**incoming))
    best = next((c for c in candidates if c.customer_id == customer.pk), None)
    got = outcome(best.score if best else None)
    assert got == expected, (best.score if best else None, best.reasons if best else None)
    if best:
        assert best.reasons, "every candidate explains its score"


@pytest.mark.django_db
def test_candidates_sorted_and_limited():
    for index in range(15):
        CustomerFactory(name=f"华远智能科技{index}号分部有限公司")
    CustomerFactory(name="华远智能科技有限公司")
    candidates = customer_match_candidates(Incoming(name="华远智能科技"))
    assert len(candidates) <= 10
    assert candidates[0].name == "华远智能科技有限公司"
    assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)
