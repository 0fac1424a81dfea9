"""The scikit-learn glue shared by glassnet's estimators, with no scikit-learn import at load.

`ParamsMixin` and `ConstructorParamsMixin` give `get_params`/`set_params` as scikit-learn's
`BaseEstimator` does; `classifier_tags`/`regressor_tags` build `__sklearn_tags__`;
`random_generator` reads a `random_state` as scikit-learn does; `check_mlp_params` checks the
MLP estimators' parameters; `RegressionReport` is the regressor's score beside its baseline.
`gn.sklearn` re-exports them.

>>> bool(random_generator(3).random() == np.random.default_rng(3).random())
True
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np

from glassnet._internal.checks import check_int, check_number, check_one_of, describe
from glassnet._internal.numbers import short
from glassnet.utils import new_rng

__all__ = [
    "INSTALL_HINT",
    "ConstructorParamsMixin",
    "ParamsMixin",
    "RegressionReport",
    "check_mlp_params",
    "classifier_tags",
    "random_generator",
    "regressor_tags",
    "require_sklearn",
]

INSTALL_HINT = "scikit-learn is needed here: pip install glassnet[sklearn]"
# Hidden-layer activations (scikit-learn's names too); step and sign have no gradient.
ACTIVATIONS = {
    "relu": "relu",
    "tanh": "tanh",
    "sigmoid": "sigmoid",
    "logistic": "sigmoid",
    "linear": "linear",
    "identity": "linear",
}
OPTIMIZERS = ("adam", "adamw", "sgd", "rmsprop", "adagrad")


def require_sklearn() -> Any:
    """The `sklearn` package, or an ImportError saying how to install it."""
    try:
        import sklearn
        import sklearn.utils.validation
    except ImportError as error:
        raise ImportError(INSTALL_HINT) from error
    return sklearn


# -- parameters, as scikit-learn's BaseEstimator -------------------------------------------


class ParamsMixin:
    """`get_params`, `set_params` and a repr from the `__init__` signature, as scikit-learn's
    `BaseEstimator` has them, for classes whose `__init__` stores each argument unchanged
    under its own name. `sklearn.base.clone` then works without importing scikit-learn here.

    >>> import glassnet as gn
    >>> clf = gn.sklearn.MLPClassifier(hidden_layer_sizes=(4,))
    >>> clf.set_params(max_iter=5).get_params()["max_iter"]
    5
    """

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(
            name
            for name, p in signature.parameters.items()
            if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        )

    def _param_value(self, name: str) -> Any:
        return getattr(self, name)

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters by name (`deep` is accepted; none is an estimator)."""
        return {name: self._param_value(name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Any:
        """Set constructor parameters by name; an unknown name is a ValueError listing them."""
        _check_param_names(self, params)
        for name, value in params.items():
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {
            name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items()
        }
        changed = [
            f"{name}={value!r}"
            for name, value in self.get_params().items()
            if not _same(value, defaults.get(name, inspect.Parameter.empty))
        ]
        return f"{type(self).__name__}({', '.join(changed)})"


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a is b or (type(a) is type(b) and a == b))
    except (TypeError, ValueError):  # arrays compare elementwise
        return False


class ConstructorParamsMixin(ParamsMixin):
    """`ParamsMixin` for a class whose `__init__` checks and converts its arguments (as
    `gn.Perceptron` does): the arguments are recorded as given, before `__init__` runs, so
    `get_params` returns them and `clone` makes an unfitted copy; `set_params` runs
    `__init__` again with the new values, which resets what `fit` learned.

    >>> import glassnet as gn
    >>> p = gn.Perceptron(weights=[1, 2], activation="step")
    >>> p.get_params()["weights"], p.set_params(bias_weight=0.5).bias_weight
    ([1, 2], 0.5)
    """

    _given_params: dict[str, Any]  # set by __new__

    def __new__(cls, *args: Any, **kwargs: Any) -> Any:
        self = super().__new__(cls)
        try:
            bound = inspect.signature(cls.__init__).bind(None, *args, **kwargs)
        except TypeError:  # __init__ will say what is wrong
            return self
        bound.apply_defaults()
        self._given_params = {k: v for k, v in bound.arguments.items() if k in cls._param_names()}
        return self

    def _param_value(self, name: str) -> Any:
        return self._given_params[name]

    def set_params(self, **params: Any) -> Any:
        """Set constructor parameters and construct again (the learned state is reset)."""
        _check_param_names(self, params)
        fresh = type(self)(**{**self._given_params, **params})  # raises before self changes
        vars(self).clear()
        vars(self).update(vars(fresh))
        return self


def classifier_tags(estimator: Any, multi_class: bool = True) -> Any:
    """scikit-learn's `Tags` for a classifier on dense 2-D float inputs (scikit-learn >= 1.6).

    >>> classifier_tags(None, multi_class=False).classifier_tags.multi_class
    False
    """
    require_sklearn()
    from sklearn.utils import ClassifierTags, Tags, TargetTags

    return Tags(
        estimator_type="classifier",
        target_tags=TargetTags(required=True),
        classifier_tags=ClassifierTags(multi_class=multi_class),
    )


def regressor_tags() -> Any:
    require_sklearn()
    from sklearn.utils import RegressorTags, Tags, TargetTags

    return Tags(
        estimator_type="regressor",
        target_tags=TargetTags(required=True, multi_output=True, single_output=True),
        regressor_tags=RegressorTags(),
    )


def random_generator(random_state: Any) -> np.random.Generator:
    """The Generator a fit draws from, per scikit-learn's `random_state` conventions.

    Args:
        random_state: an int (>= 0), None (glassnet's root seed, see
            `gn.utils.set_random_seed`) or a `np.random.RandomState`, whose next draw
            seeds the Generator.

    Raises:
        ValueError: any other value, as scikit-learn's `check_random_state`.

    >>> bool(random_generator(3).random() == np.random.default_rng(3).random())
    True
    """
    if random_state is None:
        return new_rng()
    if isinstance(random_state, (int, np.integer)) and not isinstance(random_state, bool):
        return np.random.default_rng(check_int("random_state", random_state, minimum=0))
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(2**32, dtype=np.int64))
    raise ValueError(
        "random_state must be an int, None or a numpy.random.RandomState, got "
        f"{describe(random_state)}."
    )


