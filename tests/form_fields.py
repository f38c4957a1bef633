"""Read an HTML page's form as a browser would post it (tests that send a page's own form back)."""

from html.parser import HTMLParser


class FormFields(HTMLParser):
    """The values a browser would post from the page's form (the last form on the page): inputs (checked boxes
    only), selected options and textareas, name -> list of values."""

    def __init__(self, form_id=None):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None
        self.form_id, self._inside = form_id, form_id is None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "form":
            if self.form_id is not None:
                self._inside = a.get("id") == self.form_id
                if not self._inside:
                    return
            self.data = {}
        if not self._inside:
            return
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
        if tag == "form" and self.form_id is not None:
            self._inside = False
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][0] += data.lstrip("\n") if not self.data[self._textarea][0] else data


def form_data(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    """The last form of `html` (or the one with id `form_id`) as a browser would post it, without the CSRF
    token."""
    fields = FormFields(form_id)
    fields.feed(html)
    return {k: v for k, v in fields.data.items() if k != "csrfmiddlewaretoken"}
