"""Figures for overfitting and regularization (lecture §4.6, notebook 07).

- ``boundary_figure``: the regularization lab's decision boundary with the training and
  validation points beside the two loss curves (built by ``training.boundary_and_loss_figure``;
  the decision boundary itself is taught first in notebook 06, so it lives in
  ``training.py``). Overfitting shows as a boundary that bends around single training points
  while the validation points fall on the wrong side.
- ``early_stopping_figure``: the loss curves of an early-stopped run, its best and stopped
  epochs, and the validation loss of the same run without stopping (§4.6.1).
- ``dropout_figure``: one dropout mask on the network diagram of Fig. 7 and the units each
  hidden layer kept (§4.6.2).
- ``LabFigure``: the live regularization lab's picture (issue 12), one persistent figure
  redrawn frame by frame while the network trains: every unit's activation map on the
  network diagram (Fig. 3), the weights by sign and size, the decision boundary and the loss
  curves (see the section "the live lab's picture" below).
- ``regularization_grid_figure``: decision boundaries for λ in ``GRID_LAMS`` across the
  columns and the data sets of ``GRID_DATASETS`` down the rows, for a projector (issue 13).
"""

from __future__ import annotations

import struct
import threading
import zlib

import contourpy
import matplotlib
import matplotlib.style
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgba_array
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator, NullLocator

from ..data import DEFAULT_FEATURES, FEATURES
from .structure import draw_network
from .style import (
    CMAP,
    DIVERGING_CMAP,
    MARKERS,
    PANEL_DPI,
    STYLE,
    TEXT_POINTS,
    layer_sup,
    new_figure,
    styled,
)
from .training import (
    CLASS_COLOURS,
    LOSS_CAP,
    boundary_and_loss_figure,
    legend_below,
    plot_loss_curves,
)

__all__ = ["GRID_DATASETS", "GRID_LAMS", "LabFigure", "boundary_figure", "dropout_figure",
           "early_stopping_figure", "epoch_limit", "loss_limits", "plane_grid", "png_bytes",
           "regularization_grid_figure", "shown_units", "unit_maps"]


@styled
def boundary_figure(net, history, X_train, y_train, X_val=None, y_val=None, *,
                    loss="binary_cross_entropy", title="", resolution=100):
    """Decision boundary with the points (left) and the loss curves of ``history`` (right).

    Parameters
    ----------
    net, history, X_train, y_train, X_val, y_val, loss, resolution :
        See ``boundary_and_loss_figure``.
    title : str
        Title of the boundary axes.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax_map, ax_loss = boundary_and_loss_figure(
        net, history, X_train, y_train, X_val, y_val, loss=loss, resolution=resolution,
        figsize=(8.6, 3.8), margins=dict(left=0.08, right=0.98, bottom=0.28, top=0.92,
                                         wspace=0.42))  # room below for both legends
    ax_map.set_title(title, fontsize="medium")
    ax_loss.set_title("data loss L per epoch", fontsize="medium")
    ax_loss.xaxis.set_major_locator(MaxNLocator(5, steps=[1, 2, 5, 10], integer=True))
    if ax_loss.get_yscale() == "linear":
        ax_loss.yaxis.set_major_locator(MaxNLocator(5))  # few tick labels: faster PNG
    return fig


@styled
def early_stopping_figure(history, full, title):
    """Loss curves of an early-stopped run, its best and stopped epochs, and the full run.

    Parameters
    ----------
    history : History
        The run with early stopping.
    full : History
        The same run without stopping (its validation loss is drawn grey and dotted).
    title : str

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = new_figure(figsize=(7.0, 3.7))
    fig.set_layout_engine(None)  # fixed layout: faster to render
    fig.subplots_adjust(left=0.1, right=0.98, bottom=0.27, top=0.91)  # legend below the axes
    ax.plot(full.epochs, full.val_loss, color="0.6", linestyle=":", linewidth=1.5,
            label="validation loss without stopping")
    plot_loss_curves(ax, history, best_epoch=history.best_epoch,
                     title=title)
    ax.axvline(history.stopped_epoch, color="#bd1f01", linestyle="-.", linewidth=1.5,
               label=f"stopped ({history.stopped_epoch})")
    ax.set_xlim(0, len(full.epochs) + 1)
    ax.xaxis.set_major_locator(MaxNLocator(6, steps=[1, 2, 5, 10], integer=True))
    legend_below(ax, ncols=3)  # outside the axes: it hides no curve and no marker line
    return fig


