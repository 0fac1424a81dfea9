"""Every metric against numbers worked out by hand (the arithmetic is in the comments).

conftest.py turns NumPy floating-point warnings into errors, so a division by zero
anywhere (e.g. precision of a class never predicted) would fail these tests.
"""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from glassnet import metrics as m

# A 3-class case in which class 2 is never predicted.
Y_TRUE = [0, 0, 0, 1, 1, 2]
Y_PRED = [0, 0, 1, 1, 0, 0]
# Confusion matrix (rows true, columns predicted):
#   true 0 -> predicted 0, 0, 1  -> [2, 1, 0]
#   true 1 -> predicted 1, 0     -> [1, 1, 0]
#   true 2 -> predicted 0        -> [1, 0, 0]
CM = [[2, 1, 0], [1, 1, 0], [1, 0, 0]]

# The lecture's 90 cats (0) and 10 dogs (1), with a model that always says "cat".
CATS_DOGS_TRUE = [0] * 90 + [1] * 10
ALWAYS_CAT = [0] * 100


# ------------------------------------------------------------------- accuracy


def test_accuracy_by_hand():
    # correct: samples 0, 1, 3 -> 3 / 6
    assert m.accuracy(Y_TRUE, Y_PRED) == 0.5


def test_accuracy_takes_the_argmax_of_scores():
    scores = [[0.7, 0.2, 0.1], [0.1, 0.1, 0.8], [0.3, 0.6, 0.1]]  # argmax 0, 2, 1
    assert m.accuracy([0, 1, 1], scores) == pytest.approx(2 / 3)


def test_accuracy_thresholds_a_probability_column_at_one_half():
    # 0.9 -> 1, 0.2 -> 0, 0.6 -> 1, 0.4 -> 0; true 1, 0, 0, 0: 3 right of 4
    assert m.accuracy([1, 0, 0, 0], [[0.9], [0.2], [0.6], [0.4]]) == 0.75


def test_accuracy_accepts_one_hot_truth():
    one_hot = np.eye(3)[[0, 2, 1]]
    assert m.accuracy(one_hot, [0, 2, 2]) == pytest.approx(2 / 3)


def test_top_k_accuracy_by_hand():
    scores = [
        [0.1, 0.6, 0.3],  # true 2 (0.3): one class higher (0.6) -> rank 2
        [0.5, 0.2, 0.3],  # true 2 (0.3): one higher (0.5) -> rank 2
        [0.2, 0.2, 0.6],  # true 1 (0.2): one higher (0.6), a tie with class 0 -> rank 2
        [0.4, 0.4, 0.2],  # true 0 (0.4): none higher, a tie -> rank 1 (ties count as hits)
    ]
    y = [2, 2, 1, 0]
    assert m.top_k_accuracy(y, scores, k=1) == 0.25
    assert m.top_k_accuracy(y, scores, k=2) == 1.0
    assert m.top_k_accuracy(y, scores, k=5) == 1.0  # k beyond the classes: all hits


def test_top_k_accuracy_rejects_labels_beyond_the_score_columns():
    with pytest.raises(ValueError, match=r"y_true must hold labels in \[0, 3\)"):
        m.top_k_accuracy([0, 3], np.zeros((2, 3)), k=1)
    with pytest.raises(ValueError, match="k must be an integer >= 1, got 0"):
        m.top_k_accuracy([0], np.zeros((1, 3)), k=0)


# ----------------------------------------------------------- confusion matrix


def test_confusion_matrix_by_hand():
    np.testing.assert_array_equal(m.confusion_matrix(Y_TRUE, Y_PRED), CM)


def test_confusion_matrix_with_n_classes_keeps_absent_classes():
    cm = m.confusion_matrix([0, 1], [0, 0], n_classes=4)
    expected = np.zeros((4, 4), dtype=int)
    expected[0, 0] = 1  # true 0 -> 0
    expected[1, 0] = 1  # true 1 -> 0
    np.testing.assert_array_equal(cm, expected)


def test_confusion_matrix_with_labels_and_negative_labels():
    # perceptron "sign" outputs: -1 and 1; labels given out of order are sorted
    cm = m.confusion_matrix([-1, 1, 1], [-1, -1, 1], labels=[1, -1])
    np.testing.assert_array_equal(cm, [[1, 0], [1, 1]])


