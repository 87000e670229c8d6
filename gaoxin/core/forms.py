"""Helpers shared by the pages' forms."""

from __future__ import annotations

from django import forms

from gaoxin.core.errors import DomainError


def attach_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show a service's refusal on the form: on its field when the error names one that the form has."""
    field = error.data.get("field")
    form.add_error(field if field in form.fields else None, error.message)
