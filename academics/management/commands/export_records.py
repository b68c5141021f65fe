import io
import sys
from pathlib import Path

from django.core.management.base import CommandError

from academics.management.base import TenantCommand
from academics.transfer.exporter import FORMATS
from academics.transfer.progress import Progress
from academics.transfer.services import TransferError, records_export, spec_for
from academics.transfer.specs import SPECS


class Command(TenantCommand):
    help = (
        "Export a tenant's live records as CSV (the columns import_records reads) or JSON, "
        "streamed: memory stays flat whatever the number of records."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("model", help=f"One of: {', '.join(SPECS)}.")
        parser.add_argument(
            "--output", type=Path, help="File to write; standard output if not given."
        )
        parser.add_argument("--format", choices=FORMATS, default="csv", dest="file_format")

    def handle_tenant(self, tenant, *args, model, output, file_format, **options):
        try:
            spec = spec_for(model)
        except TransferError as error:
            raise CommandError(str(error)) from error
        if output is not None and not output.parent.is_dir():
            raise CommandError(f"No such directory: {output.parent}.")

        total = spec.model._default_manager.count()
        progress = Progress(total, f"Exporting {model}", self.stderr._out)
        if output is not None:
            with output.open("wb") as out:
                count = records_export(
                    resource=model, out=out, file_format=file_format, on_row=progress.advance
                )
        else:
            count = self._to_stdout(model, file_format, progress)
        progress.finish()
        where = output or "standard output"
        self.stderr.write(f"Exported {count} {model} to {where}.")

    def _to_stdout(self, model, file_format, progress) -> int:
        stream = self.stdout._out
        binary = getattr(stream, "buffer", None)
        if binary is not None and stream is sys.stdout:
            stream.flush()
            count = records_export(
                resource=model, out=binary, file_format=file_format, on_row=progress.advance
            )
            binary.flush()
            return count
        # A text stream given by the caller (call_command in tests): collect, then write.
        buffer = io.BytesIO()
        count = records_export(
            resource=model, out=buffer, file_format=file_format, on_row=progress.advance
        )
        stream.write(buffer.getvalue().decode())
        return count