def test_confusion_matrix_rejects_labels_outside_the_classes():
    with pytest.raises(ValueError, match=r"y_pred holds label\(s\) \[5\] outside the classes"):
        m.confusion_matrix([0, 1], [0, 5], n_classes=2)
    with pytest.raises(ValueError, match="n_classes or labels, not both"):
        m.confusion_matrix([0], [0], n_classes=1, labels=[0])
    with pytest.raises(ValueError, match="labels must not repeat"):
        m.confusion_matrix([0], [0], labels=[0, 0])


# ------------------------------------------------- precision, recall and F1


def test_precision_recall_f1_per_class_by_hand():
    # class 0: tp 2, predicted 4 (column 0), support 3 -> P 2/4, R 2/3, F1 2*2/(4+3) = 4/7
    # class 1: tp 1, predicted 2, support 2           -> P 1/2, R 1/2, F1 2*1/(2+2) = 1/2
    # class 2: tp 0, predicted 0, support 1           -> P undefined, R 0, F1 0/(0+1) = 0
    np.testing.assert_allclose(m.precision(Y_TRUE, Y_PRED), [0.5, 0.5, np.nan])
    np.testing.assert_allclose(m.recall(Y_TRUE, Y_PRED), [2 / 3, 0.5, 0.0])
    np.testing.assert_allclose(m.f1(Y_TRUE, Y_PRED), [4 / 7, 0.5, 0.0])


def test_macro_and_weighted_averages_by_hand():
    # macro precision: the defined ones only, (1/2 + 1/2) / 2
    assert m.precision(Y_TRUE, Y_PRED, average="macro") == pytest.approx(0.5)
    # macro recall: (2/3 + 1/2 + 0) / 3 = 7/18
    assert m.recall(Y_TRUE, Y_PRED, average="macro") == pytest.approx(7 / 18)
    # macro F1: (4/7 + 1/2 + 0) / 3 = 5/14
    assert m.f1(Y_TRUE, Y_PRED, average="macro") == pytest.approx(5 / 14)
    # weighted by support 3, 2, 1; precision skips class 2: (1/2*3 + 1/2*2) / 5
    assert m.precision(Y_TRUE, Y_PRED, average="weighted") == pytest.approx(0.5)
    # weighted recall: (2/3*3 + 1/2*2 + 0*1) / 6 = 3/6, which is always the accuracy
    assert m.recall(Y_TRUE, Y_PRED, average="weighted") == pytest.approx(0.5)
    # weighted F1: (4/7*3 + 1/2*2 + 0) / 6 = (12/7 + 1) / 6 = 19/42
    assert m.f1(Y_TRUE, Y_PRED, average="weighted") == pytest.approx(19 / 42)


def test_recall_of_a_class_with_no_true_samples_is_undefined():
    # class 2 is predicted once but never true: recall 0/0 -> NaN; precision 0/1 = 0
    assert np.isnan(m.recall([0, 1, 1], [0, 1, 2])[2])
    assert m.precision([0, 1, 1], [0, 1, 2])[2] == 0.0
    # a class neither true nor predicted (via n_classes) has everything undefined
    assert np.isnan(m.f1([0, 1], [0, 1], n_classes=3)[2])


def test_averages_skip_undefined_values():
    # labels [0, 1] on data of class 0 only: recall [1, undefined] -> macro 1, not 1/2
    assert m.recall([0], [0], labels=[1, 0], average="macro") == 1.0
    # precision [1, undefined]: weighted by support 1 and 0 -> 1
    assert m.precision([0, 0], [0, 0], n_classes=2, average="weighted") == 1.0


def test_unknown_average_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown average 'micro'.*Valid names: macro, weighted"):
        m.precision([0], [0], average="micro")


# ------------------------------------------------- balanced accuracy, baseline


def test_balanced_accuracy_by_hand():
    # recalls over the classes present in y_true: 2/3, 1/2, 0 -> 7/18
    assert m.balanced_accuracy(Y_TRUE, Y_PRED) == pytest.approx(7 / 18)


def test_balanced_accuracy_ignores_classes_only_predicted():
    # y_true has classes 0 and 1: recall 1/2 and 1/1 -> 3/4; the prediction 2 is an error
    assert m.balanced_accuracy([0, 0, 1], [0, 2, 1]) == 0.75


