"""A faster way to draw a select: the form renderer writes a `<select>` and its options in Python.

Django draws a select from a template that includes a second template for each option, each with a template of its
attributes: a select of sixty bodies (the board's and the assignment list's filters) took 4-6 ms, and every page
draws at least the language chooser's. `FormRenderer` answers Django's select template with `select_html`, the
same HTML (tests compare the two), and every other widget from its template as before.
"""

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"


def _attrs(attrs: dict[str, Any]) -> str:
    """Django's `attrs.html`: ` name="value"` per attribute, ` name` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
        )
    return "".join(out)


def select_html(widget: dict[str, Any]) -> SafeString:
    """The HTML Django's `select.html` (with `select_option.html` and `attrs.html`) makes of a select widget's
    context `widget` (name, attrs, optgroups), whitespace included."""
    parts = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        for option in group_choices:
            parts.append(
                f'\n  <option value="{conditional_escape(str(option["value"]))}"{_attrs(option["attrs"])}>'
                f"{conditional_escape(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")  # Django's renderer strips what its template ends with
    return mark_safe("".join(parts))  # every value above is escaped


class FormRenderer(DjangoTemplates):
    """Django's default form renderer, but a select (Django's own select template, not a project's) is written by
    `select_html`. `settings.FORM_RENDERER`."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        if template_name == SELECT_TEMPLATE and "widget" in context:
            return select_html(context["widget"])
        return super().render(template_name, context, request)
