"""The one base layer of the registrar admin: every record ModelAdmin inherits soft deletion with
its protection, restore, history and service-backed saves from `RecordAdmin`, so the per-model
classes only declare columns, filters and search fields."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from simple_history.admin import SimpleHistoryAdmin

from academics import messages as msg
from academics.admin.pickers import RelatedPickers
from academics.history import STAFF
from academics.lifecycle import finalized_pks
from academics.quality import BY_KEY, checks_of
from academics.services import (
    Conflict,
    DeletionProtected,
    RecordChanged,
    RecordFinalized,
    deletion_blockers,
    deletion_protected_message,
    record_lock_unchanged,
    record_restore,
    record_save,
    record_soft_delete,
    records_soft_delete,
)
from academics.transfer.admin import TransferAdminMixin
from academics.wording import PEOPLE_NAMES, for_people, message_for

RECORD_READONLY_FIELDS = ("uuid", "created_at", "updated_at", "deleted_at")
MSG_RESTORED = "Restored {count} {name}."
MSG_RESTORE_FAILED = "{record} could not be restored: {errors}"
MSG_NOTHING_TO_RESTORE = "None of the selected records is deleted."
MSG_NOTHING_CHANGED = "Nothing was changed: {record}: {errors}"
MSG_NOT_DELETED = "Nothing was deleted: {record}: {reason}"
# The hidden field of a change form that carries the revision the form was opened at.
REVISION_SEEN = "revision_seen"


class RevisionSeenField(forms.IntegerField):
    widget = forms.HiddenInput

    def has_changed(self, initial, data):
        return False  # bookkeeping, not an edit: an untouched inline row stays unsaved


def last_change(record) -> str:
    """Who made the record's latest change and when, as the history shows it."""
    entry = record.history.order_by("-history_date").first()
    if entry is None:
        return msg.RECORD_CHANGED_BY.format(who="someone", when="just now")
    staff = entry.history_actor_type == STAFF
    who = (entry.history_actor_name if staff else entry.actor) or entry.history_user or "someone"
    when = timezone.localtime(entry.history_date).strftime("%Y-%m-%d %H:%M:%S")
    return msg.RECORD_CHANGED_BY.format(who=who, when=when)


class RecordForm(forms.ModelForm):
    """Runs every model rule, constraints included, while the form can still show the errors
    on their fields, in the wording the API and imports use (academics/wording.py); and refuses
    to save over a change made since the form was opened (the record's row stays locked from this
    check to the save, in the admin's transaction)."""

    revision_seen = RevisionSeenField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            for code in ("required", "invalid", "invalid_choice", "max_length"):
                if code in field.error_messages:
                    text = message_for(code, name, field, field.error_messages[code])
                    # Django fills `%(value)s`-style parameters in; ours have none left.
                    field.error_messages[code] = text.replace("%", "%%")
        for name, label in PEOPLE_NAMES.items():
            if name in self.fields:
                self.fields[name].label = capfirst(label)
        if self.instance.pk is not None:
            self.fields[REVISION_SEEN].initial = self.instance.revision

    def full_clean(self):
        super().full_clean()
        for errors in (self._errors or {}).values():
            errors.data = [ValidationError(for_people(message)) for message in errors]

    def clean(self):
        cleaned = super().clean()
        # A finalized enrollment (in a student's inline, say) changes only by being reopened.
        finalized = getattr(self.instance, "is_finalized", False)
        if finalized and (cleaned.get("DELETE") or self.has_changed()):
            raise ValidationError(msg.ENROLLMENT_FINALIZED)
        seen = cleaned.get(REVISION_SEEN)
        if seen is not None and self.instance.pk is not None:
            try:
                record_lock_unchanged(record=self.instance, expected_revision=seen)
            except RecordChanged as error:
                raise ValidationError(last_change(error.record)) from error
        return cleaned

    def _get_validation_exclusions(self):
        # Constraint conditions read `deleted_at`, which is never on a form; Django silently
        # skips a constraint whose condition names an excluded field (unique email, code...).
        exclusions = super()._get_validation_exclusions()
        exclusions.discard("deleted_at")
        return exclusions


class QualityFilter(admin.SimpleListFilter):
    """The records a data-quality check finds (academics/quality.py): where the data-quality
    page and `manage.py records_check` link to."""

    title = "data quality"
    parameter_name = "quality"

    def lookups(self, request, model_admin):
        return [(check.key, check.title) for check in checks_of(model_admin.model)]

    def queryset(self, request, queryset):
        check = BY_KEY.get(self.value())
        if check is None or check.model is not queryset.model:
            return queryset
        return queryset.filter(pk__in=check.records().values("pk"))


class DeletedFilter(admin.SimpleListFilter):
    """Soft-deleted rows stay out of sight unless asked for; "No" is the default."""

    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return (("no", "No"), ("yes", "Yes"))

    def choices(self, changelist):
        current = self.value() or "no"
        for value, label in self.lookup_choices:
            yield {
                "selected": current == value,
                "query_string": changelist.get_query_string({self.parameter_name: value}),
                "display": label,
            }

    def queryset(self, request, queryset):
        return queryset.deleted() if self.value() == "yes" else queryset.live()


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