@styled
def dropout_figure(masks, p, mask_seed, layer_sizes):
    """One dropout mask on the network diagram (left) and the units each layer kept (right).

    Parameters
    ----------
    masks : list of ndarray
        One inverted-dropout mask of shape (N_l,) per hidden layer: 0 (dropped) or
        1/(1 − p) (kept), e.g. from ``mlp_core.dropout_mask``.
    p : float in [0, 1)
        The dropout rate the masks were drawn with.
    mask_seed : int
        The seed of the masks, for the title.
    layer_sizes : sequence of int
        [N_I, N_1, ..., N_L, N_O].

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (ax_net, ax_bar) = new_figure(figsize=(8.6, 3.8), ncols=2,
                                       gridspec_kw={"width_ratios": [1.7, 1]})
    fig.set_layout_engine(None)  # fixed layout: faster to render
    fig.subplots_adjust(left=0.01, right=0.98, bottom=0.22, top=0.86, wspace=0.15)
    draw_network(ax_net, layer_sizes, dropped=[m == 0 for m in masks])
    ax_net.set_title(f"one dropout mask (seed {mask_seed}), p = {p:.2f} (Fig. 7)",
                     fontsize="medium", pad=26)  # above the layer names
    names = [f"h{layer_sup(l)}" for l in range(1, len(masks) + 1)]
    kept = [int(np.count_nonzero(m)) for m in masks]
    sizes = np.array(layer_sizes[1:-1])
    x = np.arange(len(masks))
    ax_bar.bar(x, sizes, color="0.88", edgecolor="0.5", hatch="//", label="layer size N")
    ax_bar.bar(x, kept, color="#3f90da", edgecolor="black", width=0.6, label="kept")
    ax_bar.plot(x, (1 - p) * sizes, linestyle="none", marker=MARKERS[5], markersize=11,
                color="#ffa90e", markeredgecolor="black", label="expected kept (1 − p) N")
    ax_bar.set_xticks(x, names)
    ax_bar.set_xlabel("hidden layer")
    ax_bar.set_ylabel("units (count)")
    ax_bar.set_ylim(0, sizes.max() * 1.15)  # room above a full layer's marker (p = 0)
    # One row under both axes: inside the bars' axes it covered a full layer's marker.
    handles, labels = ax_bar.get_legend_handles_labels()
    order = [labels.index(name) for name in ("layer size N", "kept", "expected kept (1 − p) N")]
    fig.legend([handles[i] for i in order], [labels[i] for i in order], loc="lower center",
               ncols=3, frameon=False, bbox_to_anchor=(0.5, 0.01))
    ax_bar.set_title("units kept by this mask", fontsize="medium")
    return fig


# --- the live lab's picture (issue 12) ---------------------------------------------------------
#
# One persistent figure whose artists are updated frame by frame, in three strips:
# 1. the network (lecture Fig. 3): every unit drawn as a small map of its activation over the
#    input plane (the inputs x₁, x₂, or the features the run is given, such as x₁² or sin x₁;
#    hidden units h_j^(l); the output σ(ŷ)), joined by one line per
#    weight, purple for w > 0 and orange for w < 0 (PuOr's ends, colour-blind safe), wider for
#    larger |w|. A layer wider than LAB_MAX_UNITS shows its first units and its last one and
#    says "showing 8";
# 2. the decision boundary: P(y = 1 | x) shaded, the 0.5 contour, training and validation points;
# 3. the training and validation data loss per epoch (log scale), the best epoch dotted.
#
# Why the code looks like this (speed, issue 12 item 4): the figure, its axes, ticks and labels
# are made once per *layout* (data set, network shape, axis ranges) and rendered once into a
# saved background. A frame restores that background, draws only the artists that change
# (``draw_artist``), copies the unit maps into the pixels with numpy and encodes the PNG with
# low compression: ~30 ms instead of ~150 ms for a new figure.

#: Units drawn per layer at most; wider layers show the first LAB_MAX_UNITS - 1 and the last.
LAB_MAX_UNITS = 8
#: Grid points per axis of the boundary; every NEURON_STEP-th point is a unit map's pixel.
LAB_RESOLUTION = 100
NEURON_STEP = 4
#: Weight colours: PuOr's two ends (purple positive, orange negative), colour-blind safe.
POSITIVE, NEGATIVE = "#5e3c99", "#e66101"
#: PNG zlib level: 1 encodes a frame in a few ms; the bytes grow by about a third over 6.
PNG_LEVEL = 1


def png_bytes(rgb, level=PNG_LEVEL):
    """Encode an RGB image as PNG bytes: no row filter, zlib at ``level``.

    Written out here because it is ~3x faster than Pillow's encoder (whose adaptive row
    filters cost more than they save on a picture with large flat areas): ~9 ms against
    ~25 ms for the lab's 1200 × 480 pixels, and the bytes are smaller too.

    Parameters
    ----------
    rgb : ndarray of shape (height, width, 3), uint8

    Returns
    -------
    bytes
    """
    height, width, _ = rgb.shape
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # filter byte 0: "none"
    rows[:, 1:] = rgb.reshape(height, -1)

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), level)) + chunk(b"IEND", b""))
#: The lab figure's size in inches (1200 × 480 pixels at the default 100 dpi).
LAB_FIGSIZE = (12.0, 4.8)


def shown_units(size, max_units=LAB_MAX_UNITS):
    """Return the indices of the units drawn for a layer of ``size`` units.

    Returns
    -------
    list of int
        All of them, or the first ``max_units - 1`` and the last one.
    """
    if size <= max_units:
        return list(range(size))
    return [*range(max_units - 1), size - 1]


def plane_grid(X, resolution=LAB_RESOLUTION, margin=0.5):
    """Return the grid of the boundary map.

    Parameters
    ----------
    X : ndarray of shape (n, 2)
        The points the plane must show.

    Returns
    -------
    extent : (float, float, float, float)
        x₁ from, x₁ to, x₂ from, x₂ to.
    grid : ndarray of shape (resolution², 2)
        Row-major: point ``i * resolution + j`` has x₂ index i and x₁ index j.
    """
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    g1, g2 = np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    grid = np.stack(np.meshgrid(g1, g2), axis=-1).reshape(-1, 2)
    return (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1])), grid


def unit_maps(net, inputs, resolution=LAB_RESOLUTION, step=NEURON_STEP):
    """Activation of every unit over the plane, from ONE forward pass on the grid.

    Parameters
    ----------
    net : MLP
        d inputs, one output trained with binary cross-entropy.
    inputs : ndarray of shape (resolution², d)
        What the network is given at each point of ``plane_grid``'s grid: the grid itself,
        or its features (``run.inputs(grid)``, ``data.feature_map``).

    Returns
    -------
    maps : list of ndarray, one per layer (x, h^(1), ..., h^(L), output)
        ``maps[l]`` has shape (N_l, resolution // step, resolution // step): h_j^(l) at the
        subsampled grid points (Eq. 12); ``maps[0]`` holds the inputs (each feature over
        the plane) and the output layer σ(ŷ) = P(y = 1 | x).
    prob : ndarray of shape (resolution, resolution)
        P(y = 1 | x) on the full grid: the decision boundary's shading.
    """
    with np.errstate(all="ignore"):
        cache = net.forward(inputs.astype(net.dtype), check=False)  # Eqs. (11)-(13)
        prob = 1.0 / (1.0 + np.exp(-cache.output[:, 0].astype(np.float64)))
    prob = np.nan_to_num(prob, nan=0.5).reshape(resolution, resolution)
    r = resolution
    maps = [h.T.reshape(-1, r, r)[:, ::step, ::step] for h in cache.h]  # x, h^(1..L)
    maps.append(prob[None, ::step, ::step])
    return maps, prob


def loss_limits(*histories, low=0.02, high=2.0):
    """Return the y range of the lab's loss axis: [0.02, 2], widened to fit every loss.

    The range grows to whole decades until it holds the losses of every History given
    (None is skipped).
    """
    values = np.asarray([v for h in histories if h is not None
                         for v in (*h.train_loss, *h.val_loss)], dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    if values.size:
        if values.min() < low:
            low = float(10 ** np.floor(np.log10(values.min())))
        if values.max() > high:
            high = float(10 ** np.ceil(np.log10(min(values.max(), LOSS_CAP))))
    return low, high


def epoch_limit(epochs, epoch):
    """Return the x range of the lab's loss axis: the run length, doubled as playing needs."""
    limit = max(int(epochs), 10)
    while limit < epoch:
        limit *= 2
    return limit


class LabFigure:
    """The live lab's persistent figure; ``frame(run, ...)`` returns PNG bytes of its state.

    Parameters
    ----------
    figsize : (float, float)
        Inches.
    dpi : int
        Pixels per inch of the PNG.

    Attributes
    ----------
    fig : matplotlib.figure.Figure
        The figure (made at the first frame; made again when the layout changes).
    maps : list of ndarray
        What the last frame's unit maps show, from ``unit_maps`` (for tests).
    ghost : History or None
        A previous run whose loss curves are drawn in grey behind the current ones.
    relayouts : int
        Full layouts made so far (a frame that needs none costs ~30 ms).
    """

    def __init__(self, figsize=LAB_FIGSIZE, dpi=PANEL_DPI):
        self.figsize, self.dpi = figsize, dpi
        self.fig = None
        self.layout_key = self.net_key = None
        self.relayouts = 0
        self.ghost = None
        # A frame changes shared state (artists, the saved background, the pixel buffer):
        # the lock keeps two frames from interleaving if a kernel calls from two threads.
        self._lock = threading.RLock()
        self._seq = matplotlib.colormaps[CMAP]
        self._div = matplotlib.colormaps[DIVERGING_CMAP]

    # --- one frame ------------------------------------------------------------------------

    def frame(self, run, *, epochs=300, data_key=None):
        """PNG bytes of ``run`` now: lay out if needed, restore, draw the changes, encode.

        Parameters
        ----------
        run : SteppingRun or ToyRun
            Reads ``net``, ``history``, ``X_train``, ``y_train``, ``X_val``, ``y_val``,
            ``features`` and ``inputs``.
        epochs : int
            The run length set: the loss axis goes to it (doubled while playing past it).
        data_key : hashable
            Names the data (data set, noise, added points): a new key lays the figure out
            anew. None: the points themselves are compared.
        """
        if data_key is None:
            data_key = (run.X_train.tobytes(), run.X_val.tobytes())
        with self._lock:  # one frame at a time, whichever thread asks (see _lock)
            try:
                return self._frame(run, epochs, data_key)
            except BaseException:
                self.fig = None  # a frame that failed half-way: lay out anew next time
                raise

    def _frame(self, run, epochs, data_key):
        need = self._needs_layout(run, epochs, data_key)
        if need == "network":
            self._relayout_network(run)
        elif need:
            self._layout(run, epochs, data_key)
        self._update(run)
        self.canvas.restore_region(self.background)
        for artist in self._dynamic:
            self.fig.draw_artist(artist)
        self._paint_units(self.maps)  # on top of the weight lines' ends
        return png_bytes(np.asarray(self.canvas.buffer_rgba())[..., :3])

    def data_point(self, fx, fy):
        """Return the (x₁, x₂) of the boundary map under a point of the picture, or None.

        Parameters
        ----------
        fx, fy : float
            Where in the picture, as fractions of its width and height from the top left
            (a click's position divided by the size the image is shown at).

        Returns
        -------
        (float, float) or None
            None outside the boundary map's axes (or before the first frame).
        """
        if self.fig is None:
            return None
        width, height = self.fig.bbox.width, self.fig.bbox.height
        pixel = (fx * width, (1 - fy) * height)  # display coordinates: y from the bottom
        ax_map = self.axes[1]
        if not ax_map.bbox.contains(*pixel):
            return None
        x1, x2 = ax_map.transData.inverted().transform(pixel)
        return float(x1), float(x2)

    def _needs_layout(self, run, epochs, data_key):
        """Whether the saved background still fits ``run``: "all", "network" or ""."""
        if self.fig is None or (data_key, self.dpi) != self.layout_key:
            return "all"
        # axis ranges are functions of the run alone, so a picture never depends on what the
        # figure showed before (same state, same PNG)
        if (loss_limits(run.history, self.ghost) != self._loss_limits
                or (self.ghost is not None) != self._ghost_drawn
                or epoch_limit(epochs, run.epoch if hasattr(run, "epoch")
                               else len(run.history.train_loss)) != self._x_max):
            return "all"
        if _net_key(run) != self.net_key:
            return "network"
        return ""

    def _update(self, run):
        """Put ``run``'s current state into the changing artists (no rendering)."""
        net = run.net
        self.maps, prob = unit_maps(net, run.inputs(self.grid))  # the features on the grid
        w = np.array([net.weights[l][j, i] for l, j, i in self._weight_index], dtype=float)
        w = np.nan_to_num(w)
        top = float(np.max(np.abs(w))) if w.size else 1.0
        self._edges.set_colors(np.where(w[:, None] >= 0, to_rgba_array(POSITIVE),
                                        to_rgba_array(NEGATIVE)))
        self._edges.set_linewidths(0.2 + 2.8 * np.abs(w) / (top or 1.0))  # |w| -> width
        self._prob_image.set_data(prob)
        self._contour.set_segments(_half_contour(self.extent, prob))
        h = run.history
        epochs = np.arange(1, len(h.train_loss) + 1)
        self._train_line.set_data(epochs, np.minimum(h.train_loss, LOSS_CAP))
        self._val_line.set_data(epochs, np.minimum(h.val_loss, LOSS_CAP))
        self._best_line.set_xdata([h.best_epoch or 0] * 2)
        self._best_line.set_visible(h.best_epoch is not None)
        ghost = self.ghost
        if ghost is not None:
            ghost_epochs = np.arange(1, len(ghost.train_loss) + 1)
            self._ghost_train.set_data(ghost_epochs, np.minimum(ghost.train_loss, LOSS_CAP))
            self._ghost_val.set_data(ghost_epochs, np.minimum(ghost.val_loss, LOSS_CAP))

    def _paint_units(self, maps):
        """Each shown unit's map, coloured and scaled to map_px², into the rendered pixels.

        20 small AxesImages cost ~50 ms a frame and one composite image ~10 ms; a numpy
        copy of the coloured tiles into the Agg buffer costs well under 1 ms.
        """
        out, k = np.asarray(self.canvas.buffer_rgba()), self._map_px  # rows from the top
        last = len(maps) - 1
        for l, (units, slots) in enumerate(zip(self._shown, self._slots_px)):
            layer = maps[l][units]  # (n_shown, r, r), row 0 = lowest x₂
            r = layer.shape[-1]
            pick = np.minimum((np.arange(k) * r) // k, r - 1)
            layer = layer[:, pick][:, :, pick][:, ::-1]  # nearest resize; top row = high x₂
            if l == last:
                rgba = self._seq(layer, bytes=True)  # P(y = 1 | x) in [0, 1], as the boundary
            else:
                top = np.max(np.abs(layer), axis=(1, 2), keepdims=True)
                top[~(top > 0) | ~np.isfinite(top)] = 1.0
                rgba = self._div((layer / top + 1) / 2, bytes=True)  # each by its own max |h|
            for (r0, c0), tile in zip(slots, rgba):
                out[r0:r0 + k, c0:c0 + k] = tile

    @property
    def _dynamic(self):
        """The artists drawn every frame, in drawing order."""
        ghost = [self._ghost_train, self._ghost_val] if self._ghost_drawn else []
        return [self._edges, *self._dyn_map, *ghost, self._train_line, self._val_line,
                self._best_line]

    # --- layout: everything that does not change from frame to frame ----------------------

    def _layout(self, run, epochs, data_key):
        self.layout_key = (data_key, self.dpi)
        self.extent, self.grid = plane_grid(np.vstack([run.X_train, run.X_val]))
        with matplotlib.style.context([STYLE, {"font.size": TEXT_POINTS,
                                               "legend.fontsize": TEXT_POINTS}]):
            fig = self.fig = Figure(figsize=self.figsize, dpi=self.dpi, facecolor="white")
            self.canvas = FigureCanvasAgg(fig)
            ax_net = fig.add_axes((0.005, 0.02, 0.50, 0.86))
            ax_map = fig.add_axes((0.56, 0.30, 0.21, 0.56))
            ax_loss = fig.add_axes((0.82, 0.30, 0.165, 0.56))
            self.axes = ax_net, ax_map, ax_loss
            self._layout_network(ax_net, run)
            self._layout_boundary(ax_map, run)
            self._layout_loss(ax_loss, run, epochs)
            for artist in self._dynamic:
                artist.set_animated(True)
            self.canvas.draw()  # everything static, once
            self.background = self.canvas.copy_from_bbox(fig.bbox)
        self.relayouts += 1

    def _layout_network(self, ax, run):
        sizes = run.net.layer_sizes
        self.net_key = _net_key(run)
        ax.set_axis_off()
        n_layers = len(sizes)
        self._shown = [shown_units(s) for s in sizes]
        slots = max(len(s) for s in self._shown)
        ax.set_xlim(-0.5, n_layers - 0.5)
        ax.set_ylim(-slots / 2 - 0.1, slots / 2 + 2.2)
        bbox = ax.get_position()
        w_in = bbox.width * self.figsize[0] / n_layers
        h_in = bbox.height * self.figsize[1] / (slots + 2.3)
        half_h = 0.40  # a square map, 0.8 of a slot high and as wide
        half_w = half_h * h_in / w_in
        centres = [[(l, (len(units) - 1) / 2 - k) for k in range(len(units))]
                   for l, units in enumerate(self._shown)]
        fig_w, fig_h = self.figsize[0] * self.dpi, self.figsize[1] * self.dpi
        rows, cols = bbox.height * fig_h, bbox.width * fig_w
        top_px, left_px = fig_h - bbox.y1 * fig_h, bbox.x0 * fig_w  # the axes' corner
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        self._map_px = max(4, int(2 * half_h / (y1 - y0) * rows))
        self._slots_px = [[(int(round(top_px + (y1 - (y + half_h)) / (y1 - y0) * rows)),
                            int(round(left_px + (x - half_w - x0) / (x1 - x0) * cols)))
                           for x, y in layer] for layer in centres]
        for l, units in enumerate(self._shown):
            if l == 0:
                name = "input x" if run.features == DEFAULT_FEATURES else "features of x"
            elif l == n_layers - 1:
                name = "output σ(ŷ)"
            else:
                name = f"hidden h{layer_sup(l)}"
            label = f"{name}\n{sizes[l]} unit{'s' if sizes[l] > 1 else ''}"
            if len(units) < sizes[l]:
                label += f"\nshowing {len(units)}"
                ax.text(l, centres[l][-2][1] - 0.5, "⋮", ha="center", va="center")
            ax.text(l, slots / 2 + 0.15, label, ha="center", va="bottom")
        for feature, (x, y) in zip(run.features, centres[0]):  # every input is shown
            ax.text(x - half_w - 0.04, y, FEATURES[feature].label, ha="right", va="center")
        segments, self._weight_index = [], []  # one segment per weight between shown units
        for l in range(1, n_layers):
            for a, i in enumerate(self._shown[l - 1]):
                for c, j in enumerate(self._shown[l]):
                    (xa, ya), (xb, yb) = centres[l - 1][a], centres[l][c]
                    segments.append(((xa + half_w, ya), (xb - half_w, yb)))
                    self._weight_index.append((l - 1, j, i))  # weights[l-1][j, i]: i -> j
        self._edges = LineCollection(segments, zorder=1)
        ax.add_collection(self._edges)

    def _relayout_network(self, run):
        """Only the network strip anew (depth, width, activation, features): ~3x cheaper.

        The other axes' ticks and labels stay in the saved background; a white rectangle
        covers the old network before its static parts are drawn again.
        """
        ax = self.axes[0]
        ax.cla()
        with matplotlib.style.context([STYLE, {"font.size": TEXT_POINTS}]):
            self._layout_network(ax, run)
        self._edges.set_animated(True)
        renderer = self.canvas.get_renderer()
        self.canvas.restore_region(self.background)
        eraser = Rectangle((0, 0), 0.51, 0.94, transform=self.fig.transFigure,
                           facecolor="white", edgecolor="none")
        eraser.set_figure(self.fig)
        eraser.draw(renderer)
        ax.draw(renderer)
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)

    def _layout_boundary(self, ax, run):
        self._prob_image = ax.imshow(np.full((2, 2), 0.5), extent=self.extent, origin="lower",
                                     cmap=CMAP, vmin=0, vmax=1, alpha=0.5, aspect="auto",
                                     interpolation="bilinear")
        self._contour = LineCollection([], colors="black", linestyles="--", linewidths=1.2)
        ax.add_collection(self._contour)
        self._dyn_map = [self._prob_image, self._contour]
        for X, y, val in [(run.X_train, run.y_train, False), (run.X_val, run.y_val, True)]:
            for k in (0, 1):
                pts = X[y == k]
                if val:
                    style = dict(facecolors="white", edgecolors=CLASS_COLOURS[k],
                                 linewidths=1.5, s=24, marker=MARKERS[2 + k])
                else:
                    style = dict(facecolors=CLASS_COLOURS[k], edgecolors="black",
                                 linewidths=0.5, s=20, marker=MARKERS[k])
                self._dyn_map.append(ax.scatter(pts[:, 0], pts[:, 1], zorder=3, **style))
        ax.set_xlim(self.extent[:2])
        ax.set_ylim(self.extent[2:])
        ax.set_xlabel("x₁")
        ax.set_ylabel("x₂")
        ax.set_title("output = decision boundary", fontsize=TEXT_POINTS)
        ax.grid(False)
        ax.text(0.5, -0.2, "filled: training, hollow: validation", transform=ax.transAxes,
                ha="center", va="top")

    def _layout_loss(self, ax, run, epochs):
        self._loss_limits = loss_limits(run.history, self.ghost)
        self._ghost_drawn = self.ghost is not None
        self._x_max = epoch_limit(epochs, len(run.history.train_loss))
        ax.set_yscale("log")
        # plain "0.1" labels: the default "10⁻¹" is mathtext, ~50 ms to parse per layout
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_locator(NullLocator())  # log minor ticks: ~100 Tick objects
        ax.xaxis.set_major_locator(MaxNLocator(4, steps=[1, 2, 5, 10], integer=True))
        ax.set_xlim(0, self._x_max)
        ax.set_ylim(*self._loss_limits)
        ax.set_xlabel("epoch")
        ax.set_title("data loss L", fontsize=TEXT_POINTS)
        self._train_line, = ax.plot([], [], color=CLASS_COLOURS[0], label="training")
        self._val_line, = ax.plot([], [], color=CLASS_COLOURS[1], ls="--", label="validation")
        self._best_line = ax.axvline(0, color="0.4", lw=0.8, ls=":")
        # the previous run, when kept: grey, behind (labelled only while drawn)
        self._ghost_train, = ax.plot([], [], color="0.65", lw=1.2, zorder=1.5,
                                     label="previous run" if self._ghost_drawn else None)
        self._ghost_val, = ax.plot([], [], color="0.65", lw=1.2, ls="--", zorder=1.5)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=1, frameon=False)


