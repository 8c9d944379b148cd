"""Materials for parent seminars: upload checks by content (seminars/files.py), file XOR link, the public list
and the download that names the file as it was uploaded."""

import io
import zipfile

import factory
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import translation
from factory.django import DjangoModelFactory

from portal.choices import Audience, ListingStatus
from seminars import files
from seminars.models import Material
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/seminars/materials/"

# --- Tiny valid files ----------------------------------------------------------------------------------

PDF_BYTES = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
SLIDES_MAIN = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"


def office_bytes(main_type: str | None, part: str, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal OOXML package: [Content_Types].xml declaring ``part`` as ``main_type``, and the part."""
    override = f'<Override PartName="/{part}" ContentType="{main_type}"/>' if main_type else ""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{override}</Types>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr(part, "<document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    return office_bytes(WORD_MAIN, "word/document.xml")


def pptx_bytes() -> bytes:
    return office_bytes(SLIDES_MAIN, "ppt/presentation.xml")


def plain_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photos/1.jpg", b"\xff\xd8\xff\xe0 not really")
    return buffer.getvalue()


EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 100 + b"This program cannot"


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def messages(error: ValidationError) -> list[str]:
    """The messages in English (the Japanese catalogue translates them)."""
    with translation.override("en"):
        return [str(message) for message in error.messages]


# --- Content checks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("案内.pdf", PDF_BYTES, "pdf"),
        ("保護者向け資料.docx", docx_bytes(), "docx"),
        ("スライド.PPTX", pptx_bytes(), "pptx"),
    ],
)
def test_good_files_are_accepted(name, content, kind):
    assert files.validate_material_file(upload(name, content)) == kind


def test_a_renamed_program_is_refused_with_a_clear_message():
    for name in ["slides.pdf", "report.docx", "setup.exe"]:
        with pytest.raises(ValidationError) as error:
            files.validate_material_file(upload(name, EXE_BYTES))
        assert error.value.code == "program"
        assert messages(error.value) == [
            "This file is a Windows program, not a document, and cannot be uploaded. Only PDF, Word (.docx) and "
            "PowerPoint (.pptx) files can be uploaded."
        ]


def test_a_pdf_that_is_really_a_zip_is_refused():
    with pytest.raises(ValidationError) as error:
        files.validate_material_file(upload("資料.pdf", plain_zip_bytes()))
    assert error.value.code == "not_a_document"
    assert messages(error.value) == [
        "This file is not a PDF, Word (.docx) or PowerPoint (.pptx) document. Only these three kinds of file can "
        "be uploaded."
    ]


@pytest.mark.parametrize(
    ("name", "content", "kind_name", "expected"),
    [
        ("資料.pdf", docx_bytes(), "Word (.docx)", "docx"),
        ("資料.pptx", docx_bytes(), "Word (.docx)", "docx"),
        ("資料.docx", PDF_BYTES, "PDF", "pdf"),
        ("資料", PDF_BYTES, "PDF", "pdf"),
    ],
)
def test_the_extension_must_match_the_content(name, content, kind_name, expected):
    with pytest.raises(ValidationError) as error:
        files.validate_material_file(upload(name, content))
    assert error.value.code == "wrong_extension"
    extension = name[name.rfind(".") :] if "." in name else "—"
    assert messages(error.value) == [
        f"The file name ends in “{extension}” but the file is a {kind_name} document. Please rename it to end in "
        f"“.{expected}”, or upload the right file."
    ]


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"GIF89a....",
        b"\x89PNG\r\n\x1a\n....",
        b"<html><body>%PDF-</body></html>",
        b"PK\x03\x04 broken zip",
        office_bytes("application/vnd.ms-word.document.macroEnabled.main+xml", "word/document.xml"),  # .docm
        office_bytes(None, "word/document.xml"),  # no main document declared
    ],
)
def test_anything_else_is_refused(content):
    with pytest.raises(ValidationError) as error:
        files.validate_material_file(upload("資料.docx", content))
    assert error.value.code in {"not_a_document", "damaged"}


def test_a_declared_main_part_that_is_missing_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "[Content_Types].xml", f'<Types><Override PartName="/word/document.xml" ContentType="{WORD_MAIN}"/></Types>'
        )
    with pytest.raises(ValidationError) as error:
        files.validate_material_file(upload("資料.docx", buffer.getvalue()))
    assert error.value.code == "not_a_document"


def test_a_zip_bomb_is_refused_before_unpacking():
    bomb = office_bytes(WORD_MAIN, "word/document.xml", {"word/media/zeros.bin": b"\0" * (3 * 1024 * 1024)})
    assert len(bomb) < 50_000  # packs to a few kilobytes
    with pytest.raises(ValidationError) as error:
        files.validate_material_file(upload("資料.docx", bomb))
    assert error.value.code == "zip_bomb"


def test_too_many_members_are_refused(monkeypatch):
    monkeypatch.setattr(files, "MAX_MEMBERS", 3)
    with pytest.raises(ValidationError) as error:
        files.validate_material_file(upload("資料.docx", office_bytes(WORD_MAIN, "word/document.xml", {"a": b"1"})))
    assert error.value.code == "zip_bomb"


def test_too_big_is_refused(settings):
    settings.MATERIAL_MAX_BYTES = 100
    with pytest.raises(ValidationError) as error, translation.override("en"):  # sizes are written in English
        files.validate_material_file(upload("案内.pdf", PDF_BYTES))
    assert error.value.code == "too_big"
    assert messages(error.value) == [
        f"This file is {len(PDF_BYTES)}\xa0bytes. A material can be at most 100\xa0bytes: please make it "
        "smaller, or give a link."
    ]
    settings.MATERIAL_MAX_BYTES = len(PDF_BYTES)
    assert files.validate_material_file(upload("案内.pdf", PDF_BYTES)) == "pdf"


def test_the_default_limit_is_20_mb():
    assert files.max_material_bytes() == 20 * 1024 * 1024


# --- The model: file XOR link --------------------------------------------------------------------------


class MaterialFactory(DjangoModelFactory):
    """A published link for parents."""

    class Meta:
        model = Material

    title = factory.Sequence(lambda n: f"テスト資料{n}")
    provider = factory.SubFactory(OrganisationFactory)
    audience = Audience.PARENT
    url = "https://www.example.jp/video"
    status = ListingStatus.PUBLISHED


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def test_a_url_only_material_is_valid(organisation):
    material = Material(title="動画で見るものづくり", provider=organisation, url="https://www.example.jp/video")
    material.full_clean()
    material.save()
    assert (material.status, material.kind, material.download_url(), material.filename) == (
        ListingStatus.DRAFT,
        "link",
        "https://www.example.jp/video",
        "",
    )


def test_a_file_material_keeps_its_original_name(organisation):
    material = Material(title="案内", provider=organisation, file=upload("保護者向け 案内(2026).pdf", PDF_BYTES))
    material.full_clean()
    material.save()
    assert material.original_filename == "保護者向け 案内(2026).pdf"
    assert material.kind == "pdf"
    assert material.download_url() == reverse("seminars:material-download", args=[material.pk])


def test_the_model_checks_the_upload(organisation):
    material = Material(title="偽物", provider=organisation, file=upload("slides.pdf", EXE_BYTES))
    with pytest.raises(ValidationError) as error:
        material.full_clean()
    assert list(error.value.message_dict) == ["file"]


@pytest.mark.parametrize(
    ("file", "url", "message"),
    [
        (True, "https://www.example.jp/", "Give a file or a link: one of the two, not both."),
        (False, "", "Give a file or a link: one of the two, not both."),
    ],
)
def test_exactly_one_of_file_and_link(organisation, file, url, message):
    material = Material(title="資料", provider=organisation, url=url)
    if file:
        material.file = upload("案内.pdf", PDF_BYTES)
    with translation.override("en"):  # the msgids
        with pytest.raises(ValidationError) as error:
            material.full_clean()
        assert error.value.messages == [message]  # one clear message, said once


@pytest.mark.parametrize(("file", "url"), [("materials/a.pdf", "https://www.example.jp/"), ("", "")])
def test_the_database_refuses_both_or_neither(organisation, file, url):
    with pytest.raises(IntegrityError), transaction.atomic():
        Material.objects.create(title="資料", provider=organisation, file=file, url=url)


# --- The public list and the download -------------------------------------------------------------------


def test_the_public_list_shows_only_published_materials(client, organisation, django_assert_max_num_queries):
    link = MaterialFactory(title="動画で見るものづくり", url="https://www.example.jp/video")
    document = Material(title="ものづくり企業のしごと", provider=organisation, status=ListingStatus.PUBLISHED)
    document.file = upload("しごと紹介.pdf", PDF_BYTES)
    document.save()
    for status in [ListingStatus.DRAFT, ListingStatus.PENDING_REVIEW, ListingStatus.ARCHIVED]:
        MaterialFactory(title=f"非公開の資料 {status}", status=status)
    with django_assert_max_num_queries(5):
        response = client.get(LIST_URL)
    assert response.status_code == 200
    assert sorted(material.pk for material in response.context["materials"]) == sorted([link.pk, document.pk])
    html = response.content.decode()
    assert 'href="https://www.example.jp/video"' in html
    assert f'href="/seminars/materials/{document.pk}/download/"' in html
    assert "しごと紹介.pdf" in html
    assert "非公開の資料" not in html


def test_the_audience_filter_and_bad_values(client):
    parents = MaterialFactory(audience=Audience.PARENT)
    teachers = MaterialFactory(audience=Audience.TEACHER)
    response = client.get(LIST_URL, {"audience": "teacher"})
    assert [material.pk for material in response.context["materials"]] == [teachers.pk]
    response = client.get(LIST_URL, {"audience": "aliens"})
    assert response.status_code == 200
    assert sorted(material.pk for material in response.context["materials"]) == sorted([parents.pk, teachers.pk])
    assert [item["name"] for item in response.context["filter"].ignored()] == ["audience"]


def test_the_download_names_the_file_as_uploaded(client, organisation):
    material = Material(title="案内", provider=organisation, status=ListingStatus.PUBLISHED)
    content = docx_bytes()
    material.file = upload("保護者向け案内.docx", content)
    material.save()
    response = client.get(material.download_url())
    assert response.status_code == 200
    assert response["Content-Type"] == files.CONTENT_TYPES["docx"]
    assert response["Content-Disposition"] == (
        "attachment; filename*=utf-8''%E4%BF%9D%E8%AD%B7%E8%80%85%E5%90%91%E3%81%91%E6%A1%88%E5%86%85.docx"
    )
    assert b"".join(response.streaming_content) == content


def test_no_download_of_unpublished_or_link_materials(client, organisation):
    draft = Material(title="下書き", provider=organisation, file=upload("a.pdf", PDF_BYTES))
    draft.save()
    link = MaterialFactory()
    assert client.get(reverse("seminars:material-download", args=[draft.pk])).status_code == 404
    assert client.get(reverse("seminars:material-download", args=[link.pk])).status_code == 404
    assert client.get(reverse("seminars:material-download", args=[99999])).status_code == 404


# --- Staff manage materials in the admin ------------------------------------------------------------------


def admin_add(client, **fields):
    data = {"title": "資料", "title_en": "", "audience": "parent", "description": "", "url": "", **fields}
    return client.post(reverse("admin:seminars_material_add"), data)


def test_staff_upload_a_file_in_the_admin(client, secretariat_user, organisation):
    client.force_login(secretariat_user)
    response = admin_add(client, provider=organisation.pk, file=upload("保護者会スライド.pptx", pptx_bytes()))
    assert response.status_code == 302, response.context["adminform"].form.errors
    material = Material.objects.get()
    assert (material.status, material.kind, material.original_filename) == (
        ListingStatus.DRAFT,
        "pptx",
        "保護者会スライド.pptx",
    )


def test_the_admin_refuses_a_renamed_program(client, secretariat_user, organisation):
    client.force_login(secretariat_user)
    response = admin_add(client, provider=organisation.pk, file=upload("slides.pdf", EXE_BYTES))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["file"] == [str(files.PROGRAM)]
    assert Material.objects.count() == 0


def test_partner_editors_add_materials_for_their_own_organisation(client, partner_editor, organisation):
    other = OrganisationFactory()
    client.force_login(partner_editor)
    response = admin_add(client, provider=other.pk, url="https://www.example.jp/page")
    assert response.status_code == 302
    assert Material.objects.get().provider == organisation
    # …and may not publish
    material = Material.objects.get()
    client.post(
        reverse("admin:seminars_material_changelist"),
        {"action": "publish", "_selected_action": [material.pk]},
    )
    material.refresh_from_db()
    assert material.status == ListingStatus.DRAFT


# --- Demo data ------------------------------------------------------------------------------------------------


def test_demo_lectures_and_materials_are_published_and_idempotent(client):
    from seminars.lecture_demo import seed_lectures_and_materials
    from seminars.models import LectureOffer

    out = io.StringIO()
    seed_lectures_and_materials(out)
    seed_lectures_and_materials(out)
    assert out.getvalue() == (
        "Demo outreach lectures: 4 (4 new); demo materials: 3 (3 new)."
        "Demo outreach lectures: 4 (0 new); demo materials: 3 (0 new)."  # seed_demo's OutputWrapper adds newlines
    )
    assert LectureOffer.objects.published().filter(is_demo=True).count() == 4
    assert Material.objects.published().filter(is_demo=True).count() == 3
    document = Material.objects.exclude(file="").get()
    response = client.get(document.download_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    with document.file.open("rb") as handle:
        assert files.validate_material_file(handle) == "pdf"
    assert client.get(LIST_URL).status_code == 200
    assert client.get("/seminars/lectures/?subprefecture=iburi").context["page"].paginator.count == 2
