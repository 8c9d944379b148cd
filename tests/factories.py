"""factory_boy factories for the portal core. Apps' tests add theirs next to them."""

import factory
from factory.django import DjangoModelFactory

from portal.choices import FundingSponsor, OrganisationCategory
from portal.models import FundingScheme, Meeting, Municipality, Organisation, User


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"テスト支援機関{n}")
    name_en = factory.Sequence(lambda n: f"Test Support Body {n}")
    category = OrganisationCategory.PUBLIC_BODY


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.jp")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = Meeting

    title = factory.Sequence(lambda n: f"ワーキンググループ会議（テスト{n}）")


class FundingSchemeFactory(DjangoModelFactory):
    class Meta:
        model = FundingScheme

    name = factory.Sequence(lambda n: f"テスト事業{n}")
    sponsor = FundingSponsor.NATIONAL


class FactoryTourFactory(DjangoModelFactory):
    """A published tour in 北見市 by default; pass status=ListingStatus.DRAFT etc. to change."""

    class Meta:
        model = "programmes.FactoryTour"

    name = factory.Sequence(lambda n: f"テスト工場{n}")
    company_name = factory.Sequence(lambda n: f"テスト製作所{n}株式会社")
    provider = factory.SubFactory(OrganisationFactory)
    municipality = factory.LazyAttribute(lambda tour: Municipality.objects.get(code=tour.municipality_code))
    industry = "machinery"
    audiences = factory.LazyFunction(lambda: ["junior_high"])
    status = "published"

    class Params:
        municipality_code = "012084"  # 北見市


class ExperienceEventFactory(DjangoModelFactory):
    """A published experience event; give it sessions with SessionFactory(offering=event)."""

    class Meta:
        model = "programmes.ExperienceEvent"

    title = factory.Sequence(lambda n: f"テスト体験会{n}")
    provider = factory.SubFactory(OrganisationFactory)
    trade = "旋盤"
    audiences = factory.LazyFunction(lambda: ["elementary"])
    status = "published"


def _days_from_now_at_ten(days: int):
    import datetime as dt

    from django.utils import timezone

    return timezone.localtime().replace(hour=10, minute=0, second=0, microsecond=0) + dt.timedelta(days=days)


def _hours_later(moment, hours: int):
    import datetime as dt

    return moment + dt.timedelta(hours=hours)


class SessionFactory(DjangoModelFactory):
    """A scheduled session ten days from now, 10:00–12:00 Tokyo, 20 seats, in 北見市 by default.

    Pass ``offering=`` (any model instance, e.g. an ExperienceEvent); ``days`` moves the date.
    """

    class Meta:
        model = "portal.Session"
        exclude = ["days", "municipality_code"]

    class Params:
        days = 10
        municipality_code = "012084"  # 北見市

    offering = factory.SubFactory(ExperienceEventFactory)
    starts_at = factory.LazyAttribute(lambda session: _days_from_now_at_ten(session.days))
    ends_at = factory.LazyAttribute(lambda session: _hours_later(session.starts_at, 2))
    venue_name = factory.Sequence(lambda n: f"テスト会場{n}")
    municipality = factory.LazyAttribute(lambda session: Municipality.objects.get(code=session.municipality_code))
    capacity = 20


class SeminarFactory(DjangoModelFactory):
    """A published seminar for parents; give it sessions with SessionFactory(offering=seminar)."""

    class Meta:
        model = "seminars.Seminar"

    kind = "parent"
    title = factory.Sequence(lambda n: f"テストセミナー{n}")
    provider = factory.SubFactory(OrganisationFactory)
    audiences = factory.LazyFunction(lambda: ["parent"])
    status = "published"


def _now():
    from django.utils import timezone

    return timezone.now()


class SupporterCompanyFactory(DjangoModelFactory):
    """An approved supporter company in 北見市 with a registration number; pass status=… for others.

    Its contact person's fields are filled with recognisable private values, for the leak tests.
    """

    class Meta:
        model = "supporters.SupporterCompany"

    class Params:
        municipality_code = "012084"  # 北見市

    name = factory.Sequence(lambda n: f"テスト応援企業{n}株式会社")
    name_kana = factory.Sequence(lambda n: f"テストオウエンキギョウ{n}")
    municipality = factory.LazyAttribute(lambda company: Municipality.objects.get(code=company.municipality_code))
    industry = "machinery"
    offers = factory.LazyFunction(lambda: ["factory_tour", "workplace_experience"])
    pr_message = "ものづくりの楽しさを伝えます。"
    contact_name = factory.Sequence(lambda n: f"秘密担当者{n}")
    contact_email = factory.Sequence(lambda n: f"private-contact{n}@example.jp")
    contact_phone = factory.Sequence(lambda n: f"0157-99-{n:04d}")
    status = "approved"
    registration_number = factory.Sequence(lambda n: f"2026-{n + 1:04d}")
    approved_at = factory.LazyFunction(_now)
    verified_at = factory.LazyAttribute(lambda company: company.approved_at)
