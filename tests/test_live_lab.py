"""Test the live regularization lab (issue 12): a run trained a few epochs at a time.

Its picture and Play / Pause / Step / Reset are tested too. The stepping run must give bit
for bit what one ``train_toy_network`` call gives; λ, dropout and the learning rate changed
between epochs must be the ones the next epoch uses; every unit's map must be the network's
own activation on the grid; the same settings must give the same picture whatever was shown
before. The playing parts run on an asyncio loop of their own (``asyncio.run``), as they do
on the kernel's.
"""

from __future__ import annotations

import asyncio
import json

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")

from matplotlib.colors import to_rgba  # noqa: E402

from mlp_core.data import FEATURES, feature_map  # noqa: E402
from mlp_core.metrics import predict_classes  # noqa: E402
from mlp_core.plotting.regularization import (  # noqa: E402
    NEGATIVE,
    POSITIVE,
    LabFigure,
    plane_grid,
    shown_units,
)
from mlp_core.recipes import SteppingRun, train_toy_network  # noqa: E402
from mlp_core.training import one_blas_thread  # noqa: E402
from mlp_core.widgets import regularization_lab  # noqa: E402
from mlp_core.widgets.regularization import (  # noqa: E402
    EPOCHS_PER_FRAME,
    PRESETS,
    STEP_EPOCHS,
    _lab_run,
    _lab_stepper,
)

TOY = dict(dataset="circles", n=100, noise=0.35, val_size=0.5, hidden=(32, 32),
           loss="binary_cross_entropy", lr=0.1, momentum=0.9, dtype=np.float32, seed=0)


def same_run(a, b):
    """Return True for the same History and bit-identical weights and biases."""
    return (a.history.train_loss == b.history.train_loss
            and a.history.val_loss == b.history.val_loss
            and a.history.objective == b.history.objective
            and all(np.array_equal(p, q) for p, q in zip(
                [*a.net.weights, *a.net.biases], [*b.net.weights, *b.net.biases])))


# --- the stepping run ----------------------------------------------------------------------

@pytest.mark.parametrize("settings", [
    {},
    {"dropout": 0.3, "activation": "tanh", "lam": 0.01},
    {"hidden": (16,), "dataset": "xor", "noise": 0.1, "lam": 0.003, "momentum": 0.0},
])
def test_advance_in_any_chunks_is_one_fit(settings):
    whole = train_toy_network(**{**TOY, **settings}, epochs=300)
    run = SteppingRun(**{**TOY, **settings})
    for chunk in (1, 7, 50, 62, 180):
        assert run.advance(chunk) == chunk
    assert run.epoch == 300
    assert same_run(run, whole)
    assert run.history.best_epoch == whole.history.best_epoch


@pytest.mark.parametrize("settings", [
    {"features": ("x1^2", "x2^2"), "hidden": ()},  # logistic regression on the squares
    {"features": ("sin(x2)", "x1*x2", "x1"), "dropout": 0.2, "lam": 0.003},
    {"features": tuple(FEATURES), "hidden": (8,), "dataset": "spirals", "momentum": 0.0},
])
def test_advance_in_any_chunks_is_one_fit_with_features(settings):
    whole = train_toy_network(**{**TOY, **settings}, epochs=120)
    run = SteppingRun(**{**TOY, **settings})
    for chunk in (1, 19, 100):
        assert run.advance(chunk) == chunk
    assert same_run(run, whole)
    features = settings["features"]
    assert run.features == whole.features == features
    assert run.net.layer_sizes[0] == whole.net.layer_sizes[0] == len(features)
    # the points stay raw (plots need them); the network is given their features
    assert run.X_train.shape[1] == 2
    np.testing.assert_array_equal(run.inputs(run.X_val), feature_map(run.X_val, features))
    expected = run.net.loss(feature_map(run.X_val, features), run.y_val, run.loss)
    assert run.data_loss(run.X_val, run.y_val) == expected == whole.history.val_loss[-1]
    predicted = predict_classes(run.net, feature_map(run.X_val, features), run.loss)
    assert run.accuracy(run.X_val, run.y_val) == np.mean(predicted == run.y_val)


