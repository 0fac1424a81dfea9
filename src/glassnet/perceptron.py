"""The lecture's single neuron: z = x1*w1 + ... + xn*wn + bias*w_bias, y = f(z).

A `Perceptron` computes the net input `z`, passes it through an activation `f`
(the lecture's `sign` by default) and turns the result into one of two classes.
It scores itself against labels in {0, 1} or {-1, 1} (any two values: the lower
one is the negative class), explains one prediction term by term with the real
numbers, and learns its weights with the perceptron learning rule.

Which side of the line is the positive class, per activation (the lecture's two
step functions differ only at z = 0):

| activation | output y = f(z)        | positive class when     | natural labels |
|------------|------------------------|-------------------------|----------------|
| sign       | 1 if z > 0 else -1     | z > 0  (y = 1)          | -1, 1          |
| step       | 1 if z >= 0 else 0     | z >= 0 (y = 1)          | 0, 1           |
| sigmoid    | 1 / (1 + exp(-z))      | z >= 0 (y >= 0.5)       | 0, 1           |
| tanh       | tanh(z)                | z >= 0 (y >= 0)         | -1, 1          |
| linear     | z                      | z >= 0 (y >= 0)         | -1, 1          |
| relu       | max(0, z)              | z > 0  (y > 0)          | 0, 1           |

Softmax is not offered: over the single output of a perceptron it is always 1.

>>> import glassnet as gn
>>> x, y = gn.datasets.lecture_groups()
>>> gn.Perceptron(weights=[0.75, -0.5], bias_weight=1).score(x, y)
0.75
"""

from __future__ import annotations

import warnings
from typing import Any, cast

import numpy as np

from glassnet import activations
from glassnet._internal import html
from glassnet._internal.checks import (
    as_float_array,
    check_finite,
    check_int,
    check_number,
    check_one_of,
    check_same_length,
    check_seed,
)
from glassnet._internal.numbers import plain, precise, short
from glassnet._perceptron_trace import ConvergenceWarning, EpochRecord, Update
from glassnet._sklearn_base import ConstructorParamsMixin, classifier_tags

__all__ = ["ConvergenceWarning", "EpochRecord", "Perceptron", "Update"]


# Per activation: (positive class only when z > 0 strictly?, natural (negative, positive) labels).
_RULES: dict[str, tuple[bool, tuple[int, int]]] = {
    "sign": (True, (-1, 1)),
    "step": (False, (0, 1)),
    "sigmoid": (False, (0, 1)),
    "tanh": (False, (-1, 1)),
    "linear": (False, (-1, 1)),
    "relu": (True, (0, 1)),
}


def _check_activation(activation: Any) -> activations.ActivationFunction:
    if isinstance(activation, str) and activation.lower() != "softmax":
        check_one_of("activation", activation.lower(), _RULES, "activation for a perceptron")
    function = activations.get(activation)
    if function.name not in _RULES:
        raise ValueError(
            f"activation must be one of {', '.join(_RULES)} for a perceptron, got "
            f"'{function.name}'"
            + (": softmax over a single output is always 1." if function.name == "softmax" else ".")
        )
    return function


