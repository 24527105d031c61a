"""Translated notebooks from the one English source: gettext catalogs of the notebooks' prose.

`solutions/<id>/<topic>.ipynb` stays the only source. Its prose (markdown cells and the comments
in code cells outside solution regions) is cut into translatable units: a heading, a paragraph, one
list item, one table, one comment. Each notebook has one catalog per language,
`solutions/locale/<lang>/<id>.po`, keyed by the English text, the way Sphinx and Babel translate
documentation: when the English text of a unit changes, `update` keeps the old translation but marks
it fuzzy (with the previous English as `#| msgid`), and rendering falls back to the current English
for that unit until a translator has reviewed it and removed the flag.

    python -m autograder.i18n.notebooks update     # the catalogs follow the English notebooks
    python -m autograder.i18n.notebooks status     # how many units each catalog lacks or flags

Code, code spans, math and display math, fenced blocks and the nbgrader markers are never units, so
they stay exactly as they are in every language.
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from .. import curriculum, paths
from . import language

LOCALE_DIR = "locale"
TRANSLATED = tuple(lang for lang in language.SUPPORTED if lang != language.SOURCE)

# Lines that open a markdown block which is never prose.
_FENCE = re.compile(r"^\s*(```|~~~)")
_DISPLAY_MATH = "$$"
_HEADING = re.compile(r"^(#{1,6}\s+)(.*)$")
_ITEM = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)(.*)$")
_TABLE = re.compile(r"^\s*\|")
# A comment after code: `code  # comment`, where the code part has no quote that could hide a '#'.
_TRAILING = re.compile(r"^([^#'\"]*\S)(\s+#\s)(.*)$")
_FULL_COMMENT = re.compile(r"^(\s*#\s)(.*)$")
# nbgrader's own lines, which it finds by their exact text.
_NBGRADER_LINES = ("# YOUR CODE HERE", "### BEGIN SOLUTION", "### END SOLUTION",
                   "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


@dataclass
class Rendered:
    """A notebook in one language, and the units that fell back to English."""

    notebook: dict[str, Any]
    missing: list[str] = field(default_factory=list)  # no translation yet
    fuzzy: list[str] = field(default_factory=list)  # the English changed since it was translated


def is_prose(text: str) -> bool:
    """Whether a unit has words to translate (a table of digits or a lone formula has none)."""
    return bool(_LATIN_WORD.search(strip_code_and_math(text)))


def strip_code_and_math(text: str) -> str:
    """The text without code spans, math, display math, fenced blocks, HTML tags and link targets."""
    text = re.sub(r"```.*?```", " ", text, flags=re.DOTALL)
    text = re.sub(r"\$\$.*?\$\$", " ", text, flags=re.DOTALL)
    text = re.sub(r"(?<!\\)\$.+?(?<!\\)\$", " ", text)
    text = re.sub(r"`[^`]*`", " ", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.sub(r"<[^>]+>", " ", text)


# ---- cutting a cell into units ---------------------------------------------------------------
# Both directions walk the cell the same way: `_markdown_parts` yields (unit, prefix) for each
# translatable piece and plain strings for the rest, so rendering is a join of the same walk.

def _blocks(lines: list[str]) -> Iterator[list[str]]:
    """Markdown lines in blocks: blank-line separated, with fences and $$ blocks kept whole."""
    block: list[str] = []
    fence = None
    for line in lines:
        if fence is not None:
            block.append(line)
            if line.strip().startswith(fence) and len(block) > 1:
                yield block
                block, fence = [], None
            continue
        if _FENCE.match(line) or line.strip().startswith(_DISPLAY_MATH):
            if block:
                yield block
            block = [line]
            stripped = line.strip()
            fence = stripped[:3] if _FENCE.match(line) else _DISPLAY_MATH
            if fence == _DISPLAY_MATH and stripped.endswith(_DISPLAY_MATH) and len(stripped) > 2:
                yield block
                block, fence = [], None
            continue
        if not line.strip():
            if block:
                yield block
                block = []
            yield [line]
            continue
        block.append(line)
    if block:
        yield block


def _markdown_parts(source: str) -> Iterator[tuple[str, str] | str]:
    """(unit, prefix) for each translatable unit of a markdown cell, the verbatim text between."""
    lines = source.split("\n")
    first = True
    for block in _blocks(lines):
        if not first:
            yield "\n"
        first = False
        head = block[0]
        if not head.strip() or _FENCE.match(head) or head.strip().startswith(_DISPLAY_MATH):
            yield "\n".join(block)
        elif _TABLE.match(head):
            text = "\n".join(block)
            yield (text, "") if is_prose(text) else text
        else:
            yield from _paragraph_parts(block)


def _paragraph_parts(block: list[str]) -> Iterator[tuple[str, str] | str]:
    """A block of headings, list items and paragraph lines: one unit per heading/item/paragraph."""
    pieces: list[tuple[str, list[str]]] = []  # (prefix, lines)
    for line in block:
        heading = _HEADING.match(line)
        item = _ITEM.match(line)
        if heading:
            pieces.append((heading.group(1), [heading.group(2)]))
            pieces.append(("", []))  # a heading ends its line
        elif item:
            pieces.append((item.group(1), [item.group(2)]))
        elif pieces and pieces[-1][1]:
            pieces[-1][1].append(line.strip() if pieces[-1][0] else line)
        else:
            pieces.append(("", [line]))
    pieces = [p for p in pieces if p[1]]
    for i, (prefix, lines) in enumerate(pieces):
        if i:
            yield "\n"
        text = "\n".join(lines)
        if is_prose(text):
            yield (text, prefix)
        else:
            yield prefix + text


def _render_markdown(source: str, translate: Callable[[str], str]) -> str:
    out = []
    for part in _markdown_parts(source):
        if isinstance(part, str):
            out.append(part)
        else:
            text, prefix = part
            translated = translate(text)
            if prefix:
                # A list item's continuation lines are indented under its text.
                indent = "\n" + " " * len(prefix)
                translated = translated.replace("\n", indent)
            out.append(prefix + translated)
    return "".join(out)


def _code_parts(source: str) -> Iterator[tuple[str, str] | str]:
    """Comments outside solution regions, as units: consecutive full-line comments form one."""
    lines = source.split("\n")
    in_solution = False
    i = 0
    first = True
    while i < len(lines):
        line = lines[i]
        if not first:
            yield "\n"
        first = False
        stripped = line.strip()
        if stripped.startswith(("### BEGIN SOLUTION", "### BEGIN HIDDEN")):
            in_solution = True
        if stripped.startswith(("### END SOLUTION", "### END HIDDEN")):
            in_solution = False
            yield line
            i += 1
            continue
        full = _FULL_COMMENT.match(line)
        if not in_solution and full and stripped not in _NBGRADER_LINES \
                and not stripped.startswith("##"):
            indent = line[: len(line) - len(line.lstrip())]
            texts = [full.group(2)]
            while i + 1 < len(lines):
                more = _FULL_COMMENT.match(lines[i + 1])
                if not more or not lines[i + 1].startswith(indent + "# ") \
                        or lines[i + 1].strip() in _NBGRADER_LINES:
                    break
                texts.append(more.group(2))
                i += 1
            yield ("\n".join(texts), indent + "# ")
            i += 1
            continue
        trailing = _TRAILING.match(line)
        if not in_solution and trailing and not full and is_prose(trailing.group(3)):
            yield (trailing.group(3), trailing.group(1) + trailing.group(2))
        else:
            yield line
        i += 1


def _render_code(source: str, translate: Callable[[str], str]) -> str:
    out = []
    for part in _code_parts(source):
        if isinstance(part, str):
            out.append(part)
        else:
            text, prefix = part
            translated = translate(text)
            if prefix.strip() == "#":
                # A comment of several lines is one unit; each line of its translation is a comment.
                out.append("\n".join(prefix + line for line in translated.split("\n")))
            else:
                out.append(prefix + translated.replace("\n", " "))
    return "".join(out)


def _source(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def units(notebook: dict[str, Any]) -> Iterator[tuple[str, int]]:
    """Every translatable unit of a notebook, with the number of its cell."""
    for number, cell in enumerate(notebook.get("cells", [])):
        source = _source(cell)
        parts = (_markdown_parts(source) if cell.get("cell_type") == "markdown"
                 else _code_parts(source) if cell.get("cell_type") == "code" else ())
        for part in parts:
            if not isinstance(part, str):
                yield part[0], number


# ---- catalogs ----------------------------------------------------------------------------------

def catalog_path(assignment_id: str, lang: str, solutions: Path | None = None) -> Path:
    return (solutions or paths.solutions_dir()) / LOCALE_DIR / lang / f"{assignment_id}.po"


def template(assignment_id: str, solutions: Path | None = None) -> Catalog:
    """The English units of one notebook, as a gettext template (what `pybabel extract` writes)."""
    import nbformat

    a = curriculum.get(assignment_id)
    source = (solutions or paths.solutions_dir()) / a.id / a.notebook
    nb = nbformat.read(source, as_version=4)
    tmpl = Catalog(project="scratchgrad", fuzzy=False)
    where = f"{a.id}/{a.notebook}"
    for text, number in units(nb):
        # Cells counted from 1 ("#: 02_forward/forward.ipynb:3" is the third cell): gettext
        # writes no number for a line 0.
        existing = tmpl.get(text)
        if existing is not None:
            existing.locations.append((where, number + 1))
        else:
            tmpl.add(text, locations=[(where, number + 1)])
    return tmpl


def new_catalog(assignment_id: str, lang: str) -> Catalog:
    """An empty catalog for one notebook, its header filled in (not Babel's placeholders)."""
    from .. import __version__

    return Catalog(
        locale=lang, project="scratchgrad", version=__version__, fuzzy=False,
        copyright_holder="the scratchgrad authors", last_translator="scratchgrad",
        language_team=f"scratchgrad {lang}",
        header_comment=(f"# The prose of {assignment_id}, translated into {lang}.\n"
                        "# Made by `python -m autograder.i18n.notebooks update` from the English "
                        "notebook in solutions/;\n# fill each empty msgstr, review each fuzzy "
                        "entry and remove its flag, then `scratchgrad release`."))


def load(assignment_id: str, lang: str, solutions: Path | None = None) -> Catalog:
    path = catalog_path(assignment_id, lang, solutions)
    if not path.exists():
        return new_catalog(assignment_id, lang)
    with path.open("rb") as f:
        return read_po(f, locale=lang)


def save(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        # width=0: one line per message, so a diff of a catalog shows the paragraph that changed.
        write_po(f, catalog, width=0, include_previous=True, sort_output=False)


def update(assignment_id: str, lang: str, solutions: Path | None = None) -> Catalog:
    """Bring one catalog in line with the English notebook (msgmerge's rules) and write it.

    A new unit arrives untranslated; a changed unit keeps its old translation flagged fuzzy, with
    the previous English beside it; a removed unit moves to the obsolete entries (`#~`).
    """
    catalog = load(assignment_id, lang, solutions)
    english = template(assignment_id, solutions)
    # The header's dates stay as they are, so an update of an unchanged notebook changes no byte.
    catalog.update(english, update_header_comment=False, update_creation_date=False)
    for message in english:
        if message.id:  # where each unit is now (notebook:cell), for the translator
            catalog[message.id].locations = list(message.locations)
    catalog.fuzzy = False  # the header is ours, not a guess
    save(catalog, catalog_path(assignment_id, lang, solutions))
    return catalog


def status(catalog: Catalog) -> tuple[int, int, int]:
    """(units, untranslated, fuzzy) of a catalog."""
    messages = [m for m in catalog if m.id]
    return (len(messages), sum(1 for m in messages if not m.string),
            sum(1 for m in messages if m.string and m.fuzzy))


# ---- rendering -------------------------------------------------------------------------------

def render(notebook: dict[str, Any], catalog: Catalog | None, lang: str) -> Rendered:
    """A copy of `notebook` in `lang`: each unit's reviewed translation, else its English.

    The copy records its language in metadata["scratchgrad"]["lang"]; code and outputs are shared.
    """
    nb = copy.deepcopy(notebook)
    result = Rendered(nb)

    def translate(text: str) -> str:
        if lang == language.SOURCE or catalog is None:
            if catalog is None and lang != language.SOURCE:
                result.missing.append(text)
            return text
        message = catalog.get(text)
        if message is None or not message.string:
            result.missing.append(text)
            return text
        if message.fuzzy:
            result.fuzzy.append(text)
            return text
        return message.string

    for cell in nb.get("cells", []):
        source = _source(cell)
        if cell.get("cell_type") == "markdown":
            cell["source"] = _render_markdown(source, translate)
        elif cell.get("cell_type") == "code":
            cell["source"] = _render_code(source, translate)
    nb.setdefault("metadata", {}).setdefault("scratchgrad", {})["lang"] = lang
    return result


def render_assignment(assignment_id: str, lang: str, solutions: Path | None = None) -> Rendered:
    """The source notebook of one assignment in `lang`."""
    import nbformat

    a = curriculum.get(assignment_id)
    nb = nbformat.read((solutions or paths.solutions_dir()) / a.id / a.notebook, as_version=4)
    catalog = None if lang == language.SOURCE else load(assignment_id, lang, solutions)
    rendered = render(nb, catalog, lang)
    rendered.notebook = nbformat.from_dict(rendered.notebook)
    return rendered


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m autograder.i18n.notebooks",
        description="gettext catalogs of the notebooks' prose (solutions/locale/<lang>/<id>.po)")
    parser.add_argument("command", choices=["update", "status"],
                        help="update: the catalogs follow the English notebooks; "
                             "status: count untranslated and fuzzy units")
    parser.add_argument("--lang", action="append", choices=TRANSLATED,
                        help="only this language (default: every translated language)")
    parser.add_argument("--assignment", action="append", metavar="ID",
                        help="only this assignment (default: all)")
    args = parser.parse_args(argv)
    langs = args.lang or list(TRANSLATED)
    ids = args.assignment or [a.id for a in curriculum.ASSIGNMENTS]
    incomplete = False
    for lang in langs:
        for assignment_id in ids:
            catalog = (update(assignment_id, lang) if args.command == "update"
                       else load(assignment_id, lang))
            total, untranslated, fuzzy = status(catalog)
            incomplete |= bool(untranslated or fuzzy)
            print(f"{catalog_path(assignment_id, lang)}: {total} units, "
                  f"{untranslated} untranslated, {fuzzy} fuzzy")
    return 1 if incomplete and args.command == "status" else 0


if __name__ == "__main__":
    sys.exit(main())
