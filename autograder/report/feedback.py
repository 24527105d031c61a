"""A feedback page per submission: every check, its result, and the hint for a mistake.

It shows what the student needs and nothing of the grader: no hidden test source and no
reference code, only the messages the checks wrote.
"""

from __future__ import annotations

import html

from .. import curriculum
from ..grade.results import AssignmentResult

_ICON = {"passed": "✔", "failed": "✘", "error": "⚠", "timeout": "⌛"}
_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left;
         vertical-align: top; }
.passed { color: #17692f; } .failed, .error { color: #a4161a; } .timeout { color: #8a5a00; }
.msg { white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: .9rem; }
.hint { background: #fff7d6; padding: .15rem .35rem; border-radius: .2rem; }
.note { background: #eef3ff; padding: .5rem .75rem; border-radius: .3rem; }
"""


def _message(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.startswith("Hint: "):
            lines.append(f'<span class="hint"><b>Hint:</b> {html.escape(line[6:])}</span>')
        else:
            lines.append(html.escape(line))
    return "\n".join(lines)


def feedback_html(result: AssignmentResult) -> str:
    a = curriculum.get(result.assignment)
    rows = []
    for unit, (score, maximum) in result.unit_scores().items():
        checks = [c for c in result.checks if c.unit == unit]
        for i, c in enumerate(checks):
            name = c.id.replace("_", " ")
            rows.append(
                "<tr>"
                + (f'<td rowspan="{len(checks)}"><b>{html.escape(unit)}</b><br>'
                   f"{score:g} / {maximum:g}</td>" if i == 0 else "")
                + f'<td class="{c.status}">{_ICON.get(c.status, "")} {html.escape(c.status)}</td>'
                f"<td>{html.escape(name)}</td><td>{c.score:g} / {c.max_score:g}</td>"
                f'<td class="msg">{_message(c.message)}</td></tr>')
    notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in result.notes)
    output = (f"<h2>What your notebook printed</h2><pre>{html.escape(result.output[:4000])}</pre>"
              if result.output.strip() else "")
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>{html.escape(a.id)} feedback for {html.escape(result.student_id)}</title>
<style>{_STYLE}</style></head><body>
<h1>{html.escape(a.id)}: {html.escape(a.title)}</h1>
<p>Student <b>{html.escape(result.student_id)}</b>, notebook <code>{html.escape(a.notebook)}</code>:
<b>{result.score:g} / {result.max_score:g}</b> points from the automatic checks.</p>
{notes}
<table><thead><tr><th>Unit</th><th>Result</th><th>Check</th><th>Points</th><th>Message</th>
</tr></thead><tbody>
{"".join(rows)}
</tbody></table>
{output}
<p><small>Each check runs your unit with the other units replaced by correct ones, so one
mistake costs points once. Messages say what was expected, what came back, and a hint.
</small></p>
</body></html>
"""
