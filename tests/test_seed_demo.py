from io import StringIO

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_tenants.utils import tenant_context

from academics.choices import CourseStatus
from academics.management.commands.seed_demo import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    PLATFORM_PASSWORD,
    PLATFORM_USERNAME,
)
from academics.models import Course, Enrollment, Institution, Student
from academics.quality import data_quality
from academics.tenancy.models import ApiClient, Tenant


def seed():
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_seed_demo_builds_a_realistic_tenant_and_is_idempotent(db):
    first_output = seed()
    tenant = Tenant.objects.get(identifier="demo")
    with tenant_context(tenant):
        counts = (Institution.objects.count(), Student.objects.count(), Enrollment.objects.count())
        statuses = set(Course.objects.values_list("status", flat=True))
        findings = {finding.check.key: finding.count for finding in data_quality()}
        finalized = Enrollment.objects.filter(finalized_at__isnull=False).count()
        actors = {
            (row.history_actor_type, row.history_actor_name)
            for model in (Institution, Student, Enrollment)
            for row in model.history.all()
        }
        staff = {
            user.username: (user.is_superuser, [group.name for group in user.groups.all()])
            for user in get_user_model().objects.filter(is_staff=True)
        }
        assert staff == {"registrar": (False, ["registrar"]), "viewer": (False, ["viewer"])}

    second_output = seed()
    with tenant_context(tenant):
        assert (
            Institution.objects.count(),
            Student.objects.count(),
            Enrollment.objects.count(),
        ) == counts

    assert counts[0] == 2 and counts[1] == 201 and 400 <= counts[2] <= 600
    assert statuses == set(CourseStatus.values)
    # Data that keeps the rules, with a few deliberate findings for the registrar's page.
    assert findings["lifecycle"] == findings["completed_without_grade"] == 0
    assert findings["duplicate_students"] == 2
    assert finalized > 0
    assert actors == {("system", "seed_demo")}  # the history names the command
    assert "http://demo.localhost:8000/admin/" in first_output
    assert "registrar / registrar-demo" in first_output
    assert "viewer / viewer-demo" in first_output
    assert "already present" in second_output


def test_seed_demo_api_client_gets_a_token_every_run(client, db):
    seed()
    output = seed()
    assert ApiClient.objects.filter(application__client_id=DEMO_CLIENT_ID).count() == 1
    assert f"client_id={DEMO_CLIENT_ID}" in output and "X-Tenant: demo" in output
    response = client.post(
        "/api/oauth/token",
        {
            "grant_type": "client_credentials",
            "client_id": DEMO_CLIENT_ID,
            "client_secret": DEMO_CLIENT_SECRET,
        },
    )
    assert response.status_code == 200


def test_a_demo_seeded_under_another_secret_key_gets_a_working_client_again(client, db, settings):
    # given a demo seeded while another SECRET_KEY was in force (client secrets are keyed by it)
    settings.SECRET_KEY = "the key of an earlier `make run`"
    seed()
    settings.SECRET_KEY = "the key `make serve` runs with"
    credentials = {
        "grant_type": "client_credentials",
        "client_id": DEMO_CLIENT_ID,
        "client_secret": DEMO_CLIENT_SECRET,
    }
    assert client.post("/api/oauth/token", credentials).status_code == 401

    # when the demo is seeded again under the current key
    seed()

    # then the well-known demo credentials work again
    assert client.post("/api/oauth/token", credentials).status_code == 200


def test_seed_demo_seeds_a_platform_superuser_and_prints_its_login(db):
    output = seed()

    platform = get_user_model().objects.get(username=PLATFORM_USERNAME)  # public schema
    assert platform.is_superuser and platform.check_password(PLATFORM_PASSWORD)
    assert "http://localhost:8000/admin/" in output
    assert f"{PLATFORM_USERNAME} / {PLATFORM_PASSWORD}" in output


def test_seed_demo_keeps_passwords_changed_since(db):
    # given a seeded demo whose registrar and platform operator changed their passwords
    seed()
    tenant = Tenant.objects.get(identifier="demo")
    users = get_user_model().objects
    with tenant_context(tenant):
        registrar = users.get(username="registrar")
        registrar.set_password("my-own-passphrase")
        registrar.save()
    platform = users.get(username=PLATFORM_USERNAME)
    platform.set_password("operator-passphrase")
    platform.save()

    # when the demo is seeded again
    seed()

    # then both keep their own passwords; the viewer, untouched, keeps the demo one
    with tenant_context(tenant):
        assert users.get(username="registrar").check_password("my-own-passphrase")
        assert users.get(username="viewer").check_password("viewer-demo")
    assert users.get(username=PLATFORM_USERNAME).check_password("operator-passphrase")
