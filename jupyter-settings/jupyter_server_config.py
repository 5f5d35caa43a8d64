"""The kit's Jupyter server configuration: its JupyterLab settings.

``scripts/start_lab.py`` (``make lab``) puts this folder first on ``JUPYTER_CONFIG_PATH``; the
server then reads this file too (ahead of the environment's own configuration, and in a
virtual environment ahead of the user's). A plain ``jupyter lab`` does not read it.

JupyterLab's settings: ``lab/overrides.json`` here, as JupyterLab's app settings folder
(instead of ``<environment>/share/jupyter/lab/settings``, empty in the kit's environment).
Overrides change defaults; a choice made in *Settings* still wins. They turn on the widget
manager's ``saveState`` (saving a notebook stores the state of its live widgets, so that a
notebook saved after running shows its panels when opened again, instead of "Error displaying
widget: model not found") and turn off the "Jupyter news" question and the update check (both
would fetch from the internet).
"""

from pathlib import Path

HERE = Path(__file__).resolve().parent

c = get_config()  # noqa: F821 (given by Jupyter when it reads a configuration file)
c.LabApp.app_settings_dir = str(HERE / "lab")
