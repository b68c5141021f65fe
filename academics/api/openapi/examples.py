"""Examples in the schema: the DokStamp documentation's course and enrollment, and one error body
per status."""

from academics import messages as msg
from academics.api import messages as api_msg
from academics.api.lists import MAX_PER_PAGE
from academics.errors import (
    MSG_UNAUTHENTICATED,
)

# --- Examples ----------------------------------------------------------------------------------
# The course and enrollment come from DokStamp's documentation pages the API follows
# (docs/api.md); their uuids that are not hexadecimal there are made valid here.

INSTITUTION_REF = {
    "uuid": "550e8400-e29b-41d4-a716-446655440000",
    "name": "Federal University of Technology",
}
COURSE = {
    "uuid": "c3d4e5f6-a7b8-9012-cdef-123456789012",
    "code": "BCS-2024",
    "name": "Bachelor of Computer Science",
    "description": "A 4-year undergraduate program in computer science.",
    "workload_hours": 3200,
    "area": "Technology",
    "version": "2024.1",
    "status": "active",
    "institution": INSTITUTION_REF,
    "organization": None,
    "created_at": "2024-01-15T10:00:00.000000Z",
    "updated_at": "2024-01-15T10:00:00.000000Z",
}
ENROLLMENT = {
    "uuid": "a7b8c9d0-e1f2-3456-abcd-567890123456",
    "completion_status": "completed",
    "grade": 8.75,
    "enrolled_at": "2024-02-01T00:00:00.000000Z",
    "completed_at": "2027-12-20T00:00:00.000000Z",
    "finalized_at": None,
    "student": {"uuid": "f6a7b8c9-d0e1-2345-fabc-456789012345", "name": "Maria Fernanda Silva"},
    "course": {"uuid": COURSE["uuid"], "name": COURSE["name"]},
    "cohort": {"uuid": "e5f6a7b8-c9d0-1234-efab-345678901234", "code": "BCS-2024-EVE"},
    "created_at": "2024-02-01T12:30:00.000000Z",
    "updated_at": "2027-12-20T09:15:00.000000Z",
}
EXAMPLES = {
    "course": {
        "object": COURSE,
        "create": {
            "name": "Bachelor of Computer Science",
            "code": "BCS-2024",
            "institution_uuid": INSTITUTION_REF["uuid"],
            "workload_hours": 3200,
            "area": "Technology",
            "version": "2024.1",
            "status": "active",
        },
    },
    "enrollment": {
        "object": ENROLLMENT,
        "create": {
            "student_uuid": ENROLLMENT["student"]["uuid"],
            "course_uuid": COURSE["uuid"],
            "cohort_uuid": ENROLLMENT["cohort"]["uuid"],
            "enrolled_at": "2024-02-01",
            "completion_status": "completed",
            "grade": 8.75,
            "completed_at": "2027-12-20",
        },
    },
}
ERROR_EXAMPLES = {
    400: api_msg.MALFORMED_JSON,
    401: MSG_UNAUTHENTICATED,
    403: api_msg.UNAUTHORIZED_ACTION,
    404: api_msg.NOT_FOUND,
    409: msg.DELETE_PROTECTED.format(model="course", dependents="3 enrollments", verb="reference"),
    410: api_msg.CURSOR_EXPIRED,
    412: api_msg.RECORD_CHANGED,
    415: api_msg.UNSUPPORTED_MEDIA_TYPE,
    429: api_msg.TOO_MANY_REQUESTS,
}
QUERY_VALIDATION_EXAMPLE = {
    "where[colour]": [api_msg.FILTER_NOT_ALLOWED.format(attribute="where[colour]")],
    "per_page": [api_msg.MAX_NUMBER.format(attribute="per page", max=MAX_PER_PAGE)],
}
VALIDATION_EXAMPLE = {
    "name": [api_msg.REQUIRED.format(attribute="name")],
    "course_uuid": [api_msg.SELECTED_INVALID.format(attribute="course uuid")],
    "grade": ["The grade must be between 0 and 10."],
}
BATCH_DESTROY_VALIDATION_EXAMPLE = {
    "uuids": [api_msg.UUIDS_UNKNOWN.format(uuids="9b2f6f4e-0000-4000-8000-000000000000")],
}
