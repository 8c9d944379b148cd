"""/advisors/: the anonymised cards, an advisor's application, a request for an advisor.

Only public advisors (active, consenting, approved summary) are listed, and no personal field of any advisor
ever reaches a public page: the leak tests create distinctive personal data first, then look for it."""

import datetime as dt

import pytest
from django.core.cache import cache

from portal import dates
from portal.choices import EnquiryKind, EnquiryStatus
from portal.enquiries.models import Enquiry
from portal.models import Municipality, Subprefecture, WorkingGroup
from supporters.advisor_forms import advisor_request_details, first_day_of_months, format_request_details
from supporters.models import AdvisorStatus, SeniorAdvisor, TradeGroup
from supporters.models.advisor import PERSONAL_FIELDS
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()  # django-ratelimit counts in the default cache
    yield
    cache.clear()


@pytest.fixture
def secretariat():
    """The working group's secretariat with one staff member, who hears of applications and requests."""
    organisation = OrganisationFactory()
    UserFactory(is_staff=True, organisation=organisation, email="jimukyoku@wg.example.jp")
    group = WorkingGroup.load()
    group.secretariat = organisation
    group.save()
    return organisation


_counter = iter(range(1, 10_000))


def make_advisor(*, areas=("okhotsk",), **fields) -> SeniorAdvisor:
    """An advisor whose personal fields are all distinctive (so a leak is found), public unless told."""
    number = next(_counter)
    values = {
        "name": f"秘密名前{number}",
        "name_kana": f"ヒミツナマエ{number}",
        "email": f"secret{number}@private.example.jp",
        "phone": f"0157-99-{number:04d}",
        "postal_address": f"北見市秘密町{number}丁目",
        "former_employer": f"秘密製作所{number}",
        "home_municipality": Municipality.objects.get(code="012084"),  # 北見市
        "trades": ["旋盤"],
        "qualifications": ["技能検定1級"],
        "former_industry": "machinery",
        "years_of_experience": 40,
        "activities": ["hands_on"],
        "consent_to_contact": True,
        "status": AdvisorStatus.ACTIVE,
        "public_summary": f"元 機械メーカー 旋盤 40年 #{number}",
        "summary_approved": True,
        **fields,
    }
    advisor = SeniorAdvisor.objects.create(**values)
    advisor.areas.set(Subprefecture.objects.filter(slug__in=areas))
    return advisor


def personal_values(advisors) -> list[str]:
    return [getattr(advisor, name) for advisor in advisors for name in PERSONAL_FIELDS if getattr(advisor, name)]


def summaries(response) -> list[str]:
    return [card["summary"] for card in response.context["cards"]]


@pytest.fixture
def advisors():
    return {
        "lathe": make_advisor(public_summary="元 機械メーカー 旋盤 40年・技能検定1級"),
        "paper": make_advisor(
            public_summary="元 製紙メーカー 設備保全 35年",
            trades=["設備保全", "電気工事"],
            qualifications=["第二種電気工事士"],
            former_industry="paper",
            years_of_experience=35,
            activities=["career_talk", "company_advice"],
            areas=("kushiro", "nemuro"),
        ),
        "milling": make_advisor(
            public_summary="元 自動車部品 フライス盤 30年", trades=["フライス盤"], areas=("ishikari",)
        ),
        "applied": make_advisor(public_summary="審査中の概要", status=AdvisorStatus.APPLIED),
        "paused": make_advisor(public_summary="休止中の概要", status=AdvisorStatus.PAUSED),
        "retired": make_advisor(public_summary="退任の概要", status=AdvisorStatus.RETIRED),
        "unapproved": make_advisor(public_summary="未承認の概要", summary_approved=False),
        "no_consent": make_advisor(public_summary="同意なしの概要", consent_to_contact=False),
        "no_summary": make_advisor(public_summary=""),
    }


PUBLIC = ["元 機械メーカー 旋盤 40年・技能検定1級", "元 製紙メーカー 設備保全 35年", "元 自動車部品 フライス盤 30年"]
NOT_PUBLIC = ["審査中の概要", "休止中の概要", "退任の概要", "未承認の概要", "同意なしの概要"]


