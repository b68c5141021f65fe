"""One entry per registered record model: how to build a row, what a valid add form posts, which
field a change edits and what a search finds. The generic admin tests read only this table."""

from collections.abc import Callable
from dataclasses import dataclass, field

from academics.models import Cohort, Course, Enrollment, Institution, Organization, Student
from tests.factories import (
    CohortFactory,
    CourseFactory,
    EnrollmentFactory,
    InstitutionFactory,
    OrganizationFactory,
    StudentFactory,
)


class DroppedEnrollmentFactory(EnrollmentFactory):
    """Dropped, so that a grade may be set (docs/api.md, Enrollment lifecycle)."""

    completion_status = "dropped"


def no_enrollment_rows() -> dict:
    """Management data of an empty enrollment inline (student and course pages)."""
    return {
        "enrollments-TOTAL_FORMS": "0",
        "enrollments-INITIAL_FORMS": "0",
        "enrollments-MIN_NUM_FORMS": "0",
        "enrollments-MAX_NUM_FORMS": "1000",
    }


@dataclass
class AdminSpec:
    model: type
    factory: Callable
    add_data: Callable[[], dict]
    change_field: str
    change_value: str
    search: Callable[[object], str]
    inline_data: Callable[[], dict] = field(default=dict)

    @property
    def url(self) -> str:
        return f"/admin/academics/{self.model._meta.model_name}/"

    def __str__(self):
        return self.model._meta.model_name


SPECS = [
    AdminSpec(
        model=Institution,
        factory=InstitutionFactory,
        add_data=lambda: {"name": "Polytechnic of the North", "country": "PT", "status": "active"},
        change_field="name",
        change_value="Renamed Institution",
        search=lambda record: record.name,
    ),
    AdminSpec(
        model=Organization,
        factory=OrganizationFactory,
        add_data=lambda: {
            "institution": InstitutionFactory().pk,
            "name": "Faculty of Law",
            "code": "LAW",
        },
        change_field="name",
        change_value="Renamed Faculty",
        search=lambda record: record.code,
    ),
    AdminSpec(
        model=Course,
        factory=CourseFactory,
        add_data=lambda: {
            "institution": InstitutionFactory().pk,
            "name": "Bachelor of Law",
            "code": "LAW-2026",
            "status": "active",
        },
        change_field="name",
        change_value="Renamed Course",
        search=lambda record: record.code,
        inline_data=no_enrollment_rows,
    ),
    AdminSpec(
        model=Cohort,
        factory=CohortFactory,
        add_data=lambda: {
            "course": CourseFactory().pk,
            "code": "LAW-2026-A",
            "start_date": "2026-02-01",
            "end_date": "2026-12-01",
        },
        change_field="code",
        change_value="RENAMED-COHORT",
        search=lambda record: record.code,
    ),
    AdminSpec(
        model=Student,
        factory=StudentFactory,
        add_data=lambda: {
            "name": "Maria Lopes",
            "email": "maria.lopes@example.edu",
            "date_of_birth": "2001-03-04",
        },
        change_field="name",
        change_value="Renamed Student",
        search=lambda record: record.email,
        inline_data=no_enrollment_rows,
    ),
    AdminSpec(
        model=Enrollment,
        factory=DroppedEnrollmentFactory,
        add_data=lambda: {
            "student": StudentFactory().pk,
            "course": CourseFactory().pk,
            "completion_status": "enrolled",
            "enrolled_at": "2026-02-01",
        },
        change_field="grade",
        change_value="8.50",
        search=lambda record: record.student.email,
    ),
]


def form_data(response) -> dict:
    """What the browser would post back from a rendered admin change form, unchanged."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms.append(formset.management_form)
        forms.extend(formset.forms)
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is None or value is False:
                continue
            data[form.add_prefix(name)] = "on" if value is True else str(value)
    return data
