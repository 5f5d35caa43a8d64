"""How the kit is installed and started.

Requirements files, the quiet install, make lab's launcher and settings, the server's
pre-save hook, make reset-notebooks, and Binder's files.

The browser side (the printed link, panels before running, saving and reopening) is in
tests/browser/test_first_open.py. Some tests here run pip or make in a scratch folder; they
take seconds each.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from importlib.metadata import distribution, packages_distributions
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parents[1]
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
#: Tools only the tests use: none may reach a student's install.
TEST_TOOLS = {"pytest", "pytest-xdist", "nbval", "coverage", "hypothesis", "playwright", "ruff"}
#: What the Makefile's test targets run, named directly in requirements-test.txt:
#: pytest, -n 2 (pytest-xdist), --nbval (nbval), ruff, the browser tests' playwright.
MAKE_TEST_TOOLS = {"pytest", "pytest-xdist", "nbval", "ruff", "playwright"}
KIT_NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))


def load_script(path):
    """Return a file of scripts/ as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location(Path(path).stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


start_lab = load_script(REPO / "scripts" / "start_lab.py")
public_links = load_script(REPO / "scripts" / "public_links.py")


# ---------------------------------------------------------------- requirements files


def read_requirements(path):
    """Return {canonical name: extras} named by a requirements file and the files it includes.

    Included files are those of ``-r`` lines; ``-e .`` counts as this project (pyproject's
    name).
    """
    found = {}
    for raw in Path(path).read_text().splitlines():
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#") or line.startswith(("-c", "--constraint")):
            continue
        if line.startswith(("-r", "--requirement")):
            found.update(read_requirements(Path(path).parent / line.split(maxsplit=1)[1]))
        elif line in ("-e .", "--editable ."):
            found["mlp-core"] = frozenset()
        else:
            requirement = Requirement(line)
            found[canonicalize_name(requirement.name)] = frozenset(requirement.extras)
    return found


def installed_closure(requirements):
    """Return the canonical names of the installed distributions ``requirements`` pull in.

    They include the requirements themselves, following each one's dependencies with markers
    evaluated here.
    """
    seen, todo = set(), list(requirements.items())
    while todo:
        name, extras = todo.pop()
        if (name, extras) in seen:
            continue
        seen.add((name, extras))
        for line in distribution(name).requires or []:
            requirement = Requirement(line)
            marker = requirement.marker
            if marker is None or any(marker.evaluate({"extra": e}) for e in extras | {""}):
                todo.append((canonicalize_name(requirement.name),
                             frozenset(requirement.extras)))
    return {name for name, _ in seen}


def third_party_imports(paths):
    """Return the third-party top-level imports in ``paths``: {name: first file importing it}.

    These are the absolute imports that are neither the standard library nor a module of the
    repository.
    """
    local = {p.stem for p in REPO.rglob("*.py") if ".venv" not in p.parts} | {"mlp_core"}
    found = {}
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in local:
                    found.setdefault(top, path.relative_to(REPO))
    return found


def unresolved(imports, closure):
    """Return the imports whose distribution is not in ``closure``."""
    distributions = packages_distributions()
    return {name: str(path) for name, path in imports.items()
            if not {canonicalize_name(d) for d in distributions.get(name, [])} & closure}


def test_student_requirements_hold_no_test_tool():
    named = read_requirements(REPO / "requirements.txt")
    assert "mlp-core" in named, "requirements.txt must install the kit itself (-e .)"
    assert not set(named) & TEST_TOOLS
    pulled_in = installed_closure(named) & TEST_TOOLS
    assert not pulled_in, f"requirements.txt pulls in test tools: {sorted(pulled_in)}"


def test_test_requirements_name_every_tool_make_test_runs():
    named = read_requirements(REPO / "requirements-test.txt")
    assert set(read_requirements(REPO / "requirements.txt")) <= set(named)
    assert MAKE_TEST_TOOLS <= set(named), sorted(MAKE_TEST_TOOLS - set(named))


def test_every_import_of_the_tests_comes_with_requirements_test():
    closure = installed_closure(read_requirements(REPO / "requirements-test.txt"))
    imports = third_party_imports(sorted((REPO / "tests").rglob("*.py")))
    assert {"numpy", "pytest", "playwright", "nbformat"} <= set(imports)  # the scan sees them
    assert not unresolved(imports, closure)


def test_every_import_of_the_launcher_comes_with_requirements():
    closure = installed_closure(read_requirements(REPO / "requirements.txt"))
    paths = [REPO / "scripts" / "start_lab.py", REPO / "jupyter-settings" /
             "jupyter_server_config.py"]
    imports = third_party_imports(paths)
    assert "nbformat" in imports
    assert not unresolved(imports, closure)


# ---------------------------------------------------------------- quiet install (make)


def run(command, **kwargs):
    return subprocess.run(command, capture_output=True, text=True, cwd=REPO, **kwargs)


def test_make_installs_the_kit_without_setuptools_editable_warning(tmp_path):
    """Make's pip command line installs the editable kit without setuptools' warning.

    That is the "Editable installation" warning; the same command without make's
    PYTHONWARNINGS shows it (so the check sees the warning when it is there).
    """
    venv = tmp_path / "venv"
    made = run(["make", f"VENV={venv}", f"{venv}/bin/python"])  # the Makefile's own rule
    assert made.returncode == 0, made.stdout + made.stderr
    dry = run(["make", "-n", f"VENV={venv}", f"{venv}/.lab-installed"])
    assert dry.returncode == 0, dry.stderr
    line = next(line for line in dry.stdout.splitlines() if " -m pip install" in line)
    words = shlex.split(line)
    settings = dict(w.split("=", 1) for w in words if re.fullmatch(r"[A-Z_]+=.*", w))
    command = [w for w in words if not re.fullmatch(r"[A-Z_]+=.*", w)]
    assert command[-4:] == ["-r", "requirements.txt", "-c", "constraints.txt"], line
    # Only the kit itself is built by a build backend; the rest are wheels.
    command = [*command[:-4], "--no-deps", "-e", "."]
    environ = {k: v for k, v in os.environ.items() if k != "PYTHONWARNINGS"}
    quiet = run(command, env={**environ, **settings})
    assert quiet.returncode == 0, quiet.stdout + quiet.stderr
    assert "Editable installation" not in quiet.stdout + quiet.stderr
    plain = run(command, env=environ)
    assert "Editable installation" in plain.stdout + plain.stderr, (
        "setuptools no longer warns at an editable install: the Makefile's PYTHONWARNINGS "
        "filter can go (and this test with it)")


# ---------------------------------------------------------------- make lab's launcher


def test_lab_starts_on_the_module_notebook_in_the_repository():
    command = start_lab.lab_command(["--no-browser"])
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--LabApp.default_url=/lab/tree/{start_lab.START_NOTEBOOK}" in command
    assert f"--ServerApp.root_dir={REPO}" in command
    assert command[-1] == "--no-browser"
    assert (REPO / start_lab.START_NOTEBOOK).is_file()
    assert ("--allow-root" in command) == (os.geteuid() == 0)
    other = start_lab.lab_command(["--ServerApp.root_dir=/elsewhere"])
    assert [w for w in other if w.startswith("--ServerApp.root_dir=")] == [
        "--ServerApp.root_dir=/elsewhere"]


def test_lab_reads_the_kit_server_configuration_first():
    environ = start_lab.lab_environment({"JUPYTER_CONFIG_PATH": os.pathsep.join(["/a", "/b"])})
    assert environ["JUPYTER_CONFIG_PATH"].split(os.pathsep) == [
        str(REPO / "jupyter-settings"), "/a", "/b"]
    assert start_lab.lab_environment({})["JUPYTER_CONFIG_PATH"] == str(
        REPO / "jupyter-settings")


def test_jupyter_reads_the_kit_configuration_from_the_config_path(tmp_path):
    """A server started by start_lab.py reads jupyter-settings/ before the environment's own.

    Jupyter's own lookup, with a fresh user folder, finds its configuration in
    jupyter-settings/ before the environment's own folder.
    """
    environ = start_lab.lab_environment({
        **os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "user"), "JUPYTER_CONFIG_PATH": ""})
    found = run([sys.executable, "-c", "from jupyter_core.paths import jupyter_config_path; "
                 "print(*jupyter_config_path(), sep='\\n')"], env=environ)
    paths = found.stdout.splitlines()
    assert str(start_lab.CONFIG_DIR) in paths, found.stderr
    assert paths.index(str(start_lab.CONFIG_DIR)) < paths.index(
        str(Path(sys.prefix, "etc", "jupyter")))
    assert (start_lab.CONFIG_DIR / "jupyter_server_config.py").is_file()


