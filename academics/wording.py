"""One wording for every layer: a validation failure, known by its error code and the kind of
field it happened on, gets the same Laravel-worded message (`academics.messages`) whether the API,
the admin's forms, an import or a command reports it. `academics.api.wording` adds DRF's field
kinds to the same tables."""

from django import forms
from django.db import models

from academics import messages as msg


def attribute(name: str) -> str:
    """How Laravel names a field in a message: `course_uuid` -> `course uuid`."""
    return name.replace("_", " ")


# The API keeps the contract's Laravel wording, where a field's name is its attribute ("The
# completed at must be a date after or equal to enrolled at."). People in the admin read the
# same messages with these names, which are also the admin's labels for the fields.
PEOPLE_NAMES = {
    "enrolled_at": "enrollment date",
    "completed_at": "completion date",
    "finalized_at": "finalized on",
}


def for_people(message: str) -> str:
    """`message` (in the vocabulary of academics/messages.py) as the admin shows it."""
    for name, label in PEOPLE_NAMES.items():
        message = message.replace(attribute(name), label)
    return message


CODE_MESSAGES = {
    "required": msg.REQUIRED,
    "null": msg.REQUIRED,
    "blank": msg.REQUIRED,
    "invalid_choice": msg.SELECTED_INVALID,
    "does_not_exist": msg.SELECTED_INVALID,
    "incorrect_type": msg.SELECTED_INVALID,
    "not_a_list": msg.ARRAY,
    "date": msg.DATE,
    "datetime": msg.DATE,
    "invalid_date": msg.DATE,
}

# What "invalid" means depends on the field's kind; the first match wins.
INVALID_BY_FIELD: list[tuple[type | object, str]] = [
    (models.ForeignKey | forms.ModelChoiceField, msg.SELECTED_INVALID),
    (models.BooleanField | forms.NullBooleanField | forms.BooleanField, msg.BOOLEAN),
    # A form's DecimalField is an IntegerField subclass: decimals first.
    (models.DecimalField | models.FloatField | forms.DecimalField | forms.FloatField, msg.NUMERIC),
    (models.IntegerField | forms.IntegerField, msg.INTEGER),
    (models.EmailField | forms.EmailField, msg.EMAIL),
    (models.URLField | forms.URLField, msg.URL),
    (models.UUIDField | forms.UUIDField, msg.UUID),
    (models.DateField | forms.DateField | forms.DateTimeField, msg.DATE),
    (forms.ChoiceField, msg.SELECTED_INVALID),
]


def message_for(code, name, field, default, model_field=None, invalid_by=INVALID_BY_FIELD) -> str:
    """The Laravel-worded message for a failure of `code` on field `name` of kind `field` (a
    model, form or serializer field); `default` when the vocabulary has none."""
    custom = getattr(model_field, "_error_messages", None) or {}
    if code in custom:  # a message the model field declares itself (e.g. the grade's)
        return str(custom[code])
    template = CODE_MESSAGES.get(code)
    if code == "invalid" or (template is None and code in ("invalid_date", "invalid_time")):
        template = next((text for kind, text in invalid_by if isinstance(field, kind)), None)
    elif code == "max_length" and getattr(field, "max_length", None):
        template = msg.MAX_STRING.replace("{max}", str(field.max_length))
    elif code in ("min_value", "max_value"):
        limit = getattr(field, code, None)
        if limit is None:
            limit = _validator_limit(field, code)
        if limit is not None:
            template = (msg.MIN_NUMBER if code == "min_value" else msg.MAX_NUMBER).replace(
                "{" + code[:3] + "}", str(limit)
            )
    if template is None:
        return str(default)
    return template.format(attribute=attribute(name))


def _validator_limit(field, code):
    for validator in getattr(field, "validators", ()):
        if getattr(validator, "code", None) == code:
            return validator.limit_value
    return None


def reworded(error, fields) -> dict:
    """A ValidationError's `error_dict` with every message in the vocabulary's wording;
    `fields` maps a name to its field (model or form)."""
    from django.core.exceptions import ValidationError

    out = {}
    for name, problems in error.error_dict.items():
        field = fields.get(name)
        out[name] = [
            ValidationError(
                message_for(
                    p.code,
                    name,
                    field,
                    p.message % p.params if p.params else p.message,
                    field if isinstance(field, models.Field) else None,
                ),
                code=p.code,
            )
            for p in problems
        ]
    return out
