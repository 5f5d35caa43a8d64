"""Printable handouts: every notebook as one HTML file with its panels' pictures embedded.

    python scripts/handouts.py [--out docs/handouts] [NOTEBOOK ...]   (make handouts)

A live panel is a widget: a static HTML page would show it as a line of text, or need
JavaScript from a CDN to rebuild it. So each widget output is first replaced by what the
stored notebook shows of it (the widget state ``make notebooks`` saves): its pictures (PNG,
embedded as data: URIs), its text and the value of every control ("λ (L2): 0.000"). Then
nbconvert's HTML exporter writes the notebook, code and outputs, to ``OUT/<name>.html``.
Nothing is executed, so the handouts show the stored run (``make notebooks`` refreshes it).

The equations are typeset by MathJax, which the page loads from its CDN when opened with a
network connection (as any notebook exported by nbconvert does); offline they show as TeX.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter

REPO = Path(__file__).resolve().parent.parent
NOTEBOOKS = REPO / "notebooks"
OUT = REPO / "docs" / "handouts"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
TEXT_MODELS = {"HTMLModel", "HTMLMathModel", "LabelModel"}
SLIDER_MODELS = {"IntSliderModel", "FloatSliderModel", "FloatLogSliderModel",
                 "IntRangeSliderModel", "FloatRangeSliderModel"}
CHOICE_MODELS = {"DropdownModel", "RadioButtonsModel", "ToggleButtonsModel", "SelectModel"}
REQUIRE_JS = re.compile(r'<script src="[^"]*require(\.min)?\.js"></script>\n?')
BOX_STYLE = "border:1px solid #999;padding:0.5em;margin:0.3em 0"


def _children(model):
    return [ref.removeprefix("IPY_MODEL_") for ref in model["state"].get("children", [])]


def _image(model):
    for buffer in model.get("buffers", []):
        if buffer.get("path") == ["value"] and buffer.get("encoding") == "base64":
            return f'<img src="data:image/png;base64,{buffer["data"]}" style="max-width:100%">'
    return ""


def _leaf(model):
    """HTML for one widget model that is not a box ("" for buttons and styles)."""
    name, state = model["model_name"], model["state"]
    label = html.escape(state.get("description", ""))
    if name == "ImageModel":
        return _image(model)
    if name in TEXT_MODELS:
        return f"<div>{state.get('value', '')}</div>"
    if name in SLIDER_MODELS:
        value = state.get("value")
        if name == "FloatLogSliderModel" and value is not None:
            value = f"{value:.3g}"
        return f"<span style='margin-right:1.5em'>{label}: <b>{html.escape(str(value))}</b></span>"
    if name in CHOICE_MODELS:
        labels, index = state.get("_options_labels", []), state.get("index")
        if name == "RadioButtonsModel":
            items = "".join(f"<li>{'●' if i == index else '○'} {html.escape(option)}</li>"
                            for i, option in enumerate(labels))
            return f"<div>{label}<ul style='list-style:none'>{items}</ul></div>"
        chosen = labels[index] if isinstance(index, int) and index < len(labels) else ""
        return f"<span style='margin-right:1.5em'>{label}: <b>{html.escape(chosen)}</b></span>"
    if name == "TextModel":
        return f"<div>{label} ______________________</div>"
    return ""


def widget_html(model_id, models):
    """Return what a stored widget shows, as static HTML: its boxes walked in order."""
    model = models.get(model_id)
    if model is None:
        return ""
    if model["model_name"] in {"VBoxModel", "HBoxModel", "BoxModel", "TabModel"}:
        parts = [widget_html(child, models) for child in _children(model)]
        joiner = "" if model["model_name"] == "HBoxModel" else "\n"
        inner = joiner.join(p for p in parts if p)
        return f"<div>{inner}</div>" if model["model_name"] == "HBoxModel" else inner
    return _leaf(model)


def static_notebook(notebook):
    """Return ``notebook`` with every widget output replaced by its stored picture and text.

    The widget state is removed, so the exporter adds no widget JavaScript from a CDN.
    """
    state = notebook.metadata.pop("widgets", {}).get(WIDGET_STATE, {})
    models = state.get("state", {})
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            view = output.get("data", {}).get(WIDGET_VIEW)
            if view is None:
                continue
            shown = widget_html(view["model_id"], models)
            output["data"] = {"text/html": f"<div style='{BOX_STYLE}'>{shown}</div>"
                              if shown else "<i>(a live panel: run the notebook)</i>"}
    return notebook


def export(path, out):
    """Write the handout of notebook ``path`` into folder ``out``; return its path."""
    notebook = static_notebook(nbformat.read(path, as_version=4))
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
    body = REQUIRE_JS.sub("", body)  # only widgets' JavaScript needs it, and there is none
    target = Path(out) / f"{Path(path).stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


def main(argv=None):
    """Export the notebooks named in ``argv`` (default: all) as handouts."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path,
                        help="notebooks to export (default: notebooks/*.ipynb)")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default {OUT})")
    args = parser.parse_args(argv)
    paths = args.notebooks or sorted(NOTEBOOKS.glob("*.ipynb"))
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        parser.error(f"no such notebook: {', '.join(missing)}")
    args.out.mkdir(parents=True, exist_ok=True)
    for path in paths:
        target = export(path, args.out)
        text = target.read_text(encoding="utf-8")
        print(f"handouts: {target.relative_to(REPO) if target.is_relative_to(REPO) else target}"
              f" ({len(text) // 1024} kB, {text.count('data:image/png;base64,')} pictures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