def plugin_schema(plugin):
    """Return the settings schema JupyterLab installed for ``plugin`` ("@scope/pkg:name")."""
    package, name = plugin.split(":")
    share = Path(sys.prefix, "share", "jupyter")
    for path in [share / "lab" / "schemas" / package / f"{name}.json",
                 share / "labextensions" / package / "schemas" / package / f"{name}.json"]:
        if path.is_file():
            return json.loads(path.read_text())
    raise AssertionError(f"no settings schema installed for {plugin}")


def test_kit_settings_are_valid_jupyterlab_settings():
    import jsonschema

    config, _ = load_server_config()
    settings_file = Path(config.LabApp.app_settings_dir) / "overrides.json"
    settings = json.loads(settings_file.read_text())
    assert settings["@jupyter-widgets/jupyterlab-manager:plugin"] == {"saveState": True}
    for plugin, values in settings.items():
        properties = plugin_schema(plugin)["properties"]
        for key, value in values.items():
            assert key in properties, f"{plugin} has no setting {key!r}"
            jsonschema.validate(value, properties[key])


# ---------------------------------------------------------------- stored widget state


def references(model):
    return re.findall(r"IPY_MODEL_(\w+)", json.dumps(model))


@pytest.mark.parametrize("path", KIT_NOTEBOOKS, ids=[p.stem for p in KIT_NOTEBOOKS])
def test_notebook_stores_every_panel_it_shows_with_its_picture(path):
    """A trusted notebook shows its panels before running.

    Stored are each widget an output shows, every model it refers to, and for each panel an
    image with a stored picture.
    """
    notebook = nbformat.read(path, as_version=4)
    states = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    shown = [o["data"][WIDGET_VIEW]["model_id"] for cell in notebook.cells
             for o in cell.get("outputs", []) if WIDGET_VIEW in o.get("data", {})]
    panels = [i for i in shown if "mlp-panel" in states.get(i, {}).get("state", {}).get(
        "_dom_classes", [])]
    assert panels, f"{path.name} shows no panel"
    for model_id in shown:
        todo, found = [model_id], set()
        while todo:
            current = todo.pop()
            assert current in states, f"{path.name}: widget {current} shown but not stored"
            if current not in found:
                found.add(current)
                todo += references(states[current])
        if model_id in panels:
            pictures = [states[i] for i in found if states[i]["model_name"] == "ImageModel"
                        and any(b["path"] == ["value"] and b["data"]
                                for b in states[i].get("buffers", []))]
            assert pictures, f"{path.name}: panel {model_id} has no stored picture"


