"""The two admin sites. The registrar site (tenant URLconf) holds a tenant's academic records;
the platform site (public URLconf) holds tenants and API clients. Registering each model on one
site only keeps tenant tables out of the public schema's admin and the other way round."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path


class RegistrarAdminSite(admin.AdminSite):
    """A tenant's registrar admin, titled with the tenant's name and opening on a dashboard."""

    # The index lists every model; the sidebar's 300 px are the lists' on a 1,366 px laptop.
    enable_nav_sidebar = False
    empty_value_display = "—"

    index_title = "Academic records"
    site_url = None  # no public site behind a tenant's host: no "View site" link

    def each_context(self, request):
        context = super().each_context(request)
        tenant = getattr(request, "tenant", None)
        name = tenant.name if tenant else "Registrar"
        context["site_header"] = f"{name} · Registrar admin"
        context["site_title"] = f"{name} registrar"
        return context

    def get_urls(self):
        quality = path("data-quality/", self.admin_view(self.data_quality), name="data_quality")
        return [quality, *super().get_urls()]

    def data_quality(self, request):
        """The data-quality checks (academics/quality.py) with counts and changelist links; for
        registrars, who can correct what they find."""
        from academics.quality import data_quality, finding_url

        if not request.user.has_perm("academics.change_enrollment"):
            raise PermissionDenied
        findings = [(f.check.title, f.count, finding_url(f.check)) for f in data_quality()]
        context = {
            **self.each_context(request),
            "title": "Data quality",
            "findings": findings,
            "total": sum(count for _title, count, _url in findings),
        }
        return TemplateResponse(request, "admin/data_quality.html", context)

    def index(self, request, extra_context=None):
        extra_context = {"dashboard": self.dashboard(request), **(extra_context or {})}
        return super().index(request, extra_context)

    @staticmethod
    def dashboard(request) -> dict | None:
        """This term's figures (docs/admin.md, Dashboard), each linking to its filtered list; a
        fixed number of queries, none per cohort, for users allowed to see them."""
        from academics.admin.dashboard import dashboard

        models = ("student", "course", "cohort", "enrollment")
        if not all(request.user.has_perm(f"academics.view_{model}") for model in models):
            return None
        return dashboard(with_quality=request.user.has_perm("academics.change_enrollment"))


class PlatformAdminSite(admin.AdminSite):
    """Platform staff (public schema users) managing tenants and API clients."""

    enable_nav_sidebar = False
    empty_value_display = "—"
    site_header = "Academic records · Platform admin"
    site_title = "Platform admin"
    index_title = "Tenants and API clients"
    site_url = None


# Both keep the name "admin": each lives alone in its URLconf, so "admin:..." reverses work.
registrar_site = RegistrarAdminSite(name="admin")
platform_site = PlatformAdminSite(name="admin")
