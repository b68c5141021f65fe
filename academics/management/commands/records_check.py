from django.core.management.base import CommandError

from academics.management.base import TenantCommand
from academics.quality import data_quality, finding_url

MSG_FOUND = "{count} finding(s) need a registrar's look."


class Command(TenantCommand):
    help = (
        "The registrar's data-quality checks of one tenant (docs/commands.md), as the admin's "
        "data-quality page shows them: a count and the admin changelist of each. Exits non-zero "
        "when anything is found."
    )

    def handle_tenant(self, tenant, *args, **options):
        findings = data_quality()
        width = max(len(str(finding.count)) for finding in findings)
        for finding in findings:
            self.stdout.write(
                f"{finding.count:>{width}}  {finding.check.title}  {finding_url(finding.check)}"
            )
        total = sum(finding.count for finding in findings)
        if total:
            raise CommandError(MSG_FOUND.format(count=total), returncode=1)
        self.stdout.write("No findings.")
