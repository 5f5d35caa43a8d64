"""Panels and figures of notebooks 01-04 (perceptron, structure, activations, forward pass).

Every control is set to its extremes and a few values between; each change must redraw
without error and change the figure (the PNG bytes shown by the panel).
"""

import numpy as np
import pytest
from matplotlib.collections import LineCollection
from panel_checks import exercise

from mlp_core import ACTIVATIONS, MLP, Perceptron, step
from mlp_core.activations import derivative_products
from mlp_core.data import make_xor, separable_data
from mlp_core.network import parameter_table
from mlp_core.plotting import activation_figure, draw_network, network_figure, new_figure
from mlp_core.plotting.activations import vanishing_figure
from mlp_core.widgets import (
    Panel,
    activation_panel,
    forward_panel,
    perceptron_learning_panel,
    perceptron_panel,
    set_figure_dpi,
    structure_panel,
    vanishing_panel,
)
from mlp_core.widgets.controls import int_slider
from mlp_core.widgets.perceptron import _learning_run


def extremes(panel, name, between):
    """Largest value, smallest value, then ``between`` (no two neighbours equal)."""
    control = panel.controls[name]
    return [control.max, control.min, *between]


# --- panels -----------------------------------------------------------------------------

def test_perceptron_panel_every_slider():
    panel = perceptron_panel()
    assert "mlp-panel" in panel.widget._dom_classes
    assert "perceptron-panel" in panel.widget._dom_classes
    for name in ("w1", "w2", "b"):
        exercise(panel, name, extremes(panel, name, [-1.2, 0.0, 0.7]))
    panel.controls["w1"].value = 0.0
    exercise(panel, "w2", [0.0])  # w = 0: no line, every point predicted as class 1
    assert "no line" in panel.summary.value


def test_perceptron_learning_panel_steps_and_datasets():
    panel = perceptron_learning_panel()
    assert "perceptron-learning-panel" in panel.widget._dom_classes
    # the slider ends exactly where the rule has converged: after k.max updates every point
    # is classified correctly, after one update fewer not yet
    X, y = separable_data()
    states, _ = _learning_run(X, y)
    k_max = panel.controls["k"].max
    assert np.array_equal(step(X @ states[k_max][0] + states[k_max][1]), y)
    assert not np.array_equal(step(X @ states[k_max - 1][0] + states[k_max - 1][1]), y)
    assert k_max == 20  # the number the notebook's text quotes
    exercise(panel, "k", [1, 5, 12, 20, 19, 0])
    assert "after 0 updates" in panel.summary.value
    exercise(panel, "dataset", ["XOR"])
    assert panel.controls["k"].max == 100  # XOR never converges: the first 100 updates
    exercise(panel, "k", [100, 99, 1, 37, 60])
    assert "never settles" in panel.summary.value
    redraws = panel.redraws
    panel.controls["dataset"].value = "separable"  # k = 60 is clamped to 20 and redrawn
    assert panel.controls["k"].value == 20
    assert panel.redraws == redraws + 1  # once, not once for k and once for the data set
    assert "after 20 updates" in panel.summary.value and "converged" in panel.summary.value


def test_structure_panel_every_slider():
    panel = structure_panel()
    assert "structure-panel" in panel.widget._dom_classes
    for name, between in (("n_inputs", [3]), ("depth", [1, 3]), ("width", [7, 11]),
                          ("n_outputs", [2])):
        exercise(panel, name, extremes(panel, name, between))
    assert "agrees" in panel.summary.value


def test_activation_panel_every_option_and_range():
    panel = activation_panel()
    assert "activation-panel" in panel.widget._dom_classes
    options = list(panel.controls["name"].options)
    assert options == list(ACTIVATIONS)
    exercise(panel, "name", [o for o in options if o != panel.controls["name"].value]
             + [options[0]])
    exercise(panel, "z_max", extremes(panel, "z_max", [2.5, 7.0]))


def test_vanishing_panel_every_slider():
    panel = vanishing_panel()
    assert "vanishing-panel" in panel.widget._dom_classes
    exercise(panel, "depth", extremes(panel, "depth", [2, 10]))
    exercise(panel, "spread", extremes(panel, "spread", [1.5, 3.0]))


def test_forward_panel_every_slider_and_numbers():
    panel = forward_panel()
    assert "forward-panel" in panel.widget._dom_classes
    for name in ("lam", "x1", "x2"):
        exercise(panel, name, extremes(panel, name, [0.3, 0.55]))
    panel.controls["lam"].value = 0.0
    assert "s = λ/2 Σ‖W‖² = 0.0000" in panel.summary.value


