"""Project settings. Everything that differs between machines is read from the environment here,
and only here; the defaults are safe for development."""

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from config.database import database_settings

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or (
    "dev-only-insecure-key-never-used-in-production" if DEBUG else ""
)
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")

# Browsers reach tenants as <identifier>.localhost in development; production lists its domains.
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ".localhost,localhost,127.0.0.1,testserver")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS", "http://localhost:8000,http://*.localhost:8000"
)

# Addresses (or networks) of the reverse proxies in front of the app: only from them is
# `X-Forwarded-For` believed (academics/client_address.py). `make serve-proxy` sets its own.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")

# Host names under this domain name tenants (`demo.localhost`); an unknown one is an error,
# not a silent fall-back to the platform site.
TENANT_SUBDOMAIN_BASE = os.environ.get("TENANT_SUBDOMAIN_BASE", "localhost")

DATA_DIR = Path(os.environ.get("DATA_DIR", BASE_DIR / ".data"))
DATABASES = {
    "default": database_settings(
        os.environ.get("DATABASE_URL"),
        data_dir=DATA_DIR / "postgres",
        test_name=os.environ.get("TEST_DATABASE_NAME"),
        # Seconds a connection is kept for the next request (persistent connections).
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 600),
        # A health check is one more round trip (SELECT 1) at the start of every request; without
        # it, a request that finds its connection broken (database restarted) fails once and
        # the connection is replaced at the end of that request.
        conn_health_checks=env_bool("DATABASE_CONN_HEALTH_CHECKS", False),
        # `transaction` when DATABASE_URL is a pooler in transaction mode (PgBouncer).
        pooler=os.environ.get("DATABASE_POOLER", "").strip().lower(),
    )
}
DATABASE_ROUTERS = ("django_tenants.routers.TenantSyncRouter",)

# --- Tenancy -----------------------------------------------------------------------------------
# contenttypes is shared only; auth, admin and sessions live in both lists so that platform staff
# sit in the public schema and each tenant's registrar staff in the tenant's own schema. Login
# attempts (axes) are shared only, counted per tenant (academics/lockout.py).
SHARED_APPS = [
    "django_tenants",
    "academics.tenancy",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.admin",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "oauth2_provider",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "import_export",
    "axes",
    "csp",
    "corsheaders",
]
TENANT_APPS = [
    "django.contrib.auth",
    "django.contrib.admin",
    "django.contrib.sessions",
    "django.contrib.messages",
    "simple_history",
    "academics",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenancy.Tenant"
TENANT_DOMAIN_MODEL = "tenancy.Domain"
PUBLIC_SCHEMA_NAME = "public"
ROOT_URLCONF = "config.urls_tenant"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"
# `migrate_schemas --executor multiprocessing` migrates this many schemas at once.
TENANT_MULTIPROCESSING_MAX_PROCESSES = env_int("TENANT_MIGRATION_PROCESSES", 2)
# Seconds a tenant lookup (identifier or host name -> tenant) stays cached; saves invalidate it.
TENANT_CACHE_SECONDS = env_int("TENANT_CACHE_SECONDS", 60)

# Security headers first, so that every answer gets the same ones, including those the tenant
# routing gives itself (an unknown tenant's 401 must equal a foreign token's, docs/api.md).
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before the tenant routing: a browser's preflight carries no X-Tenant (docs/api.md, CORS).
    "academics.cors.RefusedPreflightMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "academics.limits.RequestLimitsMiddleware",
    "academics.tenancy.middleware.TenantMiddleware",
    "academics.tenancy.dates.DateStyleMiddleware",
    # academics.pages: the browser's layers (static files, sessions, the signed-in user,
    # messages), Django's own, passed by on /api paths.
    "academics.pages.WhiteNoiseMiddleware",
    "academics.pages.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "academics.pages.AuthenticationMiddleware",
    "academics.pages.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "academics.history.ActorMiddleware",
    "academics.security.PolicyMiddleware",  # django-csp's, its policy text built once
    # Last, as django-axes asks: turns a locked-out login into its refusal.
    "axes.middleware.AxesMiddleware",
]

# CORS (docs/api.md, CORS): no cross-origin access unless an origin is listed, for a tenant's
# browser app that calls the API through its own token proxy.
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS", "")
CORS_URLS_REGEX = r"^/api/"
CORS_ALLOW_HEADERS = (
    "accept",
    "authorization",
    "content-type",
    "x-tenant",
    "idempotency-key",
    "if-match",
)
CORS_EXPOSE_HEADERS = ("ETag", "Retry-After", "Location")
CORS_PREFLIGHT_MAX_AGE = 600

