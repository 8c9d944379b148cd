"""Models of the seminars app, one module per part; each is imported here so that Django finds it.

seminar.py   Seminar (every kind), its itinerary stops (student factory-tour trips)
lecture.py   LectureOffer (出前講座) that schools request through the enquiry workflow
material.py  Material: downloadable materials for parent seminars
"""

from seminars.models.lecture import LectureOffer  # noqa: F401
from seminars.models.material import Material  # noqa: F401
from seminars.models.seminar import ItineraryStop, Seminar  # noqa: F401
