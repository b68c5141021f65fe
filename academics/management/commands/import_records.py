from pathlib import Path

from django.core.management.base import CommandError

from academics.management.base import TenantCommand
from academics.transfer.progress import Progress
from academics.transfer.rows import REJECT
from academics.transfer.services import TransferError, import_source_open, records_import_file
from academics.transfer.specs import SPECS


class Command(TenantCommand):
    help = (
        "Import a CSV or JSON file of records into a tenant: rows are matched to existing "
        "records by natural keys and created or updated. Every row is validated; if any is "
        "invalid, nothing is written and every bad row is reported."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("model", help=f"One of: {', '.join(SPECS)}.")
        parser.add_argument(
            "file",
            type=Path,
            help="CSV file (UTF-8, first line = columns), or a .json file: an array of objects.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what each row would do (create, update, unchanged, reject); write nothing.",
        )

    def handle_tenant(self, tenant, *args, model, file, dry_run, verbosity, **options):
        try:
            _, source = import_source_open(resource=model, path=file)
        except TransferError as error:
            raise CommandError(str(error)) from error

        list_rows = dry_run and verbosity >= 1
        progress = Progress(source.total, f"Importing {model}", self.stderr._out)

        def on_row(result):
            if list_rows:
                self.stdout.write(f"{source.unit} {result.line}: {result.action} {result.label}")
                for error in result.errors:
                    self.stdout.write(f"    {error.column or 'row'}: {error.message}")
            else:
                progress.advance()

        report = records_import_file(resource=model, path=file, dry_run=dry_run, on_row=on_row)
        if not list_rows:
            progress.finish()

        counts = report.counts
        summary = (
            f"{model}: {counts['create']} created, {counts['update']} updated, "
            f"{counts['unchanged']} unchanged, {counts[REJECT]} rejected"
        )
        if not report.ok:
            for error in report.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{summary}. Nothing was written: fix the rows above.")
        if dry_run:
            self.stdout.write(f"{summary} (dry run: nothing was written).")
        else:
            self.stdout.write(self.style.SUCCESS(summary + "."))