def load_server_config():
    """jupyter-settings/jupyter_server_config.py as Jupyter reads it: (config, namespace)."""
    from traitlets.config import Config

    path = REPO / "jupyter-settings" / "jupyter_server_config.py"
    config = Config()
    namespace = {"get_config": lambda: config, "__file__": str(path), "__name__": "config"}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return config, namespace


def widget_notebook(shown, states):
    """Return a notebook dict whose outputs show ``shown`` and whose stored state is ``states``."""
    outputs = [{"output_type": "display_data", "metadata": {},
                "data": {"text/plain": "Panel(...)", WIDGET_VIEW: {"model_id": model_id}}}
               for model_id in shown]
    return {"cells": [{"cell_type": "code", "source": "", "metadata": {}, "outputs": outputs,
                       "execution_count": 1}],
            "metadata": {"widgets": {WIDGET_STATE: {
                "state": states, "version_major": 2, "version_minor": 0}}},
            "nbformat": 4, "nbformat_minor": 5}


def model(name, *children):
    return {"model_name": name, "state": {"children": [f"IPY_MODEL_{c}" for c in children]}}


def states_of(notebook):
    return notebook["metadata"]["widgets"][WIDGET_STATE]["state"]


@pytest.fixture
def hook():
    config, namespace = load_server_config()
    assert config.ContentsManager.pre_save_hook is namespace["keep_shown_widget_state"]
    return namespace["keep_shown_widget_state"]