def test_majority_class_baseline_by_hand():
    assert m.majority_class_baseline(Y_TRUE) == 0.5  # class 0: 3 of 6
    assert m.baseline_accuracy(CATS_DOGS_TRUE) == 0.9  # 90 of 100


def test_the_lecture_cat_classifier():
    """Always "cat" on 90 cats and 10 dogs: 0.9 accuracy, 0.9 baseline, 0.5 balanced."""
    s = m.accuracy_summary(CATS_DOGS_TRUE, ALWAYS_CAT, class_names=["cat", "dog"])
    assert s.accuracy == 0.9
    assert s.baseline == 0.9
    assert s.balanced_accuracy == 0.5  # recall of cat 90/90 = 1, of dog 0/10 = 0
    assert s.majority_class == "cat"
    assert s.imbalanced and s.imbalance_ratio == 9.0
    assert any("within 2 points of the majority-class baseline" in w for w in s.warnings)
    assert any("imbalanced" in w for w in s.warnings)
    assert s.text == (
        "accuracy 0.900 (baseline 0.900, balanced 0.500) ⚠ near baseline; imbalanced 9.0:1"
    )
    # per class: precision of dog undefined (never predicted), F1 of cat 2*90/(180+0+10)
    np.testing.assert_allclose(m.precision(CATS_DOGS_TRUE, ALWAYS_CAT), [0.9, np.nan])
    np.testing.assert_allclose(m.f1(CATS_DOGS_TRUE, ALWAYS_CAT), [18 / 19, 0.0])


def test_summary_warnings_thresholds():
    # balanced 2 classes, 10 samples; baseline 0.5
    y = [0] * 5 + [1] * 5
    good = m.accuracy_summary(y, y)  # accuracy 1.0: no warning
    assert good.warnings == () and str(good) == ("accuracy 1.000 (baseline 0.500, balanced 1.000)")
    # right: sample 4 (a 0) and samples 7, 8 (1s): 3 of 10 = 0.3 < 0.5 - 0.02 -> "below"
    below = m.accuracy_summary(y, [1, 1, 1, 1, 0, 0, 0, 1, 1, 0])
    assert below.accuracy == pytest.approx(0.3)
    assert below.flags == ("below baseline",)
    assert "always predicting 0 would do better" in below.warnings[0]
    # a 3:2 mix is not imbalanced (1.5 <= 2); a 5:2 one is (2.5 > 2)
    assert not m.accuracy_summary([0, 0, 0, 1, 1], [0, 0, 0, 1, 1]).imbalanced
    assert m.accuracy_summary([0] * 5 + [1] * 2, [0] * 5 + [1] * 2).flags == ("imbalanced 2.5:1",)


def test_summary_near_baseline_edge():
    # 100 samples, 50/50, accuracy 0.52: within 2 points -> warned; 0.53: not
    y = np.array([0] * 50 + [1] * 50)
    pred = y.copy()
    pred[:48] = 1  # 48 wrong -> 0.52
    assert "near baseline" in m.accuracy_summary(y, pred).flags
    pred[47] = 0  # 47 wrong -> 0.53
    assert m.accuracy_summary(y, pred).flags == ()


def test_summary_single_class_truth():
    s = m.accuracy_summary([1, 1, 1], [1, 1, 0])
    assert s.baseline == 1.0 and s.flags == ("single class",)
    assert s.to_dict()["class_counts"] == {"1": 3}


def test_summary_to_dict_is_json():
    d = m.accuracy_summary(CATS_DOGS_TRUE, ALWAYS_CAT).to_dict()
    assert json.loads(json.dumps(d, allow_nan=False))["baseline"] == 0.9
    assert d["majority_class"] == 0 and d["imbalanced"] is True


# ------------------------------------------------------------------ regression


def test_regression_metrics_by_hand():
    y, p = [3.0, -0.5, 2.0, 7.0], [2.5, 0.0, 2.0, 8.0]
    # errors 0.5, -0.5, 0, -1
    assert m.mean_squared_error(y, p) == pytest.approx((0.25 + 0.25 + 0 + 1) / 4)  # 0.375
    assert m.mean_absolute_error(y, p) == pytest.approx((0.5 + 0.5 + 0 + 1) / 4)  # 0.5
    # mean 2.875; SS_tot = 0.125^2 + 3.375^2 + 0.875^2 + 4.125^2 = 29.1875; SS_res = 1.5
    assert m.r2_score(y, p) == pytest.approx(1 - 1.5 / 29.1875)


