from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone

from academics import messages as msg
from academics.models.base import RecordModel


class Student(RecordModel):
    """A person who enrols in courses; tenant-wide, not tied to one institution."""

    name = models.CharField(max_length=255)
    email = models.EmailField(max_length=254)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=32, null=True, blank=True)
    social_name = models.CharField(max_length=255, null=True, blank=True)

    constraint_fields = {"student_email_unique_ci": "email"}

    class Meta(RecordModel.Meta):
        verbose_name = "student"
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(deleted_at__isnull=True),
                name="student_email_unique_ci",
                violation_error_message=msg.EMAIL_TAKEN,
            )
        ]
        indexes = [models.Index(fields=["name"], name="student_name_idx")]

    def __str__(self):
        return f"{self.name} ({self.email})"  # namesakes told apart, in pickers too

    def clean(self):
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": msg.BIRTH_DATE_IN_FUTURE})