def test_default_features_are_the_points_themselves():
    assert SteppingRun(**TOY).features == train_toy_network(**TOY, epochs=1).features == \
        ("x1", "x2")
    run = SteppingRun(**TOY)
    np.testing.assert_array_equal(run.inputs(run.X_train), run.X_train)
    with pytest.raises(ValueError, match=r"features must name at least one feature"):
        SteppingRun(**TOY, features=())
    with pytest.raises(ValueError, match=r"features must be names from .*got 'x3'"):
        train_toy_network(**TOY, epochs=1, features=("x1", "x3"))


def test_divergence_stops_the_run_where_fit_stops():
    settings = {**TOY, "hidden": (128,) * 4, "lr": 1.0}
    whole = train_toy_network(**settings, epochs=300)
    run = SteppingRun(**settings)
    done = run.advance(3) + run.advance(300)
    assert whole.error is not None and run.error is not None
    assert run.error.epoch == whole.error.epoch == done + 1
    assert same_run(run, whole)
    assert run.advance(10) == 0  # nothing more after a divergence
    assert all(np.isfinite(W).all() for W in run.net.weights)


def test_a_change_between_epochs_is_used_by_the_next_epoch():
    run, plain = SteppingRun(**TOY), SteppingRun(**TOY)
    run.advance(10)
    plain.advance(10)
    run.lam, run.dropout, run.lr = 0.03, 0.2, 0.05
    run.advance(5)
    plain.advance(5)
    assert run.applied[9] == (0.0, 0.0, 0.1)
    assert run.applied[10:] == [(0.03, 0.2, 0.05)] * 5
    assert run.history.train_loss[:10] == plain.history.train_loss[:10]
    assert run.history.train_loss[10] != plain.history.train_loss[10]
    # the objective J = L + (λ/2) Σ‖W‖² of epoch 11 carries the new λ (Eq. 16)
    penalty = run.history.objective[10] - run.history.train_loss[10]
    assert penalty > 0 and plain.history.objective[10] == plain.history.train_loss[10]


def test_added_points_join_the_training_set_only():
    base = SteppingRun(**TOY)
    run = SteppingRun(**TOY, extra_points=[(0.1, 0.2, 1), (-2.0, 1.5, 0)])
    np.testing.assert_array_equal(run.X_train[:-2], base.X_train)
    np.testing.assert_array_equal(run.X_train[-2:], [[0.1, 0.2], [-2.0, 1.5]])
    assert list(run.y_train[-2:]) == [1, 0] and run.y_train.dtype == base.y_train.dtype
    np.testing.assert_array_equal(run.X_val, base.X_val)


# --- the picture ---------------------------------------------------------------------------

def test_unit_maps_are_the_hidden_activations_on_the_grid():
    lab = regularization_lab()
    maker, net = lab.figure_maker, lab.net
    _, grid = plane_grid(np.vstack([lab.run.X_train, lab.run.X_val]))
    np.testing.assert_array_equal(maker.grid, grid)
    with one_blas_thread():  # as the panel draws: the same sums in the same order
        cache = net.forward(grid.astype(net.dtype))
    assert len(maker.maps) == len(net.layer_sizes)
    for l in range(1, len(net.layer_sizes) - 1):  # every hidden layer h^(l)
        expected = cache.h[l].T.reshape(-1, 100, 100)[:, ::4, ::4]
        np.testing.assert_array_equal(maker.maps[l], expected)
    prob = 1 / (1 + np.exp(-cache.output[:, 0].astype(np.float64)))
    np.testing.assert_allclose(maker.maps[-1][0], prob.reshape(100, 100)[::4, ::4])
    # the output unit's map is the decision boundary's shading
    np.testing.assert_allclose(maker._prob_image.get_array(), prob.reshape(100, 100))


def test_weights_are_drawn_by_sign_and_size():
    lab = regularization_lab()
    lab.set(hidden_layers=1, width=4)
    maker, net = lab.figure_maker, lab.net
    w = np.array([net.weights[l][j, i] for l, j, i in maker._weight_index])
    assert len(w) == 2 * 4 + 4 * 1  # every weight of a narrow network
    colours = maker._edges.get_colors()
    np.testing.assert_allclose(colours[w >= 0], [to_rgba(POSITIVE)] * int((w >= 0).sum()))
    np.testing.assert_allclose(colours[w < 0], [to_rgba(NEGATIVE)] * int((w < 0).sum()))
    widths = np.asarray(maker._edges.get_linewidths())
    assert widths[np.argmax(np.abs(w))] == pytest.approx(3.0)
    assert np.all(np.diff(widths[np.argsort(np.abs(w))]) >= 0)  # wider for larger |w|


