"""The secretariat reviews supporter companies in the admin: approve (registration number, pending changes,
mail) or ask for changes (a note by mail)."""

import itertools
import threading

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission

from portal import dates
from supporters import services
from supporters.models import Recognition, SupporterCompany, SupporterStatus

CHANGELIST = "/admin/supporters/supportercompany/"
YEAR = dates.fiscal_year()
_numbers = itertools.count(1)


def make_company(name="株式会社テスト", status=SupporterStatus.PENDING_REVIEW, **fields) -> SupporterCompany:
    defaults = {
        "name_kana": "テスト",
        "municipality_id": "011011",
        "industry": "machinery",
        "offers": ["factory_tour"],
        "contact_name": "山田花子",
        "contact_email": f"contact{next(_numbers)}@example.jp",
        "status": status,
    }
    return SupporterCompany.objects.create(name=name, **{**defaults, **fields})


@pytest.fixture
def admin_client(client, secretariat_user):
    client.force_login(secretariat_user)
    return client


def run_action(post, client, action, companies, **extra):
    data = {"action": action, ACTION_CHECKBOX_NAME: [c.pk for c in companies], **extra}
    return post(client, CHANGELIST, data)


@pytest.mark.django_db
def test_secretariat_has_the_review_permission(secretariat_user, partner_editor):
    assert secretariat_user.has_perm("supporters.review_supportercompany")
    assert not partner_editor.has_perm("supporters.review_supportercompany")
    assert Permission.objects.filter(codename="review_supportercompany").exists()


@pytest.mark.django_db
def test_approve_numbers_in_order_within_the_fiscal_year(admin_client, post, mailoutbox):
    first = make_company("株式会社いち")
    second = make_company("株式会社に")
    unverified = make_company("株式会社さん", status=SupporterStatus.UNVERIFIED)
    response = run_action(post, admin_client, "approve", [first])
    assert response.status_code == 302
    response = run_action(post, admin_client, "approve", [second, unverified])
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    unverified.refresh_from_db()
    assert (first.status, first.registration_number) == (SupporterStatus.APPROVED, f"{YEAR}-0001")
    assert (second.status, second.registration_number) == (SupporterStatus.APPROVED, f"{YEAR}-0002")
    assert first.approved_at is not None
    assert (unverified.status, unverified.registration_number) == (SupporterStatus.UNVERIFIED, None)
    assert [m.to for m in mailoutbox] == [[first.contact_email], [second.contact_email]]
    assert f"{YEAR}-0001" in mailoutbox[0].body
    assert set(SupporterCompany.objects.public()) == {first, second}


@pytest.mark.django_db
def test_the_sequence_continues_after_the_highest_number_even_withdrawn():
    make_company("株式会社旧", status=SupporterStatus.WITHDRAWN, registration_number=f"{YEAR}-0007")
    make_company("株式会社前年", status=SupporterStatus.APPROVED, registration_number=f"{YEAR - 1}-0042")
    company = services.approve_supporter(company=make_company("株式会社新"))
    assert company.registration_number == f"{YEAR}-0008"


@pytest.mark.django_db
def test_approve_applies_pending_changes(admin_client, post, mailoutbox):
    company = make_company(pending_changes={"pr_message": "新しいメッセージ", "municipality": "011002", "status": "x"})
    run_action(post, admin_client, "approve", [company])
    company.refresh_from_db()
    assert (company.pr_message, company.municipality_id, company.pending_changes) == ("新しいメッセージ", "011002", {})
    assert company.status == SupporterStatus.APPROVED

    # an approved company's later changes: applied, the number stays
    SupporterCompany.objects.filter(pk=company.pk).update(pending_changes={"name": "株式会社テスト改"})
    mailoutbox.clear()
    run_action(post, admin_client, "approve", [company])
    company.refresh_from_db()
    assert (company.name, company.registration_number, company.pending_changes) == (
        "株式会社テスト改",
        f"{YEAR}-0001",
        {},
    )
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_an_approved_company_without_changes_is_left_alone():
    company = services.approve_supporter(company=make_company())
    with pytest.raises(services.ReviewError):
        services.approve_supporter(company=company)


