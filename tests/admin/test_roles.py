"""Registrar and viewer roles, and staff logins that stay inside their own tenant."""

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django_tenants.utils import tenant_context

from academics.choices import CompletionStatus, CourseStatus
from academics.roles import RECORD_MODELS, REGISTRAR, VIEWER, ensure_roles, staff_user_save
from tests.admin.conftest import PASSWORD, TENANT_A_HOST, TENANT_B_HOST, tenant_client
from tests.factories import CourseFactory, EnrollmentFactory

pytestmark = pytest.mark.django_db
WRITING_ACTIONS = {
    "delete_selected",
    "restore_selected",
    "activate_courses",
    "archive_courses",
    "complete_enrollments",
    "drop_enrollments",
}


def offered_actions(changelist_response) -> set[str]:
    action_form = changelist_response.context["action_form"]
    return (
        {name for name, _ in action_form.fields["action"].choices if name} if action_form else set()
    )


def log_in(host: str, username: str) -> Client:
    client = Client(HTTP_HOST=host)
    client.post("/admin/login/", {"username": username, "password": PASSWORD})
    return client


def test_tenant_schemas_have_both_roles_from_the_template(in_tenant_b):
    registrar = Group.objects.get(name=REGISTRAR).permissions.values_list("codename", flat=True)
    viewer = Group.objects.get(name=VIEWER).permissions.values_list("codename", flat=True)

    assert len(registrar) == 4 * len(RECORD_MODELS)
    assert sorted(viewer) == sorted(f"view_{model}" for model in RECORD_MODELS)


def test_ensure_roles_is_idempotent_and_repairs_a_group(in_tenant_a):
    Group.objects.get(name=VIEWER).permissions.clear()

    ensure_roles()
    ensure_roles()

    assert Group.objects.filter(name__in=[REGISTRAR, VIEWER]).count() == 2
    assert Group.objects.get(name=VIEWER).permissions.count() == len(RECORD_MODELS)


@pytest.mark.parametrize("model", RECORD_MODELS)
def test_viewer_can_read_but_not_write(viewer_client, model):
    url = f"/admin/academics/{model}/"

    listed = viewer_client.get(url)
    add_page = viewer_client.get(url + "add/")

    assert listed.status_code == 200
    assert b'class="addlink"' not in listed.content
    assert add_page.status_code == 403


def test_viewer_cannot_change_or_run_actions(viewer_client):
    course = CourseFactory(name="Original")
    url = f"/admin/academics/course/{course.pk}/change/"

    page = viewer_client.get(url)
    posted = viewer_client.post(url, {"name": "Changed"})
    listed = viewer_client.get("/admin/academics/course/")
    viewer_client.post(
        "/admin/academics/course/",
        {"action": "archive_courses", "_selected_action": [course.pk]},
    )

    assert page.status_code == 200 and b'name="_save"' not in page.content
    assert posted.status_code == 403
    assert not offered_actions(listed) & WRITING_ACTIONS
    course.refresh_from_db()
    assert (course.name, course.status) == ("Original", "active")


def test_registrar_is_offered_the_writing_actions(registrar_client):
    listed = registrar_client.get("/admin/academics/course/")

    assert offered_actions(listed) >= {"delete_selected", "restore_selected", "archive_courses"}


def test_registrar_sees_add_links_and_the_dashboard(registrar_client):
    CourseFactory(status=CourseStatus.DRAFT)
    EnrollmentFactory.create_batch(2)
    EnrollmentFactory(completion_status=CompletionStatus.DROPPED)

    index = registrar_client.get("/admin/")

    dashboard = index.context["dashboard"]
    figures = {figure.label: figure.count for figure in dashboard["figures"]}
    assert (figures["Students"], figures["Active courses"]) == (3, 3)
    by_status = [(figure.label, figure.count) for figure in dashboard["enrollments"]]
    assert by_status == [("Enrolled", 2), ("Completed", 0), ("Dropped", 1)]
    assert b'id="dashboard"' in index.content
    assert index.context["site_header"] == "Tenant A University · Registrar admin"
    assert b'class="addlink"' in registrar_client.get("/admin/academics/course/").content


def test_registrar_cannot_manage_staff_accounts(registrar_client):
    assert registrar_client.get("/admin/auth/user/").status_code == 403


def test_staff_of_tenant_a_cannot_log_in_to_tenant_b(registrar):
    home = log_in(TENANT_A_HOST, "registrar")
    other = log_in(TENANT_B_HOST, "registrar")

    assert home.get("/admin/").status_code == 200
    assert other.get("/admin/").status_code == 302


def test_a_session_of_tenant_a_means_nothing_in_tenant_b(registrar):
    client = log_in(TENANT_A_HOST, "registrar")

    response = client.get("/admin/", HTTP_HOST=TENANT_B_HOST)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_tenant_staff_cannot_log_in_to_the_platform_admin(registrar):
    platform = log_in("localhost", "registrar")

    assert platform.get("/admin/").status_code == 302


def test_platform_staff_cannot_log_in_to_a_tenant_admin(tenant_a):
    User.objects.create_user("operator", password=PASSWORD, is_staff=True, is_superuser=True)

    assert log_in("localhost", "operator").get("/admin/").status_code == 200
    assert log_in(TENANT_A_HOST, "operator").get("/admin/").status_code == 302


def test_staff_user_save_sets_exactly_one_role(in_tenant_a):
    user = staff_user_save(username="sam", role=REGISTRAR, password=PASSWORD)
    staff_user_save(username="sam", role=VIEWER)

    user.refresh_from_db()
    assert list(user.groups.values_list("name", flat=True)) == [VIEWER]
    assert user.check_password(PASSWORD) and user.is_staff and not user.is_superuser
    with tenant_context(in_tenant_a):
        assert user.has_perm("academics.view_course")


@pytest.mark.parametrize("role", ["registrar", "viewer"])
def test_a_past_version_can_be_read_but_not_posted_back(request, role):
    client = tenant_client(request.getfixturevalue(role))
    course = CourseFactory(name="Original")
    version = course.history.latest("history_date")
    url = f"/admin/academics/course/{course.pk}/history/{version.history_id}/"

    page = client.get(url)
    posted = client.post(url, {"name": "Rewritten", "institution": course.institution_id})

    assert page.status_code == 200
    assert posted.status_code == 403
    course.refresh_from_db()
    assert course.name == "Original"


def test_tenant_staff_are_deactivated_not_deleted(in_tenant_a, viewer):
    boss = User.objects.create_superuser("boss", password=PASSWORD)

    response = tenant_client(boss).post(f"/admin/auth/user/{viewer.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert User.objects.filter(pk=viewer.pk).exists()