def _net_key(run):
    """Return what the network strip's layout depends on: shape, activation, input labels."""
    return tuple(run.net.layer_sizes), run.net.activation.name, tuple(run.features)


def _half_contour(extent, prob):
    """Segments of the P = 0.5 contour in data coordinates (contourpy, matplotlib's own)."""
    if not prob.min() < 0.5 < prob.max():
        return []
    r = prob.shape[0]
    x = np.linspace(extent[0], extent[1], r)
    y = np.linspace(extent[2], extent[3], r)
    gen = contourpy.contour_generator(x, y, prob, line_type=contourpy.LineType.Separate)
    return gen.lines(0.5)


# --- the projector grid (issue 13, item 5) -------------------------------------------------

#: Columns and rows of ``regularization_grid_figure``: λ from none to too much, and three
#: data sets of growing difficulty.
GRID_LAMS = (0.0, 0.003, 0.03, 0.1)
GRID_DATASETS = ("moons", "circles", "spirals")


@styled
def regularization_grid_figure(datasets=GRID_DATASETS, lams=GRID_LAMS, *, n=100, noise=0.35,
                               val_size=0.5, hidden=(32, 32), activation="relu", lr=0.1,
                               epochs=300, momentum=0.9, dropout=0.0, dtype=np.float32,
                               seed=0, resolution=60):
    """Decision boundaries for λ across the columns and data sets down the rows (Eq. 15).

    Each cell trains a fresh network with ``mlp_core.recipes.train_toy_network`` (the
    defaults are the regularization lab's: 100 noisy points, half held out, 2 × 32 ReLU
    units, 300 full-batch epochs with momentum 0.9, binary cross-entropy, float32) and shows
    its decision boundary, the training and validation points, and its validation accuracy
    in the corner, as scikit-learn's "Varying regularization in Multi-layer Perceptron"
    example does. Read a row left to right: the boundary smooths, the training accuracy
    falls, the validation accuracy first holds or rises, then falls when λ is too large.

    Parameters
    ----------
    datasets : sequence of str
        Keys of ``mlp_core.data.TOY_DATASETS``, one row each.
    lams : sequence of float >= 0
        The L2 strengths λ, one column each.
    n, noise, val_size, hidden, activation, lr, epochs, momentum, dropout, dtype, seed :
        Passed to ``train_toy_network`` for every cell (the same seed: the same data and the
        same initial weights along a row, so only λ differs).
    resolution : int
        Grid points per axis of each cell's shading.

    Returns
    -------
    fig : matplotlib.figure.Figure
    accuracy : ndarray of shape (len(datasets), len(lams))
        Validation accuracy of each cell's network (NaN where training diverged).
    """
    # The grid trains its cells, so it needs the recipes (data flows downward: recipes ->
    # plotting); imported here so the figures above do not load them.
    from ..recipes import train_toy_network
    from .training import plot_decision_boundary

    if len(datasets) == 0 or len(lams) == 0:
        raise ValueError(f"datasets and lams must each name at least one row or column, got "
                         f"{len(datasets)} data sets and {len(lams)} values of λ")
    fig, axes = new_figure(figsize=(2.35 * len(lams) + 0.6, 2.1 * len(datasets) + 0.9),
                           nrows=len(datasets), ncols=len(lams))
    axes = np.asarray(axes).reshape(len(datasets), len(lams))
    accuracy = np.full((len(datasets), len(lams)), np.nan)
    for i, dataset in enumerate(datasets):
        for j, lam in enumerate(lams):
            run = train_toy_network(dataset, n=n, noise=noise, val_size=val_size,
                                    hidden=hidden, activation=activation,
                                    loss="binary_cross_entropy", lr=lr, epochs=epochs,
                                    lam=lam, dropout=dropout, momentum=momentum, dtype=dtype,
                                    seed=seed)
            ax = axes[i, j]
            plot_decision_boundary(ax, run.net, run.X_train, run.y_train, run.X_val,
                                   run.y_val, loss=run.loss, resolution=resolution,
                                   colorbar=False, legend=False)
            if run.error is None:
                accuracy[i, j] = run.accuracy(run.X_val, run.y_val)
                text = (f"val {accuracy[i, j]:.0%}\n"
                        f"train {run.accuracy(run.X_train, run.y_train):.0%}")
            else:
                text = f"diverged\n(epoch {run.error.epoch})"
            ax.text(0.97, 0.03, text, transform=ax.transAxes, ha="right", va="bottom",
                    fontweight="bold", bbox=dict(boxstyle="round", fc="white", alpha=0.85))
            ax.set(xlabel="", ylabel="", xticks=[], yticks=[])
            if i == 0:
                ax.set_title(f"λ = {lam:g}", fontsize="medium")
        axes[i, 0].set_ylabel(dataset, fontsize="medium")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=4, frameon=False)
    sizes = ", ".join(map(str, [2, *hidden, 1]))
    fig.suptitle(f"L2 regularization (Eq. 15): network [{sizes}], {activation}, {epochs} "
                 f"epochs, {n} points ({val_size:.0%} for validation), noise {noise:g}",
                 fontsize="medium")
    return fig, accuracy
