from django.db import models


class InstitutionStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    SUSPENDED = "suspended", "Suspended"


class CourseStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class Modality(models.TextChoices):
    PRESENTIAL = "presential", "Presential"
    REMOTE = "remote", "Remote"
    HYBRID = "hybrid", "Hybrid"


class CompletionStatus(models.TextChoices):
    ENROLLED = "enrolled", "Enrolled"
    COMPLETED = "completed", "Completed"
    DROPPED = "dropped", "Dropped"
