"""The models' check constraints for many unsaved instances at once (an import's rows),
compiled once by academics/models/checks.py, each with the fields it reads."""

from django.db.models import Model

from academics.models.checks import check_constraints, compile_condition, referenced_fields


class CheckRules:
    """A model's check constraints, each with the fields it reads, for many instances."""

    def __init__(self, model: type[Model]):
        self.rules = [
            (
                constraint,
                compile_condition(constraint.condition, model._meta),
                referenced_fields(constraint.condition),
                model.constraint_fields.get(constraint.name, "__all__"),
            )
            for constraint in check_constraints(model)
        ]

    def violations(self, instance: Model, exclude: set[str]) -> dict[str, list[str]]:
        """Field -> messages of the constraints `instance` breaks, skipping those that read a
        field in `exclude` (already invalid), as `Model.validate_constraints` does."""
        errors: dict[str, list[str]] = {}
        for constraint, holds, fields, field in self.rules:
            if fields & exclude:
                continue
            if holds(instance) is False:
                errors.setdefault(field, []).append(constraint.violation_error_message)
        return errors
