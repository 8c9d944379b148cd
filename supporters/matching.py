"""Ranking senior advisors for a request: fast, fair and explainable.

``rank(request)`` scores every advisor on the criteria below and returns them best first, each with its
reasons spelled out for staff; the excluded ones (inactive, no consent, out of range, unavailable) follow,
each with why. Ties are broken by the advisor's pk, so the order is deterministic.

Every weight is in WEIGHTS, with what it means: the staff help page (/advisors/match/help/) is generated
from it. Change a number there and both the ranking and the help page follow.

Cost: a constant number of queries whatever the number of advisors (the advisors with their home
municipality's coordinates, the areas they serve, the trade groups, this fiscal year's accepted offers in
one aggregate), then plain Python: about 1,000 advisors in a few milliseconds.
"""

import functools
import math
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Count
from django.db.models.functions import Coalesce, TruncDate
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal import dates
from portal.dates import WEEKDAYS_JA
from portal.geo import EARTH_RADIUS_KM
from supporters.models import AdvisorActivity, AdvisorOffer, AdvisorStatus, OfferStatus, SeniorAdvisor, TradeGroup


class Weight(NamedTuple):
    points: int
    label: str
    meaning: str  # for the help page; %(points)s, %(related)s … are filled in from WEIGHTS


#: The one place where the ranking's weights live, each with what it means (the help page shows exactly this).
WEIGHTS: dict[str, Weight] = {
    "trade_exact": Weight(
        40,
        _("Trade: exact"),
        _("The trade asked for is one of the advisor's trades (same spelling, ignoring case and width)."),
    ),
    "trade_related": Weight(
        20,
        _("Trade: related"),
        _(
            "One of the advisor's trades belongs to the same trade group as the trade asked for (e.g. 旋盤 and "
            "NC加工 in 機械加工). Trade groups are edited by staff in the admin. No match at all scores 0."
        ),
    ),
    "distance": Weight(
        25,
        _("Distance"),
        _(
            "Great-circle distance between the municipality offices of the advisor's home and of the place. "
            "Within the advisor's travel radius, %(points)s points at the place itself, falling in a straight "
            "line to 0 at the edge of the radius. Beyond the radius the advisor is excluded as out of range, "
            "unless the place's subprefecture is among the areas they serve."
        ),
    ),
    "area_served": Weight(
        5,
        _("Area served"),
        _(
            "The place is beyond the advisor's travel radius but in a subprefecture they serve: in range, "
            "with these points instead of the distance points."
        ),
    ),
    "availability": Weight(
        20,
        _("Availability"),
        _(
            "Available on the requested weekdays and in the requested months (an advisor without a list is "
            "available on any day, all year): %(points)s points when available on all of them, in proportion "
            "when on some. Unavailable on all the requested weekdays or in all the requested months: excluded."
        ),
    ),
    "purpose": Weight(
        15,
        _("Purpose"),
        _("What the advisor does (hands-on instruction, career talk, …) includes the purpose of the request."),
    ),
    "fairness": Weight(
        10,
        _("Fairness"),
        _(
            "Fewer assignments this fiscal year rank higher: %(points)s points minus %(per_assignment)s per "
            "accepted offer in the request's fiscal year, never below 0."
        ),
    ),
    "fairness_per_assignment": Weight(
        2,
        _("Fairness: per assignment"),
        _("Points taken off the fairness term for each offer the advisor accepted this fiscal year."),
    ),
}


def weights_help() -> list[dict]:
    """The criteria for the help page, generated from WEIGHTS: key, label, points and meaning."""
    values = {key: weight.points for key, weight in WEIGHTS.items()}
    rows = []
    for key, weight in WEIGHTS.items():
        params = {"points": weight.points, "per_assignment": values["fairness_per_assignment"], **values}
        rows.append({"key": key, "label": weight.label, "points": weight.points, "meaning": weight.meaning % params})
    return rows


def maximum_score() -> int:
    w = {key: weight.points for key, weight in WEIGHTS.items()}
    return w["trade_exact"] + max(w["distance"], w["area_served"]) + w["availability"] + w["purpose"] + w["fairness"]


