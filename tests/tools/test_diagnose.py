"""The training doctor: each finding on a synthetic History that shows it clearly.

Epochs in the evidence are 1-based, as Keras prints them ("Epoch 6/20").
"""

import json
import warnings
from types import SimpleNamespace

import numpy as np
import pytest

from glassnet.callbacks import History
from glassnet.doctor import _causes as rules
from glassnet.doctor import diagnose


def _history(params=None, **curves):
    return History.from_dict({k: list(v) for k, v in curves.items()}, params=params)


def _balanced_data(rng, n=100, features=4):
    x = rng.normal(size=(n, features))
    y = np.tile([0, 1], n // 2)
    return x, y


def _healthy_curves(epochs=15):
    t = np.arange(epochs)
    loss = 0.3 + 0.7 * np.exp(-t / 1.5)  # falls fast, then flattens
    val = 0.35 + 0.7 * np.exp(-t / 1.5)
    acc = 0.95 - 0.45 * np.exp(-t / 1.5)
    return {"loss": loss, "val_loss": val, "accuracy": acc, "val_accuracy": acc - 0.01}


# --------------------------------------------------------------- healthy


def test_healthy_run_gives_no_problem_found_with_evidence(rng):
    h = _history(params={"epochs": 15, "learning_rate": 0.001}, **_healthy_curves())
    d = diagnose(h, data=_balanced_data(rng))
    assert d.ok and d.names == ["no_problem_found"]
    finding = d[0]
    assert finding.severity == "ok"
    assert finding.evidence["epochs"] == 15
    assert finding.evidence["best_val_epoch"] == 15  # still at its best at the end
    assert finding.evidence["baseline"] == 0.5  # 50 / 50 classes
    assert finding.evidence["final_accuracy"] == pytest.approx(0.95 - 0.45 * np.exp(-14 / 1.5))
    assert "Training loss went from 1 to 0.3" in finding.summary


def test_too_few_epochs_is_said_instead_of_no_problem():
    d = diagnose(_history(loss=[0.9, 0.7]))
    assert d.names == ["too_few_epochs"] and not d.ok


# ------------------------------------------------------ learning rate too high


def test_nan_loss_means_learning_rate_too_high():
    h = _history(params={"learning_rate": 10.0}, loss=[2.3, 5.0, 40.0, float("nan"), float("nan")])
    d = diagnose(h)
    assert d.names == ["learning_rate_too_high"]
    f = d["learning_rate_too_high"]
    assert f.evidence["first_nan_epoch"] == 4  # 0-based index 3
    assert f.evidence["last_finite_loss"] == 40.0
    assert f.suggestions[0] == "Lower the learning rate 10x: learning_rate=1 instead of 10."
    assert "NaN or infinite at epoch 4 after going from 2.3 to 40" in f.summary


def test_rising_training_loss_means_learning_rate_too_high():
    d = diagnose(_history(loss=[1.0, 0.8, 0.9, 1.1, 1.3]))
    f = d["learning_rate_too_high"]
    # best 0.8 at epoch 2; 1.3 / 0.8 - 1 = 0.625
    assert f.evidence["best_epoch"] == 2
    assert f.evidence["rise"] == pytest.approx(0.625)
    assert "e.g. 0.0001 instead of 0.001" in f.suggestions[0]  # learning rate unknown


def test_oscillating_training_loss_means_learning_rate_too_high():
    loss = [1.0, 0.7, 0.9, 0.6, 0.85, 0.62, 0.8, 0.6]
    # steps -0.3, +0.2, -0.3, +0.25, -0.23, +0.18, -0.2: all big (> 5 %), and the
    # direction changes 6 times in 7 epochs (>= 30 %)
    f = diagnose(_history(loss=loss))["learning_rate_too_high"]
    assert f.evidence["curve"] == "training"
    assert f.evidence["epochs_with_jumps_up"] == [3, 5, 7]
    assert f.evidence["direction_changes"] == 6


def test_bouncing_validation_loss_means_learning_rate_too_high():
    # training loss falls; validation goes down, up, down, up ... (Adam at lr 10)
    loss = [640.0, 144.0, 81.0, 15.7, 7.4, 5.0, 3.0, 2.5, 2.0, 1.5]
    val = [302.0, 28.0, 38.0, 25.0, 82.0, 6.3, 28.0, 29.2, 15.6, 16.6]
    # big steps (> 5 %): - + - + - + - + (28 -> 29.2 is 4 %, ignored): 7 changes >= 4.5
    h = _history(params={"learning_rate": 10.0}, loss=loss, val_loss=val)
    f = diagnose(h)["learning_rate_too_high"]
    assert "far above the usual range" in f.summary  # 10 is beyond SGD's, Adam's, RMSprop's
    assert f.evidence["curve"] == "validation"
    assert f.evidence["direction_changes"] == 7
    assert f.evidence["epochs_with_jumps_up"] == [3, 5, 7, 10]
    # Without the learning rate, a validation curve that wiggles while the training loss
    # falls steadily is the noise of a small validation set, not a finding by itself.
    assert "learning_rate_too_high" not in diagnose(_history(loss=loss, val_loss=val))


def test_overfitting_validation_curve_is_not_bouncing():
    # down 3 times then up 4 times: one change of direction
    val = [0.95, 0.7, 0.6, 0.58, 0.62, 0.68, 0.75, 0.83]
    h = _history(loss=[0.9, 0.6, 0.45, 0.35, 0.28, 0.22, 0.17, 0.13], val_loss=val)
    assert diagnose(h).names == ["overfitting"]


def test_training_accuracy_falling_means_learning_rate_too_high():
    # Adam at lr 10: the loss falls from a huge first epoch, but accuracy gets worse
    h = _history(
        loss=[1375.0, 232.0, 190.0, 150.0, 44.0, 13.6, 2.9, 1.26, 0.87],
        accuracy=[0.6, 0.745, 0.685, 0.625, 0.72, 0.59, 0.64, 0.555, 0.56],
    )
    f = diagnose(h)["learning_rate_too_high"]
    # best 0.745 at epoch 2, final 0.56: 18.5 points lost (>= 10)
    assert f.evidence["best_accuracy_epoch"] == 2
    assert f.evidence["final_accuracy"] == 0.56
    assert "fell from 0.745 at epoch 2 to 0.560 at epoch 9" in f.summary
    assert "the loss started at 1375" in f.summary


def test_accuracy_flipping_on_a_loss_plateau_is_not_a_learning_rate_problem():
    # A linear model on a problem it can't learn: the loss sits at ln 2 (moving < 5 %)
    # while near-chance accuracy flips from 0.635 to 0.495; that is underfitting, not
    # steps that are too large.
    h = _history(
        loss=[0.79, 0.75, 0.72, 0.70, 0.6931, 0.6926, 0.6914, 0.6919, 0.6905, 0.6913],
        accuracy=[0.48, 0.5, 0.51, 0.56, 0.6, 0.635, 0.63, 0.62, 0.6, 0.495],
    )
    assert "learning_rate_too_high" not in diagnose(h).names


def test_accuracy_wobbling_by_a_few_points_is_fine():
    h = _history(
        loss=[0.7, 0.5, 0.4, 0.35, 0.33, 0.32, 0.32],
        accuracy=[0.6, 0.75, 0.82, 0.86, 0.84, 0.87, 0.85],  # 2 points below the best
    )
    assert diagnose(h).ok


def test_a_small_rise_is_not_a_learning_rate_problem():
    # 1 rise of 2 % in 7 steps: below OSCILLATION_STEP and OSCILLATION_FRACTION
    loss = [1.0, 0.6, 0.45, 0.40, 0.408, 0.40, 0.399, 0.3985]
    assert "learning_rate_too_high" not in diagnose(_history(loss=loss))


# ------------------------------------------------------------------- overfitting


def test_overfitting_names_the_best_epoch_and_suggests_early_stopping():
    h = _history(
        params={"epochs": 8},
        loss=[0.9, 0.6, 0.45, 0.35, 0.28, 0.22, 0.17, 0.13],
        val_loss=[0.95, 0.7, 0.6, 0.58, 0.62, 0.68, 0.75, 0.83],
        accuracy=[0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97],
        val_accuracy=[0.6, 0.68, 0.74, 0.76, 0.75, 0.74, 0.73, 0.72],
    )
    d = diagnose(h)
    assert d.names == ["overfitting"]
    f = d["overfitting"]
    assert f.evidence["best_epoch"] == 4
    assert f.evidence["best_val_loss"] == 0.58
    assert f.evidence["val_loss_rise"] == pytest.approx(0.83 / 0.58 - 1)
    assert f.evidence["final_gap"] == pytest.approx(0.83 - 0.13)
    assert f.evidence["val_accuracy_at_best"] == 0.76
    assert f.summary.startswith("Overfitting from epoch 5: validation loss was lowest at epoch 4")
    assert "restore_best_weights=True" in f.suggestions[0] and "4 epochs" in f.suggestions[0]
    assert any("Dropout" in s for s in f.suggestions)
    assert any("more training data" in s for s in f.suggestions)
    assert f.severity == "problem"


def test_overfitting_after_early_stopping_is_a_warning():
    h = _history(
        params={"epochs": 50},
        loss=[0.9, 0.6, 0.45, 0.35, 0.28, 0.22],
        val_loss=[0.95, 0.7, 0.6, 0.66, 0.7, 0.75],
    )
    f = diagnose(h)["overfitting"]
    assert f.severity == "warning" and f.evidence["planned_epochs"] == 50
    assert "stopped at epoch 6 of 50" in f.summary


@pytest.mark.parametrize(("final_val", "expected"), [(0.624, False), (0.636, True)])
def test_overfitting_needs_validation_loss_5_percent_above_its_best(final_val, expected):
    # best 0.6 at epoch 3; a 4 % rise (0.624) is noise, a 6 % rise (0.636) is not
    h = _history(
        loss=[0.9, 0.6, 0.45, 0.35, 0.3, 0.26], val_loss=[0.9, 0.7, 0.6, 0.61, 0.62, final_val]
    )
    assert ("overfitting" in diagnose(h)) is expected


def test_validation_rising_while_training_also_rises_is_not_overfitting():
    # training loss did not keep falling after the best validation epoch
    h = _history(loss=[0.9, 0.6, 0.5, 0.5, 0.5, 0.5], val_loss=[0.9, 0.7, 0.6, 0.65, 0.7, 0.75])
    assert "overfitting" not in diagnose(h)


# ----------------------------------------------------------------- not converged


def test_not_converged_suggests_more_epochs():
    loss = 2.0 - 0.15 * np.arange(8)  # 2.0 ... 0.95: 0.15 per epoch, no flattening
    val = loss + 0.05
    f = diagnose(_history(loss=loss, val_loss=val))["not_converged"]
    assert f.evidence["fall_per_epoch_recent"] == pytest.approx(0.15)
    assert f.evidence["total_fall"] == pytest.approx(1 - 0.95 / 2.0)  # 52 %: not "slow"
    assert f.suggestions[0].startswith("Train longer: epochs=16")
    assert "very slow" not in f.summary


def test_very_slow_fall_with_a_tiny_learning_rate_suggests_a_larger_one():
    # the lecture's Adam at 1e-5: the loss creeps down 0.004 per epoch. The root cause, a
    # learning rate far below every optimizer's usual range, comes first; "still
    # improving" follows from it and says so.
    loss = [0.700, 0.696, 0.692, 0.688, 0.684]
    h = _history(params={"learning_rate": 1e-5}, loss=loss)
    d = diagnose(h)
    assert d.names == ["learning_rate_too_low", "not_converged"]
    f = d["learning_rate_too_low"]
    assert f.evidence["learning_rate"] == 1e-5
    assert "The learning rate 1e-05 is far below the usual range" in f.summary
    assert f.suggestions[0].startswith("Raise the learning rate 10x: learning_rate=0.0001")
    assert f.suggestions[0].cli.startswith("Raise the learning rate 10x: --lr 0.0001")
    assert d["not_converged"].cause == "learning_rate_too_low"
    assert "the learning rate 1e-05 is very small" in d["not_converged"].summary


def test_very_slow_fall_without_a_learning_rate_is_read_from_the_curve():
    # steady 0.004 per epoch (no flattening), 2.3 % lost in 5 epochs (< 25 %)
    f = diagnose(_history(loss=[0.700, 0.696, 0.692, 0.688, 0.684]))["not_converged"]
    assert f.evidence["total_fall"] == pytest.approx(1 - 0.684 / 0.7)
    assert "fell only 2 % in 5 epochs" in f.summary
    assert f.suggestions[0].startswith("Raise the learning rate 10x")


def test_learning_rate_is_read_from_the_model():
    model = SimpleNamespace(optimizer=SimpleNamespace(learning_rate=np.float32(1e-5)), layers=[])
    f = diagnose(_history(loss=[0.7, 0.69, 0.68, 0.67]), model=model)["not_converged"]
    assert f.evidence["learning_rate"] == pytest.approx(1e-5)


def test_training_still_falling_but_validation_flat_is_not_not_converged():
    loss = 2.0 - 0.15 * np.arange(8)
    val = [1.5, 1.2, 1.1, 1.05, 1.04, 1.045, 1.05, 1.048]  # best at epoch 5, not improving
    assert "not_converged" not in diagnose(_history(loss=loss, val_loss=val))


# ------------------------------------------------------------------ underfitting


def test_underfitting_from_training_accuracy_near_the_baseline(rng):
    h = _history(
        loss=[0.70, 0.695, 0.693, 0.694, 0.692],
        accuracy=[0.48, 0.50, 0.52, 0.51, 0.53],
    )
    d = diagnose(h, data=_balanced_data(rng))
    assert d.names == ["underfitting"]
    f = d["underfitting"]
    # baseline 0.5; progress (0.53 - 0.5) / (1 - 0.5) = 0.06 < 0.25
    assert f.evidence["baseline"] == 0.5
    assert f.evidence["progress_beyond_baseline"] == pytest.approx(0.06)
    assert any("larger network" in s for s in f.suggestions)
    assert any("more epochs" in s for s in f.suggestions)
    assert any("Scale the inputs" in s for s in f.suggestions)


def test_underfitting_baseline_from_the_model_output_units():
    model = SimpleNamespace(layers=[SimpleNamespace(units=128), SimpleNamespace(units=10)])
    h = _history(loss=[2.3, 2.2, 2.19, 2.2, 2.19], accuracy=[0.1, 0.15, 0.2, 0.22, 0.25])
    f = diagnose(h, model=model)["underfitting"]
    # baseline 1/10; progress (0.25 - 0.1) / 0.9 = 1/6
    assert f.evidence["baseline"] == pytest.approx(0.1)
    assert f.evidence["progress_beyond_baseline"] == pytest.approx(1 / 6)


def test_accuracy_well_above_the_baseline_is_not_underfitting(rng):
    h = _history(loss=[0.7, 0.5, 0.45, 0.44, 0.44], accuracy=[0.6, 0.7, 0.75, 0.76, 0.76])
    # progress (0.76 - 0.5) / 0.5 = 0.52
    assert "underfitting" not in diagnose(h, data=_balanced_data(rng))


# --------------------------------------------------------------- imbalanced data


def test_imbalanced_data_with_accuracy_at_the_baseline(rng):
    x = rng.normal(size=(100, 3))
    y = np.array([0] * 90 + [1] * 10)
    h = _history(
        loss=[0.45, 0.34, 0.33, 0.326, 0.326, 0.326],
        accuracy=[0.88, 0.9, 0.9, 0.9, 0.9, 0.9],
        val_accuracy=[0.9] * 6,
        val_loss=[0.35, 0.33, 0.33, 0.33, 0.33, 0.33],
    )
    d = diagnose(h, data=(x, y))
    f = d["imbalanced_data"]
    assert f.evidence["class_counts"] == {0: 90, 1: 10}
    assert f.evidence["imbalance_ratio"] == 9.0
    assert f.evidence["final_validation_accuracy"] == 0.9
    assert f.evidence["baseline"] == 0.9
    assert "just be predicting class 0" in f.summary
    assert any("classification_report" in s for s in f.suggestions)
    assert "underfitting" in d  # 0.9 on a 0.9 baseline: nothing learned either


def test_imbalanced_data_with_good_accuracy_is_a_warning(rng):
    # 90/10 learned well (0.99 on a 0.9 baseline) is still worth a word: the accuracy
    # alone says little about the rare class. A warning, not a problem.
    x = rng.normal(size=(100, 3))
    y = np.array([0] * 90 + [1] * 10)
    h = _history(
        loss=[0.45, 0.2, 0.1, 0.08, 0.08, 0.08], accuracy=[0.9, 0.95, 0.98, 0.99, 0.99, 0.99]
    )
    d = diagnose(h, data=(x, y))
    assert d.names == ["imbalanced_data"] and d[0].severity == "warning"
    assert "9 to 1" in d[0].summary and "recall" in d[0].summary
    # a mild mix (2.5 to 1, as the penguins' 107/43) with a good accuracy is no finding
    mild = np.array([0] * 50 + [1] * 30 + [2] * 20)
    assert diagnose(h, data=(x, mild)).ok


# --------------------------------------------------------------- unscaled inputs


def test_raw_pixels_are_unscaled(rng):
    x = rng.integers(0, 256, size=(40, 28, 28)).astype(np.uint8)
    y = np.tile([0, 1], 20)
    h = _history(**_healthy_curves())
    f = diagnose(h, data=(x, y))["unscaled_inputs"]
    assert f.evidence["looks_like_pixels"] is True
    assert f.evidence["max"] == 255.0
    # per pixel root mean square over the 40 images; for uniform 0..255 it is about
    # sqrt(255 * 511 / 6) = 147, the largest of 784 pixels a bit more
    flat = x.reshape(40, -1).astype(np.float64)
    assert f.evidence["largest_feature_rms"] == pytest.approx(np.sqrt((flat**2).mean(0)).max())
    assert 147 < f.evidence["largest_feature_rms"] < 255
    assert "Divide the pixels by 255" in f.suggestions[0]
    assert diagnose(h, data=(x / 255.0, y)).ok  # scaled: no finding


def test_features_with_wildly_different_scales(rng):
    x = np.column_stack([rng.normal(0, 5.0, 200), rng.normal(0, 0.01, 200)])
    y = np.tile([0, 1], 100)
    f = diagnose(_history(**_healthy_curves()), data=(x, y))["unscaled_inputs"]
    # magnitudes about 5 and 0.01: ratio about 500 > 100
    assert f.evidence["scale_ratio"] == pytest.approx(500, rel=0.2)
    assert "very different scales" in f.summary
    assert "Standardise" in f.suggestions[0]


def test_large_features_are_unscaled(rng):
    x = rng.normal(50_000, 10_000, size=(100, 2))  # e.g. incomes
    f = diagnose(_history(**_healthy_curves()), data=(x, np.tile([0, 1], 50)))["unscaled_inputs"]
    assert f.evidence["largest_feature_rms"] > 40_000
    assert "Some input features are large" in f.summary


def test_standardised_features_pass(rng):
    x = rng.normal(size=(100, 5))
    assert "unscaled_inputs" not in diagnose(
        _history(**_healthy_curves()), data=(x, np.tile([0, 1], 50))
    )


# ------------------------------------------------------------ validation mix


def test_validation_split_on_sorted_data_gives_a_validation_set_of_one_class(rng):
    x = rng.normal(size=(100, 2))
    y = np.array([0] * 50 + [1] * 50)  # sorted by class
    h = _history(params={"validation_split": 0.2}, **_healthy_curves())
    f = diagnose(h, data=(x, y))["validation_mix"]
    # training rows 0..79: 50 zeros, 30 ones -> 0.625 / 0.375; validation rows 80..99: all 1
    # distance = (|0.625 - 0| + |0.375 - 1|) / 2 = 0.625
    assert f.evidence["train_mix"] == {0: 0.625, 1: 0.375}
    assert f.evidence["validation_mix"] == {1: 1.0}
    assert f.evidence["distance"] == pytest.approx(0.625)
    assert f.evidence["classes_missing_from_validation"] == [0]
    assert "holds only class 1" in f.summary
    assert "Shuffle the data before fit" in f.suggestions[0]


def test_validation_arrays_given_explicitly(rng):
    x = rng.normal(size=(80, 2))
    y = np.tile([0, 1], 40)
    h = _history(**_healthy_curves())
    same_mix = {"train": (x, y), "validation": (x[:20], y[:20])}
    assert diagnose(h, data=same_mix).ok
    skewed = ((x, y), (x[:20], np.array([0] * 18 + [1] * 2)))
    # mix 0.5/0.5 against 0.9/0.1: distance 0.4 >= 0.3
    assert diagnose(h, data=skewed)["validation_mix"].evidence["distance"] == pytest.approx(0.4)


def test_a_two_sample_list_pair_is_not_read_as_train_and_validation():
    # x of 2 samples x 2 features, y of 2 labels: both lists of length 2
    d = diagnose(_history(loss=[0.9, 0.7]), data=([[1.0, 2.0], [3.0, 4.0]], [0, 1]))
    assert d.names == ["too_few_epochs"]


def test_one_hot_labels_are_read_as_classes(rng):
    x = rng.normal(size=(100, 2))
    y = np.eye(2)[[0] * 50 + [1] * 50]
    h = _history(params={"validation_split": 0.2}, **_healthy_curves())
    assert "validation_mix" in diagnose(h, data=(x, y))


def test_regression_targets_skip_the_class_checks(rng):
    x = rng.normal(size=(100, 2))
    y = rng.normal(size=100)  # continuous: no classes, no baseline
    h = _history(params={"validation_split": 0.2}, **_healthy_curves())
    assert diagnose(h, data=(x, y)).ok


# ------------------------------------------------------------------- output


def test_diagnosis_prints_renders_and_converts():
    h = _history(loss=[1.0, 0.8, 0.9, 1.1, 1.3])
    d = diagnose(h)
    text = str(d)
    assert text.startswith("Training diagnosis (5 epochs)\n✗ learning rate too high: ")
    assert "    evidence: " in text and "    try:\n      - Lower the learning rate 10x" in text
    page = d._repr_html_()
    assert "learning rate too high" in page and "<ul" in page
    as_json = json.loads(json.dumps(d.to_dict()))
    assert as_json["ok"] is False and as_json["findings"][0]["name"] == "learning_rate_too_high"
    assert repr(d) == "Diagnosis(learning_rate_too_high)"
    assert len(d) == 1 and next(iter(d)) is d[0]
    with pytest.raises(KeyError, match="No finding named 'overfitting'"):
        d["overfitting"]


def test_rich_prints_the_advice_brackets_verbatim():
    from rich.console import Console

    h = _history(
        loss=[0.9, 0.6, 0.45, 0.35, 0.28, 0.22, 0.17, 0.13],
        val_loss=[0.95, 0.7, 0.6, 0.58, 0.62, 0.68, 0.75, 0.83],
    )
    console = Console(record=True, width=300)
    console.print(diagnose(h))
    printed = console.export_text()
    # as markup, "[gn.callbacks.EarlyStopping(...)]" would vanish
    assert "callbacks=[gn.callbacks.EarlyStopping(" in printed
    assert printed.strip() == str(diagnose(h))


def test_a_dict_is_accepted_as_history():
    assert diagnose({"loss": [1.0, 0.5, 0.3, 0.25, 0.24, 0.24]}).ok


@pytest.mark.parametrize(
    ("history", "data", "error", "match"),
    [
        ([1, 2], None, TypeError, "history must be the History returned by model.fit"),
        (
            {"accuracy": [0.5]},
            None,
            ValueError,
            r"history has no 'loss' values \(keys: \['accuracy'\]\)",
        ),
        ({"loss": [1.0]}, {"training": 1}, ValueError, "data as a dict needs the key 'train'"),
        ({"loss": [1.0]}, np.zeros(3), TypeError, r"data must be a pair \(x, y\)"),
        (
            {"loss": [1.0]},
            (np.zeros((3, 2)), [0, 1]),
            ValueError,
            "x_train and y_train must have the same",
        ),
        ({"loss": [1.0]}, (np.zeros((2, 2)), [0, np.nan]), ValueError, "y_train contains NaN"),
    ],
)
def test_input_errors(history, data, error, match):
    with pytest.raises(error, match=match):
        diagnose(history, data=data)


def test_thresholds_are_the_named_constants(rng, monkeypatch):
    x = rng.normal(size=(80, 2))
    skewed = ((x, np.tile([0, 1], 40)), (x[:20], np.array([0] * 18 + [1] * 2)))
    h = _history(**_healthy_curves())
    assert "validation_mix" in diagnose(h, data=skewed)  # distance 0.4 >= 0.3
    monkeypatch.setattr(rules, "VALIDATION_MIX_DISTANCE", 0.5)  # the rule reads it
    assert "validation_mix" not in diagnose(h, data=skewed)  # 0.4 < 0.5


def test_an_epoch_cut_short_without_validation_is_read():
    # the NaN guard stops mid-epoch: that epoch logs a NaN loss and no val_ values
    h = History()
    h.on_train_begin()
    h.on_epoch_end(0, {"loss": 0.7, "val_loss": 0.72})
    h.on_epoch_end(1, {"loss": 9.0, "val_loss": 30.0})
    h.on_epoch_end(2, {"loss": float("nan")})
    h.params = {"stopped_on_nan": "Training stopped: the loss became nan at batch 3."}
    f = diagnose(h)["learning_rate_too_high"]
    assert f.evidence["first_nan_epoch"] == 3
    assert f.evidence["stopped_on_nan"].startswith("Training stopped")


# ------------------------------------------------------------------ real runs
# Each finding again, on a real small training run made to show it. Two Gaussian
# blobs with 10 % of the labels flipped: a small network levels off near 90 %.


def _blobs(n, features, seed, noise=0.1):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    x = rng.normal(size=(n, features)) + (2 * y[:, None] - 1) / np.sqrt(features)
    y = np.where(rng.random(n) < noise, 1 - y, y)  # label noise: nothing fits 100 %
    return x.astype(np.float32), y


def _train(
    hidden, optimizer, epochs, features=2, x=None, y=None, validation=None, diverges=False, **fit
):
    import glassnet as gn

    gn.utils.set_random_seed(0)
    if x is None:
        x, y = _blobs(200, features, seed=1)
    if validation is None and "validation_split" not in fit:
        validation = _blobs(200, features, seed=2)
    model = gn.Sequential(
        [*(gn.layers.Dense(units, activation="relu") for units in hidden), gn.layers.Dense(2)]
    )
    model.compile(
        optimizer=optimizer,
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    # Underflow in exp (a softmax's tiny probabilities) is harmless; a diverging run
    # overflows on purpose, so those runs ignore every floating-point error.
    errors = {"all": "ignore"} if diverges else {"under": "ignore"}
    with warnings.catch_warnings(), np.errstate(**errors):
        warnings.simplefilter("ignore", RuntimeWarning)  # the NaN guard's warning
        history = model.fit(x, y, epochs=epochs, validation_data=validation, verbose=0, **fit)
    return history, model, (x, y)


def test_real_run_learning_rate_10_diverges():
    import glassnet as gn

    history, model, data = _train(
        [32], gn.optimizers.SGD(learning_rate=10.0), epochs=10, diverges=True
    )
    d = diagnose(history, data=data, model=model)
    assert d.names == ["learning_rate_too_high"]
    # 1000x SGD's default: back to the default first, then the 10x step
    assert d[0].suggestions[0] == "Start from SGD's default: gn.optimizers.SGD(learning_rate=0.01)."
    assert d[0].suggestions[1] == "Lower the learning rate 10x: learning_rate=1 instead of 10."


def test_real_run_adam_at_10_diverges():
    import glassnet as gn

    history, model, data = _train(
        [32], gn.optimizers.Adam(learning_rate=10.0), epochs=10, diverges=True
    )
    assert diagnose(history, data=data, model=model).names == ["learning_rate_too_high"]


def test_real_run_adam_at_1e_5_for_few_epochs_under_trains():
    import glassnet as gn

    history, model, data = _train([16], gn.optimizers.Adam(learning_rate=1e-5), epochs=5)
    d = diagnose(history, data=data, model=model)
    # The cause first: 1e-5 is far below Adam's usual range; the curve it makes (still
    # creeping down, no better than the baseline) follows from it.
    assert d.names[0] == "learning_rate_too_low"
    assert set(d.names) <= {"learning_rate_too_low", "not_converged", "underfitting"}
    assert all(f.cause == "learning_rate_too_low" for f in d[1:])
    assert d[0].evidence["learning_rate"] == pytest.approx(1e-5)
    assert (
        d[0].suggestions[0] == "Start from Adam's default: gn.optimizers.Adam(learning_rate=0.001)."
    )


def test_real_run_large_network_on_200_samples_overfits():
    import glassnet as gn

    history, model, data = _train(
        [256, 256], gn.optimizers.Adam(learning_rate=0.003), epochs=40, features=20
    )
    d = diagnose(history, data=data, model=model)
    assert d.names == ["overfitting"]
    best = d["overfitting"].evidence["best_epoch"]
    val = history.history["val_loss"]
    assert val[best - 1] == min(val)  # the epoch named is the best one, 1-based
    assert val[-1] > 1.05 * min(val)


def test_real_run_healthy():
    import glassnet as gn

    history, model, data = _train([8], gn.optimizers.Adam(learning_rate=0.01), epochs=40)
    d = diagnose(history, data=data, model=model)
    assert d.ok, str(d)
    assert d[0].evidence["final_accuracy"] > 0.8


def test_real_run_imbalanced_data_without_signal():
    import glassnet as gn

    rng = np.random.default_rng(3)
    x = rng.normal(size=(200, 2)).astype(np.float32)  # features unrelated to the label
    y = np.array([0] * 180 + [1] * 20)
    rng.shuffle(y)
    validation = (rng.normal(size=(100, 2)).astype(np.float32), np.array([0] * 90 + [1] * 10))
    history, model, data = _train(
        [8], gn.optimizers.Adam(learning_rate=0.01), 20, x=x, y=y, validation=validation
    )
    d = diagnose(history, data={"train": data, "validation": validation}, model=model)
    assert "imbalanced_data" in d
    assert d["imbalanced_data"].evidence["class_counts"] == {0: 180, 1: 20}


def test_real_run_raw_pixels():
    import glassnet as gn

    rng = np.random.default_rng(4)
    y = np.tile([0, 1], 100)
    x = rng.integers(0, 128, size=(200, 8, 8)) + 100 * y[:, None, None]  # 0..227
    x = x.astype(np.uint8).reshape(200, 64)
    history, model, data = _train(
        [16], gn.optimizers.Adam(learning_rate=0.001), 5, x=x, y=y, validation=(x, y)
    )
    f = diagnose(history, data=data, model=model)["unscaled_inputs"]
    assert f.evidence["looks_like_pixels"] is True


def test_real_run_validation_split_of_sorted_data():
    import glassnet as gn

    x, y = _blobs(200, 2, seed=1)
    order = np.argsort(y, kind="stable")
    x, y = x[order], y[order]  # sorted by class: the last 20 % are all class 1
    history, model, _ = _train(
        [8], gn.optimizers.Adam(learning_rate=0.01), 10, x=x, y=y, validation_split=0.2
    )
    cut = int(len(x) * 0.8)  # the rows fit held out, as Keras: the last ones
    d = diagnose(history, data=((x[:cut], y[:cut]), (x[cut:], y[cut:])), model=model)
    assert d["validation_mix"].evidence["validation_mix"] == {1: 1.0}


def test_real_run_linear_model_on_quadrants_underfits():
    import glassnet as gn

    # Class 1 where x1 * x2 > 0: no straight line separates it, so a network without a
    # hidden layer stays near the 0.5 baseline however long it trains.
    rng = np.random.default_rng(3)
    x = rng.normal(size=(400, 2))
    y = (x[:, 0] * x[:, 1] > 0).astype(np.int64)
    history, model, data = _train(
        [],
        gn.optimizers.Adam(learning_rate=0.01),
        epochs=20,
        x=x[:200],
        y=y[:200],
        validation=(x[200:], y[200:]),
    )
    d = diagnose(history, data=data, model=model)
    assert "underfitting" in d.names
    evidence = d["underfitting"].evidence
    assert evidence["progress_beyond_baseline"] < 0.25
    assert evidence["final_train_accuracy"] == pytest.approx(history.history["accuracy"][-1])


def test_the_doctor_package_reaches_every_public_name():
    import glassnet as gn

    assert gn.diagnose is gn.doctor.diagnose
    assert gn.doctor.MIN_EPOCHS_FOR_TRENDS == 3
    assert isinstance(gn.diagnose({"loss": [1.0, 0.5, 0.3]}), gn.doctor.Diagnosis)
    assert set(gn.doctor.__all__) <= set(dir(gn.doctor))


def test_history_is_read_by_duck_type():
    run = SimpleNamespace(history={"loss": [2.3, 9.1, 41.0]}, params={"learning_rate": 10.0})
    assert diagnose(run).names == ["learning_rate_too_high"]
    with pytest.raises(ValueError, match="one length"):
        diagnose({"loss": [1.0, 0.5], "val_loss": [1.0]})
