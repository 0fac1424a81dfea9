"""Feature scaling: fit on the training part only, then transform every part the same way.

`MinMaxScaler` and `StandardScaler` follow scikit-learn's definitions and attribute names;
`scale_images` turns 0-255 pixels into float32 values in [0, 1], as the lecture does with
`train_images / 255.0`.

Fitting on the training data only matters: statistics taken over the validation or test
data leak information about them into training.

>>> x_train = np.array([[1.0, 10.0], [3.0, 30.0]])
>>> scaler = StandardScaler().fit(x_train)
>>> scaler.transform([[2.0, 50.0]])
array([[0., 3.]])
"""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet._internal.checks import as_float_array, check_number, describe

__all__ = ["MinMaxScaler", "StandardScaler", "scale_images"]


class _Scaler:
    """Shared checks: fitted state, feature shape, dtype handling."""

    def __init__(self) -> None:
        self.n_samples_seen_: int | None = None
        self.feature_shape_: tuple[int, ...] | None = None

    def _input(self, name: str, x: Any, fitting: bool) -> np.ndarray:
        raw = np.asarray(x)
        dtype = np.float32 if raw.dtype == np.float32 else np.float64
        array = as_float_array(name, raw, dtype=dtype)
        if array.ndim < 2:
            raise ValueError(
                f"{name} must have shape (samples, features...), got shape {array.shape}. "
                "For a single feature use x.reshape(-1, 1); for one sample, x.reshape(1, -1)."
            )
        if not fitting:
            if self.feature_shape_ is None:
                raise ValueError(
                    f"This {type(self).__name__} is not fitted yet: call fit(x_train) first."
                )
            if array.shape[1:] != self.feature_shape_:
                raise ValueError(
                    f"{type(self).__name__} was fitted on features of shape "
                    f"{self.feature_shape_}, got {name} of shape {array.shape}."
                )
        return array

    def fit_transform(self, x: Any) -> np.ndarray:
        """Fit to `x`, then transform it: `fit(x).transform(x)`."""
        return self.fit(x).transform(x)

    def fit(self, x: Any) -> _Scaler:  # pragma: no cover - overridden
        raise NotImplementedError

    def transform(self, x: Any) -> np.ndarray:  # pragma: no cover - overridden
        raise NotImplementedError


def _safe_scale(scale: np.ndarray, unit: float = 1.0) -> np.ndarray:
    """Replace (near-)zero scales (below 10 machine epsilons of `unit`) by `unit`, so
    constant features are not divided by zero."""
    scale = np.array(scale, dtype=np.float64)
    scale[scale < 10 * unit * np.finfo(scale.dtype).eps] = unit
    return scale


