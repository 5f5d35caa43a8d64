"""What the notebooks say about their live panels, checked against freshly built panels.

The "What to try" lists send students to settings of a panel, and the predict-then-reveal
questions before a panel ask what it will show there ("move the learning rate to `lr=1`: what
happens?"). The questions compute their answers with the kit when Check is pressed; the
outcomes the student then finds in the panel, and the few statements the notebooks still make
about panels, are asserted here, through the panel's own controls and the summary line the
student reads (nbval cannot check them: a panel's picture and summary are not compared). A
number such a sentence contains is listed in ``PANEL_CLAIMS`` of
``tests/test_notebook_rules.py`` together with the name of the test here that asserts it;
sentences without numbers are asserted all the same. Where a question computes its answer
with a copy of a panel's settings, a test here checks that the copy still runs what the panel
runs.

A summary that no longer matches the patterns below fails with its text, so that a change of
wording is seen here and not silently skipped.
"""

from __future__ import annotations

import ast
import html
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from mlp_core import Perceptron
from mlp_core.activations import derivative_products
from mlp_core.data import separable_data
from mlp_core.recipes import train_toy_network
from mlp_core.widgets import (
    backprop_panel,
    early_stopping_panel,
    perceptron_learning_panel,
    perceptron_panel,
    regularization_lab,
    training_panel,
    vanishing_panel,
)


def summary_text(panel):
    """Return the panel's summary as plain text (tags and entities removed)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", panel.summary.value)).split())


def notebook_function(notebook, name, **namespace):
    """Return the function ``name`` as notebook ``notebook`` defines it, run in ``namespace``."""
    path = Path(__file__).resolve().parents[1] / "notebooks" / notebook
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and f"def {name}(" in source:
            for node in ast.parse(source).body:
                if isinstance(node, ast.FunctionDef) and node.name == name:
                    exec(compile(ast.Module(body=[node], type_ignores=[]), notebook, "exec"),
                         namespace)
                    return namespace[name]
    raise AssertionError(f"{notebook} defines no function {name}")


def find(pattern, panel):
    """Return the groups of ``pattern`` in the panel's summary; fails with the summary if absent."""
    text = summary_text(panel)
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in the summary: {text}"
    return match.groups()


# --- 01: the perceptron ---------------------------------------------------------------


def test_perceptron_panel_hint_separates_every_point():
    # 01, "What to try": w = (0.5, 1), b = -0.9 gets every point right, and so does the
    # same line written as (1, 2, -1.8)
    panel = perceptron_panel()
    for w1, w2, b in [(0.5, 1.0, -0.9), (1.0, 2.0, -1.8)]:
        panel.set(w1=w1, w2=w2, b=b)
        accuracy, wrong = find(r"accuracy ([\d.]+)\s?% \((\d+) of \d+ misclassified", panel)
        assert float(accuracy) == 100.0 and wrong == "0"


def test_perceptron_learning_panel_is_the_run_of_section_5():
    # 01: "Section 5 prints the mistakes per epoch of this same run; their sum is the number
    # of updates", and after the last update an epoch without mistakes ends the run
    panel = perceptron_learning_panel()
    run = Perceptron(n_features=2).fit(*separable_data(n=40, seed=0), epochs=50)
    assert panel.controls["k"].max == sum(run.mistakes)
    panel.set(k=panel.controls["k"].max)
    assert str(run.mistakes) in summary_text(panel) and run.mistakes[-1] == 0


# --- 03: vanishing gradients -----------------------------------------------------------


def test_vanishing_panel_tanh_at_small_spread():
    # 03, the question before the vanishing panel: at depth=20 and spread=0.5, tanh's typical
    # product is still about 10^-2 (within half an order of magnitude), far above the
    # sigmoid's best case 0.25^20
    panel = vanishing_panel()
    panel.set(depth=20, spread=0.5)
    (typical_tanh,) = find(r"tanh at most 1, typically (\d+(?:\.\d+)?(?:e[-+]?\d+)?)", panel)
    assert abs(math.log10(float(typical_tanh)) + 2) <= 0.5
    assert float(typical_tanh) == pytest.approx(derivative_products("tanh", 0.5)[19], rel=1e-2)
    assert float(typical_tanh) > 0.25 ** 20


# --- 05: backpropagation ---------------------------------------------------------------