@dataclass
class MatchRequest:
    """What staff look for: the facts of one request, adjustable on the staff page."""

    purpose: str = ""  # an AdvisorActivity value, or "" for any
    trade: str = ""
    municipality: object = None  # portal.models.Municipality, the place; None: distance is not scored
    weekdays: list[int] = field(default_factory=list)  # 0 = Monday … 6 = Sunday; empty: any day
    months: list[int] = field(default_factory=list)  # 1 … 12; empty: any month
    fiscal_year: int = field(default_factory=dates.fiscal_year)


class Reason(NamedTuple):
    criterion: str  # a WEIGHTS key family: trade, distance, availability, purpose, fairness
    points: float
    words: str


@dataclass
class Candidate:
    advisor: SeniorAdvisor
    score: float = 0
    reasons: list[Reason] = field(default_factory=list)
    excluded: str | None = None  # why, when the advisor cannot take the request
    distance_km: float | None = None
    assignments: int = 0

    @property
    def is_excluded(self) -> bool:
        return self.excluded is not None


def normalise_trade(value: str) -> str:
    return unicodedata.normalize("NFKC", value or "").strip().casefold()


def _trade_groups() -> dict[str, set[str]]:
    """trade (normalised) -> the names of the groups it belongs to (a group's own name counts as a member)."""
    groups: dict[str, set[str]] = defaultdict(set)
    for name, trades in TradeGroup.objects.values_list("name", "trades"):
        for trade in (name, *trades):
            groups[normalise_trade(trade)].add(name)
    return groups


def _assignments(fiscal_year: int) -> dict[int, int]:
    """advisor pk -> offers accepted in the fiscal year (by the day they were answered, else offered): ONE query."""
    first, last = dates.fiscal_year_bounds(fiscal_year)
    rows = (
        AdvisorOffer.objects.filter(status=OfferStatus.ACCEPTED)
        .annotate(day=TruncDate(Coalesce("answered_at", "offered_at")))
        .filter(day__range=(first, last))
        .values("advisor")
        .annotate(n=Count("pk"))
        .values_list("advisor", "n")
    )
    return dict(rows)


def _areas(advisor_ids) -> dict[int, set[int]]:
    """advisor pk -> the pks of the subprefectures they serve: one query on the M2M table, no model instances."""
    through = SeniorAdvisor.areas.through
    areas: dict[int, set[int]] = defaultdict(set)
    for advisor_id, subprefecture_id in through.objects.filter(senioradvisor_id__in=advisor_ids).values_list(
        "senioradvisor_id", "subprefecture_id"
    ):
        areas[advisor_id].add(subprefecture_id)
    return areas


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle (haversine) distance in km between two WGS84 points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _advisors(advisors):
    """The advisors to rank, with their home municipality's coordinates (one query)."""
    if advisors is None:
        advisors = SeniorAdvisor.objects.all()
    if hasattr(advisors, "select_related"):
        advisors = advisors.select_related("home_municipality").order_by("pk")
    return list(advisors)


def _weekday_names(days) -> str:
    return "・".join(WEEKDAYS_JA[day] for day in sorted(days))


def _month_names(months) -> str:
    return "・".join(f"{month}月" for month in sorted(months))


