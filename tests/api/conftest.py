"""Helpers of the API tests: GET as JSON, the ids an API list and a page show, query counts."""

import factory
from django.db import connection
from django.test.utils import CaptureQueriesContext
from factory.django import DjangoModelFactory

from portal.choices import Audience, ListingStatus
from portal.models import Subprefecture
from tests.factories import OrganisationFactory


def api_get(client, path: str, query: str = "", **headers):
    """GET an API address as JSON (the default renderer) with an optional query string."""
    return client.get(f"{path}?{query}" if query else path, headers={"accept": "application/json", **headers})


def api_ids(client, path: str, query: str = "") -> list[int]:
    response = api_get(client, path, query)
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["results"]]


def page_ids(client, path: str, query: str, context_name: str) -> list[int]:
    """The ids a public HTML page lists, in its order (tours come as (tour, fit) pairs)."""
    response = client.get(f"{path}?{query}")
    assert response.status_code == 200
    items = response.context[context_name]
    return [(item[0] if isinstance(item, tuple) else item).pk for item in items]


def count_queries(client, path: str, query: str = "") -> int:
    """The queries of one answer, without the rate limit's own (its counter in the shared cache's table: the
    same few for every request, whatever the data)."""
    with CaptureQueriesContext(connection) as queries:
        response = api_get(client, path, query)
    assert response.status_code == 200, response.content
    throttle = [query for query in queries if '"portal_cache"' in query["sql"] or "SAVEPOINT" in query["sql"]]
    assert 1 <= len(throttle) <= 6
    return len(queries) - len(throttle)


class LectureOfferFactory(DjangoModelFactory):
    """A published lecture for junior high schools, anywhere in Hokkaido (or ``areas=[slugs]``), all year."""

    class Meta:
        model = "seminars.LectureOffer"
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"テスト出前講座{n}")
    provider = factory.SubFactory(OrganisationFactory)
    trade = "機械加工"
    audiences = factory.LazyFunction(lambda: [Audience.JUNIOR_HIGH])
    status = ListingStatus.PUBLISHED

    @factory.post_generation
    def areas(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.areas.set(Subprefecture.objects.filter(slug__in=extracted))