def test_forward_panel_rejects_wrong_network():
    with pytest.raises(ValueError, match="2 inputs and 1 output"):
        forward_panel(MLP([3, 2, 1], seed=0))


def test_forward_panel_starts_at_the_given_lambda():
    # notebook 04's network: ||W^(1)||² = 7.5, ||W^(2)||² = 1.41, so at λ = 0.1
    # s = 0.1 / 2 · 8.91 = 0.4455 and, for x = (1, 2), y = 1: ŷ = 2.25, J = 0.78125 + s
    net = MLP([2, 3, 1], activation="relu", seed=0)
    net.weights[0][:] = [[1.0, -1.0], [0.5, 2.0], [-1.0, 0.5]]
    net.biases[0][:] = [0.0, 0.5, -0.5]
    net.weights[1][:] = [[1.0, 0.4, -0.5]]
    net.biases[1][:] = [0.25]
    panel = forward_panel(net, x=(1.0, 2.0), target=1.0, lam=0.1)
    assert panel.controls["lam"].value == pytest.approx(0.1)
    assert "ŷ = 2.2500" in panel.summary.value
    assert "s = λ/2 Σ‖W‖² = 0.4455" in panel.summary.value
    assert f"J = L + s = {0.78125 + 0.4455:.4f}" in panel.summary.value


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_forward_panel_rejects_lambda_outside_the_slider(bad):
    with pytest.raises(ValueError, match=r"lam must be in \[0.0, 1.0\]"):
        forward_panel(lam=bad)


def test_forward_panel_rejects_lambda_that_is_not_a_number():
    with pytest.raises(TypeError, match="lam must be a real number"):
        forward_panel(lam="0.1")


def _nan_network():
    net = MLP([2, 3, 1], seed=0)
    net.weights[1][0, 2] = np.nan
    return net


@pytest.mark.parametrize("kwargs, error, message", [
    ({"target": "a"}, TypeError, r"^target must be a real number, got 'a'$"),
    ({"target": None}, TypeError, r"^target must be a real number, got None$"),
    ({"target": float("nan")}, ValueError, r"^target must be in \[-100.0, 100.0\], got nan$"),
    ({"target": 1e200}, ValueError, r"^target must be in \[-100.0, 100.0\], got 1e\+200$"),
    ({"net": "x"}, TypeError, r"^net must be an MLP with layer_sizes \[2, \.\.\., 1\], got 'x'$"),
    ({"net": _nan_network()}, ValueError,
     r"^net must have finite weights and biases, got nan in weights\[1\]$"),
    ({"x": 3}, TypeError, r"^x must be a pair \(x1, x2\) of numbers, got 3$"),
    ({"x": "ab"}, TypeError, r"^x must be a pair \(x1, x2\) of numbers, got 'ab'$"),
    ({"x": (1.0,)}, ValueError, r"^x must be a pair \(x1, x2\) of numbers, got \(1.0,\)$"),
    ({"x": (0.15, 0.0)}, ValueError,
     r"^x1 must be one of the slider's steps -2, -1\.9, \.\.\., 2 \(-2 \+ k·0\.1\), got 0\.15$"),
    ({"lam": 0.125}, ValueError,
     r"^lam must be one of the slider's steps 0, 0\.05, \.\.\., 1 \(0 \+ k·0\.05\), "
     r"got 0\.125$"),
])
def test_forward_panel_refuses_bad_arguments_before_building_a_widget(kwargs, error, message):
    from ipywidgets.widgets.widget import _instances

    before = len(_instances)
    with pytest.raises(error, match=message):
        forward_panel(**kwargs)
    assert len(_instances) == before


def test_forward_panel_takes_values_on_the_steps_despite_rounding():
    panel = forward_panel(x=(0.3, -1.7), lam=0.15, target=-100)  # 0.3 / 0.1 = 2.9999999999999996
    assert panel.values == {"lam": 0.15, "x1": 0.3, "x2": -1.7}
    assert "y = -100" in panel.summary.value


# --- the numbers behind the panels ------------------------------------------------------

def test_separable_data_converges_and_xor_does_not():
    X, y = separable_data()
    assert X.shape == (40, 2) and set(np.unique(y)) == {0, 1}
    assert Perceptron(2).fit(X, y, epochs=100).converged
    states, mistakes = _learning_run(X, y)
    assert mistakes[-1] == 0 and len(states) - 1 == sum(mistakes)
    X, y = make_xor(n=40, noise=0.25, seed=0)
    states, mistakes = _learning_run(X, y)
    assert min(mistakes) > 0 and len(states) == 101


