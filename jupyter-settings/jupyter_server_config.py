"""The kit's Jupyter server configuration: its JupyterLab settings; saving keeps the panels.

``scripts/start_lab.py`` (``make lab``) and ``binder/start`` put this folder first on
``JUPYTER_CONFIG_PATH``; the server then reads this file too (ahead of the environment's own
configuration, and in a virtual environment ahead of the user's). A plain ``jupyter lab`` does
not read it.

1. JupyterLab's settings: ``lab/overrides.json`` here, as JupyterLab's app settings folder
   (instead of ``<environment>/share/jupyter/lab/settings``, empty in the kit's environment).
   Overrides change defaults; a choice made in *Settings* still wins. They turn on the widget
   manager's ``saveState`` (saving a notebook stores the state of its live widgets, so that a
   notebook saved after running shows its panels when opened again, instead of "Error
   displaying widget: model not found") and turn off the "Jupyter news" question and the
   update check (both would fetch from the internet).
2. The widget manager saves only widgets that are live in a kernel (ipywidgets issue #3888):
   a notebook opened and saved without running, which autosave does after any edit, would
   lose the stored state of every panel. ``keep_shown_widget_state`` runs before each save and
   puts back, from the stored notebook, the state of every widget an output still shows.
"""

import json
import re
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: The kit's notebooks: where a notebook saved under a new name (Save As) may come from.
KIT_NOTEBOOKS = HERE.parent / "notebooks"


def _widget_states(notebook):
    """Return the widget state stored in a notebook (a dict), {model id: model} (empty if none)."""
    widgets = notebook.get("metadata", {}).get("widgets", {})
    return widgets.get(WIDGET_STATE, {}).get("state", {})


def _shown_ids(notebook):
    """Ids of the widgets the notebook's outputs show."""
    return {output["data"][WIDGET_VIEW]["model_id"]
            for cell in notebook.get("cells", []) for output in cell.get("outputs", [])
            if WIDGET_VIEW in output.get("data", {})}


def _with_references(ids, states):
    """Return ``ids`` and every model their state refers to, found in ``states``.

    Both ``states`` and the result are {model id: model}; the references followed are the
    children, layouts and styles.
    """
    found, todo = {}, list(ids)
    while todo:
        model_id = todo.pop()
        if model_id in found or model_id not in states:
            continue
        found[model_id] = states[model_id]
        todo += re.findall(r"IPY_MODEL_(\w+)", json.dumps(states[model_id]))
    return found


def keep_shown_widget_state(model, path, contents_manager, **kwargs):
    """Pre-save hook: add the stored state of shown widgets that the front end left out.

    Adds to the notebook being saved the stored state of every widget an output shows whose
    state the front end left out (and of the models those refer to), taken from the file being
    overwritten, else from the kit's notebooks (model ids are random, so an id found there is
    that widget's).

    Parameters
    ----------
    model : dict
        The contents model being saved; ``model["content"]`` (a notebook) is changed in place.
    path : str
        Its path under ``contents_manager.root_dir``.
    contents_manager : jupyter_server.services.contents.manager.ContentsManager
    """
    notebook = model.get("content")
    if model.get("type") != "notebook" or not isinstance(notebook, dict):
        return
    states = _widget_states(notebook)
    missing = _shown_ids(notebook) - states.keys()
    if not missing:
        return
    sources = [Path(contents_manager.root_dir, path), *sorted(KIT_NOTEBOOKS.glob("*.ipynb"))]
    for source in sources:
        if not missing:
            break
        if not source.is_file():
            continue
        kept = _with_references(missing, _widget_states(json.loads(source.read_bytes())))
        states = {**kept, **states}  # a live model wins over its stored twin
        missing -= kept.keys()
    widgets = notebook.setdefault("metadata", {}).setdefault("widgets", {})
    widgets.setdefault(WIDGET_STATE, {"version_major": 2, "version_minor": 0})["state"] = states


c = get_config()  # noqa: F821 (given by Jupyter when it reads a configuration file)
c.LabApp.app_settings_dir = str(HERE / "lab")
c.ContentsManager.pre_save_hook = keep_shown_widget_state
# JupyterLab applies the server configuration to the contents manager twice, and the second
# time jupyter_server warns "Overriding existing pre_save_hook (keep_shown_widget_state) with a
# new one (keep_shown_widget_state)" although the hook is the same: not for the student's eyes.
warnings.filterwarnings("ignore", r"Overriding existing pre_save_hook "
                        r"\(keep_shown_widget_state\) with a new one \(keep_shown_widget_state\)")
# Voilà's server extension (installed for `make demo`, which runs Voilà on its own) is not
# needed inside JupyterLab, and on start-up it reads the deprecated ServerApp.token, which
# makes jupyter_server print a DeprecationWarning to the student. The kit's JupyterLab does
# not load it; `make demo` is unaffected.
c.ServerApp.jpserver_extensions.update({"voila.server_extension": False})