def test_wide_layers_show_a_subset_and_say_so():
    assert shown_units(5) == [0, 1, 2, 3, 4]
    assert shown_units(32) == [0, 1, 2, 3, 4, 5, 6, 31]
    lab = regularization_lab()  # 2 × 32
    texts = [t.get_text() for t in lab.figure_maker.axes[0].texts]
    assert sum("32 units\nshowing 8" in t for t in texts) == 2
    assert any(t.startswith("output σ(ŷ)\n1 unit") for t in texts)


def test_same_state_gives_the_same_png_whatever_was_drawn_before():
    a, b = LabFigure(), LabFigure()
    first = SteppingRun(**{**TOY, "hidden": (8, 8, 8)})
    first.advance(40)
    run = SteppingRun(**TOY)
    run.advance(40)
    a.frame(first, epochs=300, data_key="circles")  # lays out a 3-layer net
    relaid = a.frame(run, epochs=300, data_key="circles")  # network strip anew
    fresh = b.frame(run, epochs=300, data_key="circles")
    assert a.relayouts == 1 and relaid == fresh


# --- the panel -----------------------------------------------------------------------------

def test_when_not_playing_a_change_shows_the_whole_run_as_before():
    lab = regularization_lab()
    assert lab.epoch == 300 and same_run(lab.run, _lab_run())
    lab.step()
    lab.set(lam=0.01, dropout=0.2)
    assert lab.epoch == 300 and same_run(lab.run, _lab_run(lam=0.01, dropout=0.2))
    fresh = regularization_lab()
    fresh.set(lam=0.01, dropout=0.2)
    assert lab.image.value == fresh.image.value
    assert "generalization gap" in lab.summary.value


def test_step_and_reset():
    lab = regularization_lab()
    redraws = lab.redraws
    lab.step()
    assert lab.epoch == 300 + STEP_EPOCHS and lab.redraws == redraws + 1
    assert "Step (25 epochs)" == lab.step_button.description
    lab.reset()
    assert lab.epoch == 0 and lab.epoch_label.value.startswith("epoch <b>0</b>")
    assert "not trained yet" in lab.summary.value
    assert "lab-epoch" in lab.epoch_label._dom_classes
    lab.step(10)
    assert same_run(lab.run, _lab_run(epochs=10))  # Reset keeps the seed


def test_play_outside_an_event_loop_says_so():
    with pytest.raises(RuntimeError, match="no running event loop"):
        regularization_lab().play()


def test_play_pause_and_live_changes_on_an_event_loop():
    lab = regularization_lab()
    lab.reset()

    async def session():
        task = lab.play()
        assert lab.playing and lab.play_button.description == "Pause"
        assert lab.play() is task  # a second Play changes nothing
        await asyncio.sleep(0.6)
        played = lab.epoch
        assert played >= EPOCHS_PER_FRAME and lab.frames >= 2
        lab.controls["lam"].value = 0.02  # applies from the next epoch, no restart
        lab.controls["epochs"].value = 500  # only the loss axis
        await asyncio.sleep(0.4)
        assert lab.epoch > played
        lams = [lam for lam, _, _ in lab.run.applied]
        assert lams[:played] == [0.0] * played and lams[-1] == 0.02
        lab.pause()
        assert not lab.playing and lab.play_button.description == "Play"
        frames, png, epoch = lab.frames, lab.image.value, lab.epoch
        await asyncio.sleep(0.3)
        assert (lab.frames, lab.image.value, lab.epoch) == (frames, png, epoch)
        assert task.cancelled() or task.done()

    asyncio.run(session())
    # a run recorded while playing can be replayed exactly from its change points
    replay = _lab_stepper()
    for lam, dropout, lr in lab.run.applied:
        replay.lam, replay.dropout, replay.lr = lam, dropout, lr
        replay.advance(1)
    assert same_run(replay, lab.run)


def test_a_structural_change_while_playing_starts_again_and_keeps_playing():
    lab = regularization_lab()

    async def session():
        lab.play()
        await asyncio.sleep(0.4)
        assert lab.epoch > 300
        lab.controls["width"].value = 8
        assert lab.epoch == 0 and lab.net.layer_sizes == [2, 8, 8, 1]
        await asyncio.sleep(0.4)
        assert lab.playing and 0 < lab.epoch
        lab.pause()

    asyncio.run(session())


