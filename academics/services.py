"""Writes to academic records. The admin, the API, imports and commands all come through here,
so the rules (model constraints and `clean()`, deletion protection) are applied once."""

from collections import Counter
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from academics import messages as msg
from academics.choices import CompletionStatus, CourseStatus
from academics.models import Course, Enrollment, RecordModel
from academics.records import record_type


class DeletionProtected(Exception):
    """Deleting would orphan live records that depend on the one being deleted."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def record_save(*, record: RecordModel) -> RecordModel:
    """Validate `record` against every rule and save it; raises ValidationError, saves nothing
    on failure. History names whoever acts (academics/history.py)."""
    problems = {}
    try:
        record.full_clean()
    except ValidationError as error:
        problems = error.update_error_dict(problems)
    for name, message in deleted_references(record).items():
        problems.setdefault(name, []).append(ValidationError(message, code="does_not_exist"))
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError as error:
        # A concurrent write won the race that full_clean() checked; report it the same way.
        raise ValidationError(_constraint_error(record, error)) from error
    return record


def deleted_references(record: RecordModel) -> dict[str, str]:
    """The relations of `record` that name a soft-deleted record: a reference must name a live
    record, whoever writes it. A related record already loaded (by the caller, or by `clean()`)
    is checked without a query."""
    problems = {}
    for relation in record_type(type(record)).relations:
        related_id = getattr(record, relation.attname)
        if related_id is None:
            continue
        related = relation.get_cached_value(record, default=None)
        if related is not None and related.pk == related_id:
            deleted = related.deleted_at is not None
        else:
            deleted = relation.related_model.all_objects.deleted().filter(pk=related_id).exists()
        if deleted:
            problems[relation.name] = msg.SELECTED_INVALID.format(attribute=relation.verbose_name)
    return problems


def _constraint_error(record: RecordModel, error: IntegrityError) -> dict | str:
    text = str(error)
    for constraint in record._meta.constraints:
        if constraint.name in text:
            field = record.constraint_fields.get(constraint.name, "__all__")
            return {field: [constraint.violation_error_message]}
    raise error


def _plural(count: int, model) -> str:
    name = model._meta.verbose_name if count == 1 else model._meta.verbose_name_plural
    return f"{count} {name}"


def deletion_blockers(records: list[RecordModel]) -> dict[int, Counter]:
    """For each record (by pk) that cannot be deleted, how many live rows of which model depend
    on it. One query per protecting relation, whatever the number of records."""
    if not records:
        return {}
    model = type(records[0])
    blockers: dict[int, Counter] = {}
    for relation in record_type(model).protected_by:
        dependent = relation.related_model
        fk_name = relation.field.name
        counts = (
            dependent.objects.filter(**{f"{fk_name}__in": [r.pk for r in records]})
            .values(fk_name)
            .annotate(total=Count("pk"))
        )
        for row in counts:
            blockers.setdefault(row[fk_name], Counter())[dependent] += row["total"]
    return blockers


def deletion_protected_message(record: RecordModel, dependents: Counter) -> str:
    parts = [_plural(count, model) for model, count in dependents.items()]
    total = sum(dependents.values())
    return msg.DELETE_PROTECTED.format(
        model=record._meta.verbose_name,
        dependents=" and ".join(parts),
        verb="references" if total == 1 else "reference",
    )


@transaction.atomic
def records_soft_delete(*, records: list[RecordModel]) -> None:
    """Soft-delete all `records` or none: raises DeletionProtected naming the first record that
    live records still depend on."""
    blockers = deletion_blockers(records)
    for record in records:
        if record.pk in blockers:
            raise DeletionProtected(deletion_protected_message(record, blockers[record.pk]))
    now = timezone.now()
    for record in records:
        record.deleted_at = now
        record.save(update_fields=["deleted_at", "updated_at"])


def record_soft_delete(*, record: RecordModel) -> None:
    records_soft_delete(records=[record])


def record_restore(*, record: RecordModel) -> RecordModel:
    """Bring a soft-deleted record back, if no live record has taken its unique values since
    and every record it belongs to is live (a live enrollment of a deleted student would be
    seen by nobody, yet count against the student's next one)."""
    deleted_parents = {
        field.name: msg.RESTORE_PARENT_DELETED.format(model=field.related_model._meta.verbose_name)
        for field in record._meta.concrete_fields
        if field.many_to_one
        and issubclass(field.related_model, RecordModel)
        and getattr(record, field.attname) is not None
        and field.related_model.all_objects.deleted()
        .filter(pk=getattr(record, field.attname))
        .exists()
    }
    if deleted_parents:
        raise ValidationError(deleted_parents)
    record.deleted_at = None
    return record_save(record=record)


def course_set_status(*, course: Course, status: CourseStatus) -> Course:
    course.status = status
    return record_save(record=course)


def enrollment_complete(
    *, enrollment: Enrollment, completed_at: date, grade: Decimal | None = None
) -> Enrollment:
    enrollment.completion_status = CompletionStatus.COMPLETED
    enrollment.completed_at = completed_at
    if grade is not None:
        enrollment.grade = grade
    return record_save(record=enrollment)


def enrollment_drop(*, enrollment: Enrollment) -> Enrollment:
    enrollment.completion_status = CompletionStatus.DROPPED
    return record_save(record=enrollment)
