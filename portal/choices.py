"""The shared vocabulary (DESIGN.md): one TextChoices per list, values are the public slugs.

Used alike by models, filters, CSV, URLs and the API. This module imports nothing from the project.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    ELEMENTARY = "elementary", _("Elementary school pupils")
    JUNIOR_HIGH = "junior_high", _("Junior high school pupils")
    HIGH_SCHOOL = "high_school", _("High school students")
    UNIVERSITY = "university", _("College and university students")
    TEACHER = "teacher", _("Teachers")
    PARENT = "parent", _("Parents")
    GENERAL = "general", _("General public and young people")


class Industry(models.TextChoices):
    FOOD = "food", _("Food")
    BEVERAGE = "beverage", _("Beverages")
    CONFECTIONERY = "confectionery", _("Confectionery")
    DAIRY = "dairy", _("Dairy")
    BREWING = "brewing", _("Brewing")
    PAPER = "paper", _("Paper and pulp")
    AUTOMOTIVE = "automotive", _("Automotive")
    STEEL = "steel", _("Steel")
    MACHINERY = "machinery", _("Machinery")
    ELECTRONICS = "electronics", _("Electronics")
    CHEMICALS = "chemicals", _("Chemicals")
    WOOD = "wood", _("Wood and timber")
    ENERGY = "energy", _("Energy")
    CONSTRUCTION = "construction", _("Construction")
    SHIPBUILDING = "shipbuilding", _("Shipbuilding")
    PRINTING = "printing", _("Printing")
    OTHER = "other", _("Other")


class SupportOffer(models.TextChoices):
    FACTORY_TOUR = "factory_tour", _("Factory tours")
    WORKPLACE_EXPERIENCE = "workplace_experience", _("Workplace experience")
    INTERNSHIP = "internship", _("Internships")
    OUTREACH_LECTURE = "outreach_lecture", _("Outreach lectures")
    ADVISOR_DISPATCH = "advisor_dispatch", _("Dispatch of advisors")
    PARENT_SEMINAR = "parent_seminar", _("Seminars for parents")
    TEACHER_TOUR = "teacher_tour", _("Workplace tours for teachers")
    MATERIALS = "materials", _("Teaching materials")


class ListingStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING_REVIEW = "pending_review", _("Pending review")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class MunicipalityKind(models.TextChoices):
    CITY = "city", _("City")
    TOWN = "town", _("Town")
    VILLAGE = "village", _("Village")
    WARD = "ward", _("Ward")


class SubprefectureKind(models.TextChoices):
    GENERAL = "general", _("General subprefectural bureau")
    REGULAR = "regular", _("Subprefectural bureau")


class OrganisationCategory(models.TextChoices):
    NATIONAL = "national", _("National government")
    PREFECTURE = "prefecture", _("Hokkaido Government")
    EDUCATION = "education", _("Board of education")
    PUBLIC_BODY = "public_body", _("Public body")
    INDUSTRY = "industry", _("Industry association")
    PRIVATE = "private", _("Private organisation")


class FundingSponsor(models.TextChoices):
    NATIONAL = "national", _("National government")
    PREFECTURE = "prefecture", _("Hokkaido Government")
    NONE = "none", _("No budget")


class FeeKind(models.TextChoices):
    FREE = "free", _("Free")
    PAID = "paid", _("Paid")
    UNKNOWN = "unknown", _("Ask the host")


class EnquiryKind(models.TextChoices):
    """What a school (or company) asks for through the one request workflow (portal.enquiries)."""

    TOUR = "tour", _("Factory tour")
    LECTURE = "lecture", _("Outreach lecture")
    ADVISOR = "advisor", _("Senior advisor")


class EnquiryStatus(models.TextChoices):
    """new → in progress → accepted / declined → done; portal.enquiries.services owns the transitions."""

    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    DONE = "done", _("Done")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    DONE = "done", _("Done")


class Allocation(models.TextChoices):
    """How a session's seats are given out (portal.booking)."""

    FIRST_COME = "first_come", _("First come, first served")
    LOTTERY = "lottery", _("Lottery after the application deadline")


class RegistrationKind(models.TextChoices):
    FAMILY = "family", _("Family")
    SCHOOL = "school", _("School group")


class RegistrationStatus(models.TextChoices):
    APPLIED = "applied", _("Applied (lottery not drawn yet)")
    CONFIRMED = "confirmed", _("Confirmed")
    WAITLISTED = "waitlisted", _("On the waiting list")
    CANCELLED = "cancelled", _("Cancelled")
    ATTENDED = "attended", _("Attended")


class Grade(models.TextChoices):
    """A child's school year (学年), for a family's sign-up."""

    PRESCHOOL = "preschool", _("Pre-school")
    E1 = "e1", _("Elementary 1st year")
    E2 = "e2", _("Elementary 2nd year")
    E3 = "e3", _("Elementary 3rd year")
    E4 = "e4", _("Elementary 4th year")
    E5 = "e5", _("Elementary 5th year")
    E6 = "e6", _("Elementary 6th year")
    J1 = "j1", _("Junior high 1st year")
    J2 = "j2", _("Junior high 2nd year")
    J3 = "j3", _("Junior high 3rd year")
    H1 = "h1", _("High school 1st year")
    H2 = "h2", _("High school 2nd year")
    H3 = "h3", _("High school 3rd year")
