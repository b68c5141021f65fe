"""The grade sheet (docs/admin.md, Grade sheet): a cohort's or a course's enrollments on one page,
where a registrar types statuses, grades and completion dates for all of them and saves them at
once, or completes, drops or finalizes the selected rows.

Every row goes through the services (`record_save`, `enrollment_complete`, ...), so the rules
are the API's; the sheet only collects their errors per row. A save is all or nothing: each row
is tried in a savepoint of one transaction, and any error rolls the whole sheet back."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone

from academics import messages as msg
from academics.admin.base import last_change
from academics.choices import CompletionStatus
from academics.models import Enrollment
from academics.services import (
    Conflict,
    RecordChanged,
    RecordGone,
    enrollment_complete,
    enrollment_drop,
    enrollment_finalize,
    record_lock_unchanged,
    record_save,
)

# Rows per page: 2,000 rows of inputs make a slow page to render and to use; 200 is a screenful
# of scrolling and serves well within the 300 ms budget (bench/admin_pages.py).
ROWS_PER_PAGE = 200
MSG_SAVED = "Saved {count} enrollment(s)."
MSG_NOTHING_TO_SAVE = "No changes to save."
MSG_NOTHING_SAVED = "Nothing was saved: {count} row(s) break a rule; see the rows marked below."
MSG_NOTHING_SAVED_TYPED = "Nothing was saved: correct the values marked below."
MSG_NONE_SELECTED = "Select the rows to apply the action to."
MSG_GONE = "The enrollment was deleted meanwhile; reload the sheet."
MSG_ACTION_DONE = {
    "complete": "{count} enrollment(s) marked completed on {date}.",
    "drop": "{count} enrollment(s) dropped.",
    "finalize": "{count} enrollment(s) finalized.",
}
SHEET_FIELDS = ("completion_status", "grade", "completed_at")


class GradeRowForm(forms.Form):
    """One row as typed. The form only parses values; every rule is the services' (a grade of
    11 or 8.555 parses, and `record_save` refuses it with the API's message)."""

    id = forms.IntegerField(widget=forms.HiddenInput)
    revision = forms.IntegerField(widget=forms.HiddenInput)
    selected = forms.BooleanField(required=False)
    completion_status = forms.ChoiceField(choices=CompletionStatus.choices)
    grade = forms.DecimalField(
        required=False, error_messages={"invalid": msg.NUMERIC.format(attribute="grade")}
    )
    completed_at = forms.DateField(
        required=False, error_messages={"invalid": msg.DATE.format(attribute="completed at")}
    )


GradeRowFormSet = forms.formset_factory(GradeRowForm, extra=0)


class ActionForm(forms.Form):
    action = forms.ChoiceField(choices=[(key, key) for key in MSG_ACTION_DONE], required=False)
    action_date = forms.DateField(required=False, initial=timezone.localdate)


@dataclass
class Row:
    enrollment: Enrollment
    form: GradeRowForm | None  # None: read-only (a viewer, or a finalized enrollment)
    errors: list[str]

    @property
    def values(self) -> dict[str, str]:
        """The inputs' values as typed (or as stored), read once per row: the template would
        otherwise build a bound field for each use (bench/admin_pages.py)."""
        if self.form is None:
            return {}
        values = {name: self.form[name].value() for name in self.form.fields}
        return {name: "" if value is None else str(value) for name, value in values.items()}


def _messages_of(error: Exception) -> list[str]:
    if isinstance(error, ValidationError):
        return error.messages
    if isinstance(error, RecordChanged):
        return [last_change(error.record)]
    if isinstance(error, RecordGone):
        return [MSG_GONE]
    return [error.message]  # Conflict


def _typed(enrollment: Enrollment, data: dict) -> bool:
    """Whether the row as submitted differs from the enrollment as stored."""
    return any(getattr(enrollment, name) != data[name] for name in SHEET_FIELDS)


def _row_save(enrollment: Enrollment, data: dict) -> bool:
    """Write the row as typed, if it changed; refused when the record changed since the sheet
    was read (`revision`), so that a stale sheet never overwrites a newer change."""
    if not _typed(enrollment, data):
        return False
    for name in SHEET_FIELDS:
        setattr(enrollment, name, data[name])
    record_save(record=enrollment, expected_revision=data["revision"])
    return True


def _row_action(action: str, action_date):
    def run(enrollment: Enrollment, data: dict) -> bool:
        record_lock_unchanged(record=enrollment, expected_revision=data["revision"])
        if action == "complete":
            enrollment_complete(
                enrollment=enrollment, completed_at=action_date, grade=data["grade"]
            )
        elif action == "drop":
            enrollment_drop(enrollment=enrollment)
        else:
            enrollment_finalize(enrollment=enrollment)
        return True

    return run