def test_the_play_button_plays_and_pauses():
    lab = regularization_lab()

    async def session():
        lab.play_button.value = True  # what a click in the browser does
        assert lab.playing
        await asyncio.sleep(0.3)
        lab.play_button.value = False
        assert not lab.playing and lab.epoch > 300

    asyncio.run(session())


def test_play_stops_by_itself_when_training_diverges():
    lab = regularization_lab()
    lab.set(hidden_layers=4, width=128, lr=1.0)
    lab.reset()

    async def session():
        task = lab.play()
        for _ in range(100):
            await asyncio.sleep(0.05)
            if task.done():
                break
        assert task.done() and not lab.playing
        assert lab.play_button.description == "Play"

    asyncio.run(session())
    assert lab.run.error is not None and "diverged" in lab.summary.value


def test_png_bytes_decode_to_the_same_pixels():
    import io

    from PIL import Image

    from mlp_core.plotting.regularization import png_bytes

    rgb = np.random.default_rng(0).integers(0, 256, size=(7, 11, 3), dtype=np.uint8)
    decoded = np.asarray(Image.open(io.BytesIO(png_bytes(rgb))))
    np.testing.assert_array_equal(decoded, rgb)
    lab = regularization_lab()
    shown = np.asarray(Image.open(io.BytesIO(lab.image.value)).convert("RGB"))
    np.testing.assert_array_equal(shown, np.asarray(lab.figure.canvas.buffer_rgba())[..., :3])


# --- presets, shareable state, students' own points (issue 13) --------------------------

def preset_run(name):
    """Train a fresh whole run with the preset's settings (the lab's defaults it changes)."""
    _, changes = PRESETS[name]
    return _lab_run(**changes)


def gap(run):
    return run.data_loss(run.X_val, run.y_val) - run.data_loss(run.X_train, run.y_train)


def test_presets_are_listed_with_captions_and_load_in_one_call():
    lab = regularization_lab()
    assert set(lab.presets) >= {"overfitting", "L2 to the rescue", "dropout to the rescue",
                                "early stopping", "too much λ (underfitting)",
                                "learning rate too large"}
    assert all(isinstance(c, str) and len(c) > 20 for c in lab.presets.values())
    assert "lab-presets" in lab.preset_row._dom_classes
    assert [b.description for b in lab.preset_row.children[1:]] == list(lab.presets)
    lab.set(width=8, noise=0.1)
    lab.add_point(0.0, 0.0, 1)
    for name in lab.presets:
        lab.load_preset(name)
        assert lab.values == {**regularization_lab_defaults(), **PRESETS[name][1]}
        assert lab.points == [] and name in lab.preset_caption.value
        assert same_run(lab.run, preset_run(name))
    with pytest.raises(ValueError, match=r"name must be one of \['overfitting'.*got 'nope'"):
        lab.load_preset("nope")


def regularization_lab_defaults():
    return {"lam": 0.0, "dropout": 0.0, "hidden_layers": 2, "width": 32, "lr": 0.1,
            "epochs": 300, "activation": "relu", "dataset": "circles", "noise": 0.35,
            "n_train": 50, "batch_size": 0, "features": ("x1", "x2")}


def test_preset_claims_hold_on_fresh_runs():
    over = preset_run("overfitting")
    assert gap(over) > 1.5 and over.accuracy(over.X_train, over.y_train) == 1.0
    l2, drop = preset_run("L2 to the rescue"), preset_run("dropout to the rescue")
    assert gap(l2) < gap(over) / 4 and gap(drop) < gap(over) / 4
    from mlp_core import l2_penalty
    assert l2_penalty(l2.net.weights, 1.0) < l2_penalty(over.net.weights, 1.0) / 2  # thinner
    early = preset_run("early stopping").history
    assert early.best_epoch <= 100  # validation loss lowest early ...
    assert early.val_loss[-1] > 2 * min(early.val_loss)  # ... then it climbs
    assert early.train_loss[-1] < early.train_loss[early.best_epoch - 1]  # training falls on
    under, default = preset_run("too much λ (underfitting)"), _lab_run()
    assert under.data_loss(under.X_train, under.y_train) > 5 * default.data_loss(
        default.X_train, default.y_train)  # both losses high ...
    assert abs(gap(under)) < 0.15  # ... and close together
    jumpy = preset_run("learning rate too large")
    losses = jumpy.history.train_loss
    assert losses[-1] > 2 * min(losses)  # the loss went up again
    assert jumpy.accuracy(jumpy.X_train, jumpy.y_train) == 0.5  # one class everywhere
    assert jumpy.accuracy(jumpy.X_val, jumpy.y_val) == 0.5


