"""Joining the supporters' club: the one-page form, its checks, the e-mail verification, sign-in."""

import io
import os
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from supporters import services
from supporters.models import MembershipRole, SupporterCompany, SupporterMembership, SupporterStatus
from supporters.validators import corporate_number_check_digit, normalise_postcode, to_katakana
from tests.factories import UserFactory

User = get_user_model()
JOIN = "/supporters/join/"
VERIFY_LINK = re.compile(r"https?://[^/\s]+(/supporters/join/verify/[^/\s]+/)")


@pytest.fixture(autouse=True)
def fresh_rate_limits_and_media(settings, tmp_path):
    cache.clear()  # django-ratelimit counts in the default cache
    settings.MEDIA_ROOT = tmp_path
    yield
    cache.clear()


@pytest.fixture
def get(django_capture_on_commit_callbacks):
    """client.get, then run what the view left for after the commit (the mails)."""

    def get(client, path):
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(path)

    return get


def form_data(**changes) -> dict:
    data = {
        "name": "株式会社北海道精機",
        "name_kana": "ほっかいどうせいき",
        "corporate_number": "",
        "postcode": "０６０－０００１",
        "address": "",
        "municipality": "",
        "industry": "machinery",
        "offers": ["factory_tour", "outreach_lecture"],
        "pr_message": "ものづくりの楽しさを伝えます。",
        "contact_name": "山田花子",
        "email": "hanako@seiki.example.jp",
        "phone": "011-231-0000",
        "password": "kita-no-monozukuri-2026",
        "password_again": "kita-no-monozukuri-2026",
        "consent": "on",
        "homepage": "",
    }
    data.update(changes)
    return data


