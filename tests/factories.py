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
