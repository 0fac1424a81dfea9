"""`glassnet predict RUN_OR_MODEL INPUT`: the class of an image or of each row of a CSV file
(for a regression run, the predicted number of each row).

An image (PNG, or JPEG and the other formats Pillow reads) of at most `MAX_IMAGE_PIXELS`
pixels (50 million, e.g. 8,000 x 6,250) becomes the model's input in four steps; a larger
one is refused from its header, before it is decoded:

1. grayscale: the mean of R, G and B weighted as ITU-R 601 (0.299, 0.587, 0.114);
   transparency is dropped;
2. resized to the model's input (e.g. 28 x 28) by area averaging (each output pixel is
   the mean of the input pixels it covers);
3. scaled to [0, 1] (as training scaled images);
4. inverted when the background is light (the mean of the border pixels > 0.5), since
   Fashion-MNIST and MNIST show light objects on a black background.

It says which of these it did ("resized from 280 x 280 to 28 x 28"), says once that the
model always answers one of its classes, and warns when an input is unlike the training
data (the run folder's `input_stats.json`, see `gn.metrics.InputStatistics`) or the top
probability is below 50 %.

A CSV file holds one sample per row: with a header row naming the run's feature columns
(any other column, such as the label, is ignored), or plain numbers in the model's order.
Values are preprocessed as in training (e.g. standardised with the training mean and
standard deviation).
"""

from __future__ import annotations

import argparse
import json
import struct
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.cli import add_encoding_flag
from glassnet.cli.runs import LoadedRun, load_run, probabilities
from glassnet.cli.runs.inputs import csv_inputs, table_preprocessor
from glassnet.cli.runs.stats import read_input_statistics
from glassnet.metrics import prediction_caveats

__all__ = ["MAX_IMAGE_PIXELS", "add_parser", "image_to_input", "read_image", "resize_area", "run"]

