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

>>> y_true = [0] * 9 + [1]
>>> y_pred = [0] * 10
>>> print(accuracy_summary(y_true, y_pred).text)
accuracy 0.900 (baseline 0.900, balanced 0.500) ⚠ near baseline; imbalanced 9.0:1
"""

from glassnet.metrics._report import ClassificationReport, classification_report
from glassnet.metrics._running import metric_sum
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
    "IMBALANCE_RATIO",
    "NEAR_BASELINE_POINTS",
    "AccuracySummary",
    "ClassificationReport",
    "accuracy",
    "accuracy_summary",
    "balanced_accuracy",
    "baseline_accuracy",
    "baseline_from_counts",
    "classification_report",
    "confusion_matrix",
    "f1",
    "imbalance_ratio",
    "is_imbalanced",
    "majority_class_baseline",
    "mean_absolute_error",
    "mean_squared_error",
    "metric_sum",
    "precision",
    "r2_score",
    "recall",
    "top_k_accuracy",
]
