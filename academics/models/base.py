import functools
import uuid

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router
from django.utils import timezone
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

from academics.history import Actor, actor_label, current_actor
from academics.models.checks import Undecidable, condition_holds, passes
from academics.models.uniques import unique_taken
from academics.models.writes import CompiledWrites
from academics.wording import reworded


class LiveQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)

    def for_write(self):
        """The records' own rows (not those `select_related` joins in) locked for an update of
        their non-key columns until the transaction ends, as `lock_for_write` locks one: read
        so, a record is what `record_save(row_locked=True)` writes on top of."""
        return self.select_for_update(no_key=True, of=("self",))


class LiveManager(models.Manager.from_queryset(LiveQuerySet)):
    """The default manager: soft-deleted rows do not exist for ordinary code."""

    def get_queryset(self):
        return super().get_queryset().live()


class HistoryActor(CompiledWrites):
    """Who made a history row's change (academics/history.py): the kind of actor (api_client,
    staff, import, system) and its name (the client, user, file or command). The row's change
    reason is left for a reason someone gave (a reopened enrollment's, say)."""

    history_actor_type = models.CharField(max_length=16, blank=True, default="")
    history_actor_name = models.CharField(max_length=255, blank=True, default="")

    class Meta:
        abstract = True

    @property
    def actor(self) -> str:
        return actor_label(self.history_actor_type, self.history_actor_name)


class RecordHistoryManager(HistoryManager):
    """simple-history's manager, its class built once: `record.history` builds the manager's
    class from its queryset's on every access, and every save reads it (bench/README.md,
    write_profile.py)."""

    @classmethod
    @functools.cache
    def from_queryset(cls, queryset_class, class_name=None):
        return super().from_queryset(queryset_class, class_name)


# The actor columns of a history row written by no one in particular (their defaults).
NO_ACTOR = Actor("", "")


@functools.cache
def _history_of(model, records: "RecordHistory") -> tuple[type, tuple[str, ...]]:
    """`model`'s history model, and the columns of the record its rows copy."""
    fields = records.fields_included(model)
    return model.history.model, tuple(field.column for field in fields)


