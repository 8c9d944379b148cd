"""Staff roles in the admin: the secretariat sees everything, a partner editor only its own organisation."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from portal.models import Organisation
from portal.roles import PARTNER_EDITOR, SECRETARIAT
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def changelist_ids(response):
    return sorted(obj.pk for obj in response.context["cl"].result_list)


def test_the_roles_exist_with_their_permissions():
    secretariat = Group.objects.get(name=SECRETARIAT)
    partner = Group.objects.get(name=PARTNER_EDITOR)
    assert secretariat.permissions.filter(codename="manage_all_listings").exists()
    assert secretariat.permissions.filter(codename="change_user").exists()
    assert set(partner.permissions.values_list("codename", flat=True)) == {
        "view_subprefecture",
        "view_municipality",
        "view_fundingscheme",
        "view_organisation",
        "change_organisation",
        "view_enquiry",
        "change_enquiry",
        # every listing model (subclasses of ProvidedListing): add, change, view, never delete or publish
        "add_factorytour",
        "change_factorytour",
        "view_factorytour",
        "add_experienceevent",
        "change_experienceevent",
        "view_experienceevent",
        # the booking engine: sessions and rosters of their own programmes; registrations only via services
        "view_session",
        "change_session",
        "view_registration",
        "change_registration",
        "view_registrationevent",
        "view_surveyresponse",
        "view_surveyinvitation",
        "add_seminar",
        "change_seminar",
        "view_seminar",
        "add_lectureoffer",
        "change_lectureoffer",
        "view_lectureoffer",
        "add_material",
        "change_material",
        "view_material",
    }


def test_admin_is_in_japanese(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    assert '<html lang="ja"' in response.content.decode()
    assert "サイト管理" in response.content.decode()


def test_secretariat_sees_every_organisation(client, secretariat_user):
    client.force_login(secretariat_user)
    response = client.get(reverse("admin:portal_organisation_changelist"))
    assert response.status_code == 200
    assert changelist_ids(response) == sorted(Organisation.objects.values_list("pk", flat=True))
    assert len(changelist_ids(response)) == 10  # the 9 members loaded by migration + the fixture's


def test_partner_editor_sees_only_its_own_organisation(client, partner_editor):
    OrganisationFactory()  # another organisation that must stay invisible
    client.force_login(partner_editor)
    response = client.get(reverse("admin:portal_organisation_changelist"))
    assert response.status_code == 200
    assert changelist_ids(response) == [partner_editor.organisation_id]


def test_partner_editor_cannot_open_or_change_another_organisation(client, partner_editor):
    other = Organisation.objects.get(name="北海道労働局")
    client.force_login(partner_editor)
    url = reverse("admin:portal_organisation_change", args=[other.pk])
    assert client.get(url).status_code == 302  # "does not exist": the queryset is scoped
    response = client.post(url, {"departments": "乗っ取り", "website": "https://evil.example/"})
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.departments == ""
    assert other.website == "https://jsite.mhlw.go.jp/hokkaido-roudoukyoku/"
    history_url = reverse("admin:portal_organisation_history", args=[other.pk])
    assert client.get(history_url).status_code == 404


def test_partner_editor_edits_its_own_organisation_but_not_its_name(client, partner_editor):
    own = partner_editor.organisation
    client.force_login(partner_editor)
    url = reverse("admin:portal_organisation_change", args=[own.pk])
    response = client.post(
        url,
        {
            "name": "乗っ取り後の名前",
            "name_en": own.name_en,
            "short_name": "略称",
            "departments": "人材育成課",
            "website": "https://www.example.jp/",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    own.refresh_from_db()
    assert (own.departments, own.website, own.short_name) == ("人材育成課", "https://www.example.jp/", "略称")
    assert own.name.startswith("テスト支援機関")  # read-only for partner editors
    assert own.history.count() == 2  # creation + this change, with the editor recorded
    assert own.history.first().history_user == partner_editor


def test_partner_editor_cannot_add_organisations_or_manage_users(client, partner_editor):
    client.force_login(partner_editor)
    assert client.get(reverse("admin:portal_organisation_add")).status_code == 403
    assert client.get(reverse("admin:portal_user_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403


def test_partner_editor_may_read_regions(client, partner_editor):
    client.force_login(partner_editor)
    response = client.get(reverse("admin:portal_municipality_changelist") + "?q=北見")
    assert response.status_code == 200
    assert [m.code for m in response.context["cl"].result_list] == ["012084"]


def test_staff_user_without_organisation_is_refused_by_the_database():
    from django.db import IntegrityError

    from tests.factories import UserFactory

    with pytest.raises(IntegrityError):
        UserFactory(is_staff=True, organisation=None)


def test_admin_pages_do_not_multiply_queries(client, secretariat_user, django_assert_max_num_queries):
    client.force_login(secretariat_user)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:portal_municipality_changelist")).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("admin:portal_subprefecture_changelist")).status_code == 200


def test_partner_editor_cannot_read_another_organisations_listing_history(client, partner_editor):
    from tests.factories import FactoryTourFactory

    other = FactoryTourFactory(name="他機関の工場見学")
    own = FactoryTourFactory(name="自機関の工場見学", provider=partner_editor.organisation)
    client.force_login(partner_editor)
    assert client.get(reverse("admin:programmes_factorytour_history", args=[other.pk])).status_code == 404
    version = other.history.first()
    url = reverse("admin:programmes_factorytour_simple_history", args=[other.pk, version.history_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "乗っ取り"}).status_code == 404
    response = client.get(reverse("admin:programmes_factorytour_history", args=[own.pk]))
    assert response.status_code == 200
    assert "自機関の工場見学" in response.content.decode()
