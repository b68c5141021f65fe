"""Resource routes under /api. No trailing slash is needed; one is accepted."""

from rest_framework.routers import SimpleRouter

from academics.api import views

RESOURCES = {
    "institutions": views.InstitutionViewSet,
    "organizations": views.OrganizationViewSet,
    "courses": views.CourseViewSet,
    "cohorts": views.CohortViewSet,
    "students": views.StudentViewSet,
    "enrollments": views.EnrollmentViewSet,
}

router = SimpleRouter()
router.trailing_slash = "/?"
for prefix, viewset in RESOURCES.items():
    router.register(prefix, viewset, basename=prefix[:-1])

urlpatterns = router.urls
