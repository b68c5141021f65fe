"""A student's transcript (docs/api.md, Transcript): every live enrollment with its course and
cohort, and a summary of the completed ones. The API answers it as JSON or PDF, the admin's
student page serves the same PDF (`transcript_pdf`).

The average grade is the mean of the completed enrollments that have a grade, weighted by their
courses' workload hours when every one of those courses states its hours (more than 0); when any
does not, the weights would mix hours with guesses, so the plain mean is given instead. None when
no completed enrollment has a grade. Rounded half up to 2 decimals.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from io import BytesIO
from xml.sax.saxutils import escape

from django.utils import timezone

from academics.choices import CompletionStatus
from academics.models import Enrollment, Student

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Summary:
    completed_courses: int
    completed_workload_hours: int
    average_grade: Decimal | None
    weighted: bool


def transcript_enrollments(student: Student) -> list[Enrollment]:
    """The student's live enrollments, oldest first, with course, institution and cohort."""
    return list(
        Enrollment.objects.filter(student=student)
        .select_related("course__institution", "cohort")
        .order_by("enrolled_at", "course__name", "created_at")
    )


def average_grade(graded: list[tuple[Decimal, int | None]]) -> tuple[Decimal | None, bool]:
    """(grade, workload hours) pairs -> (average, whether it is weighted by the hours)."""
    if not graded:
        return None, False
    if all(hours for _grade, hours in graded):
        total = sum(grade * hours for grade, hours in graded)
        mean, weighted = total / sum(hours for _grade, hours in graded), True
    else:
        mean, weighted = sum(grade for grade, _hours in graded) / len(graded), False
    return Decimal(mean).quantize(TWO_PLACES, rounding=ROUND_HALF_UP), weighted


def transcript_summary(enrollments: list[Enrollment]) -> Summary:
    completed = [e for e in enrollments if e.completion_status == CompletionStatus.COMPLETED]
    average, weighted = average_grade(
        [(e.grade, e.course.workload_hours) for e in completed if e.grade is not None]
    )
    return Summary(
        completed_courses=len({e.course_id for e in completed}),
        completed_workload_hours=sum(e.course.workload_hours or 0 for e in completed),
        average_grade=average,
        weighted=weighted,
    )


# --- PDF ---------------------------------------------------------------------------------------

GROUPS = (CompletionStatus.COMPLETED, CompletionStatus.ENROLLED, CompletionStatus.DROPPED)


def _text(value) -> str:
    return "—" if value is None or value == "" else str(value)


def transcript_pdf(*, student: Student, tenant_name: str) -> bytes:
    """The transcript as a printable A4 PDF (ReportLab): the institutions and the student at the
    top, one table per completion status, the summary, the tenant and the generation date."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    enrollments = transcript_enrollments(student)
    summary = transcript_summary(enrollments)
    styles = getSampleStyleSheet()
    generated = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    institutions = sorted({e.course.institution.name for e in enrollments}) or [tenant_name]

    def footer(canvas, document):
        canvas.saveState()
        canvas.setFont("Helvetica", 8)
        canvas.drawString(
            18 * mm, 10 * mm, f"{tenant_name} · Generated {generated} · Page {document.page}"
        )
        canvas.restoreState()

    story = [
        Paragraph(escape(", ".join(institutions)), styles["Title"]),
        Paragraph("Academic transcript", styles["Heading2"]),
        Table(
            [
                ["Student", student.name],
                ["Email", student.email],
                ["Date of birth", student.date_of_birth.isoformat()],
            ],
            colWidths=[35 * mm, 135 * mm],
            style=[("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold")],
        ),
        Spacer(1, 6 * mm),
    ]
    for status in GROUPS:
        rows = [e for e in enrollments if e.completion_status == status]
        if not rows:
            continue
        story.append(Paragraph(f"{status.label} ({len(rows)})", styles["Heading3"]))
        table = [["Code", "Course", "Cohort", "Hours", "Enrolled", "Completed", "Grade"]]
        table += [
            [
                _text(e.course.code),
                Paragraph(escape(e.course.name), styles["BodyText"]),
                _text(e.cohort.code if e.cohort else None),
                _text(e.course.workload_hours),
                e.enrolled_at.isoformat(),
                _text(e.completed_at.isoformat() if e.completed_at else None),
                _text(e.grade),
            ]
            for e in rows
        ]
        story.append(
            Table(
                table,
                colWidths=[18 * mm, 58 * mm, 28 * mm, 14 * mm, 19 * mm, 21 * mm, 14 * mm],
                repeatRows=1,
                style=TableStyle(
                    [
                        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
                        ("FONTSIZE", (0, 0), (-1, -1), 9),
                        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf3")),
                        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                        ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("ALIGN", (3, 1), (3, -1), "RIGHT"),
                        ("ALIGN", (6, 1), (6, -1), "RIGHT"),
                    ]
                ),
            )
        )
        story.append(Spacer(1, 4 * mm))
    if not enrollments:
        story.append(Paragraph("No enrollments.", styles["BodyText"]))
    average = _text(summary.average_grade)
    if summary.average_grade is not None:
        average += " (weighted by workload hours)" if summary.weighted else " (unweighted)"
    story += [
        Paragraph("Summary", styles["Heading3"]),
        Table(
            [
                ["Completed courses", str(summary.completed_courses)],
                ["Completed workload hours", str(summary.completed_workload_hours)],
                ["Average grade", average],
            ],
            colWidths=[55 * mm, 115 * mm],
            style=[("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold")],
        ),
    ]
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=f"Transcript — {student.name}",
        author=tenant_name,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
