"""Playwright helpers for a notebook in JupyterLab: open it, run it, find errors, move sliders.

The helpers return plain data (lists of problems, timings); the tests do the asserting.
Selectors are JupyterLab 4 / ipywidgets 8 ones, checked on this machine (see
/work/shared/TESTING.md). What the kernel says (errors, stderr, when it has handled a
widget update) comes from ``kernellog.KernelLog``.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

INDICATOR = ".jp-Notebook-ExecutionIndicator"
PROMPTS = ".jp-Notebook .jp-CodeCell .jp-InputArea-prompt"
STDERR = '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
RAW_WIDGET = re.compile(r"\b(IntSlider|FloatSlider|FloatLogSlider|Dropdown|VBox|HBox|Panel)\(")

# For each output that signals a problem: [cell number (1-based), prompt, kind, text].
_OUTPUT_PROBLEMS_JS = """(pattern) => {
  const cells = [...document.querySelectorAll('.jp-Notebook .jp-Cell')];
  const raw = new RegExp(pattern);
  const found = [];
  for (const out of document.querySelectorAll('.jp-OutputArea-output')) {
    const cell = out.closest('.jp-Cell');
    const where = [cells.indexOf(cell) + 1,
                   cell?.querySelector('.jp-InputArea-prompt')?.innerText ?? ''];
    const mime = out.getAttribute('data-mime-type') ?? '';
    const text = out.innerText;
    if (mime === 'application/vnd.jupyter.stderr') found.push([...where, 'stderr', text]);
    else if (text.includes('Error displaying widget')
             || out.querySelector('.jupyter-widgets-error-widget'))
      found.push([...where, 'widget error', text]);
    else if ((mime === 'text/plain' || mime === 'application/vnd.jupyter.stdout')
             && raw.test(text)) found.push([...where, 'widget shown as text', text]);
  }
  return found;
}"""

# Records, inside the page, when a key goes down in a panel and when its image or its
# summary (the HTML widget below the image) changes.
_TIMING_JS = """(panel) => {
  if (panel.__mlpTiming) return;
  const rec = panel.__mlpTiming = {keys: [], images: [], texts: []};
  panel.addEventListener('keydown', () => rec.keys.push(performance.now()), true);
  new MutationObserver(() => rec.images.push(performance.now())).observe(
    panel.querySelector(':scope > img.widget-image'), {attributes: true, attributeFilter: ['src']});
  new MutationObserver(() => rec.texts.push(performance.now())).observe(
    panel.querySelector(':scope > .widget-html:last-child'),
    {subtree: true, childList: true, characterData: true});
}"""
_COUNTS_JS = "p => [p.__mlpTiming.images.length, p.__mlpTiming.texts.length]"

#: Seconds after the kernel's idle before a key press counts as "same figure". Idle only
#: says the kernel has taken the update: a panel's callback that a kernel subshell receives
#: is handed to the panel's own thread (mlp_core.widgets.base.OwnThread) and redraws there
#: afterwards, and the live lab draws from an asyncio task. A press that ends in the grace
#: is reported as a problem, so a passing run never waits for it.
REDRAW_GRACE = 10.0


def open_notebook(page, server, name, workspace, timeout=60_000):
    """Open ``name`` in a fresh workspace and wait until its kernel is connected and idle."""
    channels = start_opening(page, server, name, workspace)
    page.wait_for_load_state()
    finish_opening(page, channels, name, timeout)


def start_opening(page, server, name, workspace):
    """Start loading ``name`` in a fresh workspace and return at once.

    Returns the list that the kernel websockets of ``page`` are added to (``finish_opening``
    waits for them).
    """
    channels = []
    page.on("websocket", lambda ws: channels.append(ws) if "/channels" in ws.url else None)
    page.goto(server.url(f"lab/workspaces/{workspace}/tree/{name}", reset=None),
              wait_until="commit")
    return channels


def finish_opening(page, channels, name, timeout=60_000):
    """Wait until the notebook ``start_opening`` loads has its kernel connected and idle."""
    # The indicator reads "idle" before any kernel exists; wait for the kernel's socket first.
    deadline = time.monotonic() + timeout / 1000
    while not channels:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no kernel connection for {name} after {timeout / 1000} s")
        page.wait_for_timeout(100)
    wait_idle(page, timeout)


def kernel_ids(channels):
    """Return the ids of the kernels whose websockets are in ``channels``."""
    return {m.group(1) for ws in channels
            if (m := re.search(r"/api/kernels/([\w-]+)/channels", ws.url))}


def wait_idle(page, timeout=60_000):
    """Wait until the notebook's kernel indicator reads idle."""
    page.wait_for_selector(f"{INDICATOR}[data-status='idle']", timeout=timeout)


