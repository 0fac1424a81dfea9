"""The root causes the run summary shows before any curve does: an output layer that does
not suit the loss, unscaled inputs, an imbalanced class mix and a validation set whose mix
is unlike the training set's. Each rule returns its findings, [] when the run is clear.

These are named first: the curve shapes they cause (a loss that bounces, an accuracy
stuck at the baseline) follow from them, and their findings say so.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._internal.numbers import short
from glassnet.doctor import _advice as advice
from glassnet.doctor._findings import Finding
from glassnet.doctor._inputs import Curves, class_mix
from glassnet.doctor._summary import DataSummary, ModelSummary
from glassnet.doctor._thresholds import (
    FEATURE_SCALE_RATIO,
    STRONG_IMBALANCE_RATIO,
    UNSCALED_MAGNITUDE,
    VALIDATION_MIX_DISTANCE,
)
from glassnet.metrics import (
    NEAR_BASELINE_POINTS,
    baseline_from_counts,
    imbalance_ratio,
    is_imbalanced,
)


def check_output_mismatch(model: ModelSummary | None) -> list[Finding]:
    """The output layer against the loss (the loss's own `check_output` said they differ)."""
    if model is None or not model.output_check:
        return []
    last = next((layer for layer in reversed(model.layers) if "units" in layer), {})
    evidence = {
        "output_activation": last.get("activation", "linear"),
        "loss": model.loss,
        "from_logits": model.from_logits,
    }
    summary = (
        f"The output layer ({last.get('activation', 'linear')}) does not suit the loss "
        f"{model.loss} with from_logits={model.from_logits}: the loss reads the outputs as "
        "something they are not, so its value and its gradients are wrong whatever the "
        "curves show."
    )
    return [
        Finding("output_loss_mismatch", summary, evidence, [advice.fix_output(model.output_check)])
    ]


def check_unscaled(data: DataSummary | None) -> list[Finding]:
    """Unscaled inputs: features too large (raw pixels) or of very different scales."""
    stats = data.inputs if data is not None else None
    if stats is None:
        return []
    largest, smallest = stats.largest_feature_rms, stats.smallest_feature_rms
    ratio = largest / smallest if smallest > 0 else 1.0
    pixels = stats.min >= 0 and 1 < stats.max <= 255 and stats.integers
    too_large = largest > UNSCALED_MAGNITUDE
    spread = largest > 1 and ratio > FEATURE_SCALE_RATIO
    if not (too_large or spread):
        return []
    evidence: dict[str, Any] = {
        "min": stats.min,
        "max": stats.max,
        "mean": stats.mean,
        "std": stats.std,
        "largest_feature_rms": largest,
        "largest_feature": stats.largest_feature,
        "smallest_feature_rms": smallest,
        "scale_ratio": float(ratio),
        "looks_like_pixels": bool(pixels),
    }
    if stats.rows_sampled < data.samples:
        evidence["rows_sampled"] = stats.rows_sampled
    if pixels:
        summary = (
            f"The inputs look like raw pixels in 0-{stats.max:.0f} (typical magnitudes up to "
            f"{largest:.0f}): the first layer's weighted sums are huge and gradients jump."
        )
        return [Finding("unscaled_inputs", summary, evidence, [advice.scale_pixels()])]
    if too_large:
        summary = (
            f"Some input features are large: feature {stats.largest_feature} has a typical "
            f"magnitude of {short(largest)} (values from {short(stats.min)} to "
            f"{short(stats.max)}), which saturates units and makes the gradients large."
        )
    else:
        summary = (
            f"The input features have very different scales: typical magnitudes from "
            f"{short(smallest)} to {short(largest)} ({ratio:.0f}x), so one learning rate can't "
            "suit them all."
        )
    return [Finding("unscaled_inputs", summary, evidence, [advice.standardise()])]


def check_imbalance(c: Curves, data: DataSummary | None) -> list[Finding]:
    """An imbalanced class mix: a problem with an accuracy near the majority-class baseline,
    a warning (read the balanced accuracy) with a mix of 80/20 or more and a good one."""
    if data is None or not data.class_counts or len(data.class_counts) < 2:
        return []
    classes = np.array(list(data.class_counts))
    counts = np.array(list(data.class_counts.values()))
    if not is_imbalanced(counts):
        return []
    use_val = c.val_acc is not None and np.isfinite(c.val_acc[-1])
    acc_curve = c.val_acc if use_val else c.acc
    ref = data.validation_class_counts if use_val and data.validation_class_counts else None
    ref_counts = np.array(list((ref or data.class_counts).values()))
    ref_classes = np.array(list(ref or data.class_counts))
    base = baseline_from_counts(ref_counts)
    major, minor = int(classes[np.argmax(counts)]), int(classes[np.argmin(counts)])
    ratio = imbalance_ratio(counts)
    which = "validation" if use_val else "training"
    evidence: dict[str, Any] = {
        "class_counts": {int(k): int(n) for k, n in zip(classes, counts, strict=True)},
        "imbalance_ratio": ratio,
        "baseline": base,
        "majority_class": int(ref_classes[np.argmax(ref_counts)]),
    }
    mix = (
        f"The classes are imbalanced (class {major}: {counts.max()} samples, class {minor}: "
        f"{counts.min()})"
    )
    suggestions = [advice.class_report(), *advice.rebalance()]
    if acc_curve is None or not np.isfinite(acc_curve[-1]):
        if ratio < STRONG_IMBALANCE_RATIO:
            return []
        summary = f"{mix}: an accuracy alone would mislead; read the balanced accuracy."
        return [Finding("imbalanced_data", summary, evidence, suggestions, "warning")]
    acc = float(acc_curve[-1])
    evidence[f"final_{which}_accuracy"] = acc
    # "Just predicting the common class": at the baseline (not far below it, which is no
    # class mix's doing), on the training data too when both accuracies are there.
    near = abs(acc - base) <= NEAR_BASELINE_POINTS + 1e-12
    if near and use_val and c.acc is not None and np.isfinite(c.acc[-1]):
        near = abs(c.acc[-1] - baseline_from_counts(counts)) <= NEAR_BASELINE_POINTS + 1e-12
    if near:
        summary = (
            f"{mix} and the {which} accuracy {acc:.3f} is within "
            f"{NEAR_BASELINE_POINTS * 100:.0f} points of the baseline {base:.3f}: the model may "
            f"just be predicting class {evidence['majority_class']}."
        )
        return [Finding("imbalanced_data", summary, evidence, suggestions)]
    if ratio < STRONG_IMBALANCE_RATIO:
        return []
    summary = (
        f"{mix}, {ratio:.0f} to 1: the {which} accuracy {acc:.3f} stands beside a baseline of "
        f"{base:.3f} (always saying class {evidence['majority_class']}), so it says little about "
        f"the rare class; read its recall."
    )
    return [Finding("imbalanced_data", summary, evidence, suggestions[:1], "warning")]


def check_validation_mix(data: DataSummary | None) -> list[Finding]:
    """A validation set whose class mix is unlike the training set's."""
    if data is None or not data.class_counts or not data.validation_class_counts:
        return []
    train, val = class_mix(data.class_counts), class_mix(data.validation_class_counts)
    classes = sorted(set(train) | set(val))
    distance = 0.5 * sum(abs(train.get(k, 0.0) - val.get(k, 0.0)) for k in classes)
    if distance < VALIDATION_MIX_DISTANCE:
        return []
    missing = [k for k in train if k not in val]
    evidence: dict[str, Any] = {
        "train_mix": {k: round(v, 4) for k, v in train.items()},
        "validation_mix": {k: round(v, 4) for k, v in val.items()},
        "distance": float(distance),
        "classes_missing_from_validation": missing,
    }
    if data.validation_rows and data.validation_rows != "validation_data":
        evidence["validation_rows"] = data.validation_rows
    only = f" holds only class {next(iter(val))}" if len(val) == 1 else " has a different class mix"
    summary = (
        f"The validation set{only}: {distance * 100:.0f} % of its samples would have to change "
        "class to match the training set's mix, so validation loss and accuracy don't measure "
        "what the model learned."
    )
    return [Finding("validation_mix", summary, evidence, advice.shuffle_before_split())]
