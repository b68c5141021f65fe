"""Finalization of enrollments (docs/api.md, Enrollment lifecycle): what a finalized enrollment
freezes. The services (`academics.services`) and the importer (`academics.transfer.importer`)
ask here, so every writer refuses the same things with the same words.

- A finalized enrollment refuses every change and its deletion (`Conflict`, 409 in the API)
  until it is reopened.
- The fields of a parent record that give a finalized enrollment its meaning cannot change while
  one depends on it (`FIXED_WHILE_FINALIZED`, a validation error on the field): the course's
  workload hours weight the transcript's average, and its `graded` flag says whether the grade
  the certificate shows was expected. Names and codes stay editable (spelling corrections; the
  history keeps the old text); deleting a course, cohort or student with live enrollments is
  refused anyway (deletion protection).
"""

from django.core.exceptions import ValidationError
from django.db.models import Count

from academics import messages as msg
from academics.models import Course, Enrollment
from academics.wording import attribute

FIXED_WHILE_FINALIZED: dict[type, tuple[str, ...]] = {Course: ("workload_hours", "graded")}


def can_be_finalized(model) -> bool:
    return model is Enrollment


def finalized_pks(model, pks) -> set[int]:
    """Those of `pks` naming finalized records of `model` (none for other models)."""
    if not can_be_finalized(model) or not pks:
        return set()
    rows = model.all_objects.filter(pk__in=list(pks), finalized_at__isnull=False)
    return set(rows.values_list("pk", flat=True))


def finalized_dependants(model, pks) -> dict[int, int]:
    """For records of `model` whose fields are fixed while finalized enrollments depend on them:
    pk -> how many live finalized enrollments do. One query, none for other models."""
    if model not in FIXED_WHILE_FINALIZED or not pks:
        return {}
    fk = model._meta.model_name
    rows = (
        Enrollment.objects.filter(**{f"{fk}__in": list(pks)}, finalized_at__isnull=False)
        .values(fk)
        .annotate(total=Count("pk"))
    )
    return {row[fk]: row["total"] for row in rows}


def fixed_field_errors(model, changed: set[str], dependants: int) -> dict[str, str]:
    """Field -> message for each changed field that finalized enrollments fix."""
    if not dependants:
        return {}
    return {
        name: msg.FINALIZED_PARENT_FIELD.format(
            attribute=attribute(name),
            count=dependants,
            enrollments="enrollment" if dependants == 1 else "enrollments",
        )
        for name in FIXED_WHILE_FINALIZED.get(model, ())
        if name in changed
    }


def check_fixed_fields(record, changed: set[str]) -> None:
    """Raise ValidationError when `record`'s changed fields are fixed by finalized enrollments."""
    fixed = set(FIXED_WHILE_FINALIZED.get(type(record), ())) & changed
    if not fixed:
        return
    dependants = finalized_dependants(type(record), [record.pk]).get(record.pk, 0)
    errors = fixed_field_errors(type(record), fixed, dependants)
    if errors:
        raise ValidationError(errors)
