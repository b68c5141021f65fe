"""The registrar admin (one module per model group) and the two admin sites."""

from academics.admin import auth, courses, enrollments, institutions, students  # noqa: F401
from academics.admin.sites import platform_site, registrar_site

__all__ = ["platform_site", "registrar_site"]
