"""Validation messages in Laravel wording, chosen by DRF's or Django's error code and the
field's type (CONTRACT.md §4): `The name field is required.`, `The selected course uuid is
invalid.`. Messages a model field declares itself (e.g. the grade's) win."""

from django import forms
from rest_framework import exceptions, serializers

from academics.api import messages as api_msg


def attribute(name: str) -> str:
    """How Laravel names a field in a message: `course_uuid` -> `course uuid`."""
    return name.replace("_", " ")


def invalid(errors: dict[str, list[str]]) -> exceptions.ValidationError:
    """A 422 whose `errors` are exactly `errors` (already in API wording)."""
    return exceptions.ValidationError(errors)


_CODE_MESSAGES = {
    "required": api_msg.REQUIRED,
    "null": api_msg.REQUIRED,
    "blank": api_msg.REQUIRED,
    "invalid_choice": api_msg.SELECTED_INVALID,
    "does_not_exist": api_msg.SELECTED_INVALID,
    "incorrect_type": api_msg.SELECTED_INVALID,
    "not_a_list": api_msg.ARRAY,
    "date": api_msg.DATE,
    "datetime": api_msg.DATE,
    "null_characters_not_allowed": api_msg.NULL_CHARACTERS,
}

# What "invalid" means depends on the field's type; the first match wins.
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
]

_INVALID_BY_FORM_FIELD = [
    (forms.UUIDField, api_msg.UUID),
    (forms.ChoiceField, api_msg.SELECTED_INVALID),
    (forms.IntegerField, api_msg.INTEGER),
    (forms.DecimalField, api_msg.NUMERIC),
    (forms.DateField, api_msg.DATE),
    (forms.NullBooleanField, api_msg.BOOLEAN),
]


def message_for(code, name, field, default, model_field=None) -> str:
    """The Laravel-worded message for a validation failure of `code` on field `name`."""
    custom = getattr(model_field, "_error_messages", None) or {}
    if code in custom:  # a message the model field declares itself (e.g. the grade's)
        return str(custom[code])
    template = _CODE_MESSAGES.get(code)
    if code == "invalid":
        is_drf = isinstance(field, serializers.Field)
        table = _INVALID_BY_FIELD if is_drf else _INVALID_BY_FORM_FIELD
        template = next((text for kind, text in table if isinstance(field, kind)), None)
    elif code == "max_length" and getattr(field, "max_length", None):
        template = api_msg.MAX_STRING.replace("{max}", str(field.max_length))
    elif code in ("min_value", "max_value"):
        limit = getattr(field, code, None)
        if limit is not None:
            template = (api_msg.MIN_NUMBER if code == "min_value" else api_msg.MAX_NUMBER).replace(
                "{" + code[:3] + "}", str(limit)
            )
    if template is None:
        return str(default)
    return template.format(attribute=attribute(name))


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