class RecordHistory(HistoricalRecords):
    """simple-history's records, indexed for how history is read: a record's entries (`id`), by
    date (`history_date`), by user (`history_user`). The historical model would otherwise copy
    every index of the live table (uuid, timestamps, status, relations), which no history query
    uses and every write pays for: eight more index entries per enrollment change."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("history_manager", RecordHistoryManager)
        super().__init__(*args, **kwargs)

    def contribute_to_class(self, cls, name):
        super().contribute_to_class(cls, name)
        cls.history_records = self  # inherited by every record model (`inherit=True`)

    def post_save(self, instance, created, using=None, **kwargs):
        # The record's own statement wrote the row (academics/models/writes.py).
        if instance.__dict__.pop("history_written", False):
            return
        super().post_save(instance, created, using=using, **kwargs)

    def history_values(self, instance, history_type: str):
        """What `create_historical_record` would write for `instance` (CompiledWrites'
        `history_values`): the history model, the record's columns it copies, and its own
        columns' values; None when no history is written (simple-history's switches)."""
        if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
            return None
        if hasattr(instance, "skip_history_when_saving"):
            return None
        user = self.get_history_user(instance)
        actor = current_actor()
        own = {
            "history_date": getattr(instance, "_history_date", timezone.now()),
            "history_type": history_type,
            "history_user_id": user.pk if user is not None else None,
            "history_change_reason": self.get_change_reason_for_object(
                instance, history_type, None
            ),
            **(actor or NO_ACTOR).history_columns(),
        }
        return *_history_of(type(instance), self), own

    def get_history_user(self, instance):
        # Who acts is set once per entry point (academics/history.py); an explicit
        # `_history_user` on the instance still wins.
        if hasattr(instance, "_history_user"):
            return instance._history_user
        actor = current_actor()
        return actor.user if actor is not None else None

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        for field in fields.values():
            if field.name != model._meta.pk.attname:
                field.db_index = False
        return fields


class RecordModel(CompiledWrites):
    """Base of every academic record: a public `uuid`, timestamps, soft deletion and a
    `revision` that every write bumps (the API's ETag, the admin's stale-form check).

    Subclasses declare `constraint_fields`: constraint name -> the field its violation is
    reported on, so that database rules surface as per-field validation errors (as the API
    reports them). What protects a record from deletion is its `PROTECT` relations
    (`academics.records.RecordType.protected_by`).
    """

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    # db_default too: a raw writer (COPY, SQL) that names no revision still starts at 1.
    revision = models.PositiveBigIntegerField(default=1, db_default=1, editable=False)

    objects = LiveManager()
    all_objects = LiveQuerySet.as_manager()
    # Who changed what and when, before and after, whatever the entry point.
    history = RecordHistory(inherit=True, bases=[HistoryActor], excluded_fields=["revision"])

    constraint_fields: dict[str, str] = {}

    def history_values(self, history_type: str):
        return self.history_records.history_values(self, history_type)

    class Meta:
        abstract = True
        ordering = ["created_at", "uuid"]
        # Related-object access (enrollment.course) still finds soft-deleted rows.
        base_manager_name = "all_objects"

    @classmethod
    def from_db(cls, db, field_names, values):
        # What was read, so that a save writes only the fields its writer changed since
        # (academics.services.record_save).
        instance = super().from_db(db, field_names, values)
        instance.loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def unchanged_fields(self) -> set[str]:
        """Names of the fields that still hold the value read from the database (none for a
        new record): a rule that covers only these was kept when the row was written."""
        loaded = getattr(self, "loaded_values", None)
        if self._state.adding or loaded is None:
            return set()
        return {
            field.name
            for field in self._meta.concrete_fields
            if field.attname in loaded and getattr(self, field.attname) == loaded[field.attname]
        }

    def clean_fields(self, exclude=None):
        # A reference's existence is not looked up here (a query per relation): the caller read
        # the record it names, or it is unchanged, and `record_save` locks it and checks that it
        # is live (academics/services.py).
        exclude = set(exclude or ())
        unchanged = self.unchanged_fields()
        for field in self._meta.concrete_fields:
            named = field.is_relation and getattr(self, field.attname) is not None
            if named and (field.is_cached(self) or field.name in unchanged):
                exclude.add(field.name)
        # Field checks in the one vocabulary (academics/wording.py), as the API words them.
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            fields = {f.name: f for f in self._meta.concrete_fields}
            raise ValidationError(reworded(error, fields)) from error

    def validate_unique(self, exclude=None):
        # A unique field that keeps its stored value still is unique; a new record's `uuid` is
        # a fresh uuid4 (a clash is left to the unique index, reported by the services).
        exclude = set(exclude or ()) | self.unchanged_fields()
        if self._state.adding:
            exclude.add("uuid")
        super().validate_unique(exclude=exclude)

    # False while `full_clean_but_uniques` runs: the unique rules are left to the write.
    ask_unique_rules = True

    def full_clean_but_uniques(self) -> None:
        """`full_clean` without asking the database about the unique rules, for a caller whose
        write the unique indexes then guard, their violation raised as the rule's own error
        (academics/services.py, `_constraint_errors`): a statement fewer per write. When any
        other rule fails, the unique ones are asked too, so that every problem is reported at
        once."""
        self.ask_unique_rules = False
        try:
            self.full_clean()
        except ValidationError:
            del self.ask_unique_rules
            self.full_clean()  # raises, the unique rules' errors included
            raise
        finally:
            self.__dict__.pop("ask_unique_rules", None)

    def validate_constraints(self, exclude=None):
        """Every constraint's rule, reported on the field `constraint_fields` names. Check
        constraints are decided in Python (academics/models/checks.py); a unique constraint is
        asked of the database only when a field it covers changed (and not at all by
        `full_clean_but_uniques`)."""
        errors: dict[str, list] = {}
        exclude = set(exclude or ())
        unchanged = self.unchanged_fields()
        using = router.db_for_write(self.__class__, instance=self)
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                covered = {ref[0] for ref in self._constraint_references(constraint)}
                if covered & exclude:
                    continue
                unique = isinstance(constraint, models.UniqueConstraint)
                if unique and not self.ask_unique_rules:
                    continue
                if unique and unchanged and covered <= unchanged:
                    continue
                try:
                    self._validate_constraint(model_class, constraint, exclude, using)
                except ValidationError as error:
                    field = self.constraint_fields.get(constraint.name, NON_FIELD_ERRORS)
                    errors.setdefault(field, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)

    def _validate_constraint(self, model_class, constraint, exclude, using) -> None:
        try:
            if isinstance(constraint, models.CheckConstraint):
                violated = not passes(constraint, self)
            elif isinstance(constraint, models.UniqueConstraint):
                violated = self._unique_taken(constraint, using)
            else:
                raise Undecidable(constraint)
        except Undecidable:
            constraint.validate(model_class, self, exclude=exclude, using=using)
            return
        if violated:
            raise ValidationError(
                constraint.get_violation_error_message(), code=constraint.violation_error_code
            )

    def _unique_taken(self, constraint, using) -> bool:
        """Whether another live record holds this one's values of a unique constraint: one
        EXISTS compiled once per shape (academics/models/uniques.py), asked only when the rule
        covers this record (its condition decided in Python)."""
        condition = constraint.condition
        if condition is not None and condition_holds(condition, self) is False:
            return False  # the rule does not cover this record
        return unique_taken(self, constraint, using)

    @classmethod
    def _constraint_references(cls, constraint):
        """The field-name paths a constraint reads: its fields, expressions and condition."""
        yield from ((name,) for name in getattr(constraint, "fields", ()))
        for expression in getattr(constraint, "expressions", ()):
            yield from cls._get_expr_references(expression)
        if constraint.condition is not None:
            yield from cls._get_expr_references(constraint.condition)
