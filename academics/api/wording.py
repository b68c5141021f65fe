"""Validation messages in Laravel wording for the API, chosen by DRF's or Django's error code
and the field's type (docs/api.md, Errors) on the vocabulary every layer shares
(`academics.wording`): `The name field is required.`, `The selected course uuid is invalid.`.
Messages a model field declares itself (e.g. the grade's) win."""

from rest_framework import exceptions, serializers

from academics.api import messages as api_msg
from academics.wording import INVALID_BY_FIELD, attribute
from academics.wording import message_for as shared_message_for


def invalid(errors: dict[str, list[str]]) -> exceptions.ValidationError:
    """A 422 whose `errors` are exactly `errors` (already in API wording)."""
    return exceptions.ValidationError(errors)


# DRF's field kinds first (a DRF field is not a form field), then the shared table.
_INVALID_BY_FIELD = [
    (serializers.RelatedField, api_msg.SELECTED_INVALID),
    (serializers.BooleanField, api_msg.BOOLEAN),
    (serializers.IntegerField, api_msg.INTEGER),
    (serializers.DecimalField | serializers.FloatField, api_msg.NUMERIC),
    (serializers.EmailField, api_msg.EMAIL),
    (serializers.URLField, api_msg.URL),
    (serializers.UUIDField, api_msg.UUID),
    (serializers.DateField | serializers.DateTimeField, api_msg.DATE),
    (serializers.ChoiceField, api_msg.SELECTED_INVALID),
    (serializers.CharField, api_msg.STRING),
    *INVALID_BY_FIELD,
]


def message_for(code, name, field, default, model_field=None) -> str:
    """The Laravel-worded message for a validation failure of `code` on field `name`."""
    if code == "null_characters_not_allowed":
        return api_msg.NULL_CHARACTERS.format(attribute=attribute(name))
    return shared_message_for(code, name, field, default, model_field, _INVALID_BY_FIELD)


def serializer_errors(serializer, detail) -> dict:
    model = serializer.Meta.model
    errors = {}
    for name, problems in detail.items():
        field = serializer.fields.get(name)
        model_field = model_field_of(model, field.source) if field is not None else None
        errors[name] = [
            message_for(getattr(p, "code", None), name, field, p, model_field) for p in problems
        ]
    return errors


def model_field_of(model, source):
    try:
        return model._meta.get_field(source)
    except Exception:  # a computed or nested source has no model field of its own
        return None
