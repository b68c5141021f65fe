from django.db import models

from academics import messages as msg
from academics.choices import InstitutionStatus
from academics.models.base import RecordModel


class Institution(RecordModel):
    """A university or school that awards courses; a tenant may hold several."""

    name = models.CharField(max_length=255)
    legal_name = models.CharField(max_length=255, blank=True, default="")
    tax_id = models.CharField("tax ID", max_length=64, blank=True, default="")
    country = models.CharField(max_length=100)
    website = models.URLField(max_length=255, blank=True, default="")
    linkedin_organization = models.CharField(max_length=255, blank=True, default="")
    status = models.CharField(
        max_length=16, choices=InstitutionStatus.choices, default=InstitutionStatus.ACTIVE
    )
    is_badges_enabled = models.BooleanField(default=False)
    badge_image_uuid = models.UUIDField(null=True, blank=True)

    class Meta(RecordModel.Meta):
        verbose_name = "institution"
        indexes = [models.Index(fields=["name"], name="institution_name_idx")]

    def __str__(self):
        return self.name


class Organization(RecordModel):
    """A sub-unit of an institution: faculty, department, campus."""

    institution = models.ForeignKey(
        Institution, on_delete=models.PROTECT, related_name="organizations"
    )
    name = models.CharField(max_length=255)
    code = models.CharField(max_length=64, null=True, blank=True)

    constraint_fields = {"organization_code_unique_in_institution": "code"}

    class Meta(RecordModel.Meta):
        verbose_name = "organization"
        constraints = [
            models.UniqueConstraint(
                fields=["institution", "code"],
                condition=models.Q(deleted_at__isnull=True, code__isnull=False),
                name="organization_code_unique_in_institution",
                violation_error_message=msg.ORGANIZATION_CODE_TAKEN,
            )
        ]

    def __str__(self):
        return self.name