def _each_or_none(pairs, operation) -> tuple[int, dict[int, list[str]]]:
    """`operation(enrollment, data)` on every pair in one transaction, each in a savepoint so that
    every row's errors are found; any error rolls everything back. -> (rows written, errors by
    enrollment pk)."""
    written, errors = 0, {}
    with transaction.atomic():
        for enrollment, data in pairs:
            try:
                with transaction.atomic():
                    written += operation(enrollment, data)
            except (ValidationError, Conflict, RecordChanged, RecordGone) as error:
                errors[enrollment.pk] = _messages_of(error)
        if errors:
            transaction.set_rollback(True)
    return (0 if errors else written), errors


def grade_sheet_view(modeladmin, request, object_id, scope: str):
    """The sheet of the cohort or course `object_id` (`scope` names the enrollment's foreign
    key to it). Registrars edit; whoever may view enrollments reads."""
    owner = modeladmin.get_object(request, object_id)
    if owner is None or not request.user.has_perm("academics.view_enrollment"):
        raise Http404
    editable = request.user.has_perm("academics.change_enrollment")
    if request.method == "POST" and not editable:
        raise PermissionDenied
    enrollments = (
        Enrollment.objects.filter(**{scope: owner})
        .select_related("student")
        .order_by("student__name", "pk")
    )
    page = Paginator(enrollments, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    on_page = list(page.object_list)
    # A finalized row has no inputs (it changes only by being reopened), so no form either.
    initial = [
        {"id": e.pk, "revision": e.revision, **{name: getattr(e, name) for name in SHEET_FIELDS}}
        for e in on_page
        if not e.is_finalized
    ]
    errors: dict[int, list[str]] = {}
    action_form = ActionForm(request.POST or None)
    formset = GradeRowFormSet(request.POST or None, initial=initial, prefix="rows")
    if request.method == "POST" and formset.is_valid() and action_form.is_valid():
        # By id, not by position: rows may have moved between pages since the sheet was read.
        typed = {form.cleaned_data["id"]: form.cleaned_data for form in formset}
        # With what the rules read (the cohort's course, the course's `graded`).
        by_pk = enrollments.select_related("course", "cohort").in_bulk(list(typed))
        errors = {pk: [MSG_GONE] for pk in typed if pk not in by_pk}
        pairs = [(by_pk[pk], data) for pk, data in typed.items() if pk in by_pk]
        action, action_date = action_form.cleaned_data["action"], None
        if action:
            pairs = [(e, data) for e, data in pairs if data["selected"]]
            action_date = action_form.cleaned_data["action_date"] or timezone.localdate()
            operation = _row_action(action, action_date)
        else:
            operation = _row_save
        if action and not pairs:
            modeladmin.message_user(request, MSG_NONE_SELECTED, messages.WARNING)
        elif not errors:
            for enrollment, _data in pairs:
                enrollment._history_user = request.user
            written, errors = _each_or_none(pairs, operation)
            if not errors:
                done = MSG_ACTION_DONE[action] if action else MSG_SAVED
                text = done.format(count=written, date=action_date)
                if not written:
                    text = MSG_NOTHING_TO_SAVE
                modeladmin.message_user(request, text, messages.SUCCESS)
                return HttpResponseRedirect(request.get_full_path())
        if errors:
            modeladmin.message_user(
                request, MSG_NOTHING_SAVED.format(count=len(errors)), messages.ERROR
            )
    elif request.method == "POST":
        modeladmin.message_user(request, MSG_NOTHING_SAVED_TYPED, messages.ERROR)
    forms_by_pk = {}
    for form in formset:
        pk = form.fields["id"].to_python(form["id"].value())
        forms_by_pk[pk] = form
        for message in form.errors.values():
            errors.setdefault(pk, []).extend(message)
    rows = [
        Row(
            enrollment=e,
            form=forms_by_pk.get(e.pk) if editable else None,
            errors=errors.get(e.pk, []),
        )
        for e in on_page
    ]
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": f"Grade sheet: {owner}",
        "opts": modeladmin.opts,
        "original": owner,
        "rows": rows,
        "page": page,
        "formset": formset,
        "action_form": action_form,
        "editable": editable,
        "statuses": CompletionStatus.choices,
    }
    return TemplateResponse(request, "admin/academics/grade_sheet.html", context)
