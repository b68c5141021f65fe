"""A write serializer's fields are built from the model once per class and copied for each
serializer (`RecordSerializer.get_fields`): the same fields DRF builds, each serializer's own."""

from unittest import mock

import pytest
from rest_framework import serializers

from academics.api.views import VIEWSETS

SERIALIZERS = {name: viewset.serializer_class for name, viewset in VIEWSETS.items()}

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", sorted(SERIALIZERS))
def test_the_fields_are_those_drf_builds(name):
    serializer_class = SERIALIZERS[name]
    built = serializers.ModelSerializer.get_fields(serializer_class())

    copied = serializer_class(data={}).fields

    assert list(copied) == list(built)
    assert {n: repr(f) for n, f in copied.items()} == {n: repr(f) for n, f in built.items()}


@pytest.mark.parametrize("name", sorted(SERIALIZERS))
def test_each_serializer_binds_fields_of_its_own(name):
    serializer_class = SERIALIZERS[name]

    first, second = serializer_class(data={}), serializer_class(data={}, partial=True)

    for field_name, field in first.fields.items():
        other = second.fields[field_name]
        assert field is not other
        assert (field.parent, other.parent) == (first, second)
        assert field.field_name == other.field_name == field_name


def test_a_second_serializer_builds_no_field_from_the_model():
    serializer_class = SERIALIZERS["enrollments"]
    assert serializer_class(data={}).fields  # the class's fields exist by now

    with mock.patch.object(
        serializers.ModelSerializer, "build_field", side_effect=AssertionError("built again")
    ):
        fields = serializer_class(data={"grade": "7.5"}, partial=True).fields

    assert "grade" in fields