def n_parameters(net):
    return sum(W.size + b.size for W, b in zip(net.weights, net.biases))


def test_feature_presets_show_features_standing_in_for_depth():
    line = preset_run("no hidden layer")
    assert line.net.layer_sizes == [2, 1] and line.features == ("x1", "x2")
    squares, default = preset_run("features instead of depth"), _lab_run()
    assert squares.net.layer_sizes == [2, 1] and squares.features == ("x1^2", "x2^2")
    assert (n_parameters(squares.net), n_parameters(default.net)) == (3, 1185)
    assert "3 parameters instead of 1185" in PRESETS["features instead of depth"][0]
    # the caption holds at every seed a student may choose, not only the lab's seed 0:
    # about as many validation points right (at most 2 of 50 fewer) and a much smaller gap
    for seed in range(6):
        line = _lab_run(seed=seed, **PRESETS["no hidden layer"][1])
        assert 0.35 <= line.accuracy(line.X_val, line.y_val) <= 0.65  # about half wrong
        squares = _lab_run(seed=seed, **PRESETS["features instead of depth"][1])
        default = _lab_run(seed=seed)
        right = [round(run.accuracy(run.X_val, run.y_val) * len(run.y_val))
                 for run in (squares, default)]
        assert right[0] >= right[1] - 2, (seed, right)
        assert gap(squares) < gap(default) / 1.5, seed
    squares = preset_run("features instead of depth")
    # w₁x₁² + w₂x₂² + b = 0 with w₁, w₂ of one sign: an ellipse around the origin
    (w1, w2), = squares.net.weights[0]
    assert np.sign(w1) == np.sign(w2) != 0
    corners = np.array([[0.7, 0.3], [-0.7, 0.3], [0.7, -0.3], [-0.7, -0.3]])
    assert len(set(squares.net.predict(squares.inputs(corners))[:, 0])) == 1  # symmetric


def test_state_round_trip_rebuilds_the_identical_run():
    lab = regularization_lab(seed=3)
    lab.set(lam=0.004, dropout=0.1, hidden_layers=1, width=16, dataset="moons")
    lab.add_point(0.25, -1.5, 1)
    lab.add_point(-0.75, 0.5, 0)
    lab.step(7)
    lab.controls["lr"].value = 0.3  # not playing: the whole run again at η = 0.3

    async def session():  # then a mid-run change while playing
        lab.play()
        await asyncio.sleep(0.3)
        lab.controls["lam"].value = 0.02
        await asyncio.sleep(0.3)
        lab.pause()

    asyncio.run(session())
    state = lab.state()
    assert len(state["trained_with"]) == 2 and state["seed"] == 3
    assert json.loads(json.dumps(state)) == state  # JSON-serialisable as it is
    for given in (state, lab.state_string(), json.loads(json.dumps(state))):
        again = regularization_lab(state=given)
        assert again.seed == 3 and again.values == lab.values and again.points == lab.points
        assert again.epoch == lab.epoch and same_run(again.run, lab.run)
        assert again.history.val_loss[-1] == lab.history.val_loss[-1]  # to the last digit
        assert again.image.value == lab.image.value
    assert lab.state_text.value == lab.state_string()
    assert "lab-state" in lab.state_text._dom_classes
    assert "download='regularization-lab.json'" in lab.save_link.value


def test_a_bad_state_is_refused_saying_why():
    lab = regularization_lab()
    with pytest.raises(ValueError, match="state must be the string a lab shows"):
        regularization_lab(state="not a state")
    with pytest.raises(TypeError, match="state must be a dict from lab.state"):
        lab.load_state(42)
    good = lab.state()
    with pytest.raises(ValueError, match=r"missing \['points'\]"):
        lab.load_state({k: v for k, v in good.items() if k != "points"})
    with pytest.raises(ValueError, match=r"lam must be in \[0.0, 0.05\], got 0.5"):
        lab.load_state({**good, "settings": {**good["settings"], "lam": 0.5}})
    with pytest.raises(ValueError, match="seed 4; this lab has seed 0"):
        lab.load_state({**good, "seed": 4})
    assert same_run(lab.run, _lab_run())  # nothing changed


