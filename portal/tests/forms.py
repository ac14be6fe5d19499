"""What a browser would post back from a rendered form: its inputs, selected options and text areas as they are
shown. Tests then change the few values they care about, so that admin pages with inlines (management forms and
all) are submitted as a person would submit them."""

from html.parser import HTMLParser
from typing import Any


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.depth = 0  # > 0 inside the wanted form
        self.in_main = False
        self.found = False
        self.data: list[tuple[str, str]] = []
        self.select: str | None = None
        self.selected: list[str] = []
        self.first_option: str | None = None
        self.option: dict[str, Any] | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "main":
            self.in_main = True
        if tag == "form":
            if self.depth:
                self.depth += 1
            elif self.form_id is not None and values.get("id") == self.form_id:
                self.depth = 1
            elif self.form_id is None and self.in_main and not self.found and values.get("method") == "post":
                self.depth, self.found = 1, True
            return
        if not self.depth or "disabled" in values:
            return
        name = values.get("name")
        if tag == "input" and name:
            kind = values.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in values:
                return
            self.data.append((name, values.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "select" and name:
            self.select, self.selected, self.first_option = name, [], None
        elif tag == "option" and self.select is not None:
            self.option = values
            self.text = ""
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None or self.option is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "main":
            self.in_main = False
        elif tag == "form" and self.depth:
            self.depth -= 1
        elif tag == "option" and self.option is not None:
            value = self.option.get("value", self.text.strip())
            if self.first_option is None:
                self.first_option = value
            if "selected" in self.option:
                self.selected.append(value)
            self.option = None
        elif tag == "select" and self.select is not None:
            for value in self.selected or ([self.first_option] if self.first_option is not None else []):
                self.data.append((self.select, value))
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A browser drops the newline that follows <textarea>.
            self.data.append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None


def form_data(html: str | bytes, form_id: str | None = None, **changes: Any) -> dict[str, Any]:
    """The fields of the form `form_id` (else of the page's first POST form in <main>) as posted, with `changes`
    applied; a change to None removes the field (an unticked checkbox)."""
    reader = _FormReader(form_id)
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    data: dict[str, Any] = {}
    for name, value in reader.data:
        data.setdefault(name, []).append(value)
    flat: dict[str, Any] = {name: values[0] if len(values) == 1 else values for name, values in data.items()}
    for name, value in changes.items():
        if value is None:
            flat.pop(name, None)
        else:
            flat[name] = value
    return flat
