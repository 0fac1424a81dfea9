"""scikit-learn estimators on glassnet: MLPClassifier, MLPRegressor, and the Perceptron's glue.

`MLPClassifier` and `MLPRegressor` build a `gn.Sequential` of Dense layers (with Dropout
between them if asked) and train it with glassnet's `fit`, behind scikit-learn's estimator
interface, so they go into `Pipeline`, `GridSearchCV` and `cross_val_score`. They keep what
glassnet adds: `history_` (the run's `History`), `diagnosis_` (`gn.diagnose` of it) and, for
the classifier, `score_report` (accuracy beside the majority-class baseline).

scikit-learn is an optional dependency (`pip install glassnet[sklearn]`, scikit-learn >= 1.6
for `validate_data` and `__sklearn_tags__`): this module imports without it, and only
fitting, predicting and asking for tags import it.

How `random_state` seeds a run (no global random state is used):

- an int: ``rng = np.random.default_rng(random_state)``; None: ``gn.utils.new_rng()`` (so
  `gn.utils.set_random_seed` makes it repeatable); a `np.random.RandomState` (scikit-learn's
  kind): ``np.random.default_rng(random_state.randint(2**32))``, which advances it, so two
  fits differ, as in scikit-learn.
- then ``build_seed, shuffle_seed, split_seed = rng.integers(2**63, size=3)``: the weights
  (and Dropout masks) come from ``model.build(rng=np.random.default_rng(build_seed))``, the
  order of the batches from a generator seeded with `shuffle_seed`, and the early-stopping
  split from ``train_test_split(..., random_state=split_seed % 2**32)``.

>>> import numpy as np, glassnet as gn
>>> x, y = gn.datasets.logic_gate("xor")
>>> clf = gn.sklearn.MLPClassifier((8,), activation="tanh", learning_rate=0.05,
...                                max_iter=300, batch_size=4, random_state=0)
>>> clf.fit(x, y).predict(x).tolist()
[0, 1, 1, 0]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import layers, losses, optimizers
from glassnet._internal.checks import describe
from glassnet._sklearn_base import (
    INSTALL_HINT,
    ConstructorParamsMixin,
    ParamsMixin,
    RegressionReport,
    check_mlp_params,
    classifier_tags,
    random_generator,
    regressor_tags,
    require_sklearn,
)
from glassnet.callbacks import EarlyStopping, History
from glassnet.doctor import diagnose
from glassnet.metrics import accuracy_summary
from glassnet.model import Sequential

__all__ = [
    "INSTALL_HINT",
    "ConstructorParamsMixin",
    "MLPClassifier",
    "MLPRegressor",
    "ParamsMixin",
    "RegressionReport",
    "classifier_tags",
    "random_generator",
    "regressor_tags",
]


# -- the two MLP estimators ----------------------------------------------------------------


class _BaseMLP(ParamsMixin):
    _output_activation = "linear"
    _is_classifier: bool  # each estimator class sets it

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        dropout: float = 0.0,
        optimizer: str = "adam",
        learning_rate: float = 1e-3,
        batch_size: int | str = 32,
        max_iter: int = 200,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        random_state: Any = None,
        verbose: int | bool = 0,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.dropout = dropout
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.max_iter = max_iter
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state
        self.verbose = verbose

    # -- what subclasses differ in
    def _loss(self) -> losses.Loss:
        raise NotImplementedError

    def _targets(self, y: np.ndarray, first: bool, classes: Any) -> tuple[np.ndarray, int]:
        """(targets for the loss, number of output units); `first` of the network's life."""
        raise NotImplementedError

    def _stratify(self, y: np.ndarray) -> np.ndarray | None:
        return None

    def _fit_class_weight(self, y: np.ndarray) -> dict[int, float] | None:
        return None

    # -- fitting
    def _build(self, p: dict[str, Any], n_features: int, n_outputs: int, seed: int) -> Sequential:
        stack: list[layers.Layer] = []
        for units in p["sizes"]:
            stack.append(layers.Dense(units, activation=p["activation"]))
            if p["dropout"] > 0:
                stack.append(layers.Dropout(p["dropout"]))
        stack.append(layers.Dense(n_outputs, activation=self._output_activation))
        model = Sequential(stack)
        model.build((n_features,), rng=np.random.default_rng(seed))
        optimizer = type(optimizers.get(p["optimizer"]))(learning_rate=p["learning_rate"])
        model.compile(optimizer=optimizer, loss=self._loss())
        return model

    def fit(self, X: Any, y: Any) -> Any:
        """Build a new network for `X` and train it for up to `max_iter` epochs.

        Args:
            X: inputs, shape (n_samples, n_features); a DataFrame's column names are kept
                in `feature_names_in_`.
            y: targets, shape (n_samples,) (or (n_samples, n_outputs) for the regressor).

        Returns:
            self, with `n_features_in_`, `n_iter_` (the epochs run), `loss_curve_` (the
            training loss per epoch), `history_`, `diagnosis_` and `model_` set, and for
            early stopping `validation_scores_` (the validation loss per epoch) and
            `best_loss_`.
        """
        return self._fit(X, y, incremental=False)

    def _fit(self, X: Any, y: Any, incremental: bool, classes: Any = None) -> Any:
        require_sklearn()
        from sklearn.model_selection import train_test_split
        from sklearn.utils.validation import validate_data

        p = check_mlp_params(self)
        if incremental and self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True (it trains one epoch per "
                "call, with no held-out part); use fit, or early_stopping=False."
            )
        first = not (incremental and hasattr(self, "model_"))
        X, y = validate_data(
            self,
            X,
            y,
            reset=first,
            dtype=np.float64,
            multi_output=not self._is_classifier,  # a column y warns, as scikit-learn's
            y_numeric=not self._is_classifier,
        )
        targets, n_outputs = self._targets(y, first, classes)
        if first:
            build_seed, shuffle_seed, split_seed = random_generator(self.random_state).integers(
                2**63, size=3
            )
            self.model_ = self._build(p, X.shape[1], n_outputs, int(build_seed))
            shuffle = np.random.default_rng(shuffle_seed)
            self.model_.set_rng_state({"shuffle": shuffle.bit_generator.state})
            self.loss_curve_ = []
            for stale in ("validation_scores_", "best_loss_"):  # of an earlier early-stopped fit
                vars(self).pop(stale, None)
        x = X.astype(np.float32)
        validation, callbacks = None, []
        if self.early_stopping:
            x, x_val, targets, y_val = train_test_split(
                x,
                targets,
                test_size=p["validation_fraction"],
                # early_stopping means a first fit (partial_fit refuses it): split_seed is set.
                random_state=int(split_seed % 2**32),  # type: ignore[possibly-undefined]
                stratify=self._stratify(targets),
            )
            validation = (x_val, y_val)
            callbacks.append(
                EarlyStopping(patience=p["n_iter_no_change"], restore_best_weights=True)
            )
        batch = min(200, len(x)) if p["batch_size"] == "auto" else p["batch_size"]
        self.history_ = self.model_.fit(
            x,
            targets,
            batch_size=batch,
            epochs=1 if incremental else p["max_iter"],
            verbose=p["verbose"],
            callbacks=callbacks,
            validation_data=validation,
            class_weight=self._fit_class_weight(targets),
        )
        self.loss_curve_ += [float(v) for v in self.history_.history["loss"]]
        self.n_iter_ = len(self.loss_curve_)
        if self.early_stopping:
            self.validation_scores_ = [float(v) for v in self.history_.history["val_loss"]]
            self.best_loss_ = float(np.nanmin(self.validation_scores_))
        whole = self.history_
        if incremental:  # the doctor reads the curve of every call so far
            whole = History.from_dict({"loss": self.loss_curve_}, self.history_.params)
        self.diagnosis_ = diagnose(whole)
        return self

    def _outputs(self, X: Any) -> np.ndarray:
        require_sklearn()
        from sklearn.utils.validation import check_is_fitted, validate_data

        check_is_fitted(self, "model_")
        X = validate_data(self, X, dtype=np.float64, reset=False)
        return self.model_.predict(X.astype(np.float32), verbose=0).astype(np.float64)

    def __sklearn_is_fitted__(self) -> bool:
        return hasattr(self, "model_")