def test_own_points_retrain_and_clear():
    lab = regularization_lab()
    before = lab.image.value
    lab.add_point(0.0, 0.0, 0)
    lab.add_point(1.5, 1.5, 1)
    assert lab.points == [[0.0, 0.0, 0], [1.5, 1.5, 1]]
    expected = _lab_stepper(points=lab.points)
    expected.advance(300)
    assert same_run(lab.run, expected) and lab.image.value != before
    assert "your points: <b>2</b>" in lab.summary.value
    lab.remove_point(1.4, 1.4)
    assert lab.points == [[0.0, 0.0, 0]]
    lab.clear_points()
    assert lab.points == [] and lab.image.value == before
    with pytest.raises(ValueError, match="label must be 0 or 1, got 2"):
        lab.add_point(0, 0, 2)


def test_a_click_on_the_boundary_adds_or_removes_a_point():
    lab = regularization_lab()
    maker = lab.figure_maker
    ax_map = maker.axes[1]
    width, height = maker.fig.bbox.width, maker.fig.bbox.height
    x, y = ax_map.transData.transform((0.5, -1.0))  # display pixels, y from the bottom
    shown = 0.8  # the image shown at 80 % of its size
    click = {"relativeX": x * shown, "relativeY": (height - y) * shown,
             "boundingRectWidth": width * shown, "boundingRectHeight": height * shown}
    lab.point_class.value = 1
    lab._on_click(click)
    assert lab.points == [[0.5, -1.0, 1]]
    lab._on_click({**click, "relativeX": 1.0, "relativeY": 1.0})  # on the network: nothing
    assert len(lab.points) == 1
    lab._on_click({**click, "shiftKey": True})
    assert lab.points == []
    assert "lab-point-class" in lab.point_class._dom_classes


# --- extras (issue 12, item 5) -----------------------------------------------------------

def test_summary_has_the_validation_confusion_matrix():
    from mlp_core.metrics import confusion_counts, predict_classes

    np.testing.assert_array_equal(confusion_counts([0, 0, 1, 1, 1], [0, 1, 1, 1, 0]),
                                  [[1, 1], [1, 2]])
    lab = regularization_lab()
    run = lab.run
    counts = confusion_counts(run.y_val, predict_classes(run.net, run.X_val,
                                                         "binary_cross_entropy"))
    assert counts.sum() == len(run.y_val)
    assert np.trace(counts) / counts.sum() == run.accuracy(run.X_val, run.y_val)
    assert (f"class 0: {counts[0, 0]} right, {counts[0, 1]} taken for class 1; "
            f"class 1: {counts[1, 1]} right, {counts[1, 0]} taken for class 0") in \
        lab.summary.value


def test_the_previous_run_stays_as_a_ghost_when_asked():
    lab = regularization_lab()
    first = list(lab.history.val_loss)
    lab.set(lam=0.01)
    assert lab.figure_maker.ghost is None  # off by default
    plain = lab.image.value
    lab.ghost_box.value = True
    lab.set(lam=0.02)
    maker = lab.figure_maker
    assert list(maker._ghost_val.get_ydata()) == list(_lab_run(lam=0.01).history.val_loss)
    assert lab.image.value != plain
    assert "previous run" in [t.get_text() for t in maker.axes[2].get_legend().get_texts()]
    lab.set(lam=0.0)
    assert list(maker._ghost_val.get_ydata()) == list(_lab_run(lam=0.02).history.val_loss)
    lab.ghost_box.value = False
    assert maker.ghost is None and lab.history.val_loss == first
    fresh = regularization_lab()
    assert lab.image.value == fresh.image.value  # no trace of the ghost left
    assert "lab-ghost" in lab.ghost_box._dom_classes