def menu(page, menu_label, item_label):
    """Click ``menu_label`` in the menu bar, then ``item_label`` in it."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{menu_label}$")).click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{item_label}$")).click()


def run_all(page, timeout=120_000):
    """Clear the stored outputs, Run → Run All Cells, and wait until execution has finished.

    Finished: the kernel is idle, no prompt reads ``[*]`` and every code cell has run
    (``[n]``), or an error output has stopped the run (the cells after it stay ``[ ]``).
    """
    menu(page, "Edit", "Clear Outputs of All Cells")
    menu(page, "Run", "Run All Cells")
    deadline = time.monotonic() + timeout / 1000
    stable = 0
    while stable < 3:
        if time.monotonic() > deadline:
            raise TimeoutError(f"Run All not finished after {timeout / 1000} s: "
                               f"{page.locator(PROMPTS).all_inner_texts()}")
        page.wait_for_timeout(200)
        prompts = page.locator(PROMPTS).all_inner_texts()
        idle = page.locator(INDICATOR).get_attribute("data-status") == "idle"
        done = all(re.fullmatch(r"\[\d+\]:", p) for p in prompts)
        stopped = "[*]:" not in prompts and page.locator(STDERR).count() > 0
        stable = stable + 1 if idle and (done or stopped) else 0


def output_problems(page):
    """Return the outputs that show an error: stderr (tracebacks, warnings) or a failed widget."""
    found = page.evaluate(_OUTPUT_PROBLEMS_JS, RAW_WIDGET.pattern)
    return [f"cell {n} {prompt} {kind}: {text.strip()[:400]}" for n, prompt, kind, text in found]


def wait_widgets(page, expected, timeout=30_000):
    """Wait until ``expected`` widget outputs have rendered and every panel has its image.

    Returns a list with one problem (what is missing) if that does not happen in time.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    try:
        page.wait_for_function("""(expected) => {
          const outs = document.querySelectorAll('.jp-OutputArea-output:has(> .jupyter-widgets)');
          const panels = [...document.querySelectorAll('.mlp-panel')];
          return outs.length >= expected && panels.every(p =>
            p.querySelector(':scope > img.widget-image')?.src.startsWith('blob:'));
        }""", arg=expected, timeout=timeout)
        return []
    except PlaywrightTimeout:
        rendered = page.locator(".jp-OutputArea-output:has(> .jupyter-widgets)").count()
        return [f"{rendered} of the {expected} widgets of the stored notebook rendered, or a "
                f"panel has no figure, after {timeout / 1000:.0f} s"]


def panel_problems(panel):
    """Errors shown inside one panel (a widget that failed to render)."""
    return [f"widget error: {text[:200]}" for text in panel.locator(
        ".jupyter-widgets-error-widget").all_inner_texts()]