def test_parameter_table_matches_mlp():
    for sizes in ([2, 1], [3, 4, 2], [5, 8, 8, 8, 3]):
        rows = parameter_table(sizes)
        net = MLP(sizes, seed=0)
        assert [row[1] for row in rows] == [W.shape for W in net.weights]
        assert [row[2] for row in rows] == [b.shape for b in net.biases]
        assert sum(row[3] for row in rows) == net.n_parameters


def test_derivative_products_bounds():
    sig = derivative_products("sigmoid", 1.0, d_max=10)
    assert np.all(sig <= 0.25 ** np.arange(1, 11))
    assert np.allclose(derivative_products("tanh", 0.0, d_max=5), 1.0)


# --- the activation figures -------------------------------------------------------------

def _vanishing_curves(spread):
    d = np.arange(1, 21)
    return {"max sigmoid": 0.25 ** d, "max tanh": np.ones(20),
            "typical sigmoid": derivative_products("sigmoid", spread),
            "typical tanh": derivative_products("tanh", spread)}


@pytest.mark.parametrize("spread", [0.5, 2.0, 5.0])
def test_vanishing_figure_keeps_every_curve_on_the_axis(spread):
    curves = _vanishing_curves(spread)
    ax = vanishing_figure(curves, depth=20).axes[0]
    bottom, top = ax.get_ylim()
    assert all(bottom < v.min() and v.max() < top for v in curves.values())
    assert ax.get_legend() is None  # the legend sits below the axes, over no curve


def test_each_activation_looks_the_same_in_both_figures():
    fig_act = activation_figure("sigmoid")
    looks = {line.get_label(): (line.get_color(), line.get_marker())
             for line in fig_act.axes[0].get_lines() if line.get_label() in ACTIVATIONS}
    fig_van = vanishing_figure(_vanishing_curves(1.0), depth=5)
    for line in fig_van.axes[0].get_lines():
        name = line.get_label().split()[-1]
        if name in ACTIVATIONS:
            assert (line.get_color(), line.get_marker()) == looks[name], line.get_label()
            assert line.get_linestyle() == ("-" if line.get_label().startswith("max") else "--")


# --- the network diagram ----------------------------------------------------------------

def _segments(ax):
    return sum(len(c.get_segments()) for c in ax.collections if isinstance(c, LineCollection))


def test_draw_network_dropped_units_lose_their_lines():
    dropped = [np.array([1, 0, 0, 1, 0], bool), np.array([0, 0, 1, 0, 0], bool)]
    fig, ax = new_figure()
    draw_network(ax, [3, 5, 5, 2], dropped=dropped)
    assert _segments(ax) == 3 * 3 + 3 * 4 + 4 * 2
    fig, ax = new_figure()
    draw_network(ax, [3, 5, 5, 2])
    assert _segments(ax) == 3 * 5 + 5 * 5 + 5 * 2


def test_draw_network_wide_layers_and_errors():
    fig, ax = new_figure()
    draw_network(ax, [784, 128, 10], max_units=6)
    assert _segments(ax) == 5 * 5 + 5 * 5  # 4 units, an ellipsis (no lines), the last unit
    assert network_figure([2, 1]) is not None
    with pytest.raises(ValueError, match="one boolean array per hidden layer"):
        draw_network(ax, [3, 5, 2], dropped=[])
    with pytest.raises(ValueError, match=r"dropped\[0\] must have shape \(5,\)"):
        draw_network(ax, [3, 5, 2], dropped=[np.zeros(4, bool)])
    with pytest.raises(ValueError, match="must be a boolean array"):
        draw_network(ax, [3, 5, 2], dropped=[np.ones(5)])
    with pytest.raises(ValueError, match="at least two sizes"):
        draw_network(ax, [3])
    with pytest.raises(ValueError, match="one array per layer"):
        draw_network(ax, [2, 3, 1], values=[np.zeros(2), np.zeros(3)])


@pytest.mark.parametrize("x, name", [((3.0, -5.0), "x1"), ((0.0, -2.5), "x2")])
def test_forward_panel_rejects_x_outside_the_sliders(x, name):
    with pytest.raises(ValueError, match=rf"{name} must be in \[-2.0, 2.0\]"):
        forward_panel(x=x)