def test_training_set_size_and_batch_size():
    lab = regularization_lab()
    assert dict(lab.controls["batch_size"].options) == {"full": 0, "8": 8, "16": 16, "32": 32}
    lab.set(n_train=200, batch_size=16)
    assert (len(lab.run.X_train), len(lab.run.X_val)) == (200, 200)
    assert lab.run.batch_size == 16 and "mini-batch (16 points)" in lab.summary.value
    assert same_run(lab.run, _lab_run(n_train=200, batch_size=16))
    lab.step(3)  # the stepping run takes the same mini-batches as fit
    assert same_run(lab.run, _lab_run(n_train=200, batch_size=16, epochs=303))
    # overfitting depends on n: four times the points, a much smaller gap
    assert gap(_lab_run(n_train=200)) < gap(_lab_run()) / 2


# --- input features (issue 12, item 5) ----------------------------------------------------

def test_the_input_maps_are_the_features_on_the_grid():
    lab = regularization_lab()
    chosen = ("x1^2", "x1*x2", "sin(x2)")
    lab.set(features=chosen)
    maker, net = lab.figure_maker, lab.net
    assert lab.values["features"] == chosen and net.layer_sizes == [3, 32, 32, 1]
    grid = maker.grid
    by_hand = {"x1^2": grid[:, 0] ** 2, "x1*x2": grid[:, 0] * grid[:, 1],
               "sin(x2)": np.sin(grid[:, 1])}
    assert maker.maps[0].shape == (3, 25, 25)
    for k, name in enumerate(chosen):  # maps[0][k]: feature k over the plane
        expected = by_hand[name].reshape(100, 100)[::4, ::4].astype(net.dtype)
        np.testing.assert_array_equal(maker.maps[0][k], expected)
    with one_blas_thread():
        cache = net.forward(feature_map(grid, chosen).astype(net.dtype))
    np.testing.assert_array_equal(maker.maps[1], cache.h[1].T.reshape(-1, 100, 100)[:, ::4, ::4])
    # each input unit is labelled with its feature
    texts = [t.get_text() for t in maker.axes[0].texts]
    assert {"x₁²", "x₁x₂", "sin x₂"} <= set(texts) and "x₁" not in texts
    assert any(t.startswith("features of x\n3 units") for t in texts)
    assert "network [3, 32, 32, 1] on x₁², x₁x₂, sin x₂" in lab.summary.value
    assert same_run(lab.run, _lab_run(features=chosen))
    # the confusion matrix counts predictions made from the features
    predicted = predict_classes(net, feature_map(lab.run.X_val, chosen), LOSS_NAME)
    right = int(np.sum(predicted == lab.run.y_val))
    assert right == round(lab.run.accuracy(lab.run.X_val, lab.run.y_val) * 50)


LOSS_NAME = "binary_cross_entropy"


def test_the_feature_toggles_are_one_control_of_buttons():
    lab = regularization_lab()
    row = lab.controls["features"]
    assert "lab-features" in row._dom_classes and row in lab.widget.children
    assert [b.description for b in row.buttons] == [f.label for f in FEATURES.values()]
    assert [b.value for b in row.buttons] == [True, True] + [False] * 5
    redraws = lab.redraws
    row.buttons[2].value = True  # a click on x₁²: one redraw, the whole run again
    assert lab.values["features"] == ("x1", "x2", "x1^2") and lab.redraws == redraws + 1
    assert same_run(lab.run, _lab_run(features=("x1", "x2", "x1^2")))
    lab.set(features=["sin(x1)", "x2"])  # any order: shown in the row's order
    assert lab.values["features"] == ("x2", "sin(x1)")
    assert [b.value for b in row.buttons] == [False, True, False, False, False, True, False]
    assert lab.run.features == ("x2", "sin(x1)")


def test_the_last_feature_cannot_be_switched_off():
    lab = regularization_lab()
    lab.set(features=("x1^2",))
    row, redraws, png = lab.controls["features"], lab.redraws, lab.image.value
    row.buttons[2].value = False  # the only one on
    assert row.buttons[2].value is True and lab.values["features"] == ("x1^2",)
    assert "x₁² is the last one on: at least one must stay on" in row.message.value
    assert (lab.redraws, lab.image.value) == (redraws, png)  # nothing retrained
    row.buttons[3].value = True
    assert row.message.value == "" and lab.values["features"] == ("x1^2", "x2^2")
    for bad, error, message in [
            ((), ValueError, r"features must keep at least one of \['x1', .*\] on, got \(\)"),
            (("x1", "x9"), ValueError, r"features must be some of .*'x9' is not one of them"),
            (("x1", "x1"), ValueError, r"features must name each option at most once"),
            ("x1", TypeError, r"features must be a tuple of some of")]:
        with pytest.raises(error, match=message):
            lab.set(features=bad)
    assert lab.values["features"] == ("x1^2", "x2^2") and lab.redraws == redraws + 1


