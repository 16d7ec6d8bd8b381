"""No text for people escapes translation (issue 16): a template's visible text and labels go through
{% translate %}, and Python code neither writes Chinese literals for people nor passes a bare English sentence
to an error, a message or a model field's label. The catalogue's completeness is tests/crm/test_translations.py."""

import ast
import re
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u4e00-\u9fff]")
WORD = re.compile(r"[A-Za-z]{2,}|[\u4e00-\u9fff]")
SKIPPED_DIRS = {".venv", "node_modules", "static", "staticfiles", "tests", "migrations", "benchmarks", "scripts"}

# --- Templates ------------------------------------------------------------------------------------------------

_DROPPED = [re.compile(pattern, re.DOTALL) for pattern in (
    r"\{% *comment *%\}.*?\{% *endcomment *%\}", r"\{#.*?#\}",
    r"\{% *blocktrans(late)?\b.*?\{% *endblocktrans(late)? *%\}",
    r"<script\b.*?</script>", r"<style\b.*?</style>",
    r"\{% *block body_class *%\}.*?\{% *endblock *%\}",  # a CSS class, not text
)]
_TEMPLATE_TAG = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.DOTALL)
_LABEL_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt", "label", "data-confirm"}
# Names that read the same in both languages.
_SAME_IN_BOTH = {"CSV", "Excel", "API", "KPI"}


class _VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_data(self, data: str) -> None:
        text = data.strip()
        if WORD.search(text) and text not in _SAME_IN_BOTH:
            self.found.append(text)

    def handle_starttag(self, tag, attrs) -> None:
        for name, value in attrs:
            if name in _LABEL_ATTRIBUTES and value and WORD.search(value) and value not in _SAME_IN_BOTH:
                self.found.append(f'{name}="{value}"')


def untranslated_template_text(source: str) -> list[str]:
    """The words a template shows that no {% translate %} / {% blocktranslate %} covers."""
    for pattern in _DROPPED:
        source = pattern.sub(" ", source)
    parser = _VisibleText()
    parser.feed(_TEMPLATE_TAG.sub(" ", source))
    return parser.found


def templates() -> list[Path]:
    return sorted(path for path in ROOT.glob("**/templates/**/*.html")
                  if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts[:-1]))


def test_the_template_check_finds_bare_text():
    assert untranslated_template_text('<p>Save</p><a title="Open">{% translate "x" %}</a>') == ["Save", 'title="Open"']
    assert untranslated_template_text('<p>{% translate "Save" %} {{ name }}</p>') == []
    assert untranslated_template_text("<td>客户</td>") == ["客户"]


def test_every_template_text_is_translated():
    found = {str(path.relative_to(ROOT)): text for path in templates()
             if (text := untranslated_template_text(path.read_text(encoding="utf-8")))}
    assert found == {}


# --- Python ---------------------------------------------------------------------------------------------------

# Chinese literals that are not text for people: what people may write in an import file's header row, the
# legal-form words the duplicate check ignores, language names shown in their own language, the Chinese units of
# money summaries, a product's default unit.
_HAN_ALLOWED = {
    "accounts/imports.py": "header aliases of an import file",
    "accounts/matching.py": "legal forms and place suffixes the duplicate check strips",
    "forecasting/services.py": "header aliases of a channel forecast file",
    "crm/money.py": "万 and 亿: the units of Chinese summaries",
    "crm/settings.py": "a language's name in that language",
    "teams/models.py": "a language's name in that language",
    "teams/admin.py": "example place names in a help text (itself translated)",
    "opportunities/models.py": "a product's default unit (台), data people edit",
}
_LABEL_NAMES = ("verbose_name", "verbose_name_plural")
_MESSAGE_CALLS = {"DomainError", "PermissionDenied", "ConflictError", "ValidationError", "Http404"}
_MESSAGE_METHODS = {"success", "error", "warning", "info"}  # django.contrib.messages
_SENTENCE = re.compile(r"[A-Za-z]{2,} [A-Za-z]+")


def python_modules() -> list[Path]:
    return sorted(path for path in ROOT.glob("**/*.py")
                  if not SKIPPED_DIRS & set(path.relative_to(ROOT).parts[:-1])
                  and "management" not in path.parts and path.name != "demo.py")


def untranslated_python_text(source: str, *, han_allowed: bool = False) -> list[str]:
    """Chinese literals (outside docstrings) and bare English sentences given to errors, messages and fields."""
    tree = ast.parse(source)
    docstrings = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    found = []
    for node in ast.walk(tree):
        if (not han_allowed and isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docstrings and HAN.search(node.value)):
            found.append(f"{node.lineno}: {node.value[:50]!r}")
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
                and any(getattr(target, "id", "") in _LABEL_NAMES for target in node.targets)):
            found.append(f"{node.lineno}: {ast.unparse(node)[:60]}")
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        texts = []
        if name in _MESSAGE_CALLS:
            texts = node.args[:1]
        elif name in _MESSAGE_METHODS and getattr(getattr(node.func, "value", None), "id", "") == "messages":
            texts = node.args[1:2]
        elif isinstance(node.func, ast.Attribute) and getattr(node.func.value, "id", "") in ("models", "forms"):
            # A model or form field's label and help (the API's serializers document it for developers, in English).
            texts = [*(node.args[:1] if name.endswith("Field") else []),
                     *(kw.value for kw in node.keywords if kw.arg in ("verbose_name", "label", "help_text"))]
        for text in texts:
            if isinstance(text, ast.JoinedStr) or (isinstance(text, ast.Constant) and isinstance(text.value, str)
                                                    and _SENTENCE.search(text.value)):
                found.append(f"{node.lineno}: {name}({ast.unparse(text)[:50]})")
    return found


def test_the_python_check_finds_bare_text():
    source = 'raise DomainError("Enter a name.")\nx = "客户"\nmessages.error(request, f"Bad {x}")\n' \
             'name = models.CharField("full name", max_length=3)\nok = DomainError(_("Enter a name."))\n' \
             'class Meta:\n    verbose_name = "customer"\n'
    assert len(untranslated_python_text(source)) == 5


def test_every_python_text_for_people_is_translated():
    found = {}
    for path in python_modules():
        relative = str(path.relative_to(ROOT))
        text = untranslated_python_text(path.read_text(encoding="utf-8"), han_allowed=relative in _HAN_ALLOWED)
        if text:
            found[relative] = text
    assert found == {}
