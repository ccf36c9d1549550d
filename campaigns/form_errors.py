"""A service's refusal shown on the form that asked for it: each message on its field when the form has
that field, else at the top of the form."""

from django.core.exceptions import ValidationError


def apply_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for message in exc.messages:
            form.add_error(None, message)