_LUMA = np.array([0.299, 0.587, 0.114])
# The largest image `glassnet predict` decodes (a model's input is 28 x 28; decoding
# 50 million pixels takes about 1 GB of memory).
MAX_IMAGE_PIXELS = 50_000_000
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `glassnet predict`."""
    p = subparsers.add_parser(
        "predict",
        help="predict the class of an image or of the rows of a CSV file",
        description="Predict with a run folder's model (or a model file): INPUT is a PNG/JPEG "
        f"image (at most {MAX_IMAGE_PIXELS:,} pixels) or a CSV file of rows. Prints the class "
        "and the top probabilities.",
    )
    p.add_argument("model", metavar="RUN_OR_MODEL", help="a run folder or a model file")
    p.add_argument("input", metavar="INPUT", help="an image (.png, .jpg) or a .csv file")
    p.add_argument("--top", type=int, default=3, help="probabilities shown (default 3)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")
    add_encoding_flag(p)
    p.set_defaults(func=run)


def read_image(path: str | Path, steps: list[str] | None = None) -> np.ndarray:
    """An image file as grayscale floats in [0, 1], shape (height, width).

    The image's size is read from its header first: one of more than `MAX_IMAGE_PIXELS`
    pixels is refused before it is decoded. A list given as `steps` gets one line per
    conversion made (to greyscale, transparency dropped).

    Raises:
        FileNotFoundError: no such file.
        OSError: the file cannot be read (e.g. permission denied).
        ValueError: the path is a folder, the image is too large, or the file can't be
            read as an image (the message names it).

    >>> import tempfile, pathlib, matplotlib.pyplot as plt
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.png"
    >>> plt.imsave(p, np.array([[0.0, 1.0]]), cmap="gray", vmin=0, vmax=1)
    >>> read_image(p).round(3).tolist()
    [[0.0, 1.0]]
    """
    import matplotlib.image

    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path} is a folder; expected an image file (.png, .jpg).")
    if not path.is_file():
        raise FileNotFoundError(f"no such image file: {path}")
    with open(path, "rb"):  # an unreadable file is an OSError, not a damaged image
        pass
    size = _declared_size(path)
    if size is not None and size[0] * size[1] > MAX_IMAGE_PIXELS:
        raise ValueError(
            f"{path} is {size[0]:,} x {size[1]:,} pixels, more than the {MAX_IMAGE_PIXELS:,} "
            "glassnet predict decodes; the model sees a small image anyway: shrink it first."
        )
    try:
        pixels = np.asarray(matplotlib.image.imread(path))
    except Exception as error:  # matplotlib raises many kinds for a bad or unsupported file
        raise ValueError(
            f"cannot read {path} as an image ({type(error).__name__}: {error}); "
            "is it a PNG or JPEG file?"
        ) from None
    if pixels.dtype.kind in "ui":
        pixels = pixels / float(np.iinfo(pixels.dtype).max)
    pixels = pixels.astype(np.float64)
    if pixels.ndim == 3:
        channels = pixels.shape[-1]
        if steps is not None and channels in (2, 4):
            steps.append("dropped the transparency (alpha channel)")
        if steps is not None and channels >= 3:
            colour = np.ptp(pixels[..., :3], axis=-1).max() > 0
            steps.append(
                "converted colour to greyscale (0.299 R + 0.587 G + 0.114 B)"
                if colour
                else "read the grey RGB image as greyscale"
            )
        pixels = pixels[..., :3] @ _LUMA[:channels] if channels >= 3 else pixels[..., 0]
    if pixels.ndim != 2 or pixels.size == 0:
        raise ValueError(f"cannot read {path} as an image: pixel array of shape {pixels.shape}.")
    return pixels


def _declared_size(path: Path) -> tuple[int, int] | None:
    """(width, height) from the image's header, without decoding it; None if unknown."""
    try:
        from PIL import Image
    except ImportError:  # pragma: no cover - matplotlib needs Pillow; a PNG's IHDR then
        with open(path, "rb") as handle:
            head = handle.read(24)
        if head[:8] == _PNG_SIGNATURE and head[12:16] == b"IHDR":
            return struct.unpack(">II", head[16:24])
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:  # reads the header only
                return image.size
    except Image.DecompressionBombError:  # Pillow's own limit, far above ours
        raise ValueError(
            f"{path} has more than the {MAX_IMAGE_PIXELS:,} pixels glassnet predict decodes "
            "(Pillow refuses it as a possible decompression bomb); shrink it first."
        ) from None
    except Exception:  # not an image Pillow knows: matplotlib's reader says what is wrong
        return None