# --- the cards ---------------------------------------------------------------------------------------


def test_list_shows_only_public_advisors(client, advisors):
    response = client.get("/advisors/")
    assert response.status_code == 200
    assert summaries(response) == PUBLIC
    html = response.content.decode()
    for summary in NOT_PUBLIC:
        assert summary not in html
    assert [advisor.is_public for advisor in advisors.values()] == [True] * 3 + [False] * 6


def test_card_shows_skills_areas_activities_industry_years(client, advisors):
    html = client.get("/advisors/?trade=設備保全").content.decode()
    assert "元 製紙メーカー 設備保全 35年" in html
    assert "設備保全、電気工事" in html
    assert "第二種電気工事士" in html
    assert "釧路、根室" in html  # areas served, short names in sort order
    assert "職業講話" in html or "Career talk" in html
    assert "紙" in html  # former industry (paper)
    assert "35" in html


def test_trade_filter_matches_part_of_a_trade_and_a_qualification(client, advisors):
    assert summaries(client.get("/advisors/?trade=電気")) == ["元 製紙メーカー 設備保全 35年"]
    assert summaries(client.get("/advisors/?trade=技能検定")) == [
        "元 機械メーカー 旋盤 40年・技能検定1級",
        "元 自動車部品 フライス盤 30年",
    ]


def test_trade_filter_finds_related_trades_of_a_trade_group(client, advisors):
    assert summaries(client.get("/advisors/?trade=旋盤")) == ["元 機械メーカー 旋盤 40年・技能検定1級"]
    TradeGroup.objects.create(name="機械加工", trades=["旋盤", "フライス盤", "NC加工"])
    assert summaries(client.get("/advisors/?trade=旋盤")) == [
        "元 機械メーカー 旋盤 40年・技能検定1級",
        "元 自動車部品 フライス盤 30年",
    ]
    assert summaries(client.get("/advisors/?trade=機械加工")) == [
        "元 機械メーカー 旋盤 40年・技能検定1級",
        "元 自動車部品 フライス盤 30年",
    ]


def test_trade_filter_folds_full_width_text(client, advisors):
    make_advisor(public_summary="NC加工の人", trades=["NC加工"])
    assert summaries(client.get("/advisors/?trade=ｎｃ")) == ["NC加工の人"]


def test_subprefecture_filter(client, advisors):
    assert summaries(client.get("/advisors/?subprefecture=kushiro")) == ["元 製紙メーカー 設備保全 35年"]
    assert summaries(client.get("/advisors/?subprefecture=okhotsk")) == ["元 機械メーカー 旋盤 40年・技能検定1級"]


def test_activity_filter(client, advisors):
    assert summaries(client.get("/advisors/?activity=company_advice")) == ["元 製紙メーカー 設備保全 35年"]


def test_filters_combine(client, advisors):
    assert summaries(client.get("/advisors/?trade=旋盤&subprefecture=ishikari")) == []
    assert summaries(client.get("/advisors/?activity=hands_on&subprefecture=ishikari")) == [
        "元 自動車部品 フライス盤 30年"
    ]


@pytest.mark.parametrize(
    "query",
    ["subprefecture=atlantis", "activity=juggling", "trade=" + "長" * 61, "page=abc", "page=999"],
)
def test_bad_values_are_ignored_and_reported(client, advisors, query):
    response = client.get(f"/advisors/?{query}")
    assert response.status_code == 200
    assert summaries(response) == PUBLIC
    name = query.split("=")[0]
    if name != "page":
        assert [item["name"] for item in response.context["filter"].ignored()] == [name]
        assert "ignored" in response.content.decode() or "無視" in response.content.decode()


def test_list_query_count_is_constant(client, advisors, django_assert_max_num_queries):
    for number in range(12):
        make_advisor(areas=("okhotsk", "kamikawa", "sorachi"), trades=["旋盤", f"技{number}"])
    with django_assert_max_num_queries(5):
        response = client.get("/advisors/?subprefecture=okhotsk&activity=hands_on")
    assert len(response.context["cards"]) == 13
    with django_assert_max_num_queries(6):
        client.get("/advisors/?trade=旋盤")


