"""The errors a request can end in, and the bodies authentik answers them with.

Every failure, wherever it is raised, is one of these exceptions; `server/app.py` turns each
into its response in one place. Messages are the real server's (Django REST Framework's and
authentik's).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

# Authentication and permissions (always 403: authentik never answers 401).
NOT_AUTHENTICATED = "Authentication credentials were not provided."
UNSUPPORTED_AUTH_TYPE = "Unsupported authentication type"
TOKEN_INVALID = "Token invalid/expired"
INVALID_BASIC = "Invalid basic header. Credentials not correctly base64 encoded."
PERMISSION_DENIED = "You do not have permission to perform this action."

# Lookups.
NOT_FOUND_TEMPLATE = "No {model} matches the given query."
INVALID_PAGE = "Invalid page."
ROUTE_NOT_FOUND = "Not found."
METHOD_NOT_ALLOWED_TEMPLATE = 'Method "{method}" not allowed.'
UNSUPPORTED_MEDIA_TYPE_TEMPLATE = 'Unsupported media type "{media_type}" in request.'
SERVER_ERROR = "A server error occurred."

# Field validation.
REQUIRED = "This field is required."
NULL = "This field may not be null."
BLANK = "This field may not be blank."
NULL_CHARACTERS = "Null characters are not allowed."
NOT_A_STRING = "Not a valid string."
NOT_A_BOOLEAN = "Must be a valid boolean."
NOT_AN_INTEGER = "A valid integer is required."
NOT_A_NUMBER = "A valid number is required."
NOT_A_LIST_TEMPLATE = 'Expected a list of items but got type "{type}".'
NOT_A_DICT_TEMPLATE = 'Expected a dictionary of items but got type "{type}".'
INVALID_CHOICE_TEMPLATE = '"{value}" is not a valid choice.'
MIN_LENGTH_TEMPLATE = "Ensure this field has at least {limit} characters."
MAX_LENGTH_TEMPLATE = "Ensure this field has no more than {limit} characters."
MIN_VALUE_TEMPLATE = "Ensure this value is greater than or equal to {limit}."
MAX_VALUE_TEMPLATE = "Ensure this value is less than or equal to {limit}."
PATTERN_MISMATCH = "This value does not match the required pattern."
MIN_ITEMS_TEMPLATE = "Ensure this field has at least {limit} elements."
MAX_ITEMS_TEMPLATE = "Ensure this field has no more than {limit} elements."
UNIQUE_TEMPLATE = "{model} with this {field} already exists."
NO_FREE_KEY = "No unused key of this shape is left."
INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."
INVALID_CHOICE_OF_MANY = "Select a valid choice. {value} is not one of the available choices."
RELATED_REFUSALS = {
    "related_uuid": "“{value}” is not a valid UUID.",
    "related_integers": "“{value}” is not a valid value.",
    "related_integer": INVALID_CHOICE,
}
"""A related-object filter's value that cannot be a key (django-filter's model choice
fields): a UUID key's model field words it; an integer key's, the choice field."""
NOT_A_FILTER_NUMBER = "Enter a number."
"""A number filter's value that is not one (django-filter's `NumberFilter`, a Django form
`DecimalField`)."""
UNIQUE_TOGETHER_TEMPLATE = "The fields {fields} must make a unique set."
DOES_NOT_EXIST_TEMPLATE = 'Invalid pk "{value}" - object does not exist.'
INCORRECT_PK_TYPE_TEMPLATE = "Incorrect type. Expected pk value, received {type}."
INVALID_BODY_TEMPLATE = "Invalid data. Expected a dictionary, but got {type}."
NO_DATA = "No data provided"
JSON_PARSE_TEMPLATE = "JSON parse error - {reason}"
MALFORMED_FORM = "Form data could not be read"
JSON_TOO_DEEP_TEMPLATE = "arrays and objects nest deeper than {limit} levels"
STRING_TOO_LARGE = "String value too large."
TOO_MANY_ORDERING_TEMPLATE = "Ensure there are no more than {limit} ordering fields."
TOO_MANY_SEARCH_WORDS_TEMPLATE = "Ensure there are no more than {limit} search words."

INVALID_BODY_UUID = "Must be a valid UUID."
INVALID_BODY_DATETIME = (
    "Datetime has wrong format. Use one of these formats instead: "
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)
INVALID_BODY_DATE = "Date has wrong format. Use one of these formats instead: YYYY-MM-DD."
INVALID_EMAIL = "Enter a valid email address."
INVALID_URL = "Enter a valid URL."
INVALID_IPV4 = "Enter a valid IPv4 address."
INVALID_IP = "Enter a valid IPv4 or IPv6 address."
INVALID_SLUG = 'Enter a valid "slug" consisting of letters, numbers, underscores or hyphens.'
"""DRF's `SlugField`, which a model's `SlugField` becomes."""
INVALID_SLUG_TEXT = (
    "Enter a valid \u201cslug\u201d consisting of letters, numbers, underscores or hyphens."
)
"""Django's `validate_slug`, on a text field that is no `SlugField` (its own quotes)."""
SLUG_PATTERN = "^[-a-zA-Z0-9_]+$"
"""How drf-spectacular writes a slug's pattern (`SlugField`, or `validate_slug`)."""