def check_mlp_params(estimator: Any) -> dict[str, Any]:
    """An MLP estimator's parameters, checked (at fit, as scikit-learn checks them), by name.

    >>> import glassnet as gn
    >>> check_mlp_params(gn.sklearn.MLPClassifier(activation="logistic"))["activation"]
    'sigmoid'
    """
    sizes = estimator.hidden_layer_sizes
    sizes = [sizes] if isinstance(sizes, (int, np.integer)) else list(sizes)
    sizes = [check_int(f"hidden_layer_sizes[{i}]", s, minimum=1) for i, s in enumerate(sizes)]
    activation = check_one_of("activation", estimator.activation, ACTIVATIONS, "activation")
    batch = estimator.batch_size
    if batch != "auto":
        batch = check_int("batch_size", batch, minimum=1)
    return {
        "sizes": sizes,
        "activation": ACTIVATIONS[activation],
        "dropout": check_number("dropout", estimator.dropout, 0, 1, high_inclusive=False),
        "optimizer": check_one_of("optimizer", estimator.optimizer, OPTIMIZERS, "optimizer"),
        "learning_rate": check_number(
            "learning_rate", estimator.learning_rate, 0, None, low_inclusive=False
        ),
        "batch_size": batch,
        "max_iter": check_int("max_iter", estimator.max_iter, minimum=1),
        "validation_fraction": check_number(
            "validation_fraction",
            estimator.validation_fraction,
            0,
            1,
            low_inclusive=False,
            high_inclusive=False,
        ),
        "n_iter_no_change": check_int("n_iter_no_change", estimator.n_iter_no_change, minimum=1),
        "verbose": (
            int(estimator.verbose)
            if isinstance(estimator.verbose, bool)
            else check_int("verbose", estimator.verbose, minimum=0)
        ),
    }


@dataclass(frozen=True)
class RegressionReport:
    """What `MLPRegressor.score_report` returns: scores beside a baseline that always
    predicts the mean of the training targets (what a model that learned nothing gets).

    Attributes:
        r2, mse, mae: the model's R² (averaged over outputs), mean squared and mean
            absolute error.
        baseline_r2, baseline_mse: the same for the constant training mean.

    >>> print(RegressionReport(0.8, 0.2, 0.3, -0.01, 1.01))
    R² 0.8 (baseline -0.01: always the training mean); MSE 0.2 vs 1.01; MAE 0.3
    """

    r2: float
    mse: float
    mae: float
    baseline_r2: float
    baseline_mse: float

    def __str__(self) -> str:
        return (
            f"R² {short(self.r2)} (baseline {short(self.baseline_r2)}: always the training "
            f"mean); MSE {short(self.mse)} vs {short(self.baseline_mse)}; MAE {short(self.mae)}"
        )


def _check_param_names(estimator: Any, params: dict[str, Any]) -> None:
    """A ValueError listing the valid names, for a name that is not a constructor parameter
    (scikit-learn's wording)."""
    valid = estimator._param_names()
    for name in params:
        if name not in valid:
            raise ValueError(
                f"Invalid parameter {name!r} for estimator {type(estimator).__name__}. "
                f"Valid parameters are: {valid!r}."
            )
