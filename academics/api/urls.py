"""Resource routes under /api, one per registry entry. No trailing slash is needed; one is
accepted."""

from rest_framework.routers import SimpleRouter

from academics.api.views import VIEWSETS

router = SimpleRouter()
router.trailing_slash = "/?"
for name, viewset in VIEWSETS.items():
    router.register(name, viewset, basename=viewset.record.model._meta.model_name)

urlpatterns = router.urls
