"""Import and export in the registrar admin, mixed into every record ModelAdmin.

Import is django-import-export's upload, preview and confirmation around the command's importer
(`resources`): upload a CSV, XLSX or JSON file, see what each row would do (create, update with the
changed cells marked, skip, or the rule it breaks, by spreadsheet line and column) before
confirming; nothing is written while any row is invalid. Export streams the changelist's
filtered rows, or the selected ones (the "Export selected" action), in the columns import reads,
without holding them in memory.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect, StreamingHttpResponse
from django.urls import reverse
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX
from import_export.forms import ExportForm

from academics.transfer.exporter import export_chunks
from academics.transfer.files import csv_delimiter
from academics.transfer.resources import RESOURCES
from academics.transfer.specs import SPECS


class SpreadsheetCSV(CSV):
    """CSV as spreadsheets write it: commas, semicolons or tabs between cells."""

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes) and self.encoding:
            in_stream = in_stream.decode(self.encoding)
        first_line = next((line for line in in_stream.splitlines() if line.strip()), "")
        return super().create_dataset(in_stream, delimiter=csv_delimiter(first_line), **kwargs)


class TransferAdminMixin(ImportMixin, ExportActionMixin):
    import_formats = [SpreadsheetCSV, XLSX, JSON]
    export_formats = [CSV, JSON]
    # The export always has the columns import reads, so there are no fields to pick.
    export_form_class = ExportForm
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    import_template_name = "admin/academics/import.html"
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
        spec = next(spec for spec in SPECS.values() if spec.model is self.model)
        kind = "json" if isinstance(file_format, JSON) else "csv"
        # Soft-deleted rows are not exported (nor would import accept them back).
        chunks = export_chunks(spec, file_format=kind, queryset=queryset.live())
        response = StreamingHttpResponse(chunks, content_type=file_format.get_content_type())
        filename = self.get_export_filename(request, queryset, file_format)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
