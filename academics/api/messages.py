"""Messages of the API layer (envelope, query parameters, field types), in the Laravel wording
DokStamp clients expect. `{attribute}` is the field or parameter name, underscores as spaces.
Record rules have their own messages in `academics.messages`. Tests import these."""

INVALID_DATA = "The given data was invalid."
MALFORMED_JSON = "The request body is not valid JSON."
UNSUPPORTED_MEDIA_TYPE = "The request body must be sent as application/json."
NOT_FOUND = "Resource not found."
METHOD_NOT_ALLOWED = "The {method} method is not supported for this route."
UNAUTHORIZED_ACTION = "This action is unauthorized."
TOO_MANY_REQUESTS = "Too Many Attempts."
SERVER_ERROR = "Server Error."

REQUIRED = "The {attribute} field is required."
SELECTED_INVALID = "The selected {attribute} is invalid."
STRING = "The {attribute} must be a string."
MAX_STRING = "The {attribute} must not be greater than {max} characters."
INTEGER = "The {attribute} must be an integer."
NUMERIC = "The {attribute} must be a number."
MIN_NUMBER = "The {attribute} must be at least {min}."
MAX_NUMBER = "The {attribute} must not be greater than {max}."
BOOLEAN = "The {attribute} field must be true or false."
EMAIL = "The {attribute} must be a valid email address."
URL = "The {attribute} must be a valid URL."
DATE = "The {attribute} is not a valid date."
UUID = "The {attribute} must be a valid UUID."
ARRAY = "The {attribute} must be an array."
MAX_ITEMS = "The {attribute} must not have more than {max} items."
OBJECT = "The request body must be a JSON object."
NULL_CHARACTERS = "The {attribute} must not contain null characters."

FILTER_NOT_ALLOWED = "The {attribute} filter is not allowed."
UUIDS_UNKNOWN = "The selected uuids are invalid: {uuids}."

RECORD_CHANGED = "The record has been changed since it was read."
IDEMPOTENCY_KEY_INVALID = "The Idempotency-Key header must be 1 to 255 printable ASCII characters."
IDEMPOTENCY_KEY_IN_PROGRESS = (
    "A request with this Idempotency-Key is still being processed; retry it shortly."
)
IDEMPOTENCY_KEY_REUSED = "The Idempotency-Key has already been used with a different request."
