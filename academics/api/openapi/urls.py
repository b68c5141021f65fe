"""The schema and the interactive docs, served (`/api/openapi.json|yaml`, `/api/docs`)."""


# --- Routes ------------------------------------------------------------------------------------


def docs_urls():
    """`/api/openapi.json`, `/api/openapi.yaml` and the Swagger UI at `/api/docs` (its scripts
    and styles from drf-spectacular-sidecar's static files, no CDN). No token needed; the same
    schema whether or not the request names a tenant. A trailing slash is accepted."""
    from django.urls import re_path
    from drf_spectacular.views import (
        SpectacularJSONAPIView,
        SpectacularSwaggerView,
        SpectacularYAMLAPIView,
    )

    return [
        re_path(r"^api/openapi\.json/?$", SpectacularJSONAPIView.as_view(), name="openapi-json"),
        re_path(r"^api/openapi\.yaml/?$", SpectacularYAMLAPIView.as_view(), name="openapi-yaml"),
        re_path(
            r"^api/docs/?$",
            SpectacularSwaggerView.as_view(url_name="openapi-json"),
            name="api-docs",
        ),
    ]
