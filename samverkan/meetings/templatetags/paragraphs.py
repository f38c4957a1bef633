"""`{{ item.number|paragraph:continuous }}`: an item number as shown ("§ 40" or "2.1"), never "§ § 40"."""

from django import template

from samverkan.meetings.numbering import paragraph_label

register = template.Library()


@register.filter
def paragraph(number, numbering):
    """`numbering` is the body's scheme ("continuous", "per_meeting") or a bool saying continuous."""
    continuous = numbering == "continuous" if isinstance(numbering, str) else bool(numbering)
    return paragraph_label(number, continuous, space="\u00a0")
