"""The Babel workflow in one command: ``python -m autograder.i18n update``.

update   extract every marked message (babel.cfg: the kit and the public tests in solutions/)
         into autograder/locale/scratchgrad.pot,
         merge it into each language's .po (creating a missing one), and compile the .mo files
compile  compile the .po files only (after editing translations)
check    exit 1 when a catalog lacks a translation or a .mo is stale (what the tests check)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages import frontend
from babel.messages.extract import DEFAULT_KEYWORDS
from babel.messages.extract import extract as extract_messages
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from . import language
from .messages import DOMAIN, LOCALE_DIR, PUBLIC_DIR

ROOT = LOCALE_DIR.parents[1]  # the repository: babel.cfg sits there
POT = LOCALE_DIR / f"{DOMAIN}.pot"
TRANSLATED = tuple(lang for lang in language.SUPPORTED if lang != language.SOURCE)
# The code whose messages are marked: the kit, and the public tests (solutions/<id>/test_*.py,
# released with the notebooks) that students run.
SOURCES = (ROOT / "autograder", ROOT / "solutions")


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def public_mo(lang: str) -> Path:
    """The student-side catalog: the only one the sandbox sees (see messages.PUBLIC_DIR)."""
    return PUBLIC_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"


def public_tests() -> list[Path]:
    """The public tests (solutions/<id>/test_*.py): released to students with the notebooks."""
    return sorted((ROOT / "solutions").glob("*/test_*.py"))


def public_messages() -> set:
    """The msgids of the student-side kit's code, the part the sandbox holds, and of the
    public tests: what the students' side shows, and nothing of the hidden checks (the
    students' package ships this catalog only)."""
    from ..sandbox.launcher import KIT_PUBLIC

    found = set()
    paths = [ROOT / rel for rel in KIT_PUBLIC] + public_tests()
    for path in paths:
        if path.suffix not in ("", ".py") or not path.exists():
            continue
        files = [path] if path.is_file() else sorted(path.rglob("*.py"))
        for file in files:
            with file.open("rb") as f:
                for _line, message, _comments, _context in extract_messages(
                        "python", f, keywords=DEFAULT_KEYWORDS):
                    found.add(message if isinstance(message, str) else tuple(message))
    return found


def mo_bytes(po: Path, only: set | None = None) -> bytes:
    """The .mo that compiling this .po gives (fuzzy entries left out, as pybabel does);
    only: just these msgids (the header stays)."""
    with po.open("rb") as f:
        catalog = read_po(f)
    if only is not None:
        for message in list(catalog):
            key = message.id if isinstance(message.id, str) else tuple(message.id)
            if message.id and key not in only:
                catalog.delete(message.id, message.context)
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _pybabel(*args: str) -> None:
    frontend.CommandLineInterface().run(["pybabel", "-q", *args])


def _keeping_dates(path: Path) -> contextlib.AbstractContextManager[None]:
    """Within the block `path` is rewritten; where only its creation date changed, the old
    file is put back, so that an update that changed no message changes no file (and two
    branches' catalogs do not conflict on a date)."""
    @contextlib.contextmanager
    def keep() -> Iterator[None]:
        old = path.read_bytes() if path.exists() else None
        yield
        if old is not None and _undated(old) == _undated(path.read_bytes()):
            path.write_bytes(old)
    return keep()


def _undated(text: bytes) -> list[bytes]:
    return [line for line in text.splitlines() if not line.startswith(b'"POT-Creation-Date:')]


def extract() -> None:
    LOCALE_DIR.mkdir(parents=True, exist_ok=True)
    with _keeping_dates(POT):
        _extract()


def _extract() -> None:
    _pybabel("extract", "-F", str(ROOT / "babel.cfg"), "-o", str(POT), "--no-location",
             "--sort-output", "--project", "scratchgrad", "--copyright-holder", "scratchgrad",
             "-c", "TRANSLATORS:", "--width", "100", *map(str, SOURCES))


def update() -> None:
    extract()
    for lang in TRANSLATED:
        po = po_path(lang)
        if po.exists():
            with _keeping_dates(po):
                _update(lang)
        else:
            _pybabel("init", "-D", DOMAIN, "-i", str(POT), "-d", str(LOCALE_DIR), "-l", lang,
                     "--width", "100")
    compile_all()


def _update(lang: str) -> None:
    _pybabel("update", "-D", DOMAIN, "-i", str(POT), "-d", str(LOCALE_DIR), "-l", lang,
             "--width", "100", "--ignore-obsolete")


def compile_all() -> None:
    public = public_messages()
    for lang in TRANSLATED:
        po = po_path(lang)
        po.with_suffix(".mo").write_bytes(mo_bytes(po))
        public_mo(lang).parent.mkdir(parents=True, exist_ok=True)
        public_mo(lang).write_bytes(mo_bytes(po, public))


def problems() -> list[str]:
    """Untranslated or fuzzy messages, and .mo files that are not their .po compiled."""
    found = []
    for lang in TRANSLATED:
        po = po_path(lang)
        with po.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            if not message.id:
                continue
            if message.fuzzy or not all(message.string if isinstance(message.string, tuple)
                                        else [message.string]):
                found.append(f"{lang}: untranslated or fuzzy: {message.id!r}")
        for mo, want in ((po.with_suffix(".mo"), mo_bytes(po)),
                         (public_mo(lang), mo_bytes(po, public_messages()))):
            if not mo.exists() or mo.read_bytes() != want:
                found.append(f"{lang}: {mo} is not {po.name} compiled: run "
                             "`python -m autograder.i18n compile`")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder.i18n", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=("update", "compile", "check"))
    args = parser.parse_args(argv)
    if args.command == "update":
        update()
    elif args.command == "compile":
        compile_all()
    else:
        found = problems()
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