def resize_area(image: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Resize a 2-D image by area averaging (a box filter through a summed-area table).

    Output pixel (i, j) is the mean of the input rows floor(i*H/h) .. ceil((i+1)*H/h)-1
    and likewise for columns, so shrinking averages and enlarging repeats pixels.

    >>> resize_area(np.arange(16.0).reshape(4, 4), (2, 2)).tolist()
    [[2.5, 4.5], [10.5, 12.5]]
    """
    height, width = image.shape
    rows, cols = shape
    table = np.zeros((height + 1, width + 1))
    table[1:, 1:] = image.cumsum(axis=0).cumsum(axis=1)  # (H+1, W+1) summed-area table
    r0 = (np.arange(rows) * height) // rows
    r1 = np.maximum(-((-(np.arange(1, rows + 1)) * height) // rows), r0 + 1)
    c0 = (np.arange(cols) * width) // cols
    c1 = np.maximum(-((-(np.arange(1, cols + 1)) * width) // cols), c0 + 1)
    sums = table[r1][:, c1] - table[r0][:, c1] - table[r1][:, c0] + table[r0][:, c0]  # (rows, cols)
    return sums / np.outer(r1 - r0, c1 - c0)


def image_to_input(
    pixels: np.ndarray, input_shape: tuple[int, ...], steps: list[str] | None = None
) -> np.ndarray:
    """Grayscale pixels in [0, 1] to one model input: resized, inverted if light-backed.

    A list given as `steps` gets one line per change made (resized, inverted).

    >>> steps = []
    >>> image_to_input(np.ones((4, 4)) * 0.9, (2, 2), steps).round(3).tolist()
    [[0.1, 0.1], [0.1, 0.1]]
    >>> print(steps[0])
    resized from 4 x 4 to 2 x 2 (width x height) by area averaging
    >>> print(steps[1][:47])
    inverted: the border is light (mean 0.90 > 0.5)
    """
    if len(input_shape) == 2:
        shape = tuple(input_shape)
    else:
        side = int(np.sqrt(int(np.prod(input_shape))))
        if side * side != int(np.prod(input_shape)):
            raise ValueError(
                f"the model takes inputs of shape {tuple(input_shape)}, not an image; give a CSV."
            )
        shape = (side, side)
    small = resize_area(pixels, shape)
    if steps is not None and pixels.shape != shape:
        steps.append(
            f"resized from {pixels.shape[1]} x {pixels.shape[0]} to {shape[1]} x {shape[0]} "
            "(width x height) by area averaging"
        )
    border = np.concatenate([small[0], small[-1], small[:, 0], small[:, -1]])
    if border.mean() > 0.5:
        small = 1.0 - small
        if steps is not None:
            steps.append(
                f"inverted: the border is light (mean {border.mean():.2f} > 0.5), and the "
                "training images show light objects on black"
            )
    return small.reshape(input_shape).astype(np.float32)


def predict_file(
    loaded: LoadedRun,
    path: str | Path,
    top: int = 3,
    steps: list[str] | None = None,
    encoding: str | None = None,
) -> list[dict[str, Any]]:
    """One dict per sample: "class", "probability", "top" (name, probability) pairs, and
    "warnings" (an input unlike the training data, a low top probability) with the
    "unusual_score" (None without the run's input statistics). A list given as `steps`
    gets the preprocessing done, one line per step. A regression run's dicts hold "value"
    instead of classes (see `regression_predictions`). `encoding` is a CSV file's text
    encoding (None: UTF-8).
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"{path} is a folder; expected an image (.png, .jpg) or a .csv file.")
    if not path.is_file():
        raise FileNotFoundError(f"no such input file: {path}")
    if path.suffix.lower() == ".csv":
        x = csv_inputs(loaded, path, encoding)
    else:
        if encoding is not None:
            raise ValueError(f"--encoding is for CSV files; {path.name} is read as an image.")
        pixels = read_image(path, steps)
        if loaded.preprocessing.get("kind") not in ("images", None):
            raise ValueError(f"{loaded.path} was trained on table rows, not images: give a CSV.")
        x = image_to_input(pixels, tuple(loaded.model.input_sample_shape), steps)[None]
        if steps is not None:
            steps.append("scaled to [0, 1], as the training images")
    if steps is not None and path.suffix.lower() == ".csv":
        steps.append(_describe_rows(loaded))
    if loaded.task == "regression":
        return regression_predictions(loaded, x)
    probs = probabilities(loaded.model, x)  # (n, n_classes)
    names = loaded.class_names
    statistics, _ = read_input_statistics(loaded.path if loaded.info else None)
    caveats = prediction_caveats(probs, names, x=x, statistics=statistics)
    order = np.argsort(-probs, axis=1, kind="stable")[:, :top]
    return [
        {
            "class": names[row[0]],
            "label": int(row[0]),
            "probability": float(p[row[0]]),
            "top": [[names[k], float(p[k])] for k in row],
            "warnings": warns,
            "unusual_score": None if caveats.scores is None else float(caveats.scores[i]),
        }
        for i, (row, p, warns) in enumerate(zip(order, probs, caveats.warnings, strict=True))
    ]


def regression_predictions(loaded: LoadedRun, x: np.ndarray) -> list[dict[str, Any]]:
    """One dict per row of a regression run: "value" (the predicted target), "target" (its
    column), "warnings" (an input unlike the training data) and "unusual_score".

    >>> import glassnet as gn
    >>> m = gn.models.Sequential([gn.layers.Input((1,)), gn.layers.Dense(1)])
    >>> m.compile(optimizer="adam", loss="mse")
    >>> m.set_weights([np.array([[2.0]]), np.array([1.0])])
    >>> loaded = LoadedRun(model=m, path=Path("m.glassnet"), info={})
    >>> regression_predictions(loaded, np.array([[1.0]]))[0]["value"]
    3.0
    """
    from glassnet.cli.runs.regression import predict_values, unusual_warnings

    values = predict_values(loaded.model, x)
    statistics, _ = read_input_statistics(loaded.path)
    scores = None if statistics is None else statistics.score(x)
    warnings = unusual_warnings(x, statistics)
    return [
        {
            "value": float(value),
            "target": loaded.info.get("target"),
            "warnings": warns,
            "unusual_score": None if scores is None else float(scores[i]),
        }
        for i, (value, warns) in enumerate(zip(values, warnings, strict=True))
    ]


def _describe_rows(loaded: LoadedRun) -> str:
    steps = []
    table = table_preprocessor(loaded)
    if table is not None and table.summary():
        steps.append(table.summary())
    kind = loaded.preprocessing.get("kind")
    if kind == "standardize":
        steps.append("standardised each feature with the training mean and standard deviation")
    elif kind == "images":  # a model file without its run folder: the image convention
        steps.append(
            f"divided every value by {loaded.preprocessing['max_value']:g}, as for images "
            "(a model file without its run folder records no other preprocessing)"
        )
    return "; ".join(steps) or "used the values as given"


def limits_note(loaded: LoadedRun) -> str:
    """Said once per `glassnet predict`: the model always answers one of its classes, and
    whether unusual inputs can be detected (older run folders have no input statistics).

    >>> import glassnet as gn
    >>> m = gn.models.Sequential([gn.layers.Input((2,)), gn.layers.Dense(3)])
    >>> m.build()
    >>> print(limits_note(LoadedRun(model=m, path=Path("m.glassnet"), info={})).split(": ")[-1])
    a bare model file has no record of its training inputs.
    """
    statistics, reason = read_input_statistics(loaded.path if loaded.info else None)
    if loaded.task == "regression":
        return (
            f"This model predicts {loaded.info.get('target') or 'the target'}, a number; it "
            "answers for any input, even one unlike its training rows. "
            + (
                f"Unusual inputs are not detected: {reason}."
                if statistics is None
                else "Inputs unlike the training data are flagged (so are about "
                f"{1 - statistics.coverage:.1%} of real ones)."
            )
        )
    names = loaded.class_names
    uniform = np.full((1, len(names)), 1.0 / len(names))  # the note does not depend on it
    x = None if statistics is None else statistics.mean[None]
    return prediction_caveats(
        uniform, names, x=x, statistics=statistics, no_statistics_reason=reason
    ).note


def run(args: argparse.Namespace) -> int:
    """Print the predictions; return the exit status."""
    if args.top < 1:
        raise ValueError(f"--top must be >= 1, got {args.top}.")
    loaded = load_run(args.model)
    steps: list[str] = []
    results = predict_file(loaded, args.input, args.top, steps, args.encoding)
    note = limits_note(loaded)
    if args.json:
        if len(results) == 1:
            print(json.dumps({**results[0], "note": note, "preprocessing": steps}, indent=2))
        else:
            print(json.dumps(results, indent=2))
        return 0
    for i, result in enumerate(results):
        prefix = f"row {i + 1}: " if len(results) > 1 else ""
        if "value" in result:  # a regression run: the predicted number
            print(f"{prefix}{result['target'] or 'value'} = {result['value']:.6g}")
            for warning in result["warnings"]:
                print(f"{prefix}⚠ {warning}")
            continue
        tops = ", ".join(f"{name} {p:.1%}" for name, p in result["top"])
        print(f"{prefix}{result['class']} ({result['probability']:.1%}); top: {tops}")
        for warning in result["warnings"]:
            print(f"{prefix}⚠ {warning}")
    print(f"Preprocessing: {'; '.join(steps)}.")
    print(f"Note: {note}")
    return 0
