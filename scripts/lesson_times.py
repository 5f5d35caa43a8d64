"""Measure how long each notebook, and each of its sections, takes to run.

The table goes into docs/lesson-plan.md (between its ``<!-- times -->`` markers).

    python scripts/lesson_times.py [--no-write] [NOTEBOOK ...]

Each notebook runs top to bottom in a fresh kernel (nbclient, as Run All Cells does), from
a copy, so nothing in notebooks/ changes. A section is a ``##`` heading and the cells below
it; its time is the sum of its cells' execution times as the kernel reports them
(``shell.execute_reply`` − ``iopub.execute_input``). The total is the wall time from kernel
start to the last reply. The regularization lab's scenarios (``lab.presets``) are timed
too: ``lab.load_preset(name)`` each, in this process, after one warm-up build.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
PLAN = REPO / "docs" / "lesson-plan.md"
BEGIN, END = "<!-- times: written by scripts/lesson_times.py -->", "<!-- end of times -->"


def _seconds(cell):
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = datetime.datetime.fromisoformat
    return (parse(end.replace("Z", "+00:00")) - parse(start.replace("Z", "+00:00"))).total_seconds()


def section_times(notebook):
    """Return [(section heading, seconds)] in notebook order.

    Cells before the first ``##`` heading count as "(start)".
    """
    sections, current = [], "(start)"
    times = {}
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            headings = re.findall(r"^##\s+(.+)$", cell.source, re.M)
            if headings:  # the last one of the cell starts the section of the cells below
                current = headings[-1].strip()
            continue
        if current not in times:
            sections.append(current)
            times[current] = 0.0
        times[current] += _seconds(cell)
    return [(name, times[name]) for name in sections]


def run(path):
    """Execute ``path`` in a fresh kernel; (wall seconds, [(section, seconds)])."""
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start, section_times(notebook)


def preset_times():
    """[(preset name, caption, seconds of lab.load_preset)] or [] if the lab has none."""
    import matplotlib

    matplotlib.use("Agg")
    from mlp_core.widgets import regularization_lab

    lab = regularization_lab()
    presets = getattr(lab, "presets", None)
    if not presets:
        return []
    found = []
    for name, caption in presets.items():
        start = time.perf_counter()
        lab.load_preset(name)
        found.append((name, caption, time.perf_counter() - start))
    return found


def table(results, presets):
    """Return the markdown written between the markers."""
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = [BEGIN, "",
             f"Measured {datetime.date.today()} on this machine ({os.cpu_count()} cores, "
             f"Python {platform.python_version()}, load average {load:.1f} at the end); "
             "re-measure with `.venv/bin/python scripts/lesson_times.py`.", "",
             "| notebook | section (`##`) | run time |", "| --- | --- | ---: |"]
    for path, (total, sections) in results.items():
        lines.append(f"| **{path.stem}** | *whole notebook, Run All (fresh kernel)* | "
                     f"**{total:.1f} s** |")
        lines += [f"| | {name} | {seconds:.1f} s |" for name, seconds in sections]
    if presets:
        lines += ["", "| lab scenario (`lab.load_preset`) | what to look at | time |",
                  "| --- | --- | ---: |"]
        lines += [f"| `{name}` | {caption} | {seconds:.2f} s |"
                  for name, caption, seconds in presets]
    return "\n".join([*lines, "", END])


def write(text, plan=PLAN):
    """Put ``text`` between the markers of ``plan``, replacing what was there."""
    content = plan.read_text(encoding="utf-8")
    if BEGIN not in content or END not in content:
        raise SystemExit(f"lesson_times: {plan} has no {BEGIN} ... {END} markers")
    before, rest = content.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    plan.write_text(before + text + after, encoding="utf-8")


def main(argv=None):
    """Time the notebooks named in ``argv`` (default: all) and write the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    results = {}
    for path in paths:
        results[path] = run(path)
        print(f"lesson_times: {path.name}: {results[path][0]:.1f} s", flush=True)
    text = table(results, preset_times())
    print(text)
    if not args.no_write:
        write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
