"""Material: something to download or watch for parent seminars (保護者向けセミナーの資料).

Either an uploaded file (PDF, Word .docx or PowerPoint .pptx, at most 20 MB, checked by its content in
seminars/files.py) or a link (a video or a web page), exactly one of the two: a database constraint.
Files are downloaded through seminars:material-download, which names the file as it was uploaded.
"""

import os

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.choices import Audience
from portal.models import BilingualMixin, ListingQuerySet, ProvidedListing
from seminars import files


def validate_uploaded_material(value) -> None:
    """The content checks of seminars/files.py, for a new upload (a stored file was checked already)."""
    if value and not getattr(value, "_committed", True):
        files.validate_material_file(value)


class Material(BilingualMixin, ProvidedListing):
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    audience = models.CharField(_("audience"), max_length=20, choices=Audience.choices, default=Audience.PARENT)
    description = models.TextField(_("description"), blank=True)
    file = models.FileField(
        _("file"),
        upload_to="materials/%Y/",
        max_length=255,
        blank=True,
        validators=[validate_uploaded_material],
        help_text=_("PDF, Word (.docx) or PowerPoint (.pptx), at most 20 MB. Or give a link instead."),
    )
    original_filename = models.CharField(_("original file name"), max_length=255, blank=True, editable=False)
    url = models.URLField(
        _("link"), max_length=500, blank=True, help_text=_("A video or a web page. Or upload a file instead.")
    )

    objects = ListingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["audience", "title", "pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        permissions = [("publish_material", _("Can publish and archive materials"))]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="material_file_xor_url",
                violation_error_message=_("Give a file or a link: one of the two, not both."),
            ),
        ]
        indexes = [models.Index(fields=["status", "audience"], name="material_status_audience")]

    def __str__(self) -> str:
        return self.title

    @property
    def display_name(self) -> str:
        return self.localized("title")

    def save(self, *args, **kwargs):
        if self.file and not self.file._committed:
            self.original_filename = os.path.basename(self.file.name)[:255]
        if not self.file:
            self.original_filename = ""
        super().save(*args, **kwargs)

    @property
    def kind(self) -> str:
        """ "pdf", "docx", "pptx" for a file (by its stored extension, checked at upload), "link" for a URL."""
        if self.file:
            return os.path.splitext(self.file.name)[1].lower().lstrip(".")
        return "link"

    @property
    def filename(self) -> str:
        if not self.file:
            return ""
        return self.original_filename or os.path.basename(self.file.name)

    def download_url(self) -> str:
        """Where the public list links to: the download view for a file, else the link itself."""
        if self.file:
            return reverse("seminars:material-download", args=[self.pk])
        return self.url
