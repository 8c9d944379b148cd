"""Public pages of the portal core, in Japanese at / and English at /en/."""

import datetime as dt

import pytest

from portal.models import FundingScheme, Meeting, WorkingGroup
from tests.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [
        ("/", "ja", "北海道のものづくりに出会おう"),
        ("/en/", "en", "Discover monozukuri in Hokkaido"),
        ("/about/", "ja", "北海道次世代ものづくり人材育成ワーキンググループ"),
        ("/en/about/", "en", "Hokkaido Working Group for the Next Generation in Monozukuri"),
        ("/accessibility/", "ja", "JIS X 8341-3:2016"),
        ("/en/accessibility/", "en", "JIS X 8341-3:2016"),
        ("/privacy/", "ja", "保存する情報と保存期間"),
        ("/en/privacy/", "en", "never included in open data"),
    ],
)
def test_page_in_each_language(client, path, lang, heading, django_assert_max_num_queries):
    client.get(path)  # warm: content types are cached per process (tests clear that cache now and then)
    with django_assert_max_num_queries(6):  # the home page: the group, areas and each app's section
        response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert heading in html
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html


def test_japanese_pages_are_translated(client):
    html = client.get("/").content.decode()
    assert "本文へ移動" in html
    assert "Skip to main content" not in html
    assert "Our programmes" not in html


def test_language_switcher_points_to_the_same_page(client):
    html = client.get("/about/").content.decode()
    assert 'href="/en/about/" lang="en" hreflang="en"' in html
    html = client.get("/en/about/").content.decode()
    assert 'href="/about/" lang="ja" hreflang="ja"' in html


def test_about_page_lists_members_meetings_by_fiscal_year_and_schemes(client):
    response = client.get("/about/")
    html = response.content.decode()
    for member in ["北海道経済産業局", "北海道労働局", "北海道教育庁", "人材育成課・産業振興課・雇用労政課"]:
        assert member in html
    years = [year for year, _meetings in response.context["meetings_by_year"]]
    assert years == [2008, 2009]
    assert [m.held_on for m in response.context["meetings_by_year"][0][1]] == [
        dt.date(2008, 9, 25),
        dt.date(2008, 11, 19),
        dt.date(2009, 2, 9),
    ]
    assert "2008年度 (平成20年度)" in html
    assert "2009年度 (平成21年度)" in html
    assert "2009年2月9日(月)" in html
    assert "赤レンガ・チャレンジ事業（道）" in html
    assert "非予算事業" in html
    assert "国土数値情報（行政区域データ）" in html
    assert 'id="credits"' in html


def test_about_page_shows_what_staff_edit(client):
    group = WorkingGroup.load()
    group.purpose = "目的を更新しました。"
    group.save()
    MeetingFactory(held_on=dt.date(2026, 4, 1), title="令和8年度第1回会議", venue="札幌第1合同庁舎")
    FundingScheme.objects.filter(name="非予算事業").update(is_active=False)
    html = client.get("/about/").content.decode()
    assert "目的を更新しました。" in html
    assert "2026年度 (令和8年度)" in html
    assert "令和8年度第1回会議" in html
    assert "札幌第1合同庁舎" in html
    assert "終了" in html


def test_english_about_page_uses_english_names(client):
    html = client.get("/en/about/").content.decode()
    assert "Hokkaido Labour Bureau" in html
    assert "FY2008 (Heisei 20)" in html
    assert "Working group meeting (1st)" in html


def test_meeting_fiscal_year_queryset():
    assert Meeting.objects.in_fiscal_year(2008).count() == 3
    assert Meeting.objects.in_fiscal_year(2009).count() == 1


@pytest.mark.parametrize("path", ["/no-such-page/", "/en/no-such-page/"])
def test_unknown_page_is_a_polite_404(client, path):
    response = client.get(path)
    assert response.status_code == 404


def test_404_page_is_rendered_in_the_layout(client, settings):
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "ページが見つかりません" in response.content.decode()