def png(width=200, height=100, *, noise=False) -> bytes:
    if noise:
        image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    else:
        image = Image.new("RGB", (width, height), (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def counts() -> tuple[int, int, int]:
    return SupporterCompany.objects.count(), User.objects.count(), SupporterMembership.objects.count()


def errors_of(response) -> dict:
    return {name: [str(e) for e in errors] for name, errors in response.context["form"].errors.items()}


# --- Pure checks -------------------------------------------------------------------------------------


@pytest.mark.parametrize("number", ["7000012050002", "1180301018771"])  # 国税庁, トヨタ自動車
def test_check_digit_of_real_corporate_numbers(number):
    assert corporate_number_check_digit(number[1:]) == int(number[0])


def test_a_wrong_check_digit_is_detected():
    assert corporate_number_check_digit("000012050002") != 8


@pytest.mark.parametrize(
    ("typed", "stored"), [("０６０－０００１", "060-0001"), ("0600001", "060-0001"), ("〒060ー0001", "060-0001")]
)
def test_postcode_in_any_width(typed, stored):
    assert normalise_postcode(typed) == stored


@pytest.mark.parametrize("typed", ["ほっかいどうせいき", "ﾎｯｶｲﾄﾞｳｾｲｷ", "ホッカイドウセイキ"])
def test_kana_in_any_form_becomes_full_width_katakana(typed):
    assert to_katakana(typed) == "ホッカイドウセイキ"


@pytest.mark.django_db
def test_postcode_lookup_finds_address_and_ward():
    found = services.lookup_postcode("060-0001")
    assert found.address == "北海道札幌市中央区北一条西"
    assert (found.municipality.code, found.municipality.name) == ("011011", "札幌市中央区")
    assert services.lookup_postcode("071-8700") is None
    office = services.lookup_postcode("060-8621")  # a large office's own postcode
    assert office.address.startswith("北海道札幌市中央区北一条西6丁目")
    assert office.municipality.code == "011011"


@pytest.mark.django_db
def test_municipality_from_an_edited_address():
    assert services.municipality_from_address("北海道札幌市中央区北1条西2丁目").name == "札幌市中央区"
    assert services.municipality_from_address("北海道上川郡東川町東町1丁目").name == "東川町"
    assert services.municipality_from_address("東京都千代田区") is None


@pytest.mark.django_db
def test_postcode_endpoint(client):
    response = client.get("/supporters/join/postcode/", {"postcode": "０６００００１"})
    assert response.status_code == 200
    assert response.json() == {
        "postcode": "060-0001",
        "address": "北海道札幌市中央区北一条西",
        "municipality": "011011",
        "municipality_name": "札幌市中央区",
    }
    unknown = client.get("/supporters/join/postcode/", {"postcode": "071-8700"})
    assert unknown.status_code == 404
    assert "071-8700" in unknown.json()["error"]
    assert client.get("/supporters/join/postcode/", {"postcode": "abc"}).status_code == 400


# --- The form ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_join_page(client):
    response = client.get(JOIN)
    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in content
    assert 'id="postcode-lookup" hidden' in content  # shown by static/js/postcode.js


@pytest.mark.django_db
def test_join_saves_company_user_and_membership_and_mails_a_link(client, post, mailoutbox):
    response = post(client, JOIN, form_data(corporate_number="７０００ー０１２０５０００２"))
    assert response.status_code == 302
    assert response.url == "/supporters/join/sent/"
    company = SupporterCompany.objects.get()
    assert (company.name, company.name_kana, company.corporate_number, company.postcode) == (
        "株式会社北海道精機",
        "ホッカイドウセイキ",
        "7000012050002",
        "060-0001",
    )
    assert (company.address, company.municipality_id, company.status) == (
        "北海道札幌市中央区北一条西",
        "011011",
        SupporterStatus.UNVERIFIED,
    )
    assert company.offers == ["factory_tour", "outreach_lecture"]
    assert (company.contact_email, company.contact_phone) == ("hanako@seiki.example.jp", "011-231-0000")
    membership = SupporterMembership.objects.get()
    assert (membership.company, membership.role) == (company, MembershipRole.OWNER)
    user = membership.user
    assert (user.username, user.is_staff, user.is_active) == ("hanako@seiki.example.jp", False, False)
    assert user.check_password("kita-no-monozukuri-2026")
    assert [m.to for m in mailoutbox] == [["hanako@seiki.example.jp"]]
    assert VERIFY_LINK.search(mailoutbox[0].body)


@pytest.mark.django_db
def test_join_with_a_logo(client, post):
    logo = SimpleUploadedFile("ロゴ.png", png(), content_type="image/png")
    response = post(client, JOIN, {**form_data(), "logo": logo})
    assert response.status_code == 302
    company = SupporterCompany.objects.get()
    assert re.fullmatch(r"supporters/logos/[0-9a-f]{24}\.png", company.logo.name)


@pytest.mark.django_db
def test_an_edited_address_and_chosen_municipality_are_kept(client, post):
    response = post(client, JOIN, form_data(address="北海道札幌市中央区北1条西2丁目1番地", municipality="011002"))
    assert response.status_code == 302
    company = SupporterCompany.objects.get()
    assert (company.address, company.municipality_id) == ("北海道札幌市中央区北1条西2丁目1番地", "011002")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"corporate_number": "8000012050002"}, "corporate_number", "check digit"),
        ({"corporate_number": "12345"}, "corporate_number", "13 digits"),
        ({"postcode": "071-8700"}, "postcode", "We could not find the postcode 071-8700"),
        ({"postcode": "100-0001"}, "postcode", "outside Hokkaido"),
        ({"postcode": "12"}, "postcode", "7 digits"),
        ({"name_kana": "北海道精機"}, "name_kana", "kana"),
        ({"password": "password", "password_again": "password"}, "password", ""),
        ({"password": "12345678901234", "password_again": "12345678901234"}, "password", ""),
        ({"password_again": "something-else-2026"}, "password_again", "not the same"),
        ({"offers": []}, "offers", "at least one"),
        ({"consent": ""}, "consent", "privacy notice"),
        ({"email": "hanako"}, "email", "name@example.jp"),
    ],
)
def test_each_bad_input_is_a_clear_message_and_nothing_is_saved(client, post, mailoutbox, changes, field, message):
    response = post(client, "/en" + JOIN, form_data(**changes))
    assert response.status_code == 200
    errors = errors_of(response)
    assert list(errors) == [field]
    assert message in errors[field][0]
    assert counts() == (0, 0, 0)
    assert mailoutbox == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"just some text, not an image", "logo.png", "must be an image file"),
        ("noise", "big.png", "too large"),  # > 1 MB
        ("wide", "wide.png", "2000 pixels"),
    ],
)
def test_bad_logos(client, post, content, name, message):
    if content == "noise":
        content = png(700, 700, noise=True)
        assert len(content) > 1024 * 1024
    elif content == "wide":
        content = png(2100, 20)
    logo = SimpleUploadedFile(name, content, content_type="image/png")
    response = post(client, "/en" + JOIN, {**form_data(), "logo": logo})
    assert response.status_code == 200
    errors = errors_of(response)
    assert list(errors) == ["logo"]
    assert message in errors["logo"][0]
    assert counts() == (0, 0, 0)


