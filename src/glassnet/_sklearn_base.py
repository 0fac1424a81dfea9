"""The scikit-learn glue shared by glassnet's estimators, with no scikit-learn import at load.

`ParamsMixin` and `ConstructorParamsMixin` give `get_params`/`set_params` as scikit-learn's
`BaseEstimator` does; `classifier_tags`/`regressor_tags` build `__sklearn_tags__`;
`random_generator` reads a `random_state` as scikit-learn does. `gn.sklearn` re-exports them.

>>> bool(random_generator(3).random() == np.random.default_rng(3).random())
True
"""

from __future__ import annotations

import inspect
from typing import Any

import numpy as np

from glassnet._internal.checks import check_int, describe
from glassnet.utils import new_rng

__all__ = [
    "INSTALL_HINT",
    "ConstructorParamsMixin",
    "ParamsMixin",
    "classifier_tags",
    "random_generator",
    "regressor_tags",
    "require_sklearn",
]

INSTALL_HINT = "scikit-learn is needed here: pip install glassnet[sklearn]"


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
        valid = self._param_names()
        for name in params:
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {type(self).__name__}. "
                    f"Valid parameters are: {valid!r}."
                )
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
        valid = self._param_names()
        for name in params:
            if name not in valid:
                raise ValueError(
                    f"Invalid parameter {name!r} for estimator {type(self).__name__}. "
                    f"Valid parameters are: {valid!r}."
                )
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
