"""Writes to academic records. The admin, the API, imports and commands all come through here,
so the rules (model constraints and `clean()`, deletion protection, the revision, the row locks
of `academics.concurrency`) are applied once."""

from collections import Counter
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from academics import messages as msg
from academics.choices import CompletionStatus, CourseStatus
from academics.concurrency import lock_for_delete, lock_for_write, lock_live_records
from academics.lifecycle import check_fixed_fields, finalized_pks
from academics.models import Course, Enrollment, RecordModel
from academics.records import record_type


class Conflict(Exception):
    """The write contradicts the record's state (409 in the API); `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DeletionProtected(Conflict):
    """Deleting would orphan live records that depend on the one being deleted."""


class RecordFinalized(Conflict):
    """The record is finalized: it refuses every change and its deletion until it is reopened
    (docs/api.md, Enrollment lifecycle)."""

    def __init__(self, message: str = msg.ENROLLMENT_FINALIZED):
        super().__init__(message)


class RecordChanged(Exception):
    """The record's revision is not the one its writer read: it was changed since."""

    def __init__(self, record: RecordModel):
        super().__init__(msg.RECORD_CHANGED)
        self.record = record


class RecordGone(Exception):
    """The record was deleted while its writer was working on it."""

    def __init__(self, records: list[RecordModel]):
        super().__init__(", ".join(str(record.uuid) for record in records))
        self.records = records


Revisions = int | set[int] | None


def _revision_matches(current: int, expected: Revisions) -> bool:
    if expected is None:
        return True
    return current in expected if isinstance(expected, set) else current == expected


def _changed_fields(record: RecordModel) -> list:
    """The concrete fields `record`'s writer changed since it was read (see `from_db`); every
    field of a record whose reading is unknown (saved by other means, then kept in memory)."""
    loaded = getattr(record, "loaded_values", None)
    if loaded is None:
        return [field for field in record._meta.concrete_fields if not field.primary_key]
    return [
        field
        for field in record._meta.concrete_fields
        if field.attname in loaded and getattr(record, field.attname) != loaded[field.attname]
    ]


def _remember_loaded(record: RecordModel) -> None:
    record.loaded_values = {
        field.attname: getattr(record, field.attname) for field in record._meta.concrete_fields
    }


def _lock_parents(record: RecordModel, fields, *, restoring: bool = False) -> None:
    """Lock against deletion every live record `record` now references through `fields`
    (`academics.concurrency`), in one statement; a reference to a deleted one is a validation
    error."""
    relations = set(record_type(type(record)).relations)
    references = [
        (field, getattr(record, field.attname))
        for field in fields
        if field in relations and getattr(record, field.attname) is not None
    ]
    wanted: dict = {}
    for field, pk in references:
        wanted.setdefault(field.related_model, set()).add(pk)
    live = lock_live_records(wanted)
    errors = {}
    for field, pk in references:
        if pk not in live[field.related_model]:
            name = field.related_model._meta.verbose_name
            if restoring:
                text = msg.RESTORE_PARENT_DELETED.format(model=name)
            else:
                text = msg.SELECTED_INVALID.format(attribute=name)
            errors[field.name] = ValidationError(text, code="does_not_exist")
    if errors:
        raise ValidationError(errors)