@pytest.mark.django_db
def test_duplicate_company_by_corporate_number_or_name_and_municipality(client, post, mailoutbox):
    assert post(client, JOIN, form_data(corporate_number="7000012050002")).status_code == 302
    before = counts()
    same_number = post(
        client, "/en" + JOIN, form_data(name="別の名前", email="other@example.jp", corporate_number="7000012050002")
    )
    assert list(errors_of(same_number)) == ["corporate_number"]
    assert "already registered" in errors_of(same_number)["corporate_number"][0]
    same_name = post(client, "/en" + JOIN, form_data(email="other@example.jp"))
    assert list(errors_of(same_name)) == ["name"]
    assert "already registered in this municipality" in errors_of(same_name)["name"][0]
    assert counts() == before
    assert len(mailoutbox) == 1
    # a withdrawn company does not block a new registration
    SupporterCompany.objects.update(status=SupporterStatus.WITHDRAWN)
    assert post(client, JOIN, form_data(email="other@example.jp", corporate_number="7000012050002")).status_code == 302


@pytest.mark.django_db
def test_an_address_with_an_account_gets_a_mail_not_a_page_message(client, post, mailoutbox):
    UserFactory(username="existing", email="Hanako@Seiki.example.jp")
    before = counts()
    response = post(client, JOIN, form_data())
    assert response.status_code == 302
    assert response.url == "/supporters/join/sent/"  # the same answer as a new sign-up
    assert counts() == before
    assert [m.to for m in mailoutbox] == [["hanako@seiki.example.jp"]]
    assert "/supporters/login/" in mailoutbox[0].body
    assert "/supporters/password-reset/" in mailoutbox[0].body


@pytest.mark.django_db
def test_honeypot_pretends_success_and_saves_nothing(client, post, mailoutbox):
    response = post(client, JOIN, form_data(homepage="http://spam.example.com"))
    assert response.status_code == 302
    assert response.url == "/supporters/join/sent/"
    assert counts() == (0, 0, 0)
    assert mailoutbox == []


@pytest.mark.django_db
def test_the_eleventh_rapid_post_from_one_address_is_throttled(client):
    for _attempt in range(10):
        assert client.post(JOIN, {"name": ""}).status_code == 200
    response = client.post(JOIN, form_data())
    assert response.status_code == 429
    assert response.templates[0].name == "429.html"
    assert counts() == (0, 0, 0)
    # another address is not throttled
    assert client.post(JOIN, {"name": ""}, REMOTE_ADDR="192.0.2.7").status_code == 200


# --- Verification ------------------------------------------------------------------------------------


def verification_path(mailoutbox) -> str:
    return VERIFY_LINK.search(mailoutbox[-1].body).group(1)