def test_backprop_panel_batch_of_twelve():
    # 05: "a [2, 6, 5, N_O] network on 12 moons points"; cross-entropy gives two outputs
    panel = backprop_panel()
    panel.set(l=1, loss="mse")
    text = summary_text(panel)
    assert "[2, 6, 5, 1]" in text and "(12, 6)" in text, text
    panel.set(loss="cross_entropy")
    assert "[2, 6, 5, 2]" in summary_text(panel)


# --- 06: the training panel ------------------------------------------------------------

#: Positions of the learning-rate slider (10^(k/4)) named in notebook 06.
LR = {"0.56": 10 ** -0.25, "1": 1.0, "1.78": 10 ** 0.25, "3.16": 10 ** 0.5,
      "5.62": 10 ** 0.75}


@pytest.fixture
def training():
    return training_panel()


def training_accuracies(panel):
    """(training, validation) accuracy of the panel's last run, as fractions."""
    train, val = find(r"accuracy (\d+)% \(training\), (\d+)% \(validation\)", panel)
    return int(train) / 100, int(val) / 100


def test_training_panel_learns_the_moons_up_to_lr_056(training):
    for lr in [10 ** (k / 4) for k in range(-4, 0)]:  # 0.1 ... 0.56
        training.set(lr=lr)
        assert min(training_accuracies(training)) >= 0.9, (lr, summary_text(training))


def test_training_panel_diverges_from_lr_1(training):
    # 06: with the squared error the network learns up to lr=0.56 (test above); from lr=1
    # on every step of the slider reports a divergence, at lr=1 in epoch 1
    training.set(lr=LR["1"])
    assert "Training diverged in epoch 1:" in summary_text(training)
    for lr in (LR["1.78"], LR["3.16"], LR["5.62"], 10.0):
        training.set(lr=lr)
        assert "diverged" in summary_text(training), lr


def test_training_panel_at_full_batch_is_the_run_of_section_5(training):
    # 06, section 5 and "What to try": fit at lr=1 with batch_size=150 on the split and
    # network of section 3 diverges after its first epochs; the panel at lr=1,
    # batch_size=150 runs the same and names the same epoch and weights
    from mlp_core import MLP, TrainingDivergedError, fit
    from mlp_core.data import make_moons, train_test_split

    X, y = make_moons(200, seed=0)
    X_train, _, y_train, _ = train_test_split(X, y, test_size=0.25, seed=0, stratify=True)
    with pytest.raises(TrainingDivergedError) as caught:
        fit(MLP([2, 16, 16, 1], seed=0), X_train, y_train, loss="mse", lr=1.0, epochs=30,
            batch_size=150, seed=0, progress=False)
    epoch = caught.value.epoch
    assert epoch > 1 and len(caught.value.history.train_loss) == epoch - 1
    training.set(lr=LR["1"], batch_size=150)
    assert f"Training diverged in epoch {epoch}:" in summary_text(training)
    assert training.figure.axes[1].get_title() == (
        f"decision boundary after epoch {epoch - 1} (diverged in epoch {epoch})")


def test_training_panel_cross_entropy_never_diverges_but_switches_off(training):
    # 06: with binary cross-entropy it still learns at lr=1; at lr=1.78 the loss goes up and
    # the accuracy falls; at 5.62 and at the top of the slider the summary never says
    # diverged, but notes that every unit of the second hidden layer is switched off
    training.set(loss="binary_cross_entropy", lr=LR["1"])
    learned = training_accuracies(training)
    assert min(learned) >= 0.9
    training.set(lr=LR["1.78"])
    assert "loss went up" in summary_text(training)
    assert training_accuracies(training)[0] < learned[0]
    for lr in (LR["5.62"], 10.0):
        training.set(lr=lr)
        text = summary_text(training)
        assert "diverged" not in text, lr
        assert "The network switched off" in text, text
        assert "every unit of h^(2) is switched off" in text, text
        assert training_accuracies(training) == (0.5, 0.5)