# Request bodies (academics/limits.py): JSON under /api; elsewhere the admin's spreadsheet uploads.
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 4 * 1024 * 1024)
UPLOAD_MAX_BODY_BYTES = env_int("UPLOAD_MAX_BODY_BYTES", 64 * 1024 * 1024)
# Form bodies held in memory (the token endpoint's, the admin's forms); files are streamed.
DATA_UPLOAD_MAX_MEMORY_SIZE = API_MAX_BODY_BYTES
# Query or form parameters per request (Django's default); more answer 400.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# One cache shared by every process (DESIGN.md): throttles, token checks and tenant lookups must
# agree across gunicorn workers and app servers. Redis when `CACHE_URL` names it, otherwise a
# table in the database itself (academics/tenancy/cache.py), so the embedded setup stays one
# command. `default` keys carry the active schema; `platform` (public-schema lookups made on
# every request: tenant routing, API tokens) keys do not.
CACHE_URL = os.environ.get("CACHE_URL", "")
SHARED_CACHE = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL
    else {"BACKEND": "academics.tenancy.cache.PostgresCache", "LOCATION": "platform_cache"}
)
CACHES = {
    "default": SHARED_CACHE | {"KEY_FUNCTION": "django_tenants.cache.make_key"},
    "platform": SHARED_CACHE | {"KEY_PREFIX": "platform"},
}

# Staff passwords: Django's PBKDF2. The last one only stores API client secrets (see
# academics/tenancy/secrets.py for why they need no slow hash).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.BCryptSHA256PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "academics.tenancy.secrets.ClientSecretHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# Dates in the admin follow the tenant's style, one format module per style
# (academics/tenancy/dates.py); ISO ("en") by default.
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Browser security (the admins) -------------------------------------------------------------
# HTTPS: served over TLS, ended by the reverse proxy, which says so in X-Forwarded-Proto
# (config/nginx.conf). Then plain HTTP is redirected and browsers are told to keep to HTTPS.
HTTPS = env_bool("HTTPS", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_SSL_REDIRECT = HTTPS
SECURE_REDIRECT_EXEMPT = [r"^health$"]  # load balancers probe over plain HTTP
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): the admin loads only its own scripts, styles and images.
# The interactive API docs (Swagger UI, ReDoc) start with inline scripts, so they go without.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/api/docs", "/api/redoc"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Login lockout (django-axes, academics/lockout.py).
AUTHENTICATION_BACKENDS = [
    "academics.lockout.LoginLockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("LOGIN_LOCKOUT_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "academics.client_address.client_address"
AXES_USERNAME_CALLABLE = "academics.lockout.username_in_tenant"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"pgserver": {"level": "WARNING"}},
}

# --- API clients (OAuth2 client credentials) ---------------------------------------------------
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "ACCESS_TOKEN_EXPIRE_SECONDS": 43200,
    "SCOPES": {"read": "Read records", "write": "Create, change and delete records"},
    # Store only a checksum of each token, never the token itself.
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "OAUTH2_VALIDATOR_CLASS": "academics.tenancy.oauth.TenantClientValidator",
    "CLIENT_SECRET_HASHER": "hmac_sha256",
    # The API offers the client credentials grant only; the other grants' RFC 9700 (OAuth 2.0
    # Security BCP) behaviour costs nothing and keeps `check --deploy` clean.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}
# Seconds a verified token stays cached; revoking a client forgets its tokens at once.
API_TOKEN_CACHE_SECONDS = env_int("API_TOKEN_CACHE_SECONDS", 60)
# How long the changes feed keeps a change (docs/api.md, Changes); older cursors answer 410.
CHANGES_RETENTION_DAYS = env_int("CHANGES_RETENTION_DAYS", 90)

# --- The JSON API (DRF) ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["academics.api.authentication.TenantBearerAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["academics.api.permissions.HasClientScope"],
    "DEFAULT_THROTTLE_CLASSES": ["academics.api.throttling.ApiClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "api": os.environ.get("API_RATE_LIMIT", "1200/min"),
        "token": os.environ.get("TOKEN_RATE_LIMIT", "30/min"),
    },
    "UNAUTHENTICATED_USER": None,
    # The contract's transport and lists (academics/api/transport.py, lists.py).
    "EXCEPTION_HANDLER": "academics.api.transport.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["academics.api.transport.JsonRenderer"],
    "DEFAULT_PARSER_CLASSES": ["academics.api.transport.JsonParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "academics.api.transport.AlwaysJson",
    "DEFAULT_PAGINATION_CLASS": "academics.api.lists.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["academics.api.lists.ContractFilterBackend"],
    "COERCE_DECIMAL_TO_STRING": False,
    # The OpenAPI description (academics/api/openapi/): envelope, errors, lists, tenancy.
    "DEFAULT_SCHEMA_CLASS": "academics.api.openapi.ContractSchema",
}

# --- OpenAPI schema and interactive docs (drf-spectacular) -------------------------------------
SPECTACULAR_SETTINGS = {
    "TITLE": "Academic records API",
    "DESCRIPTION": (
        "Institutions, organizations, courses, cohorts, students and enrollments of one tenant. "
        "Get a token from `POST /api/oauth/token`, then send `Authorization: Bearer <token>` and "
        "`X-Tenant: <tenant>` with every request. The guide is docs/api.md."
    ),
    "VERSION": "1.0.0",
    # The schema is the tenant URLconf's, whichever URLconf serves the request.
    "SERVE_URLCONF": "config.urls_tenant",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_AUTHENTICATION": [],
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    # Separate request and response components: writable uuid references, read-only summaries.
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api",
    "PREPROCESSING_HOOKS": ["academics.api.openapi.without_trailing_slash"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "academics.api.openapi.truthful_for_openapi_3_0",
    ],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"persistAuthorization": True, "displayRequestDuration": True},
}