@pytest.mark.django_db
def test_verification_signs_in_and_puts_the_company_in_review(client, post, get, mailoutbox, secretariat_user):
    from portal.models import WorkingGroup

    WorkingGroup.objects.filter(pk=1).update(secretariat=secretariat_user.organisation)
    post(client, JOIN, form_data())
    path = verification_path(mailoutbox)
    mailoutbox.clear()
    response = get(client, path)
    assert response.status_code == 200
    assert response.templates[0].name == "supporters/join/verified.html"
    company = SupporterCompany.objects.get()
    assert company.status == SupporterStatus.PENDING_REVIEW
    assert company.verified_at is not None
    user = User.objects.get(username="hanako@seiki.example.jp")
    assert user.is_active
    assert int(client.session["_auth_user_id"]) == user.pk
    assert [m.to for m in mailoutbox] == [[secretariat_user.email]]
    assert f"/admin/supporters/supportercompany/{company.pk}/change/" in mailoutbox[0].body

    # the same link again: a clear page, nothing changes
    verified_at = company.verified_at
    again = client.get(path)
    assert again.status_code == 200
    assert (
        "already" in again.content.decode() or "確認済み" in again.content.decode() or "既に" in again.content.decode()
    )
    company.refresh_from_db()
    assert (company.status, company.verified_at) == (SupporterStatus.PENDING_REVIEW, verified_at)


@pytest.mark.django_db
def test_an_expired_link_offers_a_new_one(client, post, mailoutbox, monkeypatch):
    post(client, JOIN, form_data())
    company = SupporterCompany.objects.get()
    old = int(time.time()) - services.VERIFY_MAX_AGE - 60
    monkeypatch.setattr(signing.TimestampSigner, "timestamp", lambda self: signing.b62_encode(old))
    token = services.verification_token(company)
    monkeypatch.undo()
    response = client.get(reverse("supporters:join-verify", kwargs={"token": token}))
    assert response.status_code == 410
    assert reverse("supporters:join-resend") in response.content.decode()
    company.refresh_from_db()
    assert company.status == SupporterStatus.UNVERIFIED
    assert not User.objects.get().is_active


@pytest.mark.django_db
def test_a_forged_link_is_a_plain_404(client, post, mailoutbox):
    post(client, JOIN, form_data())
    company = SupporterCompany.objects.get()
    assert client.get(f"/supporters/join/verify/{company.pk}:abc:def/").status_code == 404
    assert client.get("/supporters/join/verify/nonsense/").status_code == 404


@pytest.mark.django_db
def test_resend_answers_the_same_whatever_the_address(client, post, mailoutbox):
    post(client, JOIN, form_data())
    mailoutbox.clear()
    known = post(client, "/supporters/join/resend/", {"email": "ｈａｎａｋｏ@seiki.example.jp"}, follow=True)
    unknown = post(client, "/supporters/join/resend/", {"email": "nobody@example.jp"}, follow=True)
    assert known.status_code == unknown.status_code == 200
    known_messages = [str(m) for m in known.context["messages"]]
    unknown_messages = [str(m) for m in unknown.context["messages"]]
    assert known_messages == unknown_messages
    assert len(known_messages) == 1
    assert [m.to for m in mailoutbox] == [["hanako@seiki.example.jp"]]
    assert VERIFY_LINK.search(mailoutbox[0].body)


@pytest.mark.django_db
def test_sign_in_with_the_email_after_verification(client, post, mailoutbox):
    post(client, JOIN, form_data())
    # before verification the account cannot sign in (same message as a wrong password)
    response = client.post(
        "/supporters/login/", {"username": "hanako@seiki.example.jp", "password": "kita-no-monozukuri-2026"}
    )
    assert response.status_code == 200
    client.get(verification_path(mailoutbox))
    client.post("/supporters/logout/")
    response = client.post(
        "/supporters/login/", {"username": "HANAKO@seiki.example.jp", "password": "kita-no-monozukuri-2026"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session
    assert client.get("/supporters/password-reset/").status_code == 200


@pytest.mark.django_db
def test_password_reset_mail_uses_our_link(client, post, mailoutbox):
    post(client, JOIN, form_data())
    client.get(verification_path(mailoutbox))
    mailoutbox.clear()
    response = post(client, "/supporters/password-reset/", {"email": "hanako@seiki.example.jp"})
    assert response.status_code == 302
    assert re.search(r"/supporters/password-reset/[^/]+/[^/]+/", mailoutbox[0].body)