def screenshot_panel(panel, path):
    """Save a PNG of ``panel`` alone.

    The viewport grows to fit it, and the notebook toolbar (which floats over the notebook)
    is hidden.
    """
    page, height = panel.page, panel.bounding_box()["height"]
    size = page.viewport_size
    if height + 250 > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": int(height) + 250})
    page.evaluate("document.activeElement?.blur()")  # no focus ring on a readout
    panel.evaluate("p => p.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(200)
    panel.screenshot(path=path, style=".jp-NotebookPanel-toolbar {visibility: hidden}")


def _slider_box(handle):
    return handle.locator("xpath=ancestor::div[contains(@class, 'widget-slider')][1]")


def slider_label(handle):
    """Return the description shown next to a slider handle."""
    return _slider_box(handle).locator("label").first.inner_text().strip()


def slider_readout(handle):
    """Return the value shown next to a slider handle, as students read it."""
    return _slider_box(handle).locator(".widget-readout").inner_text().strip()


@dataclass
class Step:
    """One key press on one slider handle and what it changed on screen."""

    slider: str
    key: str
    before: str  # the readout before and after the press
    after: str
    shown: str = ""  # "figure", "summary only", "nothing" ("" when the value did not move)
    seconds: float | None = None  # key down to new image, measured in the page
    problem: str = ""


def press_and_wait(panel, handle, key, kernel_log, timeout=30.0, grace=REDRAW_GRACE,
                   text=None):
    """Press ``key`` on ``handle`` and wait until the panel's image changes.

    Given ``text``, type it into the slider's readout and press ``key`` there instead. Also
    stops waiting once the kernel has gone idle after the update and ``grace`` seconds passed
    without a new image (the figure drawn for the new value is identical to the old one:
    nothing to wait for). Idle is not "redrawn": see REDRAW_GRACE.

    A press that leaves the value where it was (the handle already at that end: no update
    is sent to the kernel) returns with ``shown=""``. An error from the kernel or
    ``timeout`` sets ``problem``.
    """
    panel.evaluate(_TIMING_JS)
    label, before = slider_label(handle), slider_readout(handle)
    counts = panel.evaluate(_COUNTS_JS)
    errors, sent = len(kernel_log.problems), len(kernel_log.sent)
    if text is None:
        handle.focus()
        handle.press(key)
    else:
        readout = _slider_box(handle).locator(".widget-readout")
        readout.fill(text)
        readout.press(key)
    step = Step(label, key if text is None else f"type {text}", before, slider_readout(handle))
    # A press that moves the value sends an update at once (the readout may round it away).
    if step.after == before and len(kernel_log.sent) == sent:
        panel.page.wait_for_timeout(300)
        if len(kernel_log.sent) == sent:
            return step
    deadline, idle_since = time.monotonic() + timeout, None
    while (now := panel.evaluate(_COUNTS_JS))[0] == counts[0]:
        if len(kernel_log.problems) > errors:
            break
        if kernel_log.all_handled(since=sent):
            idle_since = idle_since or time.monotonic()
            if time.monotonic() - idle_since > grace:
                step.shown = "summary only" if now[1] > counts[1] else "nothing"
                break
        if time.monotonic() > deadline:
            step.problem = f"no redraw within {timeout:.0f} s"
            return step
        panel.page.wait_for_timeout(20)
    else:
        step.shown = "figure"
        step.seconds = panel.evaluate(
            "p => { const t = p.__mlpTiming; return (t.images.at(-1) - t.keys.at(-1)) / 1000; }")
    shown = panel_problems(panel) + kernel_log.problems[errors:]
    step.problem = "; ".join(shown)
    return step


def exercise_slider(panel, handle, kernel_log, timeout=30.0):
    """Move a slider: Home, End, one step back (ArrowLeft), then back to the start value.

    The start value is typed into the readout, so that every slider is tried with the others
    at their defaults. Returns a Step for each move; stops after a move that timed out (the
    kernel is stuck, more moves would only queue up).
    """
    handle.scroll_into_view_if_needed()
    start, steps = slider_readout(handle), []
    for key, text in [("Home", None), ("End", None), ("ArrowLeft", None), ("Enter", start)]:
        steps.append(press_and_wait(panel, handle, key, kernel_log, timeout, text=text))
        if "no redraw within" in steps[-1].problem:
            break
    return steps