class MLPClassifier(_BaseMLP):
    """A multi-layer perceptron classifier: scikit-learn's interface on a glassnet network.

    The network is Dense(units, activation) per entry of `hidden_layer_sizes` (each
    followed by Dropout(dropout) when dropout > 0), then Dense(n_classes) giving logits,
    trained with sparse categorical cross-entropy from the logits; `predict_proba` is their
    softmax. Two classes get two outputs too (softmax over two logits is the sigmoid of
    their difference), so binary and multiclass are one code path. Labels may be any
    values scikit-learn accepts (strings too); `classes_` holds them sorted.

    Args:
        hidden_layer_sizes: the units of each hidden layer, e.g. (100,) or (64, 32).
        activation: of the hidden layers: "relu", "tanh", "sigmoid" (or "logistic"),
            "linear" (or "identity").
        dropout: the Dropout rate after each hidden layer, in [0, 1); 0 adds none.
        optimizer: "adam", "adamw", "sgd", "rmsprop" or "adagrad", with glassnet's (Keras's)
            defaults.
        learning_rate: the optimizer's learning rate, > 0 (scikit-learn's
            `learning_rate_init`).
        batch_size: samples per step, default 32 as Keras; "auto" is scikit-learn's
            min(200, n_samples).
        max_iter: the number of epochs (passes over the training data), as scikit-learn's
            MLP with its adam and sgd solvers; early stopping may end sooner. Without early
            stopping every epoch runs (there is no `tol`: Keras's fit has none).
        early_stopping: hold out `validation_fraction` of the training data (stratified),
            stop after `n_iter_no_change` epochs without a lower validation loss, and keep
            the weights of the best epoch (Keras's EarlyStopping with
            restore_best_weights=True).
        validation_fraction: the held-out share for early stopping, in (0, 1).
        n_iter_no_change: EarlyStopping's patience, >= 1.
        class_weight: None, "balanced" (n_samples / (n_classes * count) per class, as
            scikit-learn) or a dict label -> weight, multiplying each sample's loss.
        random_state: None, an int or a `np.random.RandomState` (see the module docstring
            for how it seeds the weights, the batches and the split).
        verbose: 0 silent; 1 glassnet's progress bar and the doctor's diagnosis; 2 one line
            per epoch.

    Attributes:
        classes_, n_features_in_, feature_names_in_ (for a DataFrame), n_iter_,
        loss_curve_: as scikit-learn's MLPClassifier.
        model_: the trained `gn.Sequential`.
        history_: its `History`; `diagnosis_`: `gn.diagnose(history_)`.

    >>> import glassnet as gn
    >>> x, y = gn.datasets.logic_gate("and")
    >>> clf = MLPClassifier((4,), max_iter=3, random_state=0).fit(x, y)
    >>> clf.classes_.tolist(), clf.n_iter_
    ([0, 1], 3)
    """

    _is_classifier = True

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: str = "relu",
        dropout: float = 0.0,
        optimizer: str = "adam",
        learning_rate: float = 1e-3,
        batch_size: int | str = 32,
        max_iter: int = 200,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        n_iter_no_change: int = 10,
        class_weight: dict[Any, float] | str | None = None,
        random_state: Any = None,
        verbose: int | bool = 0,
    ) -> None:
        super().__init__(
            hidden_layer_sizes=hidden_layer_sizes,
            activation=activation,
            dropout=dropout,
            optimizer=optimizer,
            learning_rate=learning_rate,
            batch_size=batch_size,
            max_iter=max_iter,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            n_iter_no_change=n_iter_no_change,
            random_state=random_state,
            verbose=verbose,
        )
        self.class_weight = class_weight

    def __sklearn_tags__(self) -> Any:
        return classifier_tags(self)

    def _loss(self) -> losses.Loss:
        return losses.SparseCategoricalCrossentropy(from_logits=True)

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> MLPClassifier:
        """Train one epoch on `(X, y)`, continuing the network (and optimizer) of earlier calls.

        The first call builds the network and needs `classes`, every label that any call
        will see, as scikit-learn's `partial_fit` does (after `fit`, partial_fit continues
        fit's network; `fit` always builds a new one). class_weight "balanced" and
        early stopping are refused: one call sees neither all the data nor a held-out part.

        Returns:
            self; `loss_curve_` and `n_iter_` count the epochs of every call.
        """
        if not hasattr(self, "model_") and classes is None:
            raise ValueError("classes must be passed on the first call to partial_fit.")
        if isinstance(self.class_weight, str):
            raise ValueError(
                "class_weight='balanced' needs all the data, which partial_fit does not see; "
                "give a dict label -> weight."
            )
        result: MLPClassifier = self._fit(X, y, incremental=True, classes=classes)
        return result

    def _targets(self, y: np.ndarray, first: bool, classes: Any) -> tuple[np.ndarray, int]:
        from sklearn.utils.multiclass import check_classification_targets

        check_classification_targets(y)
        if first:
            self.classes_ = np.unique(y if classes is None else np.asarray(classes))
        elif classes is not None and not np.array_equal(np.unique(classes), self.classes_):
            raise ValueError(
                f"classes={np.unique(classes).tolist()!r} is not the same as on the first "
                f"call to partial_fit, {self.classes_.tolist()!r}."
            )
        if len(self.classes_) < 2:
            raise ValueError(
                "MLPClassifier needs samples of at least 2 classes in y, got one class: "
                f"{self.classes_[0]!r}."
            )
        unknown = np.setdiff1d(y, self.classes_)
        if len(unknown):
            raise ValueError(
                f"y holds labels not in classes {self.classes_.tolist()!r}: "
                f"{unknown[:10].tolist()!r}."
            )
        return np.searchsorted(self.classes_, y).astype(np.int64), len(self.classes_)

    def _stratify(self, y: np.ndarray) -> np.ndarray | None:
        return y

    def _fit_class_weight(self, y: np.ndarray) -> dict[int, float] | None:
        weights = self.class_weight
        if weights is None:
            return None
        if isinstance(weights, str) and weights == "balanced":
            counts = np.bincount(y, minlength=len(self.classes_))
            return {i: len(y) / (len(counts) * c) for i, c in enumerate(counts) if c}
        if not isinstance(weights, dict):
            raise ValueError(
                f"class_weight must be None, 'balanced' or a dict label -> weight, got "
                f"{describe(weights)}."
            )
        unknown = [label for label in weights if label not in self.classes_]
        if unknown:
            raise ValueError(
                f"class_weight names labels {unknown!r} that are not in y's classes "
                f"{self.classes_.tolist()!r}."
            )
        position = {label: i for i, label in enumerate(self.classes_.tolist())}
        return {position[label]: float(w) for label, w in weights.items()}

    def predict_proba(self, X: Any) -> np.ndarray:
        """The probability of each class (columns in the order of `classes_`), in float64."""
        logits = self._outputs(X)  # (n_samples, n_classes)
        with np.errstate(under="ignore"):
            e = np.exp(logits - logits.max(axis=1, keepdims=True))
        result: np.ndarray = e / e.sum(axis=1, keepdims=True)
        return result

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each sample, one of `classes_`."""
        index = self._outputs(X).argmax(axis=1)  # checks first that fit was called
        result: np.ndarray = self.classes_[index]
        return result

    def score(self, X: Any, y: Any) -> float:
        """Accuracy: the fraction of samples predicted right (scikit-learn's ClassifierMixin)."""
        require_sklearn()
        from sklearn.metrics import accuracy_score

        return float(accuracy_score(y, self.predict(X)))

    def score_report(self, X: Any, y: Any) -> Any:
        """Accuracy beside the majority-class baseline and the balanced accuracy.

        Returns:
            `gn.metrics.AccuracySummary` (`str()` of it is one line), with the classes
            named as in `classes_`.

        Raises:
            ValueError: `y` holds a label the classifier was not trained on.
        """
        pred = self._outputs(X).argmax(axis=1)
        y = np.asarray(y)
        unknown = np.setdiff1d(y, self.classes_)
        if len(unknown):
            raise ValueError(f"y holds labels not in classes_: {unknown[:10].tolist()!r}.")
        true = np.searchsorted(self.classes_, y)
        return accuracy_summary(true, pred, class_names=[str(c) for c in self.classes_])


class MLPRegressor(_BaseMLP):
    """A multi-layer perceptron regressor: scikit-learn's interface on a glassnet network.

    The network is Dense(units, activation) per entry of `hidden_layer_sizes` (Dropout
    after each when dropout > 0), then a linear Dense with one unit per target, trained on
    the mean squared error. A 1-D `y` gives 1-D predictions. The targets are not rescaled
    (neither does scikit-learn): standardise large ones yourself, e.g. with
    `sklearn.compose.TransformedTargetRegressor`.

    Args:
        hidden_layer_sizes, activation, dropout, optimizer, learning_rate, batch_size,
        max_iter, early_stopping, validation_fraction, n_iter_no_change, random_state,
        verbose: as `MLPClassifier` (the early-stopping split is not stratified).

    Attributes:
        n_features_in_, feature_names_in_ (for a DataFrame), n_iter_, loss_curve_ (the mean
        squared error, twice scikit-learn's, which halves it), model_, history_, diagnosis_.

    >>> import numpy as np
    >>> x = np.linspace(-1, 1, 20)[:, None]
    >>> reg = MLPRegressor((8,), max_iter=2, random_state=0).fit(x, 2 * x[:, 0])
    >>> reg.predict(x).shape
    (20,)
    """

    _is_classifier = False

    def __sklearn_tags__(self) -> Any:
        return regressor_tags()

    def _loss(self) -> losses.Loss:
        return losses.MeanSquaredError()

    def partial_fit(self, X: Any, y: Any) -> MLPRegressor:
        """Train one epoch on `(X, y)`, continuing the network (and optimizer) of earlier calls
        (the first call builds it); early stopping is refused (no held-out part).

        Returns:
            self; `loss_curve_` and `n_iter_` count the epochs of every call.
        """
        result: MLPRegressor = self._fit(X, y, incremental=True)
        return result

    def _targets(self, y: np.ndarray, first: bool, classes: Any) -> tuple[np.ndarray, int]:
        targets = y.reshape(len(y), -1).astype(np.float32)
        if first:
            self._one_d = y.ndim == 1
            self._target_sum, self._target_count = np.zeros(targets.shape[1]), 0
        elif targets.shape[1] != self.model_.output_shape[-1]:
            raise ValueError(
                f"y has {targets.shape[1]} target(s) per sample, but the network was built "
                f"for {self.model_.output_shape[-1]} by the first call to partial_fit."
            )
        self._target_sum = self._target_sum + y.reshape(len(y), -1).sum(axis=0)  # baseline
        self._target_count += len(y)
        return targets, targets.shape[1]

    def predict(self, X: Any) -> np.ndarray:
        """The predicted targets: shape (n_samples,) if fit had a 1-D y, else (n_samples, n)."""
        outputs = self._outputs(X)
        return outputs[:, 0] if self._one_d else outputs

    def score(self, X: Any, y: Any) -> float:
        """R², the coefficient of determination, averaged over outputs (RegressorMixin's)."""
        require_sklearn()
        from sklearn.metrics import r2_score

        return float(r2_score(y, self.predict(X)))

    def score_report(self, X: Any, y: Any) -> RegressionReport:
        """R², MSE and MAE beside the baseline of always predicting the training mean.

        >>> import numpy as np
        >>> x = np.linspace(-1, 1, 20)[:, None]
        >>> reg = MLPRegressor((8,), max_iter=2, random_state=0).fit(x, 2 * x[:, 0])
        >>> round(reg.score_report(x, 2 * x[:, 0]).baseline_r2, 12)
        0.0
        """
        require_sklearn()
        from sklearn.metrics import r2_score

        y = np.asarray(y, dtype=np.float64)
        pred = self.predict(X)
        mean = np.broadcast_to(self._target_sum / self._target_count, pred.shape[:1] + y.shape[1:])
        return RegressionReport(
            r2=float(r2_score(y, pred)),
            mse=float(np.mean((y - pred) ** 2)),
            mae=float(np.mean(np.abs(y - pred))),
            baseline_r2=float(r2_score(y, mean)),
            baseline_mse=float(np.mean((y - mean) ** 2)),
        )


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