@pytest.mark.django_db
def test_ask_for_changes_shows_a_page_then_mails_the_note(admin_client, post, mailoutbox):
    company = make_company()
    page = run_action(post, admin_client, "ask_for_changes", [company])
    assert page.status_code == 200
    assert page.templates[0].name == "supporters/admin/ask_for_changes.html"
    assert mailoutbox == []

    empty = run_action(post, admin_client, "ask_for_changes", [company], apply="1", note="  ")
    assert empty.status_code == 200
    assert "note" in empty.context["form"].errors

    note = "ロゴの画像をもう少し大きなものに差し替えてください。"
    done = run_action(post, admin_client, "ask_for_changes", [company], apply="1", note=note)
    assert done.status_code == 302
    company.refresh_from_db()
    assert (company.status, company.review_note) == (SupporterStatus.CHANGES_REQUESTED, note)
    assert [m.to for m in mailoutbox] == [[company.contact_email]]
    assert note in mailoutbox[0].body

    # once changed, approving clears the note and numbers it
    approved = services.approve_supporter(company=company)
    assert (approved.status, approved.review_note, approved.registration_number) == (
        SupporterStatus.APPROVED,
        "",
        f"{YEAR}-0001",
    )


@pytest.mark.django_db
def test_partner_editors_cannot_review(client, post, partner_editor):
    company = make_company()
    client.force_login(partner_editor)
    response = run_action(post, client, "approve", [company])
    assert response.status_code == 403
    company.refresh_from_db()
    assert company.status == SupporterStatus.PENDING_REVIEW


@pytest.mark.django_db
def test_admin_pages_with_recognitions_and_members(admin_client):
    company = make_company()
    Recognition.objects.create(company=company, fiscal_year=YEAR, kind="award", title="ものづくり大賞")
    assert admin_client.get(CHANGELIST, {"q": "テスト"}).status_code == 200
    assert admin_client.get(CHANGELIST, {"status": "pending_review"}).status_code == 200
    response = admin_client.get(f"{CHANGELIST}{company.pk}/change/")
    assert response.status_code == 200
    assert "ものづくり大賞" in response.content.decode()
    assert admin_client.get(f"{CHANGELIST}{company.pk}/history/").status_code == 200


@pytest.mark.django_db
def test_profile_changes_of_an_approved_company_wait_for_review(django_capture_on_commit_callbacks, mailoutbox):
    company = services.approve_supporter(company=make_company(pr_message="旧"))
    with django_capture_on_commit_callbacks(execute=True):
        services.submit_profile_changes(company=company, changes={"pr_message": "新"}, base_url="http://testserver/")
    company.refresh_from_db()
    assert (company.status, company.pr_message, company.pending_changes) == (
        SupporterStatus.APPROVED,
        "旧",
        {"pr_message": "新"},
    )
    assert len(mailoutbox) == 1  # the secretariat hears of it
    with pytest.raises(ValueError):
        services.submit_profile_changes(company=company, changes={"status": "approved"}, base_url="http://x/")


@pytest.mark.django_db
def test_changes_after_a_request_go_back_to_review():
    company = services.request_changes(company=make_company(), note="ロゴを追加してください")
    company = services.submit_profile_changes(
        company=company, changes={"municipality": "011002", "pr_message": "よろしく"}, base_url="http://x/"
    )
    assert (company.status, company.municipality_id, company.pr_message, company.pending_changes) == (
        SupporterStatus.PENDING_REVIEW,
        "011002",
        "よろしく",
        {},
    )


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_simultaneous_approvals_get_different_numbers():
    from django.db import connection

    companies = [make_company(f"株式会社同時{n}") for n in range(4)]
    barrier = threading.Barrier(len(companies))
    numbers, failures = [], []

    def approve(company):
        try:
            barrier.wait()
            numbers.append(services.approve_supporter(company=company).registration_number)
        except Exception as error:
            failures.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve, args=(company,)) for company in companies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert sorted(numbers) == [f"{YEAR}-{n:04d}" for n in range(1, 5)]