class StandardScaler(_Scaler):
    """Standardise each feature: `z = (x - mean) / std`, with the training mean and std.

    Statistics are per feature, over the first axis; inputs may have any shape
    (samples, ...). A constant feature (std 0) is centred but not divided (scale 1), as in
    scikit-learn. The std is the population one (ddof=0). Float32 input stays float32;
    everything else becomes float64.

    Values up to float64's limit (1.8e308) are fine: the statistics are computed without
    overflow (a variance above float64's range makes `var_` inf; `scale_` stays exact).

    Attributes (after fit):
        mean_: mean of each feature, shape `feature_shape_`.
        var_: variance of each feature.
        scale_: the divisor, std with zeros replaced by 1.
        n_samples_seen_: number of training samples.

    >>> scaler = StandardScaler()
    >>> scaler.fit_transform([[0.0], [2.0], [4.0]]).ravel().round(4).tolist()
    [-1.2247, 0.0, 1.2247]
    >>> scaler.inverse_transform([[1.2247]]).round(3).tolist()
    [[4.0]]
    """

    def __init__(self) -> None:
        super().__init__()
        self.mean_: np.ndarray | None = None
        self.var_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None

    def fit(self, x: Any) -> StandardScaler:
        """Learn each feature's mean and std from `x` (the training data only).

        Args:
            x: shape (samples, features...), finite numbers, at least one sample.

        Returns:
            The scaler itself.
        """
        x = self._input("x", x, fitting=True)
        x64 = x.astype(np.float64, copy=False)
        # Sums of values near 1e308 overflow, so the statistics are taken of x divided by
        # a power of two near each feature's largest |value| (an exact division): the
        # mean and std come out the same as without it, and finite for any finite data.
        peak = np.abs(x64).max(axis=0)
        power = np.ldexp(1.0, np.frexp(np.where(peak > 0, peak, 1.0))[1] - 1)  # 2**k <= peak
        with np.errstate(under="ignore"):  # values below 2**-1022 of the peak count as 0
            scaled = x64 / power  # (samples, features...), |scaled| < 2
            self.mean_ = scaled.mean(axis=0) * power
            variance = scaled.var(axis=0)
        with np.errstate(over="ignore", under="ignore"):
            self.var_ = variance * power**2  # inf for a std above 1.3e154
        self.scale_ = _safe_scale(
            np.sqrt(variance) * power
        )  # exact: sqrt(v * 4**k) = sqrt(v) * 2**k
        self.n_samples_seen_ = len(x)
        self.feature_shape_ = x.shape[1:]
        return self

    def transform(self, x: Any) -> np.ndarray:
        """`(x - mean_) / scale_`, with the statistics of the training data."""
        x = self._input("x", x, fitting=False)
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            z = (x - self.mean_) / self.scale_
            if not np.isfinite(z).all():  # x - mean_ overflowed: values near ±1.8e308
                z = x / self.scale_ - self.mean_ / self.scale_
        if not np.isfinite(z).all():
            raise ValueError(
                "x holds values too far from the training data to standardise in float64 "
                f"(|x| up to {float(np.abs(x).max()):.3g}, training std down to "
                f"{float(self.scale_.min()):.3g})."
            )
        return z.astype(x.dtype, copy=False)

    def inverse_transform(self, z: Any) -> np.ndarray:
        """Undo `transform`: `z * scale_ + mean_`."""
        z = self._input("z", z, fitting=False)
        with np.errstate(over="ignore", invalid="ignore", under="ignore"):
            x = z * self.scale_ + self.mean_
            if not np.isfinite(x).all():  # z * scale_ overflowed: halves don't
                x = (z * (self.scale_ / 2) + self.mean_ / 2) * 2
        if not np.isfinite(x).all():
            raise ValueError("z holds values whose originals lie beyond float64's range.")
        return x.astype(z.dtype, copy=False)