def apply_all_or_nothing(modeladmin, request, records, operation) -> bool:
    """Run `operation(record)` (a service call) on every record in one transaction: the first
    rule broken rolls everything back and is reported, naming the record."""
    with transaction.atomic():
        for record in records:
            try:
                operation(record)
            except (ValidationError, Conflict) as error:
                transaction.set_rollback(True)
                text = error.message if isinstance(error, Conflict) else _error_text(error)
                modeladmin.message_user(
                    request,
                    for_people(MSG_NOTHING_CHANGED.format(record=record, errors=text)),
                    messages.ERROR,
                )
                return False
    return True


@admin.action(permissions=["delete"], description="Delete selected %(verbose_name_plural)s")
def delete_selected(modeladmin, request, queryset):
    """Django's confirm-then-delete action; deletion protection (or a finalized enrollment) turns
    into an error message."""
    try:
        return django_delete_selected(modeladmin, request, queryset)
    except Conflict as error:
        modeladmin.message_user(request, error.message, messages.ERROR)
        return None


@admin.action(permissions=["change"], description="Restore selected %(verbose_name_plural)s")
def restore_selected(modeladmin, request, queryset):
    restored = 0
    for record in queryset.deleted():
        try:
            record_restore(record=record)
        except ValidationError as error:
            modeladmin.message_user(
                request,
                MSG_RESTORE_FAILED.format(record=record, errors=_error_text(error)),
                messages.ERROR,
            )
        else:
            restored += 1
    if restored:
        opts = modeladmin.opts
        name = opts.verbose_name if restored == 1 else opts.verbose_name_plural
        modeladmin.message_user(
            request, MSG_RESTORED.format(count=restored, name=name), messages.SUCCESS
        )
    elif not queryset.deleted().exists():
        modeladmin.message_user(request, MSG_NOTHING_TO_RESTORE, messages.WARNING)


class RecordAdmin(RelatedPickers, TransferAdminMixin, SimpleHistoryAdmin):
    """Admin of a `RecordModel`: writes go through `academics.services`, deletes are soft and
    protected like the API's, the history page shows who changed what, records are imported
    and exported as files (`TransferAdminMixin`), and pickers behave alike (`RelatedPickers`)."""

    form = RecordForm
    actions = [delete_selected, restore_selected]
    # Who made each change: staff user, API client, import file or command.
    history_list_display = ["actor"]
    readonly_fields = RECORD_READONLY_FIELDS
    show_full_result_count = False
    list_per_page = 50

    def get_list_filter(self, request):
        quality = (QualityFilter,) if checks_of(self.model) else ()
        return (*super().get_list_filter(request), *quality, DeletedFilter)

    def get_queryset(self, request):
        # All rows: DeletedFilter narrows the changelist; change and history pages of a deleted
        # record stay reachable (read-only), so it can be inspected before restoring it.
        queryset = self.model.all_objects.get_queryset()
        ordering = self.get_ordering(request)
        if ordering:
            queryset = queryset.order_by(*ordering)
        if request.resolver_match and request.resolver_match.url_name == "autocomplete":
            queryset = queryset.live()
        return queryset

    def has_change_permission(self, request, obj=None):
        # A deleted record is read-only until restored, a finalized one until reopened.
        if obj is not None and (obj.is_deleted or getattr(obj, "is_finalized", False)):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_deleted:
            return False
        return super().has_delete_permission(request, obj)

    def revert_disabled(self, request, obj=None):
        # A past version is for reading; corrections are new changes with today's rules.
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a POST here even with revert disabled, whatever the user's role.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_fields(self, request, obj=None):
        fields = [name for name in super().get_fields(request, obj) if name != REVISION_SEEN]
        if obj is not None and self.has_change_permission(request, obj):
            fields.append(REVISION_SEEN)
        return fields

    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        record_save(record=obj, expected_revision=form.cleaned_data.get(REVISION_SEEN))

    def save_formset(self, request, form, formset, change):
        for record in formset.save(commit=False):
            record._history_user = request.user
            record_save(record=record)
        for record in formset.deleted_objects:
            record_soft_delete(record=record)
        formset.save_m2m()

    def get_deleted_objects(self, objs, request):
        """What a delete would remove: only the records themselves (soft deletion cascades
        nothing), or DeletionProtected when live records depend on one of them."""
        records = [record for record in objs if not record.is_deleted]
        finalized = finalized_pks(self.model, [record.pk for record in records])
        blockers = deletion_blockers(records)
        for record in records:
            if record.pk in finalized:
                refusal = RecordFinalized()
            elif record.pk in blockers:
                refusal = DeletionProtected(deletion_protected_message(record, blockers[record.pk]))
            else:
                continue
            if len(records) > 1:  # a bulk delete: say which of the selected records
                refusal.message = MSG_NOT_DELETED.format(record=record, reason=refusal.message)
            raise refusal
        count = {self.opts.verbose_name_plural: len(records)}
        return [str(record) for record in records], count, set(), []

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except Conflict as error:
            self.message_user(request, error.message, messages.ERROR)
            url = reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[object_id],
                current_app=self.admin_site.name,
            )
            return HttpResponseRedirect(url)

    def delete_model(self, request, obj):
        record_soft_delete(record=obj)

    def delete_queryset(self, request, queryset):
        records_soft_delete(records=list(queryset.live()))