def rank(request: MatchRequest, advisors=None) -> list[Candidate]:
    """Every advisor scored for the request: ranked best first (ties by pk), then the excluded ones with why."""
    # the same few phrases for every advisor: each looked up once per call (in the language of the call)
    gettext = functools.cache(translation.gettext)
    w = {key: weight.points for key, weight in WEIGHTS.items()}
    advisors = _advisors(advisors)
    areas = _areas([advisor.pk for advisor in advisors])
    groups = _trade_groups() if request.trade else {}
    assignments = _assignments(request.fiscal_year)

    trade = normalise_trade(request.trade)
    trade_groups = groups.get(trade, set())
    place = request.municipality
    if place is not None:
        place_lat, place_lng = float(place.latitude), float(place.longitude)
        place_subprefecture = place.subprefecture_id
    weekdays, months = set(request.weekdays or ()), set(request.months or ())
    purpose = request.purpose
    year_label = dates.format_fiscal_year(request.fiscal_year)
    purpose_label = str(AdvisorActivity(purpose).label) if purpose in AdvisorActivity.values else purpose

    candidates = []
    for advisor in advisors:
        reasons: list[Reason] = []
        excluded: list[str] = []

        if advisor.status != AdvisorStatus.ACTIVE:
            excluded.append(gettext("not active (%(status)s)") % {"status": advisor.get_status_display()})
        if not advisor.consent_to_contact:
            excluded.append(gettext("no consent to be contacted"))

        # trade
        if not trade:
            reasons.append(Reason("trade", 0, gettext("no trade asked for")))
        else:
            own = {normalise_trade(value): value for value in advisor.trades}
            if trade in own:
                reasons.append(
                    Reason("trade", w["trade_exact"], gettext("exact trade: %(trade)s") % {"trade": own[trade]})
                )
            else:
                related = [value for key, value in own.items() if trade_groups & groups.get(key, set())]
                if related:
                    shared = sorted(trade_groups & groups[normalise_trade(related[0])])
                    reasons.append(
                        Reason(
                            "trade",
                            w["trade_related"],
                            gettext("related trade: %(trades)s (%(group)s)")
                            % {"trades": "・".join(related), "group": "・".join(shared)},
                        )
                    )
                else:
                    reasons.append(Reason("trade", 0, gettext("no matching trade")))

        # distance
        distance = None
        if place is None:
            reasons.append(Reason("distance", 0, gettext("no place given")))
        else:
            home = advisor.home_municipality
            distance = distance_km(float(home.latitude), float(home.longitude), place_lat, place_lng)
            radius = advisor.travel_radius_km
            if distance <= radius:
                points = round(w["distance"] * (1 - distance / radius), 1) if radius else w["distance"]
                reasons.append(
                    Reason(
                        "distance",
                        points,
                        gettext("%(distance).0f km from %(home)s, within %(radius)s km")
                        % {"distance": distance, "home": home.name, "radius": radius},
                    )
                )
            elif place_subprefecture in areas.get(advisor.pk, ()):
                reasons.append(
                    Reason(
                        "distance",
                        w["area_served"],
                        gettext("%(distance).0f km > %(radius)s km, but serves the place's subprefecture")
                        % {"distance": distance, "radius": radius},
                    )
                )
            else:
                reasons.append(
                    Reason(
                        "distance",
                        0,
                        gettext("%(distance).0f km from %(home)s") % {"distance": distance, "home": home.name},
                    )
                )
                excluded.append(
                    gettext("out of range: %(distance).0f km > %(radius)s km")
                    % {"distance": distance, "radius": radius}
                )

        # availability
        share, words = 1.0, []
        if weekdays and advisor.available_weekdays:
            ok = weekdays & set(advisor.available_weekdays)
            share *= len(ok) / len(weekdays)
            if not ok:
                excluded.append(gettext("unavailable on %(days)s") % {"days": _weekday_names(weekdays)})
            elif ok != weekdays:
                words.append(gettext("only on %(days)s") % {"days": _weekday_names(ok)})
        if months and advisor.available_months:
            ok = months & set(advisor.available_months)
            share *= len(ok) / len(months)
            if not ok:
                excluded.append(gettext("unavailable in %(months)s") % {"months": _month_names(months)})
            elif ok != months:
                words.append(gettext("only in %(months)s") % {"months": _month_names(ok)})
        if share == 1:
            words.append(
                gettext("available on every requested day and month")
                if weekdays or months
                else gettext("no days or months asked for")
            )
        elif share == 0:
            words.append(gettext("unavailable"))
        reasons.append(Reason("availability", round(w["availability"] * share, 1), "; ".join(words)))

        # purpose
        if not purpose:
            reasons.append(Reason("purpose", 0, gettext("no purpose given")))
        elif purpose in advisor.activities:
            reasons.append(Reason("purpose", w["purpose"], gettext("does %(purpose)s") % {"purpose": purpose_label}))
        else:
            reasons.append(Reason("purpose", 0, gettext("does not do %(purpose)s") % {"purpose": purpose_label}))

        # fairness
        count = assignments.get(advisor.pk, 0)
        points = max(0, w["fairness"] - w["fairness_per_assignment"] * count)
        reasons.append(
            Reason(
                "fairness",
                points,
                gettext("%(count)s assignments in %(year)s") % {"count": count, "year": year_label},
            )
        )

        candidates.append(
            Candidate(
                advisor=advisor,
                score=round(sum(reason.points for reason in reasons), 1),
                reasons=reasons,
                excluded="; ".join(excluded) if excluded else None,
                distance_km=distance,
                assignments=count,
            )
        )

    candidates.sort(key=lambda c: (c.excluded is not None, -c.score, c.advisor.pk))
    return candidates
