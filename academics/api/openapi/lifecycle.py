"""Schemas of the enrollment lifecycle's endpoints (docs/api.md, Enrollment lifecycle): the body of
finalize and reopen, and a student's transcript."""

from academics.api.openapi.components import UUID

NULLABLE_TIMESTAMP = {"type": "string", "format": "date-time", "nullable": True}

LIFECYCLE_REQUEST = {
    "type": "object",
    "properties": {
        "reason": {
            "type": "string",
            "description": "Why; kept in the history. Required to reopen, optional to finalize.",
        }
    },
}

TRANSCRIPT = {
    "type": "object",
    "properties": {
        "data": {
            "type": "object",
            "properties": {
                "student": {
                    "type": "object",
                    "properties": {
                        "uuid": UUID,
                        "name": {"type": "string"},
                        "email": {"type": "string", "format": "email"},
                        "date_of_birth": {"type": "string", "format": "date"},
                    },
                    "required": ["uuid", "name", "email", "date_of_birth"],
                },
                "enrollments": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "uuid": UUID,
                            "course": {
                                "type": "object",
                                "properties": {
                                    "uuid": UUID,
                                    "code": {"type": "string", "nullable": True},
                                    "name": {"type": "string"},
                                    "workload_hours": {"type": "integer", "nullable": True},
                                },
                                "required": ["uuid", "code", "name", "workload_hours"],
                            },
                            "cohort": {
                                "type": "object",
                                "nullable": True,
                                "properties": {"uuid": UUID, "code": {"type": "string"}},
                                "required": ["uuid", "code"],
                            },
                            "completion_status": {
                                "type": "string",
                                "enum": ["enrolled", "completed", "dropped"],
                            },
                            "grade": {"type": "number", "nullable": True},
                            "enrolled_at": {"type": "string", "format": "date-time"},
                            "completed_at": NULLABLE_TIMESTAMP,
                            "finalized_at": NULLABLE_TIMESTAMP,
                        },
                        "required": [
                            "uuid",
                            "course",
                            "cohort",
                            "completion_status",
                            "grade",
                            "enrolled_at",
                            "completed_at",
                            "finalized_at",
                        ],
                    },
                },
                "summary": {
                    "type": "object",
                    "properties": {
                        "completed_courses": {"type": "integer"},
                        "completed_workload_hours": {"type": "integer"},
                        "average_grade": {
                            "type": "number",
                            "nullable": True,
                            "description": "Mean grade of the completed enrollments, weighted "
                            "by workload hours (unweighted when a course states none); null "
                            "when none has a grade.",
                        },
                    },
                    "required": ["completed_courses", "completed_workload_hours", "average_grade"],
                },
            },
            "required": ["student", "enrollments", "summary"],
        }
    },
    "required": ["data"],
}
