"""Import and export in the registrar admin, mixed into every record ModelAdmin.

Import is django-import-export's: upload a CSV or XLSX file, see what each row would do
(create, update, skip, or the rule it breaks) before confirming; nothing is written while any
row is invalid. Export streams the changelist's filtered rows, or the selected ones (the
"Export selected" action), in the columns import reads, without holding them in memory.
"""

from django.core.exceptions import PermissionDenied
from django.http import StreamingHttpResponse
from import_export.admin import ExportActionMixin, ImportMixin
from import_export.formats.base_formats import CSV, JSON, XLSX
from import_export.forms import ExportForm

from academics.transfer.exporter import export_chunks
from academics.transfer.resources import RESOURCES
from academics.transfer.specs import SPECS


class TransferAdminMixin(ImportMixin, ExportActionMixin):
    import_formats = [CSV, XLSX]
    export_formats = [CSV, JSON]
    # The export always has the columns import reads, so there are no fields to pick.
    export_form_class = ExportForm
    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    # Exports are of lists; the record page keeps Django's own template.
    change_form_template = None
    show_change_form_export = False

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
