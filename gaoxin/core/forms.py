"""Helpers shared by the pages' forms."""

from __future__ import annotations

from django import forms

from gaoxin.core.errors import DomainError


def attach_error(form: forms.BaseForm, error: DomainError) -> None:
    """Show a service's refusal on the form: on its field when the error names one that the form has."""
    field = error.data.get("field")
    form.add_error(field if field in form.fields else None, error.message)


class StyledFormMixin:
    """Gives every widget Tabler's class, so forms look the same everywhere without per-field markup."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            existing = widget.attrs.get("class", "")
            if css not in existing.split():
                widget.attrs["class"] = f"{existing} {css}".strip()