def test_a_feature_toggle_while_playing_starts_again_and_keeps_playing():
    lab = regularization_lab()

    async def session():
        lab.play()
        await asyncio.sleep(0.4)
        assert lab.epoch > 300
        lab.controls["features"].buttons[4].value = True  # x₁x₂ on
        assert lab.epoch == 0 and lab.net.layer_sizes == [3, 32, 32, 1]
        assert lab.run.features == ("x1", "x2", "x1*x2")
        await asyncio.sleep(0.4)
        assert lab.playing and 0 < lab.epoch
        lab.pause()

    asyncio.run(session())
    replay = _lab_stepper(features=("x1", "x2", "x1*x2"))
    replay.advance(lab.epoch)
    assert same_run(replay, lab.run)


def test_a_toggle_clicked_in_the_browser_replays_on_the_lab_thread():
    import threading

    async def session():
        lab = regularization_lab()
        here, seen, show = threading.get_ident(), [], lab._show
        lab._show = lambda *args: (seen.append(threading.get_ident()), show(*args))
        button = lab.controls["features"].buttons[3]
        worker = threading.Thread(target=lambda: button.set_state({"value": True}))
        worker.start()  # a kernel subshell delivering the browser's click
        worker.join()
        assert seen == [] and lab.run.features == ("x1", "x2")  # handed over
        loop = asyncio.get_running_loop()
        end = loop.time() + 20
        while lab._task is None:  # a browser change: replayed as a task, not synchronously
            assert loop.time() < end
            await asyncio.sleep(0.01)
        assert lab.run.features == ("x1", "x2", "x2^2")
        await lab._task
        assert seen and set(seen) == {here}
        return lab

    lab = asyncio.run(session())
    assert same_run(lab.run, _lab_run(features=("x1", "x2", "x2^2")))


def test_state_round_trip_with_features_and_old_states():
    lab = regularization_lab(seed=2)
    lab.set(hidden_layers=0, features=("x1^2", "x2^2"))
    lab.controls["features"].buttons[6].value = True  # sin x₂ too
    lab.step(5)
    state = lab.state()
    assert state["settings"]["features"] == ["x1^2", "x2^2", "sin(x2)"]
    assert json.loads(json.dumps(state)) == state
    again = regularization_lab(state=lab.state_string())
    assert again.values == lab.values and again.values["features"] == ("x1^2", "x2^2",
                                                                         "sin(x2)")
    assert same_run(again.run, lab.run) and again.image.value == lab.image.value
    # a state saved before the toggles existed: the network was given x₁, x₂
    old = regularization_lab().state()
    del old["settings"]["features"]
    loaded = regularization_lab()
    loaded.set(features=("x1^2",))
    loaded.load_state(old)
    assert loaded.values["features"] == ("x1", "x2") and same_run(loaded.run, _lab_run())
    bad = {**old, "settings": {**old["settings"], "features": ["x1", "cos(x1)"]}}
    with pytest.raises(ValueError, match=r"features must be some of .*'cos\(x1\)'"):
        loaded.load_state(bad)
    with pytest.raises(ValueError, match=r"features must keep at least one"):
        loaded.load_state({**old, "settings": {**old["settings"], "features": []}})
    assert loaded.values["features"] == ("x1", "x2")  # refused states change nothing


def test_no_hidden_layer_draws_inputs_joined_to_the_output():
    lab = regularization_lab()
    lab.set(hidden_layers=0, features=("x1", "x2", "x1^2", "x2^2"))
    maker = lab.figure_maker
    assert lab.net.layer_sizes == [4, 1] and len(maker.maps) == 2
    assert len(maker._weight_index) == 4  # one line per weight
    texts = [t.get_text() for t in maker.axes[0].texts]
    assert any(t.startswith("output σ(ŷ)") for t in texts) and "x₂²" in texts
    assert not any(t.startswith("hidden") for t in texts)