@pytest.mark.parametrize("loss, lr", [("binary_cross_entropy", 10.0), ("mse", 1.0)])
def test_training_question_runs_what_the_panel_runs(training, loss, lr):
    # 06: the question before the panel computes its answer with panel_run(lr, loss), which
    # writes out the panel's settings; there the panel must show that very run
    panel_run = notebook_function("06_model_training.ipynb", "panel_run",
                                  train_toy_network=train_toy_network)
    run = panel_run(lr, loss)
    training.set(loss=loss, lr=lr)
    text = summary_text(training)
    if run.error is not None:  # then the panel reports the same divergence
        assert f"diverged in epoch {run.error.epoch}" in text, text
        return
    assert f"training loss {run.history.train_loss[-1]:.4g}," in text, text
    assert f"{run.accuracy(run.X_train, run.y_train):.0%} (training)" in text, text


def test_training_panel_spirals_need_more_epochs(training):
    moons = training_accuracies(training)  # the default: moons, 30 epochs
    training.set(dataset="spirals")
    short = training_accuracies(training)
    training.set(epochs=100)
    long = training_accuracies(training)
    assert long[0] > short[0] and long[1] < moons[1] - 0.1
    training.set(lr=LR["0.56"])
    assert training_accuracies(training)[1] > long[1]


# --- 07 and Neural_Networks: the regularization lab ------------------------------------


@pytest.fixture(scope="module")
def lab():
    return regularization_lab()


@pytest.fixture(scope="module")
def lab_defaults(lab):
    return dict(lab.values)


def lab_run(lab, defaults, **settings):
    """Set the lab to its defaults changed by ``settings``; return its summary numbers."""
    lab.set(**{**defaults, **settings})
    gap, = find(r"generalization gap[^:]*:\s*([-\d.]+)", lab)
    train_loss, val_loss = find(r"loss: training ([-\d.]+), validation ([-\d.]+)", lab)
    train_acc, val_acc = find(r"accuracy: training (\d+)%, validation (\d+)%", lab)
    weights, = find(r"Σ‖W‖² = ([\d.e+]+)", lab)
    return {"gap": float(gap), "train_loss": float(train_loss), "val_loss": float(val_loss),
            "train_acc": int(train_acc) / 100, "val_acc": int(val_acc) / 100,
            "weights": float(weights)}


def increasing(values):
    return all(a < b for a, b in zip(values, values[1:]))


def test_lab_deeper_networks_widen_the_gap(lab, lab_defaults):
    # 07 and Neural_Networks: hidden layers from 1 to 4, the gap grows, training loss falls
    runs = [lab_run(lab, lab_defaults, hidden_layers=n) for n in (1, 2, 3, 4)]
    assert increasing([r["gap"] for r in runs])
    assert increasing([-r["train_loss"] for r in runs])


def test_lab_wider_networks_widen_the_gap(lab, lab_defaults):
    # Neural_Networks: "A larger width widens the gap further" (from the default width up)
    runs = [lab_run(lab, lab_defaults, width=w) for w in (lab_defaults["width"], 64, 128)]
    assert increasing([r["gap"] for r in runs])


def test_lab_l2_steps_shrink_the_gap_and_the_weights(lab, lab_defaults):
    # 07: lam through 0.001, 0.003, 0.01, 0.03: gap and Σ‖W‖² shrink, training loss rises;
    # at 0.05 the validation accuracy drops further
    runs = [lab_run(lab, lab_defaults, lam=lam) for lam in (0.0, 0.001, 0.003, 0.01, 0.03)]
    assert increasing([-r["gap"] for r in runs])
    assert increasing([-r["weights"] for r in runs])
    assert increasing([r["train_loss"] for r in runs])
    assert lab_run(lab, lab_defaults, lam=0.05)["val_acc"] < runs[-1]["val_acc"]


def test_lab_lambda_sweep_has_its_validation_minimum_inside(lab, lab_defaults):
    # Neural_Networks: step by step the gap shrinks until it stops shrinking, the training
    # loss rises at every step, the validation loss falls and then rises again
    grid = [round(0.01 * k, 2) for k in range(6)]  # 0 ... 0.05, the slider's range
    runs = [lab_run(lab, lab_defaults, lam=lam) for lam in grid]
    assert increasing([r["train_loss"] for r in runs])
    val = [r["val_loss"] for r in runs]
    assert 0 < val.index(min(val)) < len(grid) - 1
    gaps = [r["gap"] for r in runs]
    assert gaps.index(min(gaps)) > 0 and min(gaps) < gaps[0] / 5