def test_cards_are_loaded_without_personal_fields(client, advisors):
    response = client.get("/advisors/")
    for card in response.context["cards"]:
        assert set(card) == {"summary", "trades", "qualifications", "areas", "activities", "industry", "years"}


# --- leak tests --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/advisors/",
        "/advisors/?trade=旋盤",
        "/advisors/?subprefecture=okhotsk",
        "/advisors/?activity=hands_on",
        "/en/advisors/",
        "/advisors/join/",
        "/advisors/join/sent/",
        "/advisors/request/",
    ],
)
def test_no_personal_field_on_public_pages(client, advisors, path):
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    values = personal_values(advisors.values())
    assert len(values) == 9 * len(PERSONAL_FIELDS)
    for value in values:
        assert value not in html, value
    assert "data-name" not in html and "data-email" not in html


def test_a_filter_on_a_private_value_finds_nothing(client, advisors):
    for value in personal_values([advisors["lathe"]]):
        assert summaries(client.get("/advisors/", {"trade": value})) == [], value


def test_no_personal_field_on_the_request_status_page(client, advisors, secretariat, post):
    response = post(client, "/advisors/request/", request_data())
    html = client.get(response.url).content.decode()
    for value in personal_values(advisors.values()):
        assert value not in html


# --- an advisor applies ------------------------------------------------------------------------------


