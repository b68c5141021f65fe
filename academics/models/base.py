import uuid

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, router
from simple_history.models import HistoricalRecords

from academics.history import actor_label, current_actor
from academics.wording import reworded


class LiveQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)


class LiveManager(models.Manager.from_queryset(LiveQuerySet)):
    """The default manager: soft-deleted rows do not exist for ordinary code."""

    def get_queryset(self):
        return super().get_queryset().live()


class HistoryActor(models.Model):
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


class RecordHistory(HistoricalRecords):
    """simple-history's records, indexed for how history is read: a record's entries (`id`), by
    date (`history_date`), by user (`history_user`). The historical model would otherwise copy
    every index of the live table (uuid, timestamps, status, relations), which no history query
    uses and every write pays for: eight more index entries per enrollment change."""

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


class RecordModel(models.Model):
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

    def clean_fields(self, exclude=None):
        # Field checks in the one vocabulary (academics/wording.py), as the API words them.
        try:
            super().clean_fields(exclude)
        except ValidationError as error:
            fields = {f.name: f for f in self._meta.concrete_fields}
            raise ValidationError(reworded(error, fields)) from error

    def validate_constraints(self, exclude=None):
        errors: dict[str, list] = {}
        using = router.db_for_write(self.__class__, instance=self)
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as error:
                    field = self.constraint_fields.get(constraint.name, NON_FIELD_ERRORS)
                    errors.setdefault(field, []).extend(error.error_list)
        if errors:
            raise ValidationError(errors)
