"""The platform admin: tenants with their domains, and API clients. Creating either goes through
its service (schema provisioning, hashed credentials), not a plain model save."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from academics.admin.sites import platform_site
from academics.tenancy.clients import api_client_create, api_client_revoke
from academics.tenancy.models import ApiClient, ApiScope, Domain, Tenant
from academics.tenancy.services import tenant_provision

MSG_TENANT_EXISTS = "A tenant with this identifier already exists."
MSG_TENANT_PROVISIONED = "Tenant {tenant} provisioned; its admin is at http://{domain}/admin/."
MSG_CLIENT_CREATED = (
    "API client created. Client ID: {client_id} — client secret: {secret} "
    "(shown only now; it is stored hashed)."
)
MSG_CLIENTS_REVOKED = "{count} API client(s) revoked."
MSG_SCOPES_INVALID = "Scopes are space-separated names among: {scopes}."


class ServiceAddAdmin(admin.ModelAdmin):
    """An add page whose form is handed to a service (`perform_add`) instead of saved."""

    add_form_class: type[forms.Form]

    def perform_add(self, request, form):
        raise NotImplementedError

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = self.add_form_class(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                obj = self.perform_add(request, form)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.log_addition(request, obj, [{"added": {}}])
                info = (self.admin_site.name, self.opts.app_label, self.opts.model_name)
                return HttpResponseRedirect(reverse("{}:{}_{}_change".format(*info), args=[obj.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Add {self.opts.verbose_name}",
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/service_add_form.html", context)


class TenantProvisionForm(forms.Form):
    identifier = forms.CharField(
        max_length=63, help_text="Lower-case letters, digits and hyphens; sent as X-Tenant."
    )
    name = forms.CharField(max_length=255)
    domains = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Extra host names, one a line; <identifier>.localhost is always added.",
    )

    def clean_identifier(self):
        identifier = self.cleaned_data["identifier"]
        if Tenant.objects.filter(identifier=identifier).exists():
            raise ValidationError(MSG_TENANT_EXISTS)
        return identifier

    def clean_domains(self):
        return [line.strip() for line in self.cleaned_data["domains"].splitlines() if line.strip()]


class DomainInline(admin.TabularInline):
    model = Domain
    fields = ("domain", "is_primary")
    extra = 0


@admin.register(Tenant, site=platform_site)
class TenantAdmin(ServiceAddAdmin):
    add_form_class = TenantProvisionForm
    list_display = ("identifier", "name", "is_active", "primary_domain", "created_at")
    list_filter = ("is_active", "created_at")
    search_fields = ("identifier", "name", "domains__domain")
    fields = (
        "identifier",
        "name",
        "is_active",
        "date_style",
        "schema_name",
        "uuid",
        "created_at",
        "updated_at",
    )
    readonly_fields = ("identifier", "schema_name", "uuid", "created_at", "updated_at")
    inlines = [DomainInline]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("domains")

    @admin.display(description="primary domain")
    def primary_domain(self, tenant):
        return next((d.domain for d in tenant.domains.all() if d.is_primary), "")

    def has_delete_permission(self, request, obj=None):
        # Dropping a schema is an operator's decision taken outside the admin; deactivate instead.
        return False

    def perform_add(self, request, form):
        result = tenant_provision(
            identifier=form.cleaned_data["identifier"],
            name=form.cleaned_data["name"],
            domains=form.cleaned_data["domains"],
        )
        tenant = result.tenant
        self.message_user(
            request,
            MSG_TENANT_PROVISIONED.format(tenant=tenant, domain=tenant.get_primary_domain()),
        )
        return tenant


class ApiClientAddForm(forms.Form):
    tenant = forms.ModelChoiceField(queryset=Tenant.objects.filter(is_active=True))
    name = forms.CharField(max_length=255)
    read_only = forms.BooleanField(required=False, help_text="Grant only the read scope.")


@admin.action(permissions=["change"], description="Revoke selected API clients")
def revoke_api_clients(modeladmin, request, queryset):
    clients = list(queryset.filter(is_active=True))
    for client in clients:
        api_client_revoke(client=client)
    modeladmin.message_user(request, MSG_CLIENTS_REVOKED.format(count=len(clients)))


class ApiClientForm(forms.ModelForm):
    def clean_scopes(self):
        scopes = self.cleaned_data["scopes"].split()
        if not scopes or not set(scopes) <= set(ApiScope.values):
            raise ValidationError(MSG_SCOPES_INVALID.format(scopes=", ".join(ApiScope.values)))
        return " ".join(dict.fromkeys(scopes))


@admin.register(ApiClient, site=platform_site)
class ApiClientAdmin(ServiceAddAdmin):
    """No secret is ever shown after creation: only its hash is stored."""

    add_form_class = ApiClientAddForm
    form = ApiClientForm
    list_display = ("name", "tenant", "client_id", "scopes", "is_active", "created_at")
    list_filter = ("is_active", "tenant", "scopes")
    list_select_related = ("tenant", "application")
    search_fields = ("name", "tenant__identifier", "application__client_id")
    fields = ("name", "tenant", "client_id", "scopes", "is_active", "created_at", "revoked_at")
    readonly_fields = ("tenant", "client_id", "is_active", "created_at", "revoked_at")
    actions = [revoke_api_clients]

    def has_delete_permission(self, request, obj=None):
        # Revoking keeps the record of who had access; deleting would erase it.
        return False

    def perform_add(self, request, form):
        credentials = api_client_create(
            tenant=form.cleaned_data["tenant"],
            name=form.cleaned_data["name"],
            read_only=form.cleaned_data["read_only"],
        )
        self.message_user(
            request,
            MSG_CLIENT_CREATED.format(
                client_id=credentials.client_id, secret=credentials.client_secret
            ),
            messages.WARNING,
        )
        return credentials.client
