"""Import and export in the registrar admin, mixed into every record ModelAdmin.

Import is django-import-export's upload, preview and confirmation around the command's importer
(`resources`): upload a CSV, XLSX or JSON file, see what each row would do (create, update with the
changed cells marked, skip, or the rule it breaks, by spreadsheet line and column) before
confirming; nothing is written while any row is invalid, and the invalid rows are listed by
line, column and message, also as a CSV file to download. Each list offers a template file (the
header of the columns import reads). Export writes the changelist's filtered rows, or the selected
ones (the "Export selected" action), in the columns import reads: CSV and JSON streamed as rows
are read, XLSX built in memory. After an import, the message links to the rows it wrote.
"""

import csv
import io
from urllib.parse import quote, urlencode

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied
from django.http import HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX
from import_export.forms import ExportForm

from academics.transfer.exporter import export_chunks, export_xlsx
from academics.transfer.files import csv_delimiter
from academics.transfer.formulas import neutralise
from academics.transfer.resources import RESOURCES
from academics.transfer.specs import SPECS


class SpreadsheetCSV(CSV):
    """CSV as spreadsheets write it: commas, semicolons or tabs between cells."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes) and self.encoding:
            in_stream = in_stream.decode(self.encoding)
        first_line = next((line for line in in_stream.splitlines() if line.strip()), "")
        return super().create_dataset(in_stream, delimiter=csv_delimiter(first_line), **kwargs)


MSG_IMPORTED = "Import finished: {new} new, {updated} updated, {skipped} unchanged {name}."
MSG_SEE_IMPORTED = "See the rows this import wrote"
ERROR_COLUMNS = ("row", "column", "message")


def import_errors(result) -> list[tuple]:
    """Every problem of a previewed file as (spreadsheet row, column, message); a problem of the
    whole file (its columns, say) has neither row nor column."""
    problems = [("", "", str(error.error)) for error in result.base_errors]
    for row in result.invalid_rows:
        for column, errors in row.error_dict.items():
            column = "" if column == NON_FIELD_ERRORS else column
            problems += [(row.number, column, message) for message in errors]
    return problems


def csv_text(header, rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([neutralise(cell) for cell in row] for row in rows)
    return out.getvalue()


class TransferAdminMixin(ImportMixin, ExportActionMixin):
    import_formats = [SpreadsheetCSV, XLSX, JSON]
    export_formats = [CSV, XLSX, JSON]
    # The export always has the columns import reads, so there are no fields to pick.
    export_form_class = ExportForm
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    import_template_name = "admin/academics/import.html"
    export_template_name = "admin/academics/export.html"
    # Exports are of lists; the record page keeps Django's own template.
    change_form_template = None
    show_change_form_export = False
    # Every imported change is in the records' history, under the registrar's name and the
    # file's; an admin log entry per row would repeat it.
    skip_admin_log = True

    def has_import_permission(self, request):
        # An import creates and changes records; the library lets any staff user do it.
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def get_valid_export_item_pks(self, request):
        # The selected rows that may be exported (not every pk of the table, as by default).
        selected = request.POST.getlist("export_items")
        return (
            self.get_export_queryset(request).filter(pk__in=selected).values_list("pk", flat=True)
        )

    def spec(self):
        return next(spec for spec in SPECS.values() if spec.model is self.model)

    def get_urls(self):
        info = self.get_model_info()
        view = self.admin_site.admin_view(self.import_template_view)
        name = "{}_{}_import_template".format(*info)
        return [path("import/template/", view, name=name), *super().get_urls()]

    def import_template_view(self, request):
        """A CSV file with the header import reads: a registrar fills the rows in."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        spec = self.spec()
        response = HttpResponse(csv_text(spec.columns, []), content_type="text/csv")
        response["Content-Disposition"] = f'attachment; filename="{spec.name}-template.csv"'
        return response

    def import_action(self, request, **kwargs):
        started = timezone.now()
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse):
            context = response.context_data
            info = self.get_model_info()
            context["template_url"] = reverse("admin:{}_{}_import_template".format(*info))
            result = context.get("result")
            if result is not None and (result.has_errors() or result.has_validation_errors()):
                problems = import_errors(result)
                context["import_errors"] = problems
                # A data: link: the file needs no second upload nor storage on the server.
                text = csv_text(ERROR_COLUMNS, problems)
                context["errors_csv_url"] = "data:text/csv;charset=utf-8," + quote(text)
        request.session["import_started"] = started.isoformat()
        return response

    def add_success_message(self, result, request):
        """The counts, and a link to the list narrowed to the rows written since the import's
        preview (`updated_at` is set on every create and update)."""
        totals = result.totals
        text = MSG_IMPORTED.format(
            new=totals["new"],
            updated=totals["update"],
            skipped=totals["skip"],
            name=self.opts.verbose_name_plural,
        )
        url = reverse("admin:{}_{}_changelist".format(*self.get_model_info()))
        since = request.session.get("import_started", "")
        query = urlencode({"updated_at__gte": since}) if since else ""
        link = format_html(' <a href="{}?{}">{}</a>.', url, query, MSG_SEE_IMPORTED)
        messages.success(request, format_html("{}{}", text, link))

    def lookup_allowed(self, lookup, value, request=None):
        # The link of `add_success_message`.
        return lookup == "updated_at__gte" or super().lookup_allowed(lookup, value, request)

    def process_result(self, result, request):
        # The confirmed import runs again; if the records changed since the preview so that a
        # row is now invalid, nothing was written: say so, and go back to the upload form.
        if result.has_errors() or result.has_validation_errors():
            problems = [str(error.error) for error in result.base_errors]
            problems += [
                f"line {row.number}: {'; '.join(m for ms in row.error_dict.values() for m in ms)}"
                for row in result.invalid_rows[:5]
            ]
            messages.error(request, f"Nothing was imported. {' '.join(problems)}")
            app_label, model_name = self.get_model_info()
            url = reverse(
                f"admin:{app_label}_{model_name}_import", current_app=self.admin_site.name
            )
            return HttpResponseRedirect(url)
        return super().process_result(result, request)

    def get_resource_classes(self, request):
        return [RESOURCES[self.model]]

    def _do_file_export(self, file_format, request, queryset, export_form=None):
        if not self.has_export_permission(request):
            raise PermissionDenied
        spec = self.spec()
        # Soft-deleted rows are not exported (nor would import accept them back).
        if isinstance(file_format, XLSX):
            body = export_xlsx(spec, queryset=queryset.live())
            response = HttpResponse(body, content_type=file_format.get_content_type())
        else:
            kind = "json" if isinstance(file_format, JSON) else "csv"
            chunks = export_chunks(spec, file_format=kind, queryset=queryset.live())
            response = StreamingHttpResponse(chunks, content_type=file_format.get_content_type())
        filename = self.get_export_filename(request, queryset, file_format)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