def record_save(
    *, record: RecordModel, expected_revision: Revisions = None, row_locked: bool = False
) -> RecordModel:
    """Validate `record` against every rule and save it; raises ValidationError, saves nothing
    on failure.

    A new record is inserted. A record read from the database is written only where its writer
    changed it (a concurrent change of another field survives), on top of its row as it is now,
    locked; `expected_revision` (one revision or a set of them) makes the write refuse with
    RecordChanged when the record was changed since. Every write bumps `revision`. References
    to other records are checked live under a lock that a delete of them waits for.

    `row_locked`: the caller read `record` with its row locked for writing, in the transaction
    it is still in (`LiveQuerySet.for_write`), so what it read is the row as it is now: it is
    not locked and read again, and a failure rolls back the caller's whole transaction."""
    if record._state.adding:
        record.full_clean_but_uniques()
        with _constraint_errors(record), transaction.atomic():
            _lock_parents(record, record._meta.concrete_fields)
            record.save()
        _remember_loaded(record)
        return record
    if row_locked and not transaction.get_connection().in_atomic_block:
        # autocommit: the lock the caller took ended with the statement that took it
        raise transaction.TransactionManagementError(
            "record_save(row_locked=True) runs in the transaction that read the record locked."
        )
    with _constraint_errors(record), transaction.atomic(savepoint=not row_locked):
        changed = _changed_fields(record)
        if row_locked:
            current = dict(record.loaded_values)
        else:
            current = lock_for_write(type(record), record.pk)
        restoring = record.deleted_at is None and any(f.name == "deleted_at" for f in changed)
        if current is None or (current["deleted_at"] is not None and not restoring):
            raise RecordGone([record])
        if not _revision_matches(current["revision"], expected_revision):
            raise RecordChanged(record)
        for attname, value in current.items():
            if attname not in {field.attname for field in changed}:
                setattr(record, attname, value)
        record.loaded_values = current
        if not changed:
            return record
        # A finalized record changes only by being reopened (`enrollment_reopen`).
        if current.get("finalized_at") is not None and {f.name for f in changed} != {
            "finalized_at"
        }:
            raise RecordFinalized()
        record.full_clean_but_uniques()
        check_fixed_fields(record, {field.name for field in changed})
        if restoring:
            _lock_parents(record, record._meta.concrete_fields, restoring=True)
        else:
            _lock_parents(record, changed)
        record.revision = current["revision"] + 1
        names = {field.name for field in changed} | {"updated_at", "revision"}
        record.save(update_fields=sorted(names))
    _remember_loaded(record)
    return record


def record_check(*, record: RecordModel, exclude: set[str]) -> None:
    """Validate `record` against the model rules but those of the `exclude`d fields (whose
    value was refused before it reached the record); raises ValidationError, writes nothing.
    Lets a caller report the rules' errors together with its own (docs/api.md, Errors)."""
    record.full_clean(exclude=exclude)


def record_lock_unchanged(*, record: RecordModel, expected_revision: Revisions) -> None:
    """Lock `record`'s row for the rest of the transaction, as its write will; raises
    RecordChanged when its revision is not `expected_revision` (it was changed since)."""
    current = lock_for_write(type(record), record.pk)
    if current is None or not _revision_matches(current["revision"], expected_revision):
        raise RecordChanged(record)


@contextmanager
def _constraint_errors(record: RecordModel):
    """A unique or check constraint the database enforces, raised as the rule's ValidationError,
    the same as `full_clean` raises for it: the unique rules are left to the write
    (`RecordModel.full_clean_but_uniques`), and a concurrent write may win a race that
    `full_clean` checked."""
    try:
        yield
    except IntegrityError as error:
        raise ValidationError(_constraint_error(record, error)) from error


