"""Validation messages in the API's (Laravel) wording, one vocabulary for every layer: the API,
the admin's forms, import reports and commands say the same thing for the same rule. Tests
import them. `{attribute}` is the field or parameter name, underscores as spaces."""

# Field types and references.
REQUIRED = "The {attribute} field is required."
FILLED = "The {attribute} field must have a value."
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

# Record rules.

GRADE_RANGE = "The grade must be between 0 and 10."
GRADE_DECIMALS = "The grade may not have more than 2 decimal places."
WORKLOAD_NEGATIVE = "The workload hours must be at least 0."
COHORT_DATES_ORDER = "The end date must be a date after or equal to start date."
COMPLETED_BEFORE_ENROLLED = "The completed at must be a date after or equal to enrolled at."
BIRTH_DATE_IN_FUTURE = "The date of birth must be a date before or equal to today."
EMAIL_TAKEN = "The email has already been taken."
UUID_TAKEN = "The uuid has already been taken."
COURSE_CODE_TAKEN = "The code has already been taken."
COHORT_CODE_TAKEN = "The code has already been taken."
ORGANIZATION_CODE_TAKEN = "The code has already been taken for this institution."
ENROLLMENT_DUPLICATE = "The student is already enrolled in this course and cohort."
COHORT_NOT_OF_COURSE = "The selected cohort does not belong to the course."
ORGANIZATION_NOT_OF_INSTITUTION = "The selected organization does not belong to the institution."
COURSE_NOT_ACTIVE = "The course must be active to accept new enrollments."
DELETE_PROTECTED = "The {model} cannot be deleted: {dependents} {verb} it."
RESTORE_PARENT_DELETED = "The {model} this record belongs to is deleted; restore it first."
RECORD_CHANGED = "The record has been changed since it was read."
RECORD_CHANGED_BY = "This record was changed by {who} at {when}; reload it."

# Enrollment lifecycle (docs/api.md, Enrollment lifecycle).
COMPLETED_AT_REQUIRED = "The completed at field is required when completion status is completed."
COMPLETED_AT_PROHIBITED = (
    "The completed at field is prohibited unless completion status is in completed."
)
GRADE_PROHIBITED = (
    "The grade field is prohibited unless completion status is in completed, dropped."
)
ENROLLMENT_FINALIZED = "The enrollment is finalized; reopen it to change it."
ENROLLMENT_NOT_FINALIZABLE = "The enrollment must be completed or dropped to be finalized."
ENROLLMENT_GRADE_TO_FINALIZE = (
    "The grade field is required to finalize a completed enrollment of a graded course."
)
ENROLLMENT_NOT_FINALIZED = "The enrollment is not finalized."
REASON_REQUIRED = "The reason field is required."
FINALIZED_PARENT_FIELD = (
    "The {attribute} cannot be changed: {count} finalized {enrollments} depend on it."
)
