"""Losses: each gives the mean loss over a batch and its gradient.

One scaling convention: `gradient` is the gradient of the *mean* batch loss (so it
carries the 1/N); no layer divides again. With `sample_weight`, the loss is
sum(w_i * l_i) / N, as Keras's default reduction.

| loss                          | per sample                                 |
|-------------------------------|--------------------------------------------|
| BinaryCrossentropy            | -(y log p + (1 - y) log(1 - p))            |
| CategoricalCrossentropy       | -sum_k y_k log p_k                          |
| SparseCategoricalCrossentropy | -log p_y                                    |
| MeanSquaredError              | mean_k (y_k - yhat_k)^2  (no factor 1/2)   |
| MeanAbsoluteError             | mean_k abs(y_k - yhat_k)                   |

With `from_logits=True` the cross-entropies take raw scores z and compute
p = softmax(z) (or sigmoid) inside, by log-sum-exp, and their gradient is the
fused, stable `(p - y) / N`.

Each loss also carries its lecture facts: `gradient_formula` (dJ/dŷ, as
`gn.explain.gradient` prints it) and `check_output`, the advice `compile` gives when
the output layer and the loss disagree.

>>> import numpy as np
>>> loss = SparseCategoricalCrossentropy(from_logits=True)
>>> round(loss(np.array([0]), np.array([[0.0, 0.0]])), 4)  # log 2
0.6931
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import activations
from glassnet._internal import stable
from glassnet._internal.checks import describe, lookup
from glassnet._internal.stable import EPSILON
from glassnet._internal.tensor import Scalar, as_scalar

__all__ = [
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "Loss",
    "MeanAbsoluteError",
    "MeanSquaredError",
    "SparseCategoricalCrossentropy",
    "get",
    "probabilities",
]


class Loss:
    """Base class: `loss_and_gradient(y_true, y_pred)` returns (mean loss, dLoss/dy_pred).

    Attributes:
        name: the registry name, e.g. "mean_squared_error".
        accuracy_kind: which accuracy suits this loss: "sparse", "categorical", "binary"
            or None (regression).
        gradient_formula: dJ/dŷ of one sample, as the lecture writes it; "/ n" divides by
            the number of outputs (the loss averages over them).
    """

    name = ""
    accuracy_kind: str | None = None
    from_logits = False
    gradient_formula = ""

    def check_output(
        self, activation: str | None, units: int | None = None, *, name: str | None = None
    ) -> str | None:
        """Whether the output layer suits this loss: a warning with the fix, or None.

        Args:
            activation: the name of the last layer's activation ("softmax", "linear", ...),
                or None for none.
            units: the number of outputs, when known.
            name: how to call the loss in the message (default: its registry name).

        >>> MeanSquaredError().check_output("relu") is None  # any output suits a regression
        True
        """
        return None

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Scalar:
        """The mean loss over the batch: sum(w_i * loss_i) / N (Keras's "sum_over_batch_size").

        Returns:
            A float64 that is also a Python float and, as a Keras tensor, has `.numpy()`.
        """
        y_true, y_pred = self.prepare(y_true, y_pred)
        if sample_weight is not None:
            sample_weight = _per_sample("sample_weight", sample_weight, len(y_pred))
        return as_scalar(self.loss_and_gradient(y_true, y_pred, sample_weight)[0])

    def prepare(self, y_true: Any, y_pred: Any) -> tuple[np.ndarray, np.ndarray]:
        """Validate and convert targets and predictions (outside the training loop)."""
        y_pred = np.asarray(y_pred, dtype=np.result_type(np.asarray(y_pred).dtype, np.float32))
        return self.check_targets(np.asarray(y_true), y_pred.shape), y_pred

    def check_targets(self, y_true: np.ndarray, pred_shape: tuple[int, ...]) -> np.ndarray:
        """Return `y_true` shaped to match predictions of `pred_shape`, or raise."""
        y_true = y_true.astype(np.float32) if y_true.dtype.kind in "biu" else y_true
        if y_true.shape != pred_shape and y_true.size == int(np.prod(pred_shape)):
            y_true = y_true.reshape(pred_shape)
        if y_true.shape != pred_shape:
            raise ValueError(
                f"{type(self).__name__} expected targets shaped like the predictions "
                f"{pred_shape}, got {describe(y_true)}."
            )
        return y_true

    def loss_and_gradient(
        self, y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        """The mean loss and dLoss/dy_pred, for targets already checked by `prepare`.

        Underflow to 0 (exp of a logit far below the largest, a tiny probability divided by
        N) is the right answer here, so it is not reported even under
        `np.errstate(all="raise")`; overflow and invalid operations still are.
        """
        with np.errstate(under="ignore"):
            return self._loss_and_gradient(y_true, y_pred, sample_weight)

    def _loss_and_gradient(
        self, y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        """What each loss implements: (mean loss, gradient of the mean loss)."""
        raise NotImplementedError

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, "from_logits": self.from_logits}

    def __repr__(self) -> str:
        logits = ", from_logits=True" if self.from_logits else ""
        return f"{type(self).__name__}({logits.lstrip(', ')})"


def _per_sample(name: str, weights: Any, n: int) -> np.ndarray:
    """A scalar or one weight per sample, as a float64 array of shape (n,)."""
    weights = np.asarray(weights, dtype=np.float64)
    if weights.size == n and weights.ndim >= 1:
        result: np.ndarray = weights.reshape(n)
        return result
    if weights.ndim == 0:
        return np.full(n, float(weights))
    raise ValueError(
        f"{name} must be a number or one value per sample ({n}), got {describe(weights)}."
    )


def _weighted_mean(per_sample: np.ndarray, sample_weight: np.ndarray | None) -> float:
    if sample_weight is None:
        return float(per_sample.mean())
    return float(np.dot(per_sample, sample_weight) / len(per_sample))


def _scale_rows(grad: np.ndarray, n: int, sample_weight: np.ndarray | None) -> np.ndarray:
    if sample_weight is None:
        grad *= grad.dtype.type(1.0 / n)
    else:
        grad *= (sample_weight / n).astype(grad.dtype).reshape(-1, *([1] * (grad.ndim - 1)))
    return grad


def probabilities(outputs: Any, from_logits: bool) -> np.ndarray:
    """Class probabilities from a model's outputs, shaped (n, n_classes), in float64.

    Several outputs: softmax of logits, or the outputs as they are. One output is the
    probability p of class 1 (the sigmoid of a logit), returned as the columns (1 - p, p).
    Stable for any logit, as `activations.sigmoid` and `activations.softmax` are.

    Args:
        outputs: what the model predicts, shaped (n, outputs).
        from_logits: whether the outputs are raw scores (as the loss's from_logits).

    >>> probabilities([[0.0032]], from_logits=True).round(4).tolist()
    [[0.4992, 0.5008]]
    >>> probabilities([[-1000.0, 1000.0]], from_logits=True).tolist()
    [[0.0, 1.0]]
    """
    outputs = np.asarray(outputs, dtype=np.float64)  # (n, outputs)
    if outputs.shape[1] == 1:
        p = activations.sigmoid(outputs) if from_logits else outputs  # (n, 1)
        return np.hstack([1 - p, p])
    return activations.softmax(outputs) if from_logits else outputs


_PROBABILITY_OUTPUTS = {"softmax", "sigmoid"}
_RAW_OUTPUTS = {None, "", "linear", "none", "identity"}


def _cross_entropy_advice(
    name: str, binary: bool, from_logits: bool, activation: str | None, units: int | None
) -> str | None:
    """The output-layer advice shared by the cross-entropies (see `Loss.check_output`).

    A cross-entropy takes probabilities (from_logits=False) or raw scores
    (from_logits=True). Softmax or sigmoid outputs with from_logits=True apply the
    squashing twice; raw logits with from_logits=False are read as probabilities. Both
    train badly without an error.
    """
    act = None if activation is None else str(activation).lower()
    if act == "softmax" and binary and units == 1:
        return (
            f"The output layer is a softmax over 1 unit, which always outputs 1.0, so "
            f"{name} can't learn. Fix: use activation='sigmoid' on the single output unit "
            "(or none with from_logits=True)."
        )
    if act in _PROBABILITY_OUTPUTS and from_logits:
        return (
            f"The output layer applies {act} but the loss {name} has from_logits=True, "
            f"so {act} is applied a second time inside the loss: outputs are squashed twice "
            "and training is slow or stalls. Fix: remove the activation from the last layer "
            "(e.g. Dense(10) as the lecture) and keep from_logits=True, or keep "
            f"activation='{act}' and set from_logits=False."
        )
    if act in _RAW_OUTPUTS and not from_logits:
        squash = "sigmoid" if binary else "softmax"
        return (
            f"The output layer has no activation (it outputs raw logits) but the loss "
            f"{name} has from_logits=False, so it reads logits as probabilities: the loss "
            f"and its gradients are wrong. Fix: pass from_logits=True to the loss (as the "
            f"lecture does), or give the last layer activation='{squash}'."
        )
    if act == "sigmoid" and not binary and (units is None or units > 1) and not from_logits:
        return (
            f"The output layer applies sigmoid but {name} expects probabilities that sum "
            "to 1 over the classes. Fix: use activation='softmax' on the last layer, or no "
            "activation with from_logits=True."
        )
    if act not in _PROBABILITY_OUTPUTS and act not in _RAW_OUTPUTS:
        return (
            f"The output layer applies {act}, which gives neither probabilities nor free "
            f"logits for {name}. Fix: use no activation on the last layer with "
            "from_logits=True (or softmax / sigmoid with from_logits=False)."
        )
    return None


class SparseCategoricalCrossentropy(Loss):
    """Cross-entropy for integer class labels, y_true shaped (N,) with values in [0, C).

    Args:
        from_logits: True when the model outputs raw scores (no softmax).

    >>> loss = SparseCategoricalCrossentropy()
    >>> round(loss(np.array([1]), np.array([[0.25, 0.75]])), 4)  # -log 0.75
    0.2877
    """

    name = "sparse_categorical_crossentropy"
    accuracy_kind = "sparse"

    def __init__(self, from_logits: bool = False) -> None:
        self.from_logits = bool(from_logits)

    @property
    def gradient_formula(self) -> str:  # type: ignore[override]  # base: a class attribute
        if self.from_logits:
            return "softmax(ŷ) - onehot(y)"
        return "-1/ŷ_y at the true class y, else 0"

    def check_output(
        self, activation: str | None, units: int | None = None, *, name: str | None = None
    ) -> str | None:
        return _cross_entropy_advice(name or self.name, False, self.from_logits, activation, units)

    def check_targets(self, y_true: np.ndarray, pred_shape: tuple[int, ...]) -> np.ndarray:
        if len(pred_shape) != 2:
            raise ValueError(
                f"{type(self).__name__} expected predictions shaped (batch_size, classes), "
                f"got {pred_shape}."
            )
        if y_true.ndim == 2 and y_true.shape[1] == 1:
            y_true = y_true[:, 0]
        if y_true.dtype.kind == "f":
            if not np.all(np.isfinite(y_true)) or np.any(y_true != np.round(y_true)):
                raise ValueError(
                    "sparse labels must be whole numbers (class indices); got non-integer values. "
                    "For one-hot labels use CategoricalCrossentropy."
                )
        if y_true.ndim != 1 or len(y_true) != pred_shape[0]:
            hint = (
                " These look like one-hot labels: use CategoricalCrossentropy."
                if y_true.ndim == 2
                else ""
            )
            raise ValueError(
                f"sparse labels must be shaped ({pred_shape[0]},), got {describe(y_true)}.{hint}"
            )
        classes = pred_shape[1]
        if y_true.size and (y_true.min() < 0 or y_true.max() >= classes):
            bad = y_true[(y_true < 0) | (y_true >= classes)][0]
            raise ValueError(
                f"labels must be in [0, {classes}) for a model with {classes} outputs, got "
                f"label {bad:g}. Does the last Dense layer have one unit per class?"
            )
        return y_true.astype(np.intp)

    def _loss_and_gradient(
        self, y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        n = len(y_true)
        rows = np.arange(n)
        if self.from_logits:
            # Fused softmax + cross-entropy (the stable form lives here, not in a layer):
            # loss = logsumexp(z) - z_y, gradient = (softmax(z) - onehot(y)) / N. It is
            # activations.softmax written inline, in place and sharing its sums with the
            # loss, in as few NumPy calls as possible: it runs once per training step.
            grad = y_pred - y_pred.max(axis=1, keepdims=True)  # (N, C), shifted: max 0
            shifted_true = grad[rows, y_true]
            np.exp(grad, out=grad)  # exp of very negative logits is 0
            sums = grad.sum(axis=1, keepdims=True)  # (N, 1)
            per_sample = np.log(sums[:, 0]) - shifted_true
            if sample_weight is None:
                grad /= sums * n
                grad[rows, y_true] -= grad.dtype.type(1.0 / n)
                return float(per_sample.mean()), grad
            grad /= sums
            grad[rows, y_true] -= 1
        else:
            p_true = y_pred[rows, y_true]
            p = np.clip(p_true, EPSILON, 1 - EPSILON)
            per_sample = -np.log(p)
            grad = np.zeros_like(y_pred)
            grad[rows, y_true] = np.where(p == p_true, -1.0 / p, 0.0)  # clipped: the loss is flat
        return _weighted_mean(per_sample, sample_weight), _scale_rows(grad, n, sample_weight)


class CategoricalCrossentropy(Loss):
    """Cross-entropy for one-hot (or soft) targets shaped (N, C).

    >>> round(CategoricalCrossentropy()(np.array([[0, 1]]), np.array([[0.5, 0.5]])), 4)
    0.6931
    """

    name = "categorical_crossentropy"
    accuracy_kind = "categorical"

    def __init__(self, from_logits: bool = False) -> None:
        self.from_logits = bool(from_logits)

    @property
    def gradient_formula(self) -> str:  # type: ignore[override]  # base: a class attribute
        return "softmax(ŷ) - y" if self.from_logits else "-y / ŷ"

    def check_output(
        self, activation: str | None, units: int | None = None, *, name: str | None = None
    ) -> str | None:
        return _cross_entropy_advice(name or self.name, False, self.from_logits, activation, units)

    def check_targets(self, y_true: np.ndarray, pred_shape: tuple[int, ...]) -> np.ndarray:
        if y_true.ndim == 1 and len(pred_shape) == 2 and pred_shape[1] > 1:
            raise ValueError(
                f"CategoricalCrossentropy expected one-hot targets shaped {pred_shape}, got "
                f"{describe(y_true)}. For integer labels use SparseCategoricalCrossentropy."
            )
        return super().check_targets(y_true, pred_shape)

    def _loss_and_gradient(
        self, y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        n = len(y_true)
        per_sample = stable.categorical_crossentropy(y_true, y_pred, self.from_logits)
        if self.from_logits:
            grad = activations.softmax(y_pred) * y_true.sum(axis=1, keepdims=True) - y_true
        else:
            p = np.clip(y_pred, EPSILON, 1 - EPSILON)
            grad = np.where(p == y_pred, -y_true / p, 0.0)  # clipped: the loss is flat there
        grad = grad.astype(y_pred.dtype, copy=False)
        return _weighted_mean(per_sample, sample_weight), _scale_rows(grad, n, sample_weight)


class BinaryCrossentropy(Loss):
    """Cross-entropy for 0/1 targets and one sigmoid output per target.

    With from_logits=True: loss = max(z, 0) - z y + log(1 + exp(-|z|)), gradient sigmoid(z) - y.

    >>> round(BinaryCrossentropy(from_logits=True)(np.array([1]), np.array([[0.0]])), 4)
    0.6931
    """

    name = "binary_crossentropy"
    accuracy_kind = "binary"

    def __init__(self, from_logits: bool = False) -> None:
        self.from_logits = bool(from_logits)

    @property
    def gradient_formula(self) -> str:  # type: ignore[override]  # base: a class attribute
        return "(sigmoid(ŷ) - y) / n" if self.from_logits else "(ŷ - y) / (ŷ(1 - ŷ)) / n"

    def check_output(
        self, activation: str | None, units: int | None = None, *, name: str | None = None
    ) -> str | None:
        return _cross_entropy_advice(name or self.name, True, self.from_logits, activation, units)

    def check_targets(self, y_true: np.ndarray, pred_shape: tuple[int, ...]) -> np.ndarray:
        y_true = super().check_targets(y_true, pred_shape)
        if y_true.size and (y_true.min() < 0 or y_true.max() > 1):
            raise ValueError(
                f"BinaryCrossentropy expected targets in [0, 1], got values from "
                f"{y_true.min():g} to {y_true.max():g}. Encode the two classes as 0 and 1."
            )
        return y_true

    def _loss_and_gradient(
        self, y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        n = len(y_true)
        elementwise = stable.binary_crossentropy(y_true, y_pred, self.from_logits)
        if self.from_logits:
            grad = activations.sigmoid(y_pred) - y_true
        else:
            p = np.clip(y_pred, EPSILON, 1 - EPSILON)
            grad = (p - y_true) / (p * (1 - p))
            grad[(y_pred != p)] = 0  # clipped: the loss is flat there
        per_sample = elementwise.reshape(n, -1).mean(axis=1)
        grad = grad.astype(y_pred.dtype, copy=False) / y_pred[0].size
        return _weighted_mean(per_sample, sample_weight), _scale_rows(grad, n, sample_weight)


class MeanSquaredError(Loss):
    """Mean of (y_true - y_pred)^2 over every output (Keras's MSE; no factor 1/2).

    >>> MeanSquaredError()(np.array([1.0, 2.0]), np.array([[1.0], [4.0]]))
    np.float64(2.0)
    """

    name = "mean_squared_error"
    gradient_formula = "2(ŷ - y) / n"

    def _loss_and_gradient(
        self, y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        n = len(y_true)
        diff = (y_pred - y_true).astype(y_pred.dtype, copy=False)
        per_sample = (diff * diff).reshape(n, -1).mean(axis=1)
        grad = diff * (2.0 / y_pred[0].size)
        return _weighted_mean(per_sample, sample_weight), _scale_rows(grad, n, sample_weight)


class MeanAbsoluteError(Loss):
    """Mean of |y_true - y_pred| over every output; gradient sign(y_pred - y_true).

    >>> MeanAbsoluteError()(np.array([1.0, 2.0]), np.array([[1.0], [4.0]]))
    np.float64(1.0)
    """

    name = "mean_absolute_error"
    gradient_formula = "sign(ŷ - y) / n"

    def _loss_and_gradient(
        self, y_true: np.ndarray, y_pred: np.ndarray, sample_weight: np.ndarray | None = None
    ) -> tuple[float, np.ndarray]:
        n = len(y_true)
        diff = (y_pred - y_true).astype(y_pred.dtype, copy=False)
        per_sample = np.abs(diff).reshape(n, -1).mean(axis=1)
        grad = np.sign(diff) / y_pred[0].size
        return _weighted_mean(per_sample, sample_weight), _scale_rows(grad, n, sample_weight)


_REGISTRY = {
    "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
    "categorical_crossentropy": CategoricalCrossentropy,
    "binary_crossentropy": BinaryCrossentropy,
    "mean_squared_error": MeanSquaredError,
    "mse": MeanSquaredError,
    "mean_absolute_error": MeanAbsoluteError,
    "mae": MeanAbsoluteError,
}


def get(identifier: str | Loss) -> Loss:
    """Return the loss for a name (e.g. "mse", "sparse_categorical_crossentropy") or instance.

    Raises:
        ValueError: for an unknown name, listing the valid ones.

    >>> get("mse")
    MeanSquaredError()
    """
    result: Loss = lookup("loss", identifier, _REGISTRY, Loss)
    return result


def from_config(config: dict[str, Any]) -> Loss:
    """Re-create a loss from `get_config()`."""
    loss = get(config["name"])
    loss.from_logits = bool(config.get("from_logits", False))
    return loss


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