class MinMaxScaler(_Scaler):
    """Rescale each feature linearly so the training minimum and maximum map to a range.

    `x_scaled = (x - data_min_) / (data_max_ - data_min_) * (high - low) + low`; values
    of other data outside the training range land outside `feature_range` (not clipped).
    A constant feature maps to `low` (its range is taken as 1). Float32 stays float32.
    A range wider than float64 holds (max - min above 1.8e308) still scales correctly
    (`data_range_` is then inf).

    Args:
        feature_range: `(low, high)` with low < high; default (0, 1).

    Attributes (after fit):
        data_min_, data_max_, data_range_: per-feature training statistics.
        scale_, min_: `x_scaled = x * scale_ + min_`.

    >>> MinMaxScaler().fit_transform([[1.0, 5.0], [3.0, 5.0], [2.0, 5.0]]).tolist()
    [[0.0, 0.0], [1.0, 0.0], [0.5, 0.0]]
    """

    def __init__(self, feature_range: tuple[float, float] = (0.0, 1.0)) -> None:
        super().__init__()
        try:
            low, high = feature_range
        except (TypeError, ValueError):
            raise TypeError(
                f"feature_range must be a pair (low, high), got {describe(feature_range)}."
            ) from None
        low = check_number("feature_range[0]", low)
        high = check_number("feature_range[1]", high)
        if not low < high:
            raise ValueError(f"feature_range must have low < high, got ({low}, {high}).")
        self.feature_range = (low, high)
        self.data_min_: np.ndarray | None = None
        self.data_max_: np.ndarray | None = None
        self.data_range_: np.ndarray | None = None
        self.scale_: np.ndarray | None = None
        self.min_: np.ndarray | None = None

    def fit(self, x: Any) -> MinMaxScaler:
        """Learn each feature's minimum and maximum from `x` (the training data only).

        Args:
            x: shape (samples, features...), finite numbers, at least one sample.

        Returns:
            The scaler itself.
        """
        x = self._input("x", x, fitting=True).astype(np.float64, copy=False)
        low, high = self.feature_range
        self.data_min_ = x.min(axis=0)
        self.data_max_ = x.max(axis=0)
        with np.errstate(over="ignore"):
            self.data_range_ = self.data_max_ - self.data_min_  # inf beyond 1.8e308
        # Halves never overflow, and (a / 2) / (b / 2) is exactly a / b otherwise.
        half_range = self.data_max_ / 2 - self.data_min_ / 2
        with np.errstate(under="ignore"):  # a range near 1e308 gives a scale near 1e-308
            self.scale_ = ((high - low) / 2) / _safe_scale(half_range, 0.5)
            self.min_ = low - self.data_min_ * self.scale_
        self.n_samples_seen_ = len(x)
        self.feature_shape_ = x.shape[1:]
        return self

    def transform(self, x: Any) -> np.ndarray:
        """`x * scale_ + min_`, with the statistics of the training data."""
        x = self._input("x", x, fitting=False)
        with np.errstate(under="ignore"):  # a tiny scale_ (a range near 1e308) rounds to 0
            return (x * self.scale_ + self.min_).astype(x.dtype, copy=False)

    def inverse_transform(self, z: Any) -> np.ndarray:
        """Undo `transform`: `(z - min_) / scale_`."""
        z = self._input("z", z, fitting=False)
        return ((z - self.min_) / self.scale_).astype(z.dtype, copy=False)


def scale_images(x: Any, max_value: float | None = None) -> np.ndarray:
    """Pixels to float32 in [0, 1]: `x / max_value`, as the lecture's `images / 255.0`.

    Args:
        x: images of any shape, e.g. (samples, 28, 28) uint8.
        max_value: the value that maps to 1. Default: 255 for uint8 and for other data
            (65535 for uint16).

    Returns:
        A new float32 array of the same shape, values in [0, 1].

    Raises:
        ValueError: values below 0 or above `max_value`, NaN or infinity; or float data
            already within [0, 1] while `max_value` was not given (scaling it twice would
            squash it to [0, 0.004]; pass max_value=1 to convert it anyway).

    >>> scale_images(np.array([[0, 51, 255]], dtype=np.uint8))
    array([[0. , 0.2, 1. ]], dtype=float32)
    """
    raw = np.asarray(x)
    if raw.dtype.kind not in "biuf":
        raise TypeError(f"x must hold numeric pixel values, got {describe(raw)}.")
    if raw.size == 0:
        raise ValueError(f"x is empty (shape {raw.shape}); there are no images to scale.")
    if raw.dtype.kind == "f":
        as_float_array("x", raw, dtype=raw.dtype)  # raises on NaN / infinity
    low, high = raw.min(), raw.max()
    if max_value is None:
        if raw.dtype.kind == "f" and high <= 1:
            raise ValueError(
                f"x looks already scaled: its values lie in [{float(low):g}, {float(high):g}]. "
                "Pass max_value=1 to convert it to float32 anyway."
            )
        max_value = 65535.0 if raw.dtype == np.uint16 else 255.0
    max_value = check_number("max_value", max_value, 0, low_inclusive=False)
    if low < 0 or high > max_value:
        raise ValueError(
            f"x must lie in [0, {max_value:g}] to be scaled to [0, 1], got values in "
            f"[{float(low):g}, {float(high):g}]."
        )
    return np.divide(raw, np.float32(max_value), dtype=np.float32)


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