def test_r2_two_outputs_is_the_mean_of_each():
    y = [[0.5, 1], [-1, 1], [7, -6]]
    p = [[0, 2], [-1, 2], [8, -5]]
    # column 1: mean 13/6; deviations -5/3, -19/6, 29/6 -> SS_tot 1302/36 = 217/6; SS_res 1.25
    # column 2: mean -4/3; deviations 7/3, 7/3, -14/3 -> SS_tot 294/9 = 98/3; SS_res 3
    r2_1 = 1 - 1.25 / (217 / 6)
    r2_2 = 1 - 3 / (98 / 3)
    assert m.r2_score(y, p) == pytest.approx((r2_1 + r2_2) / 2)
    # MSE over all 6 entries: (0.25 + 1 + 0 + 1 + 1 + 1) / 6
    assert m.mean_squared_error(y, p) == pytest.approx(4.25 / 6)


def test_r2_of_constant_truth_is_undefined():
    assert math.isnan(m.r2_score([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]))
    assert math.isnan(m.r2_score([2.0, 2.0], [1.0, 3.0]))


def test_regression_column_and_flat_shapes_match():
    assert m.mean_absolute_error([[1.0], [2.0]], [1.5, 2.5]) == 0.5
    with pytest.raises(ValueError, match=r"same shape, got \(2, 2\) and \(2,\)"):
        m.mean_squared_error(np.zeros((2, 2)), np.zeros(2))


# ------------------------------------------------------------------ validation


@pytest.mark.parametrize(
    ("y_true", "y_pred", "error", "match"),
    [
        ([0, 1, 1], [0, 1], ValueError, "y_true and y_pred must have the same number of samples"),
        ([], [], ValueError, "y_true is empty"),
        ([0, 1], [0, float("nan")], ValueError, "y_pred contains NaN or infinity"),
        ([0, 1], [0.2, 0.7], ValueError, "y_pred must hold integer class labels.*non-integer"),
        ([0.5, 1], [0, 1], ValueError, "y_true must hold integer class labels"),
        (["a", "b"], [0, 1], TypeError, "y_true must be numeric"),
        (np.zeros((2, 2, 2)), [0, 1], ValueError, r"y_true must have 1 or 2 dimension"),
    ],
)
def test_classification_input_errors(y_true, y_pred, error, match):
    with pytest.raises(error, match=match):
        m.accuracy(y_true, y_pred)


def test_regression_input_errors():
    with pytest.raises(ValueError, match="y_pred contains NaN"):
        m.mean_squared_error([1.0, 2.0], [1.0, float("inf")])
    with pytest.raises(ValueError, match="same number of samples, got 2 and 3"):
        m.r2_score([1.0, 2.0], [1.0, 2.0, 3.0])


# ------------------------------------------------------- classification report


def test_classification_report_numbers_and_text():
    names = ["cat", "dog", "cow", "bird"]
    r = m.classification_report(Y_TRUE, Y_PRED, class_names=names)
    d = r.to_dict()
    assert list(d["classes"]) == names
    assert d["classes"]["cat"] == {
        "label": 0,
        "precision": 0.5,
        "recall": pytest.approx(2 / 3),
        "f1": pytest.approx(4 / 7),
        "support": 3,
    }
    assert d["classes"]["cow"]["precision"] is None  # never predicted: undefined
    assert d["classes"]["bird"] == {
        "label": 3,
        "precision": None,
        "recall": None,
        "f1": None,
        "support": 0,
    }
    assert d["macro avg"]["f1"] == pytest.approx(5 / 14)
    assert d["weighted avg"]["f1"] == pytest.approx(19 / 42)
    assert (d["accuracy"], d["baseline"]) == (0.5, 0.5)
    assert d["balanced_accuracy"] == pytest.approx(7 / 18)
    assert d["confusion_matrix"] == [[2, 1, 0, 0], [1, 1, 0, 0], [1, 0, 0, 0], [0, 0, 0, 0]]
    assert len(d["warnings"]) == 2  # near baseline, imbalanced (3:1)
    json.dumps(d, allow_nan=False)  # no NaN leaks into the dict

    text = str(r)
    assert "accuracy 0.500   baseline 0.500 (always 'cat')   balanced accuracy 0.389" in text
    cow_row = next(line for line in text.splitlines() if line.startswith("cow"))
    assert cow_row.split() == ["cow", "—", "0.000", "0.000", "1"]
    assert "precision of 'cow' (never predicted)" in text
    assert text.count("⚠") == 2


