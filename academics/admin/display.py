"""How the registrar admin shows values, in one place: statuses as coloured badges, students as
"name (email)" (two students may share a name), empty values as "—"."""

from django.contrib import admin
from django.utils.html import format_html

from academics.choices import CompletionStatus, CourseStatus, InstitutionStatus

# A status's tone: what a registrar should read at a glance (static/academics/admin.css).
BADGE_TONES = {
    CompletionStatus.ENROLLED: "info",
    CompletionStatus.COMPLETED: "ok",
    CompletionStatus.DROPPED: "warn",
    CourseStatus.DRAFT: "info",
    CourseStatus.ACTIVE: "ok",
    CourseStatus.ARCHIVED: "muted",
    InstitutionStatus.ACTIVE: "ok",
    InstitutionStatus.INACTIVE: "muted",
    InstitutionStatus.SUSPENDED: "warn",
}
EMPTY = "—"


def badge(value: str, label: str) -> str:
    return format_html(
        '<span class="badge badge-{}">{}</span>', BADGE_TONES.get(value, "muted"), label
    )


def status_column(field: str):
    """A list or read-only column showing the choice field `field` as a badge."""

    @admin.display(description=field.replace("_", " "), ordering=field)
    def column(record):
        return badge(getattr(record, field), getattr(record, f"get_{field}_display")())

    column.__name__ = field  # the cell keeps Django's class, "field-<name>"
    return column


def student_label(student) -> str:
    """Name and, quieter and wrapping anywhere, the email that tells namesakes apart."""
    return format_html('{} <span class="email">({})</span>', student.name, student.email)