def application_data(**changes) -> dict:
    data = {
        "name": "山田 太郎",
        "name_kana": "やまだ たろう",
        "email": "ｙａｍａｄａ＠example.jp",
        "phone": "０１５７－２３－４５６７",
        "home_municipality": "012084",
        "areas": ["okhotsk", "tokachi"],
        "travel_radius_km": "80",
        "trades": "旋盤、ＮＣ加工, 旋盤",
        "qualifications": "技能検定1級・ものづくりマイスター",
        "former_industry": "machinery",
        "former_employer": "北見精機株式会社",
        "years_of_experience": "42",
        "activities": ["hands_on", "exam_coaching"],
        "available_weekdays": ["2", "0"],
        "available_months": ["10", "6"],
        "availability_note": "午前のみ",
        "consent_to_contact": "on",
        "consent": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_join_form_renders(client):
    response = client.get("/advisors/join/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="homepage"' in html and 'id="id_areas_0"' in html


def test_an_advisor_applies(client, secretariat, post, mailoutbox):
    response = post(client, "/advisors/join/", application_data())
    assert response.status_code == 302
    assert response.url == "/advisors/join/sent/"
    advisor = SeniorAdvisor.objects.get()
    assert (advisor.name, advisor.name_kana, advisor.email, advisor.phone) == (
        "山田 太郎",
        "ヤマダ タロウ",
        "yamada@example.jp",
        "0157-23-4567",
    )
    assert advisor.home_municipality_id == "012084"
    assert sorted(area.slug for area in advisor.areas.all()) == ["okhotsk", "tokachi"]
    assert advisor.travel_radius_km == 80
    assert advisor.trades == ["旋盤", "NC加工"]
    assert advisor.qualifications == ["技能検定1級", "ものづくりマイスター"]
    assert (advisor.former_industry, advisor.former_employer, advisor.years_of_experience) == (
        "machinery",
        "北見精機株式会社",
        42,
    )
    assert advisor.activities == ["hands_on", "exam_coaching"]
    assert (advisor.available_weekdays, advisor.available_months) == ([0, 2], [6, 10])
    assert advisor.availability_note == "午前のみ"
    assert advisor.consent_to_contact is True
    assert advisor.status == AdvisorStatus.APPLIED
    assert (advisor.public_summary, advisor.summary_approved, advisor.is_public) == ("", False, False)

    assert [message.to for message in mailoutbox] == [["yamada@example.jp"], ["jimukyoku@wg.example.jp"]]
    receipt, notification = mailoutbox
    assert "山田 太郎" in receipt.body and "旋盤、NC加工" in receipt.body
    assert "山田 太郎" in notification.body and "北見市" in notification.body

    assert summaries(client.get("/advisors/")) == []  # not public before staff review


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Please enter your name."),
        ("name_kana", "Yamada", "name in katakana"),
        ("email", "yamada@", "name@example.jp"),
        ("phone", "12345", "10 or 11 digits"),
        ("home_municipality", "999999", "from the list"),
        ("areas", [], "at least one area"),
        ("areas", ["atlantis"], "from the list"),
        ("travel_radius_km", "2000", "0 to 1,000 km"),
        ("trades", " 、 ", "at least one trade"),
        ("trades", "長" * 61, "too long"),
        ("years_of_experience", "90", "0 to 80"),
        ("activities", [], "at least one thing"),
        ("available_months", ["13"], "valid choice"),
        ("consent_to_contact", None, "agree to be contacted"),
        ("consent", None, "privacy notice"),
    ],
)
def test_join_errors_are_shown_in_the_summary_and_at_the_field(client, field, value, message, mailoutbox):
    response = client.post("/en/advisors/join/", application_data(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in " ".join(form.errors[field])
    html = response.content.decode()
    assert 'id="error-summary"' in html
    assert f'href="#{form[field].id_for_label}"' in html
    assert SeniorAdvisor.objects.count() == 0
    assert mailoutbox == []


def test_join_honeypot_saves_nothing(client, post, mailoutbox):
    response = post(client, "/advisors/join/", application_data(homepage="http://spam.example"))
    assert response.status_code == 302
    assert SeniorAdvisor.objects.count() == 0
    assert mailoutbox == []


def test_join_is_rate_limited_per_address(client, secretariat):
    for _attempt in range(10):
        assert client.post("/advisors/join/", {}).status_code == 200
    assert client.post("/advisors/join/", application_data()).status_code == 429
    assert client.get("/advisors/join/").status_code == 200
    assert SeniorAdvisor.objects.count() == 0


# --- a school or company asks for an advisor ---------------------------------------------------------


def request_data(**changes) -> dict:
    data = {
        "school_name": "北見市立北中学校",
        "teacher_name": "佐藤 花子",
        "email": "sato@school.example.jp",
        "phone": "0157-11-2222",
        "purpose": "career_talk",
        "trade": "旋盤",
        "audience": "junior_high",
        "pupils": "38",
        "municipality": "012084",
        "preferred_date_1": (dates.today() + dt.timedelta(days=30)).isoformat(),
        "months": ["11", "10"],
        "weekdays": ["3", "1"],
        "message": "総合学習の時間です。",
        "consent": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_request_form_renders(client):
    response = client.get("/advisors/request/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_months_0"' in html and 'name="homepage"' in html
    assert 'name="grade"' not in html and 'name="adults"' not in html


def test_a_school_asks_for_an_advisor(client, secretariat, post, mailoutbox):
    response = post(client, "/advisors/request/", request_data())
    enquiry = Enquiry.objects.get()
    assert response.status_code == 302
    assert response.url.startswith("/enquiries/") and len(response.url) > len("/enquiries//") + 30
    assert (enquiry.kind, enquiry.status, enquiry.provider) == (EnquiryKind.ADVISOR, EnquiryStatus.NEW, secretariat)
    assert enquiry.subject == WorkingGroup.load()
    assert enquiry.subject_name.endswith("（旋盤）")
    assert (enquiry.school_name, enquiry.teacher_name, enquiry.email, enquiry.phone) == (
        "北見市立北中学校",
        "佐藤 花子",
        "sato@school.example.jp",
        "0157-11-2222",
    )
    assert (enquiry.pupils, enquiry.adults, enquiry.grade) == (38, 0, "中学生")
    assert enquiry.preferred_date_1 == dates.today() + dt.timedelta(days=30)
    assert advisor_request_details(enquiry) == {
        "purpose": "career_talk",
        "trade": "旋盤",
        "municipality": "012084",
        "months": [10, 11],
        "weekdays": [1, 3],
        "group_size": 38,
        "audience": "junior_high",
    }
    assert enquiry.message.endswith("\n\n総合学習の時間です。")

    assert [message.to for message in mailoutbox] == [["sato@school.example.jp"], ["jimukyoku@wg.example.jp"]]
    status_page = client.get(response.url)
    assert status_page.status_code == 200


def test_a_request_with_months_only_starts_on_the_first_day_of_the_earliest_month(client, secretariat, post):
    post(client, "/advisors/request/", request_data(preferred_date_1="", months=["3", "12"]))
    enquiry = Enquiry.objects.get()
    assert enquiry.preferred_date_1 == first_day_of_months([3, 12], dates.today())
    assert advisor_request_details(enquiry)["months"] == [3, 12]


def test_first_day_of_months():
    today = dt.date(2026, 11, 26)
    assert first_day_of_months([11], today) == today
    assert first_day_of_months([12, 3], today) == dt.date(2026, 12, 1)
    assert first_day_of_months([3], today) == dt.date(2027, 3, 1)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("school_name", "", "organisation or school"),
        ("teacher_name", "", "contact person"),
        ("email", "sato@", "name@example.jp"),
        ("phone", "", "phone number we can call"),
        ("purpose", "", "what you would like an advisor for"),
        ("purpose", "juggling", "from the list"),
        ("audience", "", "who the advisor will talk to"),
        ("pupils", "0", "1 to 999"),
        ("pupils", "many", "1 to 999"),
        ("municipality", "", "municipality where the advisor"),
        ("municipality", "999999", "from the list"),
        ("preferred_date_1", "2020-01-01", "already passed"),
        ("months", ["13"], "valid choice"),
        ("consent", None, "privacy notice"),
    ],
)
def test_request_errors_are_shown_in_the_summary_and_at_the_field(client, secretariat, field, value, message):
    response = client.post("/en/advisors/request/", request_data(**{field: value}))
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == [field]
    assert message in " ".join(form.errors[field])
    assert f'href="#{form[field].id_for_label}"' in response.content.decode()
    assert Enquiry.objects.count() == 0


def test_a_request_needs_a_date_or_months(client, secretariat):
    response = client.post("/en/advisors/request/", request_data(preferred_date_1="", months=None))
    assert response.context["form"].errors == {
        "preferred_date_1": ["Please enter a preferred date or choose the months that suit you."]
    }


def test_a_request_without_a_secretariat_is_refused_politely(client, post, mailoutbox):
    group = WorkingGroup.load()
    group.secretariat = None
    group.save()
    response = post(client, "/en/advisors/request/", request_data())
    assert response.status_code == 200
    assert "cannot receive requests" in response.content.decode()
    assert Enquiry.objects.count() == 0


def test_request_honeypot_saves_nothing(client, secretariat, post, mailoutbox):
    post(client, "/advisors/request/", request_data(homepage="spam"))
    assert Enquiry.objects.count() == 0
    assert mailoutbox == []


# --- the request details: written and read back ------------------------------------------------------


def test_request_details_round_trip():
    details = {
        "purpose": "company_advice",
        "trade": "溶接 (TIG)",
        "municipality": "011002",
        "months": [1, 2, 12],
        "weekdays": [0, 6],
        "group_size": 5,
        "audience": "general",
    }
    text = format_request_details(details) + "\n\n[advisor request]\npurpose: lecture\n[/advisor request]"
    assert advisor_request_details(text) == details
    assert "municipality: 011002 (札幌市)" in text


def test_request_details_of_empty_values_and_of_a_plain_message():
    details = {
        "purpose": "hands_on",
        "trade": "",
        "municipality": "012084",
        "months": [],
        "weekdays": [],
        "group_size": 1,
        "audience": "teacher",
    }
    assert advisor_request_details(format_request_details(details)) == details
    assert advisor_request_details("よろしくお願いします。") == {
        "purpose": "",
        "trade": "",
        "municipality": "",
        "months": [],
        "weekdays": [],
        "group_size": None,
        "audience": "",
    }


def test_request_details_ignore_malformed_values():
    text = (
        "[advisor request]\npurpose: juggling\nmunicipality: 12\nmonths: 0, 13, 4\nweekdays: 7, 2\n"
        "group size: many\naudience: aliens\n[/advisor request]"
    )
    assert advisor_request_details(text) == {
        "purpose": "",
        "trade": "",
        "municipality": "",
        "months": [4],
        "weekdays": [2],
        "group_size": None,
        "audience": "",
    }
