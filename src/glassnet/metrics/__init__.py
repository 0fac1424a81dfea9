"""Metrics that can't mislead: accuracy always comes with its baseline.

The lecture's warning: on 90 cats and 10 dogs, a model that answers "cat" every
time scores 90 % accuracy and has learned nothing. So besides the usual metrics
(accuracy, top-k accuracy, confusion matrix, precision / recall / F1, MSE, MAE,
R^2), every accuracy glassnet reports is shown beside the *majority-class
baseline* (the accuracy of always predicting the most frequent class) and the
*balanced accuracy* (the mean recall over the classes), with a warning when the
two tell different stories.

Conventions, as scikit-learn's:
- the confusion matrix has true classes as rows and predicted classes as columns;
- a value that is undefined (precision of a class that was never predicted, recall
  of a class with no true samples) is NaN, never a silent 0; macro and weighted
  averages use the defined values only (scikit-learn's ``zero_division=np.nan``);
- F1 is ``2 tp / (2 tp + fp + fn)``, so it is 0, not undefined, for a class that
  exists but is never predicted.

`y_pred` may be class labels, a score or probability matrix of shape
(n_samples, n_classes) (its argmax is used) or a column (n_samples, 1) of
binary probabilities (thresholded at 0.5, as Keras's binary accuracy).

Keras's metric objects are here too (`SparseCategoricalAccuracy`, `BinaryCrossentropy`,
`Precision`, `AUC`, ...): `compile(metrics=[...])` takes them or their names, and each works
on its own with `update_state(y_true, y_pred)`, `result()` and `reset_state()`.

>>> y_true = [0] * 9 + [1]
>>> y_pred = [0] * 10
>>> print(accuracy_summary(y_true, y_pred).text)
accuracy 0.900 (baseline 0.900, balanced 0.500) ⚠ near baseline; imbalanced 9.0:1
"""

from glassnet.metrics._confusion import AUC, Precision, Recall
from glassnet.metrics._limits import InputStatistics, PredictionCaveats, prediction_caveats
from glassnet.metrics._objects import (
    Accuracy,
    BinaryAccuracy,
    BinaryCrossentropy,
    CategoricalAccuracy,
    CategoricalCrossentropy,
    Mean,
    MeanAbsoluteError,
    MeanMetricWrapper,
    MeanSquaredError,
    Metric,
    SparseCategoricalAccuracy,
    SparseCategoricalCrossentropy,
)
from glassnet.metrics._registry import compile_metrics, get, metric_logs, names, serialize
from glassnet.metrics._report import ClassificationReport, classification_report
from glassnet.metrics._scores import (
    accuracy,
    confusion_matrix,
    f1,
    mean_absolute_error,
    mean_squared_error,
    precision,
    r2_score,
    recall,
    top_k_accuracy,
)
from glassnet.metrics._summary import (
    IMBALANCE_RATIO,
    NEAR_BASELINE_POINTS,
    AccuracySummary,
    accuracy_summary,
    balanced_accuracy,
    baseline_accuracy,
    baseline_from_counts,
    imbalance_ratio,
    is_imbalanced,
    majority_class_baseline,
)

__all__ = [
    "AUC",
    "IMBALANCE_RATIO",
    "NEAR_BASELINE_POINTS",
    "Accuracy",
    "AccuracySummary",
    "BinaryAccuracy",
    "BinaryCrossentropy",
    "CategoricalAccuracy",
    "CategoricalCrossentropy",
    "ClassificationReport",
    "InputStatistics",
    "Mean",
    "MeanAbsoluteError",
    "MeanMetricWrapper",
    "MeanSquaredError",
    "Metric",
    "Precision",
    "PredictionCaveats",
    "Recall",
    "SparseCategoricalAccuracy",
    "SparseCategoricalCrossentropy",
    "accuracy",
    "accuracy_summary",
    "balanced_accuracy",
    "baseline_accuracy",
    "baseline_from_counts",
    "classification_report",
    "compile_metrics",
    "confusion_matrix",
    "f1",
    "get",
    "imbalance_ratio",
    "is_imbalanced",
    "majority_class_baseline",
    "mean_absolute_error",
    "mean_squared_error",
    "metric_logs",
    "names",
    "precision",
    "prediction_caveats",
    "r2_score",
    "recall",
    "serialize",
    "top_k_accuracy",
]


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
