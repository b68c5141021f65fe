import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from academics.management.commands.create_staff_user import MSG_PASSWORD_REQUIRED, PASSWORD_ENV
from academics.roles import REGISTRAR, VIEWER
from academics.selectors import MSG_UNKNOWN_TENANT

pytestmark = pytest.mark.django_db


def groups_of(username: str) -> list[str]:
    return list(User.objects.get(username=username).groups.values_list("name", flat=True))


def test_creates_a_staff_user_with_the_role_in_the_tenant_schema(tenant_a, in_tenant_a):
    call_command("create_staff_user", "tenant-a", "rita", role=REGISTRAR, password="pw-rita-2026")

    user = User.objects.get(username="rita")
    assert user.is_staff and not user.is_superuser and user.check_password("pw-rita-2026")
    assert groups_of("rita") == [REGISTRAR]


def test_takes_the_password_from_the_environment(in_tenant_a, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, "from-the-env-2026")

    call_command("create_staff_user", "tenant-a", "vic", role=VIEWER)

    assert User.objects.get(username="vic").check_password("from-the-env-2026")


def test_running_again_changes_the_role_and_keeps_the_password(in_tenant_a):
    call_command("create_staff_user", "tenant-a", "rita", role=REGISTRAR, password="pw-rita-2026")
    call_command("create_staff_user", "tenant-a", "rita", role=VIEWER, interactive=False)

    assert groups_of("rita") == [VIEWER]
    assert User.objects.get(username="rita").check_password("pw-rita-2026")


def test_prompts_for_a_password_when_none_is_given(in_tenant_a, monkeypatch):
    answers = iter(["first-try-2026", "mistyped", "Good-Pass-2026", "Good-Pass-2026"])
    monkeypatch.setattr("getpass.getpass", lambda prompt: next(answers))
    monkeypatch.delenv(PASSWORD_ENV, raising=False)

    call_command("create_staff_user", "tenant-a", "pat", role=VIEWER)

    assert User.objects.get(username="pat").check_password("Good-Pass-2026")


def test_without_a_password_and_without_input_it_fails(in_tenant_a, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)

    with pytest.raises(CommandError, match=MSG_PASSWORD_REQUIRED):
        call_command("create_staff_user", "tenant-a", "pat", role=VIEWER, interactive=False)


def test_an_unknown_tenant_is_an_error(db):
    with pytest.raises(CommandError, match=MSG_UNKNOWN_TENANT.format(identifier="nope")):
        call_command("create_staff_user", "nope", "pat", role=VIEWER, password="x")


def test_an_unknown_role_is_an_error(tenant_a):
    with pytest.raises(CommandError, match="invalid choice: 'admin'"):
        call_command("create_staff_user", "tenant-a", "pat", "--role", "admin", "--password", "x")


@pytest.mark.parametrize("weak", ["password", "123", "rita"])
def test_a_weak_password_is_refused(db, weak):
    with pytest.raises(CommandError):
        call_command("create_staff_user", "tenant-a", "rita", role=REGISTRAR, password=weak)