def test_forward_panel_bars_have_no_legend_and_room_for_their_labels():
    panel = forward_panel(lam=1.0, x=(2.0, 2.0))
    ax_bar = panel.figure.axes[0]
    assert ax_bar.get_legend() is None  # the tick labels name the bars
    panel.figure.canvas.draw()
    top = ax_bar.get_window_extent().y1
    assert all(t.get_window_extent().y1 < top for t in ax_bar.texts)  # value labels inside


# --- figure resolution (set_figure_dpi) ---------------------------------------------------

def png_size(png):
    """(width, height) in pixels from a PNG's IHDR chunk."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")


@pytest.fixture
def default_dpi():
    """Put the module-wide setting back whatever a test did to it."""
    previous = set_figure_dpi(80)
    yield
    set_figure_dpi(previous)


def test_set_figure_dpi_scales_panels_on_their_next_redraw(default_dpi):
    panel = perceptron_panel()
    width, height = png_size(panel.image.value)
    assert set_figure_dpi(160) == 80  # returns the setting it replaces
    assert png_size(panel.image.value) == (width, height)  # nothing redrawn yet
    redraws = panel.redraws
    panel.controls["w1"].value = -panel.controls["w1"].value + 0.3  # any change redraws
    assert panel.redraws == redraws + 1
    assert png_size(panel.image.value) == (2 * width, 2 * height)
    assert png_size(perceptron_panel().image.value) == (2 * width, 2 * height)
    assert set_figure_dpi(80) == 160


def test_panel_dpi_argument_overrides_the_setting(default_dpi):
    panel = perceptron_panel()
    width, height = png_size(panel.image.value)
    fixed = Panel(panel.controls, panel.draw, css_class="fixed-dpi", dpi=40)
    set_figure_dpi(160)
    fixed.redraw()
    assert png_size(fixed.image.value) == (width // 2, height // 2)


@pytest.mark.parametrize(("dpi", "error", "message"), [
    (39, ValueError, r"dpi must be an integer in \[40, 300\], got 39"),
    (301, ValueError, r"dpi must be an integer in \[40, 300\], got 301"),
    (120.0, TypeError, r"dpi must be an integer in \[40, 300\], got 120.0"),
    (True, TypeError, r"dpi must be an integer in \[40, 300\], got True"),
])
def test_set_figure_dpi_refuses_bad_values(default_dpi, dpi, error, message):
    with pytest.raises(error, match=message):
        set_figure_dpi(dpi)
    assert png_size(perceptron_panel().image.value)[0] > 0
    assert set_figure_dpi(80) == 80  # the refused value was not kept


# --- Panel.set: several controls, one redraw ----------------------------------------------

def test_panel_set_changes_several_controls_with_one_redraw():
    panel = perceptron_panel()
    redraws, before = panel.redraws, panel.image.value
    panel.set(w1=-1.0, w2=0.5, b=0.3)  # on the sliders' 0.1 steps (0.25 is refused)
    assert panel.redraws == redraws + 1
    assert (panel.values["w1"], panel.values["w2"], panel.values["b"]) == (-1.0, 0.5, 0.3)
    assert panel.image.value != before
    one_by_one = perceptron_panel()
    for name, value in [("w1", -1.0), ("w2", 0.5), ("b", 0.3)]:
        one_by_one.controls[name].value = value
    assert one_by_one.image.value == panel.image.value  # the same picture, two redraws fewer
    panel.set(w1=-1.0)  # nothing changes: nothing is redrawn
    assert panel.redraws == redraws + 1
    panel.controls["w2"].value = 0.0  # single moves still redraw after set
    assert panel.redraws == redraws + 2


def test_panel_set_moves_dropdowns_first_and_puts_everything_back_on_a_refusal():
    panel = perceptron_learning_panel()  # k goes to 20 on 'separable', to 100 on 'XOR'
    redraws = panel.redraws
    panel.set(k=50, dataset="XOR")  # 50 fits only once XOR is chosen: dropdowns go first
    assert panel.values == {"dataset": "XOR", "k": 50}
    assert panel.redraws == redraws + 1
    panel.set(k=80)
    values, redraws = panel.values, panel.redraws
    with pytest.raises(ValueError, match=r"k must be an integer in \[0, 20\], got 60"):
        panel.set(dataset="separable", k=60)  # a slider would clamp 60 to 20 without a word
    assert panel.values == values and panel.redraws == redraws  # XOR and 80 again
    with pytest.raises(TypeError, match=r"k must be an integer in \[0, 100\], got 2.5"):
        panel.set(k=2.5)
    with pytest.raises(ValueError, match=r"dataset must be one of \['separable', 'XOR'\], "
                                         "got 'xor'"):
        panel.set(k=3, dataset="xor")
    with pytest.raises(ValueError, match="'w1' is not a control of this panel; its controls "
                                         "are dataset, k"):
        panel.set(k=3, w1=1.0)
    assert panel.values == values and panel.redraws == redraws


def test_panel_set_refuses_values_between_a_sliders_steps():
    from mlp_core.widgets.controls import float_slider, log_slider

    controls = {"width": int_slider("width", 32, 2, 128, 2),
                "p": float_slider("p", 0.5, 0.0, 0.8, 0.05),
                "lr": log_slider("lr", 0.1, -3, 0, step=0.1)}
    seen = []
    panel = Panel(controls, lambda width, p, lr: (new_figure()[0], seen.append(width) or ""),
                  css_class="steps-panel")
    before = panel.values
    with pytest.raises(ValueError, match=r"^width must be one of the slider's steps 2, 4, \.\.\., "
                                         r"128 \(2 \+ k·2\), got 3$"):
        panel.set(p=0.6, width=3)  # a slider cannot stop at 3
    with pytest.raises(ValueError, match=r"^p must be one of the slider's steps 0, 0\.05, "
                                         r"\.\.\., 0\.8 \(0 \+ k·0\.05\), got 0\.33$"):
        panel.set(width=4, p=0.33)
    assert panel.values == before and len(seen) == 1  # put back, nothing redrawn
    panel.set(width=128, p=0.15, lr=0.3)  # 0.15 / 0.05 is 2.9999999999999996: on a step
    assert panel.values == {"width": 128, "p": 0.15, "lr": 0.3} and len(seen) == 2


def test_panel_set_leaves_other_widgets_to_their_own_checks():
    import ipywidgets as widgets

    seen = []
    panel = Panel({"show": widgets.Checkbox(value=False), "k": int_slider("k", 1, 0, 5)},
                  lambda show, k: (new_figure()[0], seen.append((show, k)) or ""),
                  css_class="mixed-panel")
    panel.set(show=True, k=3)
    assert seen[-1] == (True, 3) and len(seen) == 2  # the first draw, then one for set
    from traitlets import TraitError

    with pytest.raises(TraitError, match="Checkbox"):  # the widget's own check
        panel.set(k=4, show="yes")
    assert panel.values == {"show": True, "k": 3} and len(seen) == 2  # k put back


def test_panel_set_takes_a_tuple_for_a_multiple_selection():
    import ipywidgets as widgets

    panel = Panel({"pick": widgets.SelectMultiple(options=["a", "b", "c"], value=["a"])},
                  lambda pick: (new_figure()[0], ", ".join(pick)), css_class="multi-panel")
    panel.set(pick=("a", "c"))
    assert panel.summary.value == "a, c"
    with pytest.raises(ValueError, match=r"pick must be some of \['a', 'b', 'c'\], got"):
        panel.set(pick=("a", "z"))


def test_panel_repr_names_its_class_and_controls():
    assert repr(perceptron_learning_panel()) == "Panel('perceptron-learning-panel': dataset, k)"


# --- an interrupted redraw (issue 10, item 15) -------------------------------------------

def _interruptible_panel(failures):
    """Return a panel whose draw raises ``failures.pop()`` while the list is not empty."""
    from mlp_core.widgets.controls import float_slider

    def draw(w, k):
        if failures:
            raise failures.pop()
        fig = new_figure()[0]
        fig.suptitle(f"w = {w}, k = {k}")
        return fig, f"w={w}, k={k}"

    return Panel({"w": float_slider("w", 0.0, -1.0, 1.0, 0.1), "k": int_slider("k", 1, 0, 5)},
                 draw, css_class="interrupt-panel")


@pytest.mark.parametrize("failure", [KeyboardInterrupt(), RuntimeError("a bug in draw")])
@pytest.mark.parametrize("where", ["draw", "render"])
def test_an_interrupted_redraw_puts_the_controls_back_to_the_picture_on_screen(
        monkeypatch, failure, where):
    import mlp_core.widgets.base as base

    failures = []
    panel = _interruptible_panel(failures if where == "draw" else [])
    if where == "render":  # interrupted while the figure is turned into a PNG
        render = base.figure_to_png

        def interrupted_render(*args, **kwargs):
            if failures:
                raise failures.pop()
            return render(*args, **kwargs)

        monkeypatch.setattr(base, "figure_to_png", interrupted_render)
    on_screen = (panel.image.value, panel.summary.value, panel.figure, panel.redraws)
    assert panel.drawn_values == panel.values == {"w": 0.0, "k": 1}
    failures.append(failure)
    with pytest.raises(type(failure)):
        panel.controls["w"].value = 0.5  # a slider moves, then the user presses stop
    assert panel.values == {"w": 0.0, "k": 1}  # the values of the picture still shown
    assert (panel.image.value, panel.summary.value, panel.figure, panel.redraws) == on_screen
    failures.append(failure)
    with pytest.raises(type(failure)):
        panel.set(w=-0.5, k=3)
    assert panel.values == {"w": 0.0, "k": 1}
    assert (panel.image.value, panel.summary.value, panel.figure, panel.redraws) == on_screen
    panel.controls["k"].value = 2  # the next change draws as usual, once
    assert panel.summary.value == "w=0.0, k=2" and panel.redraws == on_screen[-1] + 1
    assert panel.drawn_values == panel.values == {"w": 0.0, "k": 2}


# --- readable text at the default resolution (issue 14, item 5) -------------------------

ALL_PANELS = ["perceptron_panel", "perceptron_learning_panel", "structure_panel",
              "activation_panel", "vanishing_panel", "forward_panel", "backprop_panel",
              "training_panel", "regularization_lab", "early_stopping_panel", "dropout_panel"]


def capital_height_px(text, dpi):
    """Height in pixels of a capital "H" in the font of ``text`` rendered at ``dpi``."""
    from matplotlib.textpath import TextPath

    return TextPath((0, 0), "H", prop=text.get_fontproperties()).get_extents().height * dpi / 72


@pytest.mark.parametrize("name", ALL_PANELS)
def test_legends_and_axis_text_are_readable_at_the_default_dpi(name):
    import mlp_core.widgets as panels
    from mlp_core.plotting.style import PANEL_DPI

    panel = getattr(panels, name)()
    fig = panel.figure
    width, height = png_size(panel.image.value)
    assert (width, height) == (round(fig.get_figwidth() * PANEL_DPI),
                               round(fig.get_figheight() * PANEL_DPI))  # default: 100 dpi
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    texts = [t for legend in legends for t in legend.get_texts()]
    for ax in fig.axes:
        texts += [t for t in ax.get_xticklabels() + ax.get_yticklabels() if t.get_text()]
        texts += [t for t in (ax.xaxis.label, ax.yaxis.label) if t.get_text()]
    assert texts
    small = sorted({(t.get_text(), round(capital_height_px(t, PANEL_DPI), 1)) for t in texts
                    if capital_height_px(t, PANEL_DPI) < 10}, key=str)
    assert small == [], f"text under 10 px high at {PANEL_DPI} dpi: {small}"


def test_capital_height_measures_what_it_says():
    fig, ax = new_figure()
    small, large = ax.text(0, 0, "a", fontsize=7), ax.text(0, 0, "a", fontsize=14)
    assert 6.5 < capital_height_px(small, 100) < 7.5  # 7 pt at 100 dpi: 9.7 px em, 0.73 em
    assert capital_height_px(large, 100) == pytest.approx(2 * capital_height_px(small, 100))


@pytest.mark.parametrize("p", [0.0, 0.05, 0.5, 0.8])
@pytest.mark.parametrize("mask_seed", [0, 3])
def test_dropout_legend_covers_no_bar_and_no_marker(p, mask_seed):
    from mlp_core.widgets import dropout_panel

    panel = dropout_panel()
    panel.set(p=p, mask_seed=mask_seed)
    fig = panel.figure
    fig.canvas.draw()
    ax_bar = fig.axes[1]
    (legend,) = fig.legends or [ax_bar.get_legend()]
    box = legend.get_window_extent()
    drawn = [line.get_window_extent() for line in ax_bar.lines]  # the (1 − p) N marker
    drawn += [bar.get_window_extent() for bar in ax_bar.patches]
    assert len(drawn) == 1 + 2 * 2  # one marker line, two bars per hidden layer
    overlapping = [b for b in drawn if b.overlaps(box)]
    assert overlapping == [], f"the legend covers {overlapping} at p = {p}"
    figure_box = fig.bbox
    assert figure_box.x0 <= box.x0 and box.x1 <= figure_box.x1 and box.y0 >= figure_box.y0
    assert [t.get_text() for t in legend.get_texts()] == [
        "layer size N", "kept", "expected kept (1 − p) N"]
