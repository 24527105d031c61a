"""`scratchgrad gradescope ASSIGNMENT -o autograder.zip`: Gradescope's autograder.zip.

At the zip's root, as Gradescope wants it:

- setup.sh: installs bubblewrap and Python's venv with apt, then the kit from the wheel in
  the zip into ROOT/scratchgrad-venv (its dependencies come from PyPI, as any pip install's;
  nothing else is downloaded);
- run_autograder: grades ROOT/submission/'s notebook, writes ROOT/results/results.json;
- the kit's wheel, scratchgrad.json (the assignment, the tests' visibility) and
  curriculum/ (the reference notebooks of the assignment and of those it imports from,
  its hidden suite and the rubric: the instructor's --curriculum, or the kit's own).

Nothing of it reaches the student: Gradescope keeps it in its container, and student code
runs in the sandbox there, which sees none of it.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from pathlib import Path

from .. import curriculum, paths
from ..i18n.messages import N_, _
from ..release.wheels import kit_wheel
from .layout import CONFIG, CURRICULUM, ROOT_VAR, VENV, VISIBILITIES

_EPOCH = (2020, 1, 1, 0, 0, 0)

SETUP_SH = f"""#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image.
set -euo pipefail
source_dir="$(cd "$(dirname "${{BASH_SOURCE[0]}}")" && pwd)"
root="${{{ROOT_VAR}:-/autograder}}"
export DEBIAN_FRONTEND=noninteractive
# bubblewrap: the sandbox student code runs in; python3-venv: an environment for the kit.
apt-get update
apt-get install -y --no-install-recommends bubblewrap python3 python3-venv python3-pip
python3 -m venv "$root/{VENV}"
"$root/{VENV}/bin/python" -m pip install --upgrade pip
"$root/{VENV}/bin/python" -m pip install "$source_dir"/scratchgrad-*.whl
"""

RUN_AUTOGRADER = f"""#!/usr/bin/env bash
# Gradescope runs this for every submission; it always writes results/results.json.
root="${{{ROOT_VAR}:-/autograder}}"
python="${{SCRATCHGRAD_PYTHON:-$root/{VENV}/bin/python}}"
export {ROOT_VAR}="$root"
exec "$python" -m autograder gradescope-run --root "$root"
"""

MSG_VISIBILITY = N_("--visibility must be one of {choices}, not {given}.")


def _add(zf: zipfile.ZipFile, name: str, data: bytes, mode: int = 0o644) -> None:
    entry = zipfile.ZipInfo(name, _EPOCH)
    entry.external_attr = mode << 16
    entry.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(entry, data)


def build_zip(assignment_id: str, out: Path, visibility: str = "after_due_date") -> Path:
    """Write the autograder.zip for one assignment to `out`; return it."""
    a = curriculum.get(assignment_id)
    if visibility not in VISIBILITIES:
        raise ValueError(_(MSG_VISIBILITY).format(choices=", ".join(VISIBILITIES),
                                                  given=visibility))
    needed = [a.id, *curriculum.upstream(a.id)]
    with tempfile.TemporaryDirectory(prefix="scratchgrad-gradescope-") as tmp:
        wheel = kit_wheel(Path(tmp) / "wheel")
        folder = paths.current().copy_to(Path(tmp) / CURRICULUM, needed)
        config = {"assignment": a.id, "visibility": visibility}
        out.parent.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(out, "w") as zf:
            _add(zf, "setup.sh", SETUP_SH.encode(), 0o755)
            _add(zf, "run_autograder", RUN_AUTOGRADER.encode(), 0o755)
            _add(zf, CONFIG, (json.dumps(config, indent=2) + "\n").encode())
            _add(zf, wheel.name, wheel.read_bytes())
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    _add(zf, f"{CURRICULUM}/{path.relative_to(folder).as_posix()}",
                         path.read_bytes())
    return out