def test_save_without_running_keeps_the_stored_state(hook, tmp_path):
    stored = {"a": model("VBoxModel", "b"), "b": model("ImageModel"), "z": model("Unshown")}
    (tmp_path / "nb.ipynb").write_text(json.dumps(widget_notebook(["a"], stored)))
    saved = widget_notebook(["a"], {})  # what the widget manager sends: no live widget
    hook(model={"type": "notebook", "content": saved}, path="nb.ipynb",
         contents_manager=SimpleNamespace(root_dir=str(tmp_path)))
    assert states_of(saved) == {"a": stored["a"], "b": stored["b"]}


def test_save_after_running_keeps_live_widgets_and_adds_the_missing(hook, tmp_path):
    stored = {"a": model("VBoxModel", "b"), "b": model("ImageModel"), "c": model("Old")}
    (tmp_path / "nb.ipynb").write_text(json.dumps(widget_notebook(["a", "c"], stored)))
    live = {"a": model("VBoxModel", "b", "x"), "b": model("ImageModel"), "x": model("New")}
    saved = widget_notebook(["a", "c"], dict(live))  # cell of "c" not run again
    hook(model={"type": "notebook", "content": saved}, path="nb.ipynb",
         contents_manager=SimpleNamespace(root_dir=str(tmp_path)))
    assert states_of(saved) == {**live, "c": stored["c"]}


def test_save_as_takes_the_stored_state_from_the_kit_notebooks(hook, tmp_path):
    kit = nbformat.read(KIT_NOTEBOOKS[0], as_version=4)
    shown = next(o["data"][WIDGET_VIEW]["model_id"] for cell in kit.cells
                 for o in cell.get("outputs", []) if WIDGET_VIEW in o.get("data", {}))
    saved = widget_notebook([shown], {})
    hook(model={"type": "notebook", "content": saved}, path="my-work/renamed.ipynb",
         contents_manager=SimpleNamespace(root_dir=str(tmp_path)))
    assert shown in states_of(saved)
    assert set(states_of(saved)) <= set(kit.metadata["widgets"][WIDGET_STATE]["state"])


def test_hook_leaves_other_saves_alone(hook, tmp_path):
    text = {"type": "file", "content": "x"}
    hook(model=text, path="a.txt", contents_manager=SimpleNamespace(root_dir=str(tmp_path)))
    assert text == {"type": "file", "content": "x"}
    plain = {"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    hook(model={"type": "notebook", "content": plain}, path="b.ipynb",
         contents_manager=SimpleNamespace(root_dir=str(tmp_path)))
    assert plain["metadata"] == {}


# ---------------------------------------------------------------- make reset-notebooks


def git(folder, *args):
    return subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.org",
                           *args], cwd=folder, capture_output=True, text=True, check=True)


def test_reset_notebooks_keeps_a_copy_then_restores(tmp_path):
    shutil.copy(REPO / "Makefile", tmp_path)
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01_a.ipynb").write_text("original\n")
    (tmp_path / "notebooks" / "02_b.ipynb").write_text("untouched\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", ".")
    git(tmp_path, "commit", "-q", "-m", "kit")
    (tmp_path / "notebooks" / "01_a.ipynb").write_text("my work\n")

    reset = subprocess.run(["make", "-s", "reset-notebooks"], cwd=tmp_path,
                           capture_output=True, text=True)
    assert reset.returncode == 0, reset.stderr
    assert (tmp_path / "notebooks" / "01_a.ipynb").read_text() == "original\n"
    copies = list((tmp_path / "my-work").glob("*.ipynb"))
    assert [c.read_text() for c in copies] == ["my work\n"]
    assert re.fullmatch(r"01_a-\d{8}-\d{6}\.ipynb", copies[0].name)
    assert copies[0].name in reset.stdout

    again = subprocess.run(["make", "-s", "reset-notebooks"], cwd=tmp_path,
                           capture_output=True, text=True)
    assert again.returncode == 0 and len(list((tmp_path / "my-work").iterdir())) == 1


def test_reset_notebooks_refuses_outside_git(tmp_path):
    shutil.copy(REPO / "Makefile", tmp_path)
    reset = subprocess.run(["make", "-s", "reset-notebooks"], cwd=tmp_path,
                           capture_output=True, text=True,
                           env={**os.environ, "GIT_CEILING_DIRECTORIES": str(tmp_path.parent)})
    assert reset.returncode != 0
    assert "needs git" in reset.stderr


# ---------------------------------------------------------------- Binder and the README


