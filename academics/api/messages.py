"""Messages of the API layer (envelope, query parameters, field types), in the Laravel wording
DokStamp clients expect. `{attribute}` is the field or parameter name, underscores as spaces.
The field vocabulary (required, invalid, type) is `academics.messages`, shared with the
admin, imports and commands. Tests import these."""

from academics.messages import (  # noqa: F401  re-exported: the field vocabulary
    ARRAY,
    BOOLEAN,
    DATE,
    EMAIL,
    FILLED,
    INTEGER,
    MAX_ITEMS,
    MAX_NUMBER,
    MAX_STRING,
    MIN_NUMBER,
    NUMERIC,
    REQUIRED,
    SELECTED_INVALID,
    STRING,
    URL,
    UUID,
)

INVALID_DATA = "The given data was invalid."
MALFORMED_JSON = "The request body is not valid JSON."
UNSUPPORTED_MEDIA_TYPE = "The request body must be sent as application/json."
NOT_FOUND = "Resource not found."
METHOD_NOT_ALLOWED = "The {method} method is not supported for this route."
UNAUTHORIZED_ACTION = "This action is unauthorized."
TOO_MANY_REQUESTS = "Too Many Attempts."
SERVER_ERROR = "Server Error."
SERVICE_UNAVAILABLE = "Service temporarily unavailable. Please retry."

OBJECT = "The request body must be a JSON object."
NULL_CHARACTERS = "The {attribute} must not contain null characters."

FILTER_NOT_ALLOWED = "The {attribute} filter is not allowed."
FILTER_ONE_VALUE = "The {attribute} filter takes one value."
CURSOR_EXPIRED = (
    "The cursor is older than the changes the feed keeps; synchronise again from the lists."
)
UUIDS_UNKNOWN = "The selected uuids are invalid: {uuids}."

RECORD_CHANGED = "The record has been changed since it was read."
IDEMPOTENCY_KEY_INVALID = "The Idempotency-Key header must be 1 to 255 printable ASCII characters."
IDEMPOTENCY_KEY_IN_PROGRESS = (
    "A request with this Idempotency-Key is still being processed; retry it shortly."
)
IDEMPOTENCY_KEY_REUSED = "The Idempotency-Key has already been used with a different request."
