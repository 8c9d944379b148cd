"""Seminars (every kind) held in dated sessions of the booking engine, and the itinerary of student tour trips."""

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Concat
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from portal.choices import Audience
from portal.models import BilingualMixin, FundingScheme, ListingFee, ListingQuerySet, ProvidedListing
from portal.text import Fold


class SeminarKind(models.TextChoices):
    PARENT = "parent", _("Seminar for parents")  # 保護者向けセミナー
    TEACHER = "teacher", _("Seminar for teachers")  # 教職員向けセミナー
    TEACHER_TOUR = "teacher_tour", _("Workplace tour for teachers")  # 教職員向け職場見学会
    STUDENT_TOUR = "student_tour", _("Factory tour trip for students")  # 学生向け工場見学ツアー
    SPECIALIST_TALK = "specialist_talk", _("Talk by an invited specialist")  # スペシャリスト招へい講演
    SKILL_UP = "skill_up", _("Skill-up course")  # スキルアップ講座


class Seminar(BilingualMixin, ListingFee, ProvidedListing):
    """A seminar, workplace tour, talk or course of the working group, held in one or more sessions."""

    kind = models.CharField(_("kind"), max_length=20, choices=SeminarKind.choices)
    title = models.CharField(_("title"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    speaker = models.CharField(
        _("speaker or lecturer"), max_length=200, blank=True, help_text=_("Name and affiliation, free text.")
    )
    speaker_profile = models.TextField(
        _("speaker profile"), blank=True, help_text=_("For a talk by an invited specialist: who they are.")
    )
    school_name = models.CharField(
        _("technical school"),
        max_length=120,
        blank=True,
        help_text=_("For a skill-up course: the 高等技術専門学院 that teaches it."),
    )
    course_hours = models.PositiveSmallIntegerField(
        _("course hours"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("For a skill-up course: its length in hours."),
    )
    funding_scheme = models.ForeignKey(
        FundingScheme,
        verbose_name=_("funding scheme"),
        on_delete=models.PROTECT,
        related_name="seminars",
        null=True,
        blank=True,
    )
    audiences = ArrayField(
        models.CharField(max_length=20, choices=Audience.choices), verbose_name=_("audiences"), default=list, blank=True
    )
    grades = models.CharField(_("school years"), max_length=60, blank=True, help_text=_("e.g. 中学2年"))
    what_to_bring = models.CharField(_("what to bring"), max_length=200, blank=True)

    search_folded = models.GeneratedField(
        expression=Fold(
            Concat(
                "title",
                Value(" "),
                "title_en",
                Value(" "),
                "description",
                Value(" "),
                "speaker",
                Value(" "),
                "school_name",
                output_field=models.TextField(),
            )
        ),
        output_field=models.TextField(),
        db_persist=True,
    )

    sessions = GenericRelation("portal.Session", content_type_field="offering_type", object_id_field="offering_id")

    objects = ListingQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "search_folded"])

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("seminar")
        verbose_name_plural = _("seminars")
        permissions = [("publish_seminar", _("Can publish and archive seminars"))]
        constraints = [
            *ListingFee.Meta.constraints,
            models.CheckConstraint(condition=Q(kind__in=SeminarKind.values), name="seminar_kind_valid"),
            models.CheckConstraint(
                condition=Q(kind=SeminarKind.SKILL_UP) | Q(course_hours__isnull=True),
                name="seminar_course_hours_for_skill_up",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "kind"], name="seminar_status_kind"),
            GinIndex(fields=["search_folded"], opclasses=["gin_trgm_ops"], name="seminar_search_trgm"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def display_name(self) -> str:
        return self.localized("title")

    def get_absolute_url(self) -> str:
        return reverse("seminars:seminar-detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.kind != SeminarKind.SKILL_UP:
            if self.school_name:
                errors["school_name"] = _("Only a skill-up course names a technical school.")
            if self.course_hours is not None:
                errors["course_hours"] = _("Only a skill-up course has course hours.")
        if self.kind != SeminarKind.SPECIALIST_TALK and self.speaker_profile:
            errors["speaker_profile"] = _("Only a talk by an invited specialist has a speaker profile.")
        if self.pk and self.kind != SeminarKind.STUDENT_TOUR and self.itinerary.exists():
            errors["kind"] = _("Only a factory tour trip for students has an itinerary: remove its stops first.")
        if errors:
            raise ValidationError(errors)


class ItineraryStop(models.Model):
    """One factory visited by a student tour trip (学生向け工場見学ツアー), in the order of the day."""

    seminar = models.ForeignKey(Seminar, verbose_name=_("seminar"), on_delete=models.CASCADE, related_name="itinerary")
    position = models.PositiveSmallIntegerField(_("position"), help_text=_("1 for the first stop of the day."))
    tour = models.ForeignKey(
        "programmes.FactoryTour", verbose_name=_("factory tour"), on_delete=models.PROTECT, related_name="+"
    )
    arrive_at = models.TimeField(_("arrives"))
    leave_at = models.TimeField(_("leaves"))
    note = models.CharField(_("note"), max_length=200, blank=True, help_text=_("e.g. 昼食は工場の食堂で"))

    class Meta:
        ordering = ["seminar", "position", "pk"]
        verbose_name = _("itinerary stop")
        verbose_name_plural = _("itinerary")
        constraints = [
            models.UniqueConstraint(fields=["seminar", "position"], name="itinerary_stop_unique_position"),
            models.CheckConstraint(condition=Q(leave_at__gt=models.F("arrive_at")), name="itinerary_stop_leaves_later"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.tour}"

    def clean(self):
        if self.arrive_at and self.leave_at and self.leave_at <= self.arrive_at:
            raise ValidationError({"leave_at": _("The bus must leave after it arrives.")}, code="stop_times")
        seminar = getattr(self, "seminar", None) if self.seminar_id else None
        if seminar is not None and seminar.kind != SeminarKind.STUDENT_TOUR:
            raise ValidationError(_("Only a factory tour trip for students has an itinerary."), code="stop_kind")
