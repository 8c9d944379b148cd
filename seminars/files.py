"""Checks of an uploaded material, by its CONTENT, not its name: PDF, Word (.docx) or PowerPoint (.pptx).

    kind = validate_material_file(upload)   # "pdf", "docx" or "pptx", else a ValidationError

- A PDF starts with ``%PDF-``.
- A .docx / .pptx is a ZIP whose ``[Content_Types].xml`` declares the WordprocessingML / PresentationML
  main document, and that part is in the archive. The ZIP's central directory is read (never the
  members themselves, except the small content-types part), and the declared sizes are checked first
  against limits, so that a "zip bomb" is refused before anything is unpacked.
- The extension of the file name must be that of the detected type (a Word file named .pdf is refused).
- Anything else (a Windows program renamed .pdf, an image, a plain ZIP, a macro-enabled .docm) is refused.

The size limit is ``settings.MATERIAL_MAX_BYTES`` when set, else MAX_MATERIAL_BYTES (20 MB).
"""

import os
import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

MAX_MATERIAL_BYTES = 20 * 1024 * 1024
#: the most an Office file may unpack to in all, and the most members it may have
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_MEMBERS = 5000
#: a member that unpacks to more than this many times its packed size is suspect (text XML packs ~10:1)
MAX_COMPRESSION_RATIO = 200
MAX_CONTENT_TYPES_BYTES = 512 * 1024

PDF, DOCX, PPTX = "pdf", "docx", "pptx"
KIND_NAMES = {PDF: "PDF", DOCX: "Word (.docx)", PPTX: "PowerPoint (.pptx)"}
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    PPTX: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
#: the content type [Content_Types].xml gives the main part of each Office kind
MAIN_PART_TYPES = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": DOCX,
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": PPTX,
}

NOT_A_DOCUMENT = _(
    "This file is not a PDF, Word (.docx) or PowerPoint (.pptx) document. Only these three kinds of file can "
    "be uploaded."
)
PROGRAM = _(
    "This file is a Windows program, not a document, and cannot be uploaded. Only PDF, Word (.docx) and "
    "PowerPoint (.pptx) files can be uploaded."
)
TOO_BIG = _("This file is %(size)s. A material can be at most %(limit)s: please make it smaller, or give a link.")
DAMAGED = _("This Word or PowerPoint file is damaged and cannot be opened. Please save it again and upload it.")
UNSAFE = _(
    "This file unpacks to much more than its size and cannot be checked safely. Please save it again "
    "as a normal Word or PowerPoint file."
)
WRONG_EXTENSION = _(
    "The file name ends in “%(extension)s” but the file is a %(kind)s document. Please rename it to end in "
    "“.%(expected)s”, or upload the right file."
)

_OVERRIDE = re.compile(rb"<Override\b([^>]*)>", re.IGNORECASE)
_ATTRIBUTE = re.compile(rb"""(\w+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def max_material_bytes() -> int:
    return getattr(settings, "MATERIAL_MAX_BYTES", MAX_MATERIAL_BYTES)


def _read_head(file, length: int) -> bytes:
    file.seek(0)
    head = file.read(length)
    file.seek(0)
    return head


def _office_kind(file) -> str | None:
    """DOCX or PPTX when the ZIP declares (and holds) that main document; None for any other ZIP."""
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        raise ValidationError(DAMAGED, code="damaged") from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ValidationError(UNSAFE, code="zip_bomb")
        total = 0
        for member in members:
            total += member.file_size
            ratio = member.file_size / max(member.compress_size, 1)
            if total > MAX_UNPACKED_BYTES or (member.file_size > 1024 * 1024 and ratio > MAX_COMPRESSION_RATIO):
                raise ValidationError(UNSAFE, code="zip_bomb")
        names = {member.filename for member in members}
        try:
            info = archive.getinfo("[Content_Types].xml")
        except KeyError:
            return None
        if info.file_size > MAX_CONTENT_TYPES_BYTES:
            raise ValidationError(UNSAFE, code="zip_bomb")
        try:
            with archive.open(info) as member:
                content_types = member.read(MAX_CONTENT_TYPES_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as error:
            raise ValidationError(DAMAGED, code="damaged") from error
    if len(content_types) > MAX_CONTENT_TYPES_BYTES:
        raise ValidationError(UNSAFE, code="zip_bomb")
    # Read with regular expressions, not an XML parser: no entities, no DTD, nothing expands.
    for override in _OVERRIDE.finditer(content_types):
        attributes = {name.lower(): double or single for name, double, single in _ATTRIBUTE.findall(override[1])}
        kind = MAIN_PART_TYPES.get(attributes.get(b"contenttype", b"").decode("ascii", "replace").strip())
        part = attributes.get(b"partname", b"").decode("utf-8", "replace").strip().lstrip("/")
        if kind and part in names:
            return kind
    return None


def detect_material_kind(file) -> str | None:
    """ "pdf", "docx" or "pptx" from the file's content; None when it is none of them.

    Raises ValidationError for a Windows program, a damaged ZIP or a suspected zip bomb.
    """
    head = _read_head(file, 8)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"MZ"):
        raise ValidationError(PROGRAM, code="program")
    if head.startswith(b"PK\x03\x04"):
        try:
            return _office_kind(file)
        finally:
            file.seek(0)
    return None


def validate_material_file(file) -> str:
    """Size, content and extension of an uploaded material; returns its kind. Raises ValidationError."""
    limit = max_material_bytes()
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            TOO_BIG, code="too_big", params={"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    kind = detect_material_kind(file)
    if kind is None:
        raise ValidationError(NOT_A_DOCUMENT, code="not_a_document")
    extension = os.path.splitext(getattr(file, "name", "") or "")[1].lower()
    if extension != f".{kind}":
        raise ValidationError(
            WRONG_EXTENSION,
            code="wrong_extension",
            params={"extension": extension or "—", "kind": KIND_NAMES[kind], "expected": kind},
        )
    return kind
