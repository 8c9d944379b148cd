"""The API's answer to a bad query: 400 with a message and, per bad parameter, what is wrong with it."""

from django.utils.translation import gettext, ngettext
from rest_framework import status
from rest_framework.exceptions import APIException


def form_errors(form) -> dict[str, list[str]]:
    """A bound form's errors as {parameter: [messages]}; errors of no single field are under "query"."""
    return {
        ("query" if name == "__all__" else name): [str(message) for message in messages]
        for name, messages in form.errors.items()
    }


class InvalidQuery(APIException):
    """400: ``{"detail": "...", "errors": {"month": ["Select a valid choice. 13 is not one of …"]}}``."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_query"

    def __init__(self, errors: dict[str, list[str]]):
        names = ", ".join(sorted(errors))
        detail = ngettext(
            "The query parameter %(names)s has an invalid value.",
            "The query parameters %(names)s have invalid values.",
            len(errors),
        ) % {"names": names}
        super().__init__({"detail": detail, "errors": errors})

    @classmethod
    def for_parameter(cls, name: str, message: str) -> "InvalidQuery":
        return cls({name: [message]})


def page_number_message() -> str:
    return gettext("Enter a page number: a whole number from 1 (or “last”).")