def constrained_python():
    """Return the Python version constraints.txt pins for ("3.11")."""
    found = set(re.findall(r'python_version == "([\d.]+)"', (REPO / "constraints.txt").read_text()))
    assert len(found) == 1, found
    return found.pop()


def pins():
    """{canonical name: version} from constraints.txt."""
    found = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, version = line.split(";")[0].strip().split("==")
            found[canonicalize_name(name)] = version
    return found


def test_binder_uses_the_pinned_python():
    runtime = (REPO / "binder" / "runtime.txt").read_text().strip()
    assert runtime == f"python-{constrained_python()}"


def test_binder_installs_what_make_lab_installs():
    assert read_requirements(REPO / "binder" / "requirements.txt") == read_requirements(
        REPO / "requirements.txt")
    assert "-c ../constraints.txt" in (REPO / "binder" / "requirements.txt").read_text()


def test_binder_environment_resolves_to_the_pinned_versions(tmp_path):
    """Pip resolves binder/requirements.txt to exactly the versions of constraints.txt.

    It resolves as Binder runs it (from the repository's root, nothing installed). A dry
    run: resolving takes seconds where installing the 100-odd packages would take a minute,
    and the versions are what this checks. Needs the package index, as make lab does.
    """
    if f"{sys.version_info.major}.{sys.version_info.minor}" != constrained_python():
        pytest.skip(f"constraints.txt pins Python {constrained_python()}, this is "
                    f"{sys.version_info.major}.{sys.version_info.minor}")
    report = tmp_path / "report.json"
    resolved = run([sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed",
                    "--quiet", "--report", str(report), "-r", "binder/requirements.txt"])
    assert resolved.returncode == 0, resolved.stderr[-3000:]
    versions = {canonicalize_name(item["metadata"]["name"]): item["metadata"]["version"]
                for item in json.loads(report.read_text())["install"]}
    assert "mlp-core" in versions and "jupyterlab" in versions
    expected = pins()
    differ = {name: (version, expected.get(name)) for name, version in versions.items()
              if name != "mlp-core" and expected.get(name) != version}
    assert not differ, f"resolved vs pinned: {differ}"


def test_binder_post_build_trusts_the_notebooks(tmp_path):
    from nbformat.sign import NotebookNotary

    data = tmp_path / "data"
    data.mkdir()
    notary = NotebookNotary(data_dir=str(data))
    notebooks = [nbformat.read(p, as_version=nbformat.NO_CONVERT) for p in KIT_NOTEBOOKS]
    assert not any(notary.check_signature(nb) for nb in notebooks)  # a fresh user trusts none
    notary.store.close()
    environ = {**os.environ, "JUPYTER_DATA_DIR": str(data),
               "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    built = run(["bash", "binder/postBuild"], env=environ)
    assert built.returncode == 0, built.stdout + built.stderr
    notary = NotebookNotary(data_dir=str(data))
    assert all(notary.check_signature(nb) for nb in notebooks)


def test_binder_start_puts_the_kit_configuration_first():
    started = run(["bash", "binder/start", "printenv", "JUPYTER_CONFIG_PATH"],
                  env={**os.environ, "JUPYTER_CONFIG_PATH": "/a"})
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == f"{REPO / 'jupyter-settings'}{os.pathsep}/a"
    for name in ["postBuild", "start"]:
        assert os.access(REPO / "binder" / name, os.X_OK), f"binder/{name} is not executable"


def test_public_links_open_the_module_notebook():
    links = public_links.links()
    assert links["binder"].endswith(f"?urlpath={start_lab.START_URL.lstrip('/')}")
    assert links["colab"].endswith(f"/blob/{public_links.BRANCH}/{start_lab.START_NOTEBOOK}")
    with pytest.raises(ValueError, match="repository must be"):
        public_links.links("https://gitlab.com/a/b")


def test_readme_links_are_the_ones_the_script_writes():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert public_links.rewrite(readme, public_links.blocks()) == readme, (
        "README.md's public links differ from scripts/public_links.py: run it")
    outside = public_links.rewrite(readme, dict.fromkeys(public_links.blocks(), ""))
    slug = public_links.REPOSITORY.removeprefix("https://github.com/")
    assert slug not in outside, "README.md names the address outside the generated blocks"
    for name in ["binder", "colab"]:
        assert f"][{name}]" in readme, f"README.md has no badge using [{name}]"