# Query parameters (django-filter's form fields).
INVALID_UUID = "Enter a valid UUID."
INVALID_JSON_VALUE = "Value must be valid JSON."
INVALID_CURSOR = "Invalid cursor"
PROTOCOL_SWITCH = (
    "The operation documents only a protocol switch (101), which this mock does not make."
)
INVALID_DATETIME = "Enter a valid date/time."
INVALID_QUERY_CHOICE_TEMPLATE = (
    "Select a valid choice. {value} is not one of the available choices."
)

NON_FIELD_ERRORS = "non_field_errors"
NULL_CHARACTERS = "Null characters are not allowed."

CONTROL_NEEDS_OWNER = (
    "The control routes (/_mock/*) need the admin token, or the one given to"
    " serve --control-token, as 'Authorization: Bearer <key>'."
)

# The limits of one request (`settings.Limits`), each naming how to change it.
BODY_TOO_LARGE_TEMPLATE = (
    "Request body exceeds the limit of {limit} bytes (serve --limit body_bytes=N)."
)
URI_TOO_LONG_TEMPLATE = (
    "Request path and query string exceed the limit of {limit} bytes (serve --limit uri_bytes=N)."
)
HEADERS_TOO_LARGE_TEMPLATE = (
    "Request headers exceed the limit of {limit} bytes (serve --limit header_bytes=N)."
)
TOO_MANY_PARAMETERS_TEMPLATE = (
    "The number of query parameters exceeds the limit of {limit}"
    " (serve --limit query_parameters=N)."
)
READ_TIMEOUT_TEMPLATE = (
    "The request body did not arrive within {limit:g} seconds (serve --limit read_timeout=S)."
)
CLIENT_GONE = "The client closed the connection before sending the whole body."
BAD_HTTP_REQUEST = "Invalid HTTP request received."


def capfirst(text: str) -> str:
    """Django's `capfirst`: model names start uniqueness messages in upper case."""
    return text[:1].upper() + text[1:]


class ApiError(Exception):
    """A failure that ends the request with `status_code` and the JSON `body()`."""

    status_code: int = 500

    def body(self) -> Any:
        """The JSON answer: an object, except for `BareValidationFailed`."""
        raise NotImplementedError

    def with_status(self, status_code: int) -> ApiError:
        """The same failure answered with another status (one the operation documents)."""
        other = copy.copy(self)
        other.status_code = status_code
        return other


class DetailError(ApiError):
    """An error answered as authentik's `GenericError`: `{"detail": message}`; its class gives
    the status, unless `status_code` names another (a framework's own 4xx, say)."""

    def __init__(
        self,
        detail: str,
        *,
        status_code: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.headers = dict(headers or {})
        if status_code is not None:
            self.status_code = status_code

    def body(self) -> dict[str, Any]:
        return {"detail": self.detail}


class AuthenticationFailed(DetailError):
    """403 as authentik answers; documents that speak of 401 get 401
    (see `server/connexion_hooks.py`)."""

    status_code = 403


class NotImplementedByMock(DetailError):
    """What the document asks and a mock of it cannot do."""

    status_code = 501


class Conflict(DetailError):
    """A create or replace whose key another object has (documents that are not DRF's; DRF
    answers a uniqueness failure as a 400 ValidationError)."""

    status_code = 409


class PermissionDenied(DetailError):
    status_code = 403

    def __init__(self, detail: str = PERMISSION_DENIED) -> None:
        super().__init__(detail)


class NotFound(DetailError):
    status_code = 404


class ParseError(DetailError):
    """A body that could not be read at all (400 with a `detail`, as DRF answers)."""

    status_code = 400


class MethodNotAllowed(DetailError):
    status_code = 405


class UnsupportedMediaType(DetailError):
    status_code = 415


class ServerError(DetailError):
    status_code = 500

    def __init__(self) -> None:
        super().__init__(SERVER_ERROR)


class ValidationFailed(ApiError):
    """A 400 `ValidationError`: field names (or `non_field_errors`) to lists of messages."""

    status_code = 400

    def __init__(self, errors: Mapping[str, Any]) -> None:
        super().__init__(dict(errors))
        self.errors = {
            field: detail if isinstance(detail, dict) else list(detail)
            for field, detail in errors.items()
        }

    @classmethod
    def single(cls, field: str, message: str) -> ValidationFailed:
        return cls({field: [message]})

    def body(self) -> dict[str, Any]:
        return self.errors


class PathValueRefused(ValidationFailed):
    """Only path parameters were refused: the path names no object. Answered as the 400 its
    operation documents, else as a 404 (`app.ErrorAnswers`)."""


class BareValidationFailed(ApiError):
    """A 400 whose body is a bare list of messages: a DRF field validated on its own, outside
    any serializer (the search term of DRF's SearchFilter)."""

    status_code = 400

    def __init__(self, messages: list[str]) -> None:
        super().__init__(messages)
        self.messages = list(messages)

    def body(self) -> Any:
        return self.messages