def test_lab_dropout_shrinks_the_gap(lab, lab_defaults):
    # 07: dropout 0.3 and then 0.6 shrink the gap
    runs = [lab_run(lab, lab_defaults, dropout=p) for p in (0.0, 0.3, 0.6)]
    assert increasing([-r["gap"] for r in runs])


def test_lab_noise_sets_how_much_there_is_to_overfit(lab, lab_defaults):
    # 07: with noise=0.1 the gap vanishes, with noise=0.6 the same network overfits far more
    default = lab_run(lab, lab_defaults)["gap"]
    assert lab_run(lab, lab_defaults, noise=0.1)["gap"] < default / 10
    assert lab_run(lab, lab_defaults, noise=0.6)["gap"] > 1.5 * default


def test_lab_spirals_need_capacity(lab, lab_defaults):
    # 07 and Neural_Networks: spirals without noise; 1 x 4 underfits, 2 x 32 gets nearly
    # everything right, 4 x 128 keeps every training point but loses validation points;
    # at the default noise 2 x 32 overfits
    clean = {"dataset": "spirals", "noise": 0.0}
    small = lab_run(lab, lab_defaults, **clean, hidden_layers=1, width=4)
    assert max(small["train_acc"], small["val_acc"]) < 0.8
    right = lab_run(lab, lab_defaults, **clean, hidden_layers=2, width=32)
    assert right["train_acc"] >= 0.95 and right["val_acc"] >= 0.9
    big = lab_run(lab, lab_defaults, **clean, hidden_layers=4, width=128)
    assert big["train_acc"] == 1.0 and big["val_acc"] < right["val_acc"]
    noisy = lab_run(lab, lab_defaults, dataset="spirals", hidden_layers=2, width=32)
    assert noisy["train_acc"] - noisy["val_acc"] >= 0.2


def test_lab_diverges_at_the_largest_learning_rate(lab, lab_defaults):
    # 07: lr at its maximum with 4 hidden layers of width 128 diverges; losses show "—"
    top = lab.controls["lr"].base ** lab.controls["lr"].max
    lab.set(**{**lab_defaults, "lr": top, "hidden_layers": 4, "width": 128})
    text = summary_text(lab)
    assert "diverged" in text and "—" in text, text


def test_lab_features_stand_in_for_depth(lab, lab_defaults):
    # 07 and Neural_Networks: the scenario "no hidden layer" (logistic regression on x1, x2)
    # draws a straight line through the rings; "features instead of depth" gives the same
    # network x1^2, x2^2 and it draws an ellipse around the inner ring, which the students
    # compare with the default network's validation accuracy
    default = lab_run(lab, lab_defaults)
    lab.load_preset("no hidden layer")
    assert "network [2, 1] on x₁, x₂" in summary_text(lab)
    _, line_val = find(r"accuracy: training (\d+)%, validation (\d+)%", lab)
    assert int(line_val) / 100 <= 0.6  # a line leaves about half of the ring points wrong
    lab.load_preset("features instead of depth")
    assert lab.values["features"] == ("x1^2", "x2^2") and lab.values["hidden_layers"] == 0
    assert "network [2, 1] on x₁², x₂²" in summary_text(lab)
    _, ellipse_val = find(r"accuracy: training (\d+)%, validation (\d+)%", lab)
    assert int(ellipse_val) / 100 >= default["val_acc"]
    (w1, w2), = lab.net.weights[0]  # w1 x1² + w2 x2² + b = 0: an ellipse when w1 w2 > 0
    bias = lab.net.biases[0][0]
    assert w1 * w2 > 0 and -bias / w1 > 0  # a closed curve around the origin
    inner = lab.run.y_val == 1  # the inner ring, inside the ellipse
    assert np.mean((lab.net.predict(lab.run.inputs(lab.run.X_val))[:, 0] > 0) == inner) > 0.8


def test_early_stopping_panel_stops_earlier_with_min_delta():
    # 07: the question before the panel trains the notebook's network (float64) with
    # min_delta 0 and 0.01; the panel (the lab's float32 network) must stop earlier too
    panel = early_stopping_panel()
    stopped = []
    for min_delta in (0.0, 0.01):
        panel.set(patience=10, min_delta=min_delta)
        (epoch,) = find(r"stopped after epoch (\d+)", panel)
        stopped.append(int(epoch))
    assert stopped[1] < stopped[0]