def _constraint_error(record: RecordModel, error: IntegrityError) -> dict | str:
    text = str(error)
    for constraint in record._meta.constraints:
        if constraint.name in text:
            field = record.constraint_fields.get(constraint.name, "__all__")
            return {field: [constraint.get_violation_error_message()]}
    # A new record's uuid is not looked up before the insert (RecordModel.validate_unique).
    if f"{record._meta.db_table}_uuid_key" in text:
        return {"uuid": [msg.UUID_TAKEN]}
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
def records_soft_delete(
    *, records: list[RecordModel], expected_revisions: dict[int, Revisions] | None = None
) -> None:
    """Soft-delete all `records` or none: raises DeletionProtected naming the first record that
    live records still depend on, RecordGone when one was deleted meanwhile, RecordChanged when
    one's revision is not the expected one (`expected_revisions`, by pk). The records are
    locked first, so no new dependant can appear between the count and the delete."""
    if not records:
        return
    current = lock_for_delete(type(records[0]), [record.pk for record in records])
    gone = [record for record in records if current.get(record.pk, (0, True))[1]]
    if gone:
        raise RecordGone(gone)
    for record in records:
        expected = (expected_revisions or {}).get(record.pk)
        if not _revision_matches(current[record.pk][0], expected):
            raise RecordChanged(record)
    if finalized_pks(type(records[0]), current):
        raise RecordFinalized()
    blockers = deletion_blockers(records)
    for record in records:
        if record.pk in blockers:
            raise DeletionProtected(deletion_protected_message(record, blockers[record.pk]))
    now = timezone.now()
    for record in records:
        record.deleted_at = now
        record.revision = current[record.pk][0] + 1
        record.save(update_fields=["deleted_at", "updated_at", "revision"])
        _remember_loaded(record)


def record_soft_delete(*, record: RecordModel, expected_revision: Revisions = None) -> None:
    records_soft_delete(records=[record], expected_revisions={record.pk: expected_revision})


def record_restore(*, record: RecordModel) -> RecordModel:
    """Bring a soft-deleted record back, if no live record has taken its unique values since
    and every record it belongs to is live (a live enrollment of a deleted student would be
    seen by nobody, yet count against the student's next one): `record_save` locks them."""
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
    # A completion date is only for completed enrollments (docs/api.md, Enrollment lifecycle).
    enrollment.completed_at = None
    return record_save(record=enrollment)


FINALIZABLE = (CompletionStatus.COMPLETED, CompletionStatus.DROPPED)


def _lock_current(enrollment: Enrollment, expected_revision: Revisions) -> None:
    """Lock the enrollment's row and put its current values on the instance."""
    current = lock_for_write(Enrollment, enrollment.pk)
    if current is None or current["deleted_at"] is not None:
        raise RecordGone([enrollment])
    if not _revision_matches(current["revision"], expected_revision):
        raise RecordChanged(enrollment)
    for attname, value in current.items():
        setattr(enrollment, attname, value)
    enrollment.loaded_values = current


@transaction.atomic
def enrollment_finalize(
    *, enrollment: Enrollment, reason: str = "", expected_revision: Revisions = None
) -> Enrollment:
    """Finalize a completed or dropped enrollment that keeps every rule: from now on it refuses
    every change and its deletion until `enrollment_reopen`. The history entry names the actor
    (academics/history.py) and the optional `reason`."""
    _lock_current(enrollment, expected_revision)
    if enrollment.is_finalized:
        raise RecordFinalized()
    # The course as it is now, kept so until this commits (academics/concurrency.py).
    course = lock_for_write(Course, enrollment.course_id, mode="SHARE")
    if enrollment.completion_status not in FINALIZABLE:
        raise ValidationError({"completion_status": msg.ENROLLMENT_NOT_FINALIZABLE})
    if (
        enrollment.completion_status == CompletionStatus.COMPLETED
        and enrollment.grade is None
        and course["graded"]
    ):
        raise ValidationError({"grade": msg.ENROLLMENT_GRADE_TO_FINALIZE})
    enrollment.finalized_at = timezone.now()
    enrollment._change_reason = (reason or "").strip() or None
    return record_save(record=enrollment)


@transaction.atomic
def enrollment_reopen(
    *, enrollment: Enrollment, reason: str, expected_revision: Revisions = None
) -> Enrollment:
    """Reopen a finalized enrollment so that it can be changed again; `reason` is required and
    kept as the history entry's change reason."""
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise ValidationError({"reason": msg.REASON_REQUIRED})
    _lock_current(enrollment, expected_revision)
    if not enrollment.is_finalized:
        raise Conflict(msg.ENROLLMENT_NOT_FINALIZED)
    enrollment.finalized_at = None
    enrollment._change_reason = reason
    return record_save(record=enrollment)
