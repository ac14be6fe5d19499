"""Django's `{# … #}` comment ends on its own line: one spread over two lines is printed on the page as text (it was,
untranslated, on every return's and release report's page). Longer comments use `{% comment %}`."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_one_line_comment_closes_on_its_line():
    templates = [path for path in ROOT.glob("**/templates/**/*.html") if ".venv" not in path.parts]
    templates += [path for path in (ROOT / "templates").glob("**/*.html")]
    unclosed = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(set(templates))
        if "node_modules" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert not unclosed, unclosed