def test_classification_report_html_escapes_and_shows_context():
    r = m.classification_report([0, 1], [0, 0], class_names=["<cat>", "dog"])
    page = r._repr_html_()
    assert "&lt;cat&gt;" in page and "<cat>" not in page
    assert "<table" in page and "balanced accuracy" in page and "baseline" in page


def test_classification_report_labels_with_names_follow_the_given_order():
    r = m.classification_report([1, 2, 2], [1, 2, 1], labels=[2, 1], class_names=["two", "one"])
    assert r.names == ["one", "two"]  # rows sorted by label; names kept with their label
    assert r.to_dict()["classes"]["one"]["support"] == 1


def test_classification_report_errors():
    with pytest.raises(ValueError, match=r"outside the classes \[0, 1\]"):
        m.classification_report([0, 2], [0, 1], class_names=["a", "b"])
    with pytest.raises(ValueError, match="class_names has 1 names for 2 classes"):
        m.classification_report([0, 1], [0, 1], labels=[0, 1], class_names=["a"])
    with pytest.raises(TypeError, match="class_names must be a list of names"):
        m.classification_report([0, 1], [0, 1], class_names="ab")


# ---------------------------------------------------------- a second method


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4)), min_size=1, max_size=40),
)
def test_identities_hold_on_random_labels(pairs):
    y_true = np.array([a for a, _ in pairs])
    y_pred = np.array([b for _, b in pairs])
    cm = m.confusion_matrix(y_true, y_pred, n_classes=5)
    n = len(pairs)
    # accuracy is the diagonal's share; weighted recall equals accuracy
    assert m.accuracy(y_true, y_pred) == pytest.approx(np.trace(cm) / n)
    assert m.recall(y_true, y_pred, average="weighted") == pytest.approx(np.trace(cm) / n)
    # balanced accuracy is the macro recall over the classes of y_true
    present = np.unique(y_true)
    recalls = m.recall(y_true, y_pred, n_classes=5)[present]
    assert m.balanced_accuracy(y_true, y_pred) == pytest.approx(recalls.mean())
    # F1 is the harmonic mean of precision and recall where both are defined and > 0
    p, r, f = (fn(y_true, y_pred, n_classes=5) for fn in (m.precision, m.recall, m.f1))
    both = ~np.isnan(p) & ~np.isnan(r) & (p + r > 0)
    np.testing.assert_allclose(f[both], 2 * p[both] * r[both] / (p[both] + r[both]))
    # a loop over samples gives the same confusion matrix
    slow = np.zeros((5, 5), dtype=int)
    for a, b in pairs:
        slow[a, b] += 1
    np.testing.assert_array_equal(cm, slow)


def test_against_scikit_learn_when_installed(rng):
    sk = pytest.importorskip("sklearn.metrics")
    y_true = rng.integers(0, 4, size=200)
    y_pred = np.where(rng.random(200) < 0.6, y_true, rng.integers(0, 3, size=200))  # no 3s
    assert m.accuracy(y_true, y_pred) == pytest.approx(sk.accuracy_score(y_true, y_pred))
    assert m.balanced_accuracy(y_true, y_pred) == pytest.approx(
        sk.balanced_accuracy_score(y_true, y_pred)
    )
    np.testing.assert_array_equal(
        m.confusion_matrix(y_true, y_pred), sk.confusion_matrix(y_true, y_pred)
    )
    for ours, theirs in ((m.precision, sk.precision_score), (m.f1, sk.f1_score)):
        for average in ("macro", "weighted"):
            expected = theirs(y_true, y_pred, average=average, zero_division=np.nan)
            assert ours(y_true, y_pred, average=average) == pytest.approx(expected)
    y, p = rng.normal(size=50), rng.normal(size=50)
    assert m.r2_score(y, p) == pytest.approx(sk.r2_score(y, p))
    assert m.mean_squared_error(y, p) == pytest.approx(sk.mean_squared_error(y, p))
    scores = rng.random((200, 4))
    assert m.top_k_accuracy(y_true, scores, k=2) == pytest.approx(
        sk.top_k_accuracy_score(y_true, scores, k=2)
    )
