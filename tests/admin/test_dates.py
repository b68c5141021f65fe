"""Dates in the tenant's style (docs/admin.md, Dates): ISO unless the platform admin chooses
day first or month first; lists, pages and date inputs follow it, the API stays ISO."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import User
from django.test import Client

from academics.models import Enrollment
from academics.tenancy.models import DateStyle
from tests.factories import CourseFactory, EnrollmentFactory, StudentFactory

pytestmark = pytest.mark.django_db
ENROLLMENTS = "/admin/academics/enrollment/"


@pytest.fixture
def day_first(tenant_a):
    tenant_a.date_style = DateStyle.DAY_FIRST
    tenant_a.save()
    return tenant_a


def test_lists_and_inputs_are_iso_by_default(registrar_client):
    enrollment = EnrollmentFactory(enrolled_at=date(2026, 3, 31))

    listed = registrar_client.get(ENROLLMENTS).content.decode()
    form = registrar_client.get(f"{ENROLLMENTS}{enrollment.pk}/change/").content.decode()

    assert '<td class="field-enrolled_at nowrap">2026-03-31</td>' in listed
    assert 'value="2026-03-31"' in form


def test_a_day_first_tenant_reads_and_types_day_first(day_first, registrar_client):
    enrollment = EnrollmentFactory(enrolled_at=date(2026, 3, 31))
    student, course = StudentFactory(), CourseFactory()

    listed = registrar_client.get(ENROLLMENTS).content.decode()
    form = registrar_client.get(f"{ENROLLMENTS}{enrollment.pk}/change/").content.decode()
    added = registrar_client.post(
        f"{ENROLLMENTS}add/",
        {
            "student": student.pk,
            "course": course.pk,
            "completion_status": "enrolled",
            "enrolled_at": "02/03/2026",
        },
    )

    assert '<td class="field-enrolled_at nowrap">31/03/2026</td>' in listed
    assert 'value="31/03/2026"' in form
    assert added.status_code == 302
    assert Enrollment.objects.get(student=student).enrolled_at == date(2026, 3, 2)


def test_a_month_first_tenant_reads_month_first(tenant_a, registrar_client):
    tenant_a.date_style = DateStyle.MONTH_FIRST
    tenant_a.save()
    EnrollmentFactory(enrolled_at=date(2026, 3, 31))

    listed = registrar_client.get(ENROLLMENTS).content.decode()

    assert '<td class="field-enrolled_at nowrap">03/31/2026</td>' in listed


def test_the_calendar_reads_the_tenants_input_format(day_first, registrar_client):
    catalog = registrar_client.get("/admin/jsi18n/").content.decode()

    formats = re.search(r'"DATE_INPUT_FORMATS": \[\s*"([^"]+)"', catalog)
    assert formats[1] == "%d/%m/%Y"


def test_the_api_stays_iso_whatever_the_style(day_first, in_tenant_a, api_client):
    EnrollmentFactory(enrolled_at=date(2026, 3, 31))

    body = api_client.get("/api/enrollments").json()

    assert body["data"][0]["enrolled_at"].startswith("2026-03-31")


def test_the_platform_admin_sets_a_tenants_date_style(tenant_a):
    operator = User.objects.create_superuser("operator", password="x")
    client = Client(HTTP_HOST="localhost")
    client.force_login(operator)
    url = f"/admin/tenancy/tenant/{tenant_a.pk}/change/"
    data = {
        "name": tenant_a.name,
        "is_active": "on",
        "date_style": DateStyle.DAY_FIRST,
        "domains-TOTAL_FORMS": "0",
        "domains-INITIAL_FORMS": "0",
    }

    response = client.post(url, data)

    assert response.status_code == 302, response.content
    tenant_a.refresh_from_db()
    assert tenant_a.date_style == DateStyle.DAY_FIRST
