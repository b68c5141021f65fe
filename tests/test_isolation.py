from django_tenants.utils import tenant_context

from academics.models import Student
from tests.factories import StudentFactory


def test_record_created_in_one_tenant_is_invisible_in_the_other(tenant_a, tenant_b):
    # given a student in tenant A
    with tenant_context(tenant_a):
        student = StudentFactory(email="only-in-a@example.edu")

    # when tenant B is queried
    with tenant_context(tenant_b):
        seen_in_b = Student.all_objects.filter(uuid=student.uuid).exists()
        count_in_b = Student.all_objects.count()

    # then B sees nothing of A
    with tenant_context(tenant_a):
        assert Student.objects.filter(uuid=student.uuid).exists()
    assert not seen_in_b
    assert count_in_b == 0


def test_same_unique_values_may_exist_in_two_tenants(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        StudentFactory(email="same@example.edu")
    with tenant_context(tenant_b):
        StudentFactory(email="same@example.edu")
        assert Student.objects.filter(email="same@example.edu").count() == 1


def test_each_tenant_has_its_own_schema(tenant_a, tenant_b):
    assert tenant_a.schema_name != tenant_b.schema_name
    assert tenant_a.schema_name.startswith("tenant_")
    assert "tenant-a" not in tenant_a.schema_name
