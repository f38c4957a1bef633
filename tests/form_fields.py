"""Read an HTML page's form as a browser would post it (tests that send a page's own form back)."""

from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The values a browser would post from the page's form (the last form on the page): inputs (checked boxes
    only), selected options and textareas, name -> list of values."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "form":
            self.data = {}
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data.setdefault(name, []).append(a.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data.lstrip("\n") if not self.data[self._textarea][0] else data


def form_data(html: str) -> dict[str, list[str]]:
    """The last form of `html` as a browser would post it, without the CSRF token."""
    fields = FormFields()
    fields.feed(html)
    return {k: v for k, v in fields.data.items() if k != "csrfmiddlewaretoken"}
