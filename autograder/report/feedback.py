"""A feedback page per submission: every check, its result, and the hint for a mistake.

It shows what the student needs and nothing of the grader: no hidden test source and no
reference code, only the messages the checks wrote.
"""

from __future__ import annotations

import html

from .. import curriculum
from ..grade import rubric
from ..grade.results import AssignmentResult
from ..i18n.messages import N_, _, using

_ICON = {"passed": "✔", "failed": "✘", "error": "⚠", "timeout": "⌛"}
# The statuses as a student reads them (results keep the English words as data).
STATUS_TEXT = {"passed": N_("passed"), "failed": N_("failed"), "error": N_("error"),
               "timeout": N_("timeout")}
_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
table { border-collapse: collapse; width: 100%; }
td, th { border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left;
         vertical-align: top; }
.passed { color: #17692f; } .failed, .error { color: #a4161a; } .timeout { color: #8a5a00; }
th, .passed, .failed, .error, .timeout { white-space: nowrap; }  /* short Japanese words stay whole */
.pts { white-space: nowrap; }  /* "2 / 2" on one line */
.msg { white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: .9rem;
       min-width: 16rem; }
.hint { background: #fff7d6; padding: .15rem .35rem; border-radius: .2rem; }
.note { background: #eef3ff; padding: .5rem .75rem; border-radius: .3rem; }
"""


def _message(text: str) -> str:
    lines = []
    label = _("Hint:")
    for line in text.splitlines():
        if line.startswith(label + " "):
            rest = html.escape(line[len(label) + 1:])
            lines.append(f'<span class="hint"><b>{html.escape(label)}</b> {rest}</span>')
        else:
            lines.append(html.escape(line))
    return "\n".join(lines)


def feedback_html(result: AssignmentResult) -> str:
    """The page, in the language of the student's notebook (result.lang)."""
    with using(result.lang) as lang:
        return _page(result, lang)


def _page(result: AssignmentResult, lang: str) -> str:
    a = curriculum.get(result.assignment)
    rows = []
    for unit, (score, maximum) in result.unit_scores().items():
        checks = [c for c in result.checks if c.unit == unit]
        for i, c in enumerate(checks):
            name = _(rubric.title(c.id))
            rows.append(
                "<tr>"
                + (f'<td rowspan="{len(checks)}"><b>{html.escape(unit)}</b><br>'
                   f"{score:g} / {maximum:g}</td>" if i == 0 else "")
                + f'<td class="{c.status}">{_ICON.get(c.status, "")} '
                f'{html.escape(_(STATUS_TEXT[c.status]) if c.status in STATUS_TEXT else c.status)}'
                "</td>"
                f'<td>{html.escape(name)}</td><td class="pts">{c.score:g} / {c.max_score:g}</td>'
                f'<td class="msg">{_message(c.message)}</td></tr>')
    notes = "".join(f'<p class="note">{html.escape(n)}</p>' for n in result.notes)
    output = (f"<h2>{html.escape(_('What your notebook printed'))}</h2>"
              f"<pre>{html.escape(result.output[:4000])}</pre>" if result.output.strip() else "")
    title = _("{assignment} feedback for {student}").format(assignment=a.id,
                                                             student=result.student_id)
    # The placeholders hold finished HTML (escaped), so a translation may reorder them.
    summary = _("Student {student}, notebook {notebook}: {points} points from the automatic "
                "checks.").format(student=f"<b>{html.escape(result.student_id)}</b>",
                                  notebook=f"<code>{html.escape(a.notebook)}</code>",
                                  points=f"<b>{result.score:g} / {result.max_score:g}</b>")
    head = [_("Unit"), _("Result"), _("Check"), _("Points"), _("Message")]
    footer = _("Each check runs your unit with the other units replaced by correct ones, so one "
               "mistake costs points once. Messages say what was expected, what came back, and "
               "a hint.")
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{html.escape(title)}</title>
<style>{_STYLE}</style></head><body>
<h1>{html.escape(a.id)}: {html.escape(a.title)}</h1>
<p>{summary}</p>
{notes}
<table><thead><tr>{"".join(f"<th>{html.escape(h)}</th>" for h in head)}
</tr></thead><tbody>
{"".join(rows)}
</tbody></table>
{output}
<p><small>{html.escape(footer)}</small></p>
</body></html>
"""
