"""The registrar admin (one module per model group) and the two admin sites."""

from academics.admin import (  # noqa: F401
    api_clients,
    auth,
    courses,
    enrollments,
    institutions,
    students,
)
from academics.admin.sites import platform_site, registrar_site

__all__ = ["platform_site", "registrar_site"]