class Perceptron(ConstructorParamsMixin):
    """A single neuron: z = x1*w1 + ... + xn*wn + bias*w_bias, y = f(z).

    Give either `weights` (one per input) or `n_inputs` (weights drawn uniformly from
    [-1, 1) with `np.random.default_rng(seed)`); with neither, `fit` draws them when it
    sees the data.

    Args:
        weights: w1 ... wn, one per input; shape (n_inputs,).
        bias_weight: w_bias, the weight of the bias input. Default 0.
        bias: the bias input itself, a constant. Default 1, as in the lecture.
        activation: "sign" (default, the lecture's), "step", "sigmoid", "tanh",
            "linear" or "relu"; see the module's table for which side is positive.
        n_inputs: the number of inputs, for random weights when `weights` is None.
        seed: seed for the random weights (and for shuffling in `fit`).

    Attributes:
        weights: the weights, a float64 array of shape (n_inputs,), or None before `fit`.
        classes_: the (negative, positive) labels `predict` returns: the activation's
            natural ones (sign: -1, 1; step: 0, 1) until `fit` sets them from its labels.
        errors_: misclassifications per epoch of the last `fit`.
        history_: an `EpochRecord` per epoch of the last `fit`: which points were
            misclassified and the update each one made.
        converged_: whether the last `fit` ended with an epoch without mistakes.
        fit_summary_: one sentence on how the last `fit` ended.

    It is a scikit-learn estimator (binary only): `get_params` returns the constructor's
    arguments as given, so `sklearn.base.clone` and `cross_val_score` work; `set_params`
    constructs it again.

    Raises:
        ValueError: for an unknown activation, non-finite weights or `n_inputs` that
            disagree with `weights`.

    Example:
        >>> p = Perceptron(weights=[0.75, -0.5], bias_weight=1)
        >>> p.net_input([[2, 1]])
        array([2.])
        >>> p.predict([[2, 1], [0.5, 3]])
        array([ 1, -1])
    """

    def __init__(
        self,
        weights: Any = None,
        bias_weight: float = 0.0,
        bias: float = 1.0,
        activation: str | activations.ActivationFunction = "sign",
        n_inputs: int | None = None,
        seed: int | None = None,
    ) -> None:
        self.activation = _check_activation(activation)
        self.bias_weight = check_number("bias_weight", bias_weight)
        self.bias = check_number("bias", bias)
        self.seed = None if seed is None else check_seed("seed", seed)
        if n_inputs is not None:
            n_inputs = check_int("n_inputs", n_inputs, minimum=1)
        if weights is not None:
            self.weights: np.ndarray | None = as_float_array("weights", weights, ndim=1)
            if n_inputs is not None and n_inputs != len(self.weights):
                raise ValueError(
                    f"n_inputs={n_inputs} disagrees with weights, which has "
                    f"{len(self.weights)} value(s); give one of them."
                )
        elif n_inputs is not None:
            self.weights = self._random_weights(n_inputs)
        else:
            self.weights = None
        strict, natural = _RULES[self.activation.name]
        self._strict = strict
        self.classes_ = np.array(natural)
        self.errors_: list[int] = []
        self.history_: list[EpochRecord] = []
        self.converged_: bool | None = None
        self.fit_summary_ = ""

    def __sklearn_tags__(self) -> Any:
        return classifier_tags(self, multi_class=False)

    def __sklearn_is_fitted__(self) -> bool:
        return self.weights is not None

    # -- forward -----------------------------------------------------------------

    def net_input(self, X: Any) -> np.ndarray:
        """z = X @ weights + bias * bias_weight, one value per sample.

        Args:
            X: the inputs, shape (n_samples, n_inputs).

        Returns:
            z, shape (n_samples,).

        >>> Perceptron(weights=[3, -2], bias_weight=-1).net_input([[2, 1], [0.5, 3]])
        array([ 3. , -5.5])
        """
        X = self.check_inputs(X)
        with np.errstate(over="raise", invalid="raise"):
            try:
                result: np.ndarray = X @ self.weights + self.bias * self.bias_weight
            except FloatingPointError:
                raise _overflow(X, "its sums x @ w with these weights") from None
        return result  # (n_samples,)

    def forward(self, X: Any) -> np.ndarray:
        """y = f(z): the activation's output, what the lecture's code prints as "returned".

        >>> Perceptron(weights=[0.75, -0.5], bias_weight=1).forward([[2, 1], [0.5, 3]])
        array([ 1., -1.])
        """
        return self.activation(self.net_input(X))

    def predict(self, X: Any) -> np.ndarray:
        """The class of each sample, as one of `classes_` (negative, positive).

        With the default sign activation and no `fit` that is -1 or 1, as in the
        lecture; after `fit` it is one of the labels `fit` was given.

        Args:
            X: the inputs, shape (n_samples, n_inputs).

        Returns:
            labels, shape (n_samples,).

        >>> Perceptron(weights=[3, -2], bias_weight=-1, activation="step").predict([[2, 1]])
        array([1])
        """
        return self.classes_[self._positive(self.net_input(X)).astype(np.intp)]

    def score(self, X: Any, y: Any) -> float:
        """Accuracy: the fraction of samples put in their own class.

        Labels may be any two values, {0, 1} or {-1, 1} say: the lower one is the
        negative class, whichever activation the perceptron uses. With a single value
        present, it is read through `classes_` (or as 1 positive, 0 and -1 negative).

        Args:
            X: the inputs, shape (n_samples, n_inputs).
            y: the labels, shape (n_samples,).

        Returns:
            number correct / number of samples.

        Raises:
            ValueError: if `y` holds more than two classes or doesn't match `X`.

        >>> import glassnet as gn
        >>> gn.Perceptron(weights=[3, -2], bias_weight=-1).score(*gn.datasets.lecture_groups())
        1.0
        """
        X = self.check_inputs(X)
        target = self.targets(y, len(X))
        return float(np.mean(self._positive(self.net_input(X)) == target))

    # -- explanation -------------------------------------------------------------

    def equation(self) -> str:
        """The net input as an equation with this perceptron's numbers, lecture style.

        >>> Perceptron(weights=[3, -2], bias_weight=-1).equation()
        'z = x1*3 + x2*-2 + 1*-1'
        """
        weights = self._require_weights()
        terms = [f"x{i + 1}*{short(w)}" for i, w in enumerate(weights)]
        terms.append(f"{short(self.bias)}*{short(self.bias_weight)}")
        return "z = " + " + ".join(terms)

    def explain(self, x: Any) -> str:
        """How the perceptron reaches its output for one sample, with the real numbers.

        Each x_i*w_i, the bias term, their sum z, then f(z) and why it gives that class.

        Args:
            x: one sample, shape (n_inputs,).

        Returns:
            The calculation as lines of text.

        >>> print(Perceptron(weights=[0.75, -0.5], bias_weight=1).explain([2, 1]))
        x1*w1       = 2.0*0.75 = 1.5
        x2*w2       = 1.0*-0.5 = -0.5
        bias*w_bias = 1.0*1.0 = 1.0
        z = 1.5 + -0.5 + 1.0 = 2.0
        y = sign(z): z = 2.0 > 0 so sign gives 1
        """
        weights = self._require_weights()
        x = as_float_array("x", x, ndim=1)
        if len(x) != len(weights):
            raise ValueError(
                f"x has {len(x)} input(s) but the perceptron has {len(weights)} weight(s), "
                "one per input."
            )
        z = float(self.net_input(x[None, :])[0])
        names = [f"x{i + 1}*w{i + 1}" for i in range(len(x))] + ["bias*w_bias"]
        width = max(len(name) for name in names)
        pairs = [*zip(x, weights, strict=True), (self.bias, self.bias_weight)]
        lines = [
            f"{name:<{width}} = {plain(a)}*{plain(b)} = {plain(a * b)}"
            for name, (a, b) in zip(names, pairs, strict=True)
        ]
        lines.append(f"z = {' + '.join(plain(a * b) for a, b in pairs)} = {plain(z)}")
        lines.append(self._explain_activation(z))
        return "\n".join(lines)

    def _explain_activation(self, z: float) -> str:
        name = self.activation.name
        y = float(self.activation(np.array([z]))[0])
        positive = bool(self._positive(np.array([z]))[0])
        negative_label, positive_label = self.classes_.tolist()
        label = positive_label if positive else negative_label
        if name == "sign":
            why = f"z = {plain(z)} > 0" if positive else f"z = {plain(z)} <= 0"
            text = f"y = sign(z): {why} so sign gives {short(y)}"
        elif name == "step":
            why = f"z = {plain(z)} >= 0" if positive else f"z = {plain(z)} < 0"
            text = f"y = step(z): {why} so step gives {short(y)}"
        else:
            formula = {
                "sigmoid": f"1 / (1 + exp(-{plain(z)}))",
                "tanh": f"tanh({plain(z)})",
                "linear": plain(z),
                "relu": f"max(0, {plain(z)})",
            }[name]
            threshold = 0.5 if name == "sigmoid" else 0.0
            compare = (
                (">" if self._strict else ">=") if positive else ("<=" if self._strict else "<")
            )
            text = (
                f"y = {name}(z) = {formula} = {precise(y)}; {precise(y)} {compare} "
                f"{plain(threshold)} so the class is {label}"
            )
            return text + (" (positive)" if positive else " (negative)")
        if label != y:
            side = "positive" if positive else "negative"
            text += f", the {side} class, labelled {label}"
        return text

    # -- learning ----------------------------------------------------------------

    def fit(
        self,
        X: Any,
        y: Any,
        epochs: int = 100,
        learning_rate: float = 0.1,
        shuffle: bool = False,
        seed: int | None = None,
    ) -> Perceptron:
        """Learn the weights with the perceptron learning rule, one point at a time.

        For each point, in order (or shuffled each epoch), with t = 1 for the positive
        class and 0 for the negative one, and p the same for the prediction::

            weights     += learning_rate * (t - p) * x
            bias_weight += learning_rate * (t - p) * bias

        so only misclassified points (t - p = +1 or -1) move the line. This is the 0/1
        form of the rule, used whatever the labels and activation; the -1/1 form
        (t - p = +2 or -2) is the same with twice the learning rate. Training starts
        from the current weights (random ones are drawn if there are none) and stops
        early after an epoch without mistakes. If the data are linearly separable that
        always happens (the perceptron convergence theorem). Without shuffling, if the
        weights at the end of an epoch repeat an earlier epoch's (to 9 decimals), the
        rule would cycle forever, which proves that no straight line separates the
        classes (XOR); fit then stops and warns.

        Args:
            X: the inputs, shape (n_samples, n_inputs).
            y: two-class labels, shape (n_samples,); the lower label is the negative class.
            epochs: the most passes over the data, >= 1.
            learning_rate: the step size, > 0.
            shuffle: visit the points in a new random order each epoch.
            seed: seed for shuffling; default the constructor's `seed`.

        Returns:
            self, with `errors_`, `history_`, `converged_`, `fit_summary_`, and
            `learning_rate_` and `initial_weights_` (weights, bias weight) set.

        Raises:
            ValueError: for labels with other than two classes, `epochs` < 1, a learning
                rate <= 0, or X and y of different lengths.

        Warns:
            ConvergenceWarning: when the last epoch still misclassified points.

        >>> import glassnet as gn
        >>> p = Perceptron(n_inputs=2, seed=0).fit(*gn.datasets.logic_gate("and"))
        >>> p.score(*gn.datasets.logic_gate("and")), p.converged_
        (1.0, True)
        """
        epochs = check_int("epochs", epochs, minimum=1)
        learning_rate = check_number("learning_rate", learning_rate, 0, None, low_inclusive=False)
        X = as_float_array("X", X, ndim=2)
        if self.weights is None:
            self.weights = self._random_weights(X.shape[1])
        X = self.check_inputs(X)
        labels = self._labels(y, len(X))
        classes = np.unique(labels)
        if len(classes) != 2:
            raise ValueError(
                "Only binary classification is supported: y must hold exactly two classes to "
                f"train a perceptron, got {len(classes)}: {classes.tolist()[:10]}."
            )
        self._check_no_overflow(X, epochs, learning_rate)
        self.classes_, self.n_features_in_ = classes, X.shape[1]
        target = (labels == classes[1]).astype(np.intp)  # 1 for the positive class
        rng = np.random.default_rng(self.seed if seed is None else check_seed("seed", seed))

        self.errors_, self.history_ = [], []
        self.learning_rate_ = learning_rate
        self.initial_weights_ = (self.weights.copy(), float(self.bias_weight))
        seen = {self._state(): 0}  # weights at the end of each epoch -> that epoch
        order = np.arange(len(X))
        cycle_from = None
        for epoch in range(1, epochs + 1):
            if shuffle:
                order = rng.permutation(len(X))
            record = EpochRecord(epoch=epoch, errors=0)
            # The rule is sequential by nature: each update moves the line the next point sees.
            for i in order:
                z = float(X[i] @ self.weights + self.bias * self.bias_weight)
                predicted = int(z > 0 if self._strict else z >= 0)  # as _positive
                error = int(target[i]) - predicted
                if error:
                    delta = learning_rate * error * X[i]
                    delta_bias = learning_rate * error * self.bias
                    self.weights = self.weights + delta
                    self.bias_weight += delta_bias
                    record.updates.append(
                        Update(int(i), X[i].copy(), int(target[i]), predicted, z, delta, delta_bias)
                    )
            record.errors = len(record.updates)
            record.weights, record.bias_weight = self.weights.copy(), self.bias_weight
            self.errors_.append(record.errors)
            self.history_.append(record)
            if record.errors == 0:
                break
            state = self._state()
            if not shuffle and state in seen:
                cycle_from = seen[state]
                break
            seen[state] = epoch

        self.converged_ = self.errors_[-1] == 0
        n_epochs, last = len(self.errors_), self.errors_[-1]
        if self.converged_:
            self.fit_summary_ = f"Converged after {n_epochs} epoch(s): every point is classified."
        elif cycle_from is not None:
            start = (
                "their starting values" if cycle_from == 0 else f"those after epoch {cycle_from}"
            )
            self.fit_summary_ = (
                f"Not linearly separable: after epoch {n_epochs} the weights were back to "
                f"{start}, so the perceptron rule would cycle forever; no straight line "
                f"separates the two classes ({last} point(s) misclassified in the last epoch); "
                "a network with a hidden layer can learn it."
            )
        else:
            self.fit_summary_ = (
                f"Did not converge in {n_epochs} epoch(s): {last} point(s) still misclassified "
                "in the last epoch. The data may not be linearly separable; or try more epochs."
            )
        if not self.converged_:
            warnings.warn(self.fit_summary_, ConvergenceWarning, stacklevel=2)
        return self

    # -- inputs and labels -------------------------------------------------------

    def check_inputs(self, X: Any) -> np.ndarray:
        """`X` as a float64 array of shape (n_samples, n_inputs), or raise saying what is wrong.

        >>> Perceptron(weights=[3, -2]).check_inputs([[2, 1]])
        array([[2., 1.]])
        """
        weights = self._require_weights()
        X = np.asarray(X) if not isinstance(X, np.ndarray) else X
        if isinstance(X, np.ndarray) and X.ndim == 1 and X.dtype.kind in "biuf":
            raise ValueError(
                f"X must have 2 dimensions (n_samples, n_inputs), got shape {X.shape}; "
                f"for one sample write [x]."
            )
        X = as_float_array("X", X, ndim=2)
        if X.shape[1] != len(weights):
            raise ValueError(
                f"X has {X.shape[1]} input column(s) but the perceptron has "
                f"{len(weights)} weight(s), one per input; give {len(weights)} "
                f"column(s) or {X.shape[1]} weight(s)."
            )
        result: np.ndarray = X
        return result

    def targets(self, y: Any, n_samples: int | None = None) -> np.ndarray:
        """The learning rule's t for each label: True where it is the positive class.

        Of two labels the higher one is positive, whatever the activation; a single label
        is read through `classes_` (see `score`).

        Args:
            y: the labels, shape (n_samples,).
            n_samples: the number of samples `y` must label (default: any).

        >>> Perceptron(weights=[3, -2]).targets([0, 1, 1])
        array([False,  True,  True])
        """
        labels = self._labels(y, len(np.asarray(y)) if n_samples is None else n_samples)
        classes = np.unique(labels)
        if len(classes) > 2:
            raise ValueError(
                f"y must hold two classes, got {len(classes)}: {classes.tolist()[:10]}."
            )
        if len(classes) == 2:
            result: np.ndarray = labels == classes[1]
            return result
        value = classes[0].item()
        if value in self.classes_:
            result = labels == self.classes_[1]
            return result
        if value in (-1, 0, 1):
            result = labels == 1
            return result
        raise ValueError(
            f"y holds only the label {value!r}, which is not one of this perceptron's classes "
            f"{self.classes_.tolist()}; give both classes or labels from {{0, 1}} or {{-1, 1}}."
        )

    # -- helpers -----------------------------------------------------------------

    def _check_no_overflow(self, X: np.ndarray, epochs: int, learning_rate: float) -> None:
        """Refuse inputs so large that fit's sums z = x @ w + bias * w_bias could overflow.

        Each update adds at most learning_rate * |x| to a weight, and there are at most
        epochs * n_samples updates: that bounds every weight, hence every |z|.
        """
        big = float(np.abs(X).max(initial=0.0))
        updates = epochs * len(X) * learning_rate
        w0 = float(np.abs(cast(np.ndarray, self.weights)).max(initial=0.0))
        bias = abs(float(self.bias))
        bound = X.shape[1] * big * (w0 + updates * big)
        bound += bias * (abs(float(self.bias_weight)) + updates * bias)
        if not np.isfinite(bound):
            raise _overflow(X, f"the sums x @ w of up to {epochs} epochs of training could")

    def _random_weights(self, n_inputs: int) -> np.ndarray:
        return np.random.default_rng(self.seed).uniform(-1.0, 1.0, size=n_inputs)

    def _state(self) -> tuple[float, ...]:
        # Rounded so that float noise (a + lr - lr != a) can't hide a cycle.
        return tuple(
            round(v, 9) for v in (*cast(np.ndarray, self.weights).tolist(), self.bias_weight)
        )

    def _positive(self, z: np.ndarray) -> np.ndarray:
        """True where z puts a sample in the positive class."""
        return z > 0 if self._strict else z >= 0

    def _require_weights(self) -> np.ndarray:
        if self.weights is None:
            raise ValueError(
                "This Perceptron has no weights yet: pass weights= or n_inputs=, or call fit."
            )
        return self.weights

    def _labels(self, y: Any, n_samples: int) -> np.ndarray:
        labels = np.asarray(y)
        if labels.dtype.kind not in "biuf":
            raise TypeError(f"y must hold numeric labels, got dtype {labels.dtype}.")
        if labels.ndim != 1:
            raise ValueError(f"y must have 1 dimension (n_samples,), got shape {labels.shape}.")
        check_finite("y", labels)
        check_same_length("X", np.empty(n_samples), "y", labels)
        return labels

    def _repr_html_(self) -> str:
        weights = None if self.weights is None else [plain(w) for w in self.weights]
        return html.neuron_card(
            weights, plain(self.bias), plain(self.bias_weight), self.activation.name
        )

    def __repr__(self) -> str:
        weights = "None" if self.weights is None else [float(plain(w)) for w in self.weights]
        return (
            f"Perceptron(weights={weights}, bias_weight={plain(self.bias_weight)}, "
            f"bias={plain(self.bias)}, activation='{self.activation.name}')"
        )


def _overflow(X: np.ndarray, what: str) -> ValueError:
    """The error for inputs whose products overflow float64."""
    largest = short(float(np.abs(X).max()))
    return ValueError(
        f"X holds values as large as {largest}: {what} overflow float64 (largest "
        f"{short(float(np.finfo(np.float64).max))}). Expected finite values whose products "
        "fit in float64: scale the inputs first (e.g. gn.datasets.StandardScaler or divide "
        "by their largest value)."
    )


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
