"""gn.sklearn's estimators and the Perceptron inside scikit-learn: its own estimator checks,
Pipeline, GridSearchCV and cross_val_score, each result checked by training by hand."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

import glassnet as gn
from glassnet.sklearn import MLPClassifier, MLPRegressor

sklearn = pytest.importorskip("sklearn")
from sklearn.base import clone  # noqa: E402
from sklearn.model_selection import (  # noqa: E402
    GridSearchCV,
    KFold,
    StratifiedKFold,
    cross_val_score,
    train_test_split,
)
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

# Small and fast, yet enough to pass the checks' accuracy (> 0.83) and R² (> 0.5) bars.
FAST = {"hidden_layer_sizes": (8,), "max_iter": 30, "batch_size": "auto", "learning_rate": 0.02}

# The lecture's Perceptron keeps its own API (tests/tools/test_perceptron.py); where that API
# and scikit-learn's conventions differ, the check is expected to fail, for this reason.
PERCEPTRON_DIFFERS = {
    "check_no_attributes_set_in_init": "classes_ (the activation's natural labels) and the "
    "fit records exist from construction, so an unfitted perceptron can predict",
    "check_dont_overwrite_parameters": "weights and bias_weight are both constructor "
    "arguments and what fit learns, as in the lecture",
    "check_estimators_unfitted": "predict without weights raises ValueError (glassnet's "
    "message), not scikit-learn's NotFittedError, which glassnet cannot import",
    "check_do_not_raise_errors_in_init_or_set_params": "the constructor checks its "
    "arguments at once (glassnet's rule), and set_params constructs again",
    "check_n_features_in_after_fitting": "the wrong-width error is glassnet's wording "
    "('X has 3 input column(s) but the perceptron has 4 weight(s)')",
    "check_complex_data": "complex X is a TypeError (wrong kind), scikit-learn wants ValueError",
    "check_dtype_object": "an object array is a TypeError, not converted to numbers",
    "check_estimators_empty_data_messages": "glassnet's wording for X with 0 columns",
    "check_classifiers_classes": "labels must be numbers (the rule's 0/1 or -1/1)",
    "check_classifiers_regression_target": "a continuous y is refused as 'more than two "
    "classes', without the word 'continuous'",
    "check_supervised_y_2d": "a column y (n, 1) is refused, not flattened with a warning",
    "check_fit2d_1sample": "one sample is refused as 'exactly two classes' in glassnet's words",
    "check_fit2d_predict1d": "a 1-D X is refused in glassnet's words ('for one sample write [x]')",
    "check_requires_y_none": "y=None is a TypeError about its dtype in glassnet's words",
}


def expected_failed_checks(estimator):
    return PERCEPTRON_DIFFERS if isinstance(estimator, gn.Perceptron) else {}


# glassnet imports no scikit-learn when it loads, so its estimators cannot subclass
# BaseEstimator; scikit-learn warns about that while it lists the checks, which pass anyway.
with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "Estimator .* does not inherit from", UserWarning)
    estimator_checks = parametrize_with_checks(
        [MLPClassifier(**FAST), MLPRegressor(**FAST), gn.Perceptron(seed=0)],
        expected_failed_checks=expected_failed_checks,
        xfail_strict=True,  # a check that starts passing must leave PERCEPTRON_DIFFERS
    )


@estimator_checks
def test_scikit_learn_estimator_checks(estimator, check):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gn.perceptron.ConvergenceWarning)
        # The Perceptron checks its arguments when constructed (see PERCEPTRON_DIFFERS).
        warnings.filterwarnings("ignore", ".* occurred during set_params of param", UserWarning)
        check(estimator)


# -- training by hand, to compare with ------------------------------------------------------


def seeds(random_state):
    # The module docstring's recipe: the weights, the batches' order, the early-stopping split.
    return np.random.default_rng(random_state).integers(2**63, size=3)


def by_hand(x, y, n_outputs, loss, random_state, hidden=8, lr=0.02, batch=32, epochs=20):
    build_seed, shuffle_seed, _ = seeds(random_state)
    model = gn.Sequential([gn.layers.Dense(hidden, activation="relu"), gn.layers.Dense(n_outputs)])
    model.build((x.shape[1],), rng=np.random.default_rng(build_seed))
    model.set_rng_state({"shuffle": np.random.default_rng(shuffle_seed).bit_generator.state})
    model.compile(optimizer=gn.optimizers.Adam(lr), loss=loss)
    model.fit(x.astype(np.float32), y, batch_size=batch, epochs=epochs, verbose=0)
    return model


def softmax64(logits):
    z = logits.astype(np.float64)
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


@pytest.fixture(scope="module")
def penguins():
    data = gn.datasets.load_csv(gn.datasets.example_csv("penguins"), target="species")
    species = np.array(data.class_names)[data.y]  # text labels, as a user has them
    return train_test_split(data.x, species, test_size=0.25, random_state=0, stratify=species)


def test_pipeline_on_penguins_equals_the_same_network_trained_by_hand(penguins):
    x_train, x_test, y_train, y_test = penguins
    pipe = make_pipeline(StandardScaler(), MLPClassifier((8,), learning_rate=0.02, max_iter=20))
    pipe.set_params(mlpclassifier__random_state=7).fit(x_train, y_train)

    mean, std = x_train.mean(axis=0), x_train.std(axis=0)  # StandardScaler, in float64
    classes = np.array(["Adelie", "Chinstrap", "Gentoo"])
    index = np.searchsorted(classes, y_train)
    loss = gn.losses.SparseCategoricalCrossentropy(from_logits=True)
    model = by_hand((x_train - mean) / std, index, 3, loss, random_state=7)
    probabilities = softmax64(model.predict(((x_test - mean) / std).astype(np.float32)))

    clf = pipe[-1]
    assert clf.classes_.tolist() == classes.tolist()
    np.testing.assert_allclose(pipe.predict_proba(x_test), probabilities, rtol=1e-5, atol=1e-7)
    assert pipe.predict(x_test).tolist() == classes[probabilities.argmax(axis=1)].tolist()
    accuracy = np.mean(pipe.predict(x_test) == y_test)
    assert pipe.score(x_test, y_test) == accuracy > 0.9  # the majority class is 44 %
    assert clf.n_iter_ == 20 and clf.loss_curve_ == model.history.history["loss"]
    assert clf.history_.history["loss"] == clf.loss_curve_
    assert clf.diagnosis_.names == gn.diagnose(model.history).names

    report = clf.score_report(pipe[0].transform(x_test), y_test)
    _, counts = np.unique(y_test, return_counts=True)
    assert report.accuracy == pytest.approx(accuracy)
    assert report.baseline == pytest.approx(counts.max() / len(y_test))
    assert report.majority_class == "Adelie"


def test_same_random_state_same_network_and_a_randomstate_advances():
    x, y = gn.datasets.logic_gate("xor")
    fit = lambda rs: MLPClassifier((4,), max_iter=3, batch_size=2, random_state=rs).fit(x, y)  # noqa: E731
    first, again, other = fit(0), fit(0), fit(1)
    np.testing.assert_array_equal(first.model_.weight_vector, again.model_.weight_vector)
    assert not np.array_equal(first.model_.weight_vector, other.model_.weight_vector)
    # As scikit-learn's check_random_state: a RandomState is drawn from, so fits differ...
    state = np.random.RandomState(0)
    a, b = fit(state), fit(state)
    assert not np.array_equal(a.model_.weight_vector, b.model_.weight_vector)
    # ...and its first draw seeds the Generator.
    seed = np.random.RandomState(0).randint(2**32, dtype=np.int64)
    np.testing.assert_array_equal(a.model_.weight_vector, fit(int(seed)).model_.weight_vector)
    with pytest.raises(ValueError, match="random_state must be an int, None or a numpy"):
        fit("zero")
    # Dropout's masks are drawn from the same seed: two runs with dropout are one run.
    drop = lambda: MLPClassifier((6,), dropout=0.5, max_iter=4, batch_size=2, random_state=3)  # noqa: E731
    np.testing.assert_array_equal(
        drop().fit(x, y).model_.weight_vector, drop().fit(x, y).model_.weight_vector
    )
    assert [type(layer).__name__ for layer in drop().fit(x, y).model_.layers] == [
        "Dense",
        "Dropout",
        "Dense",
    ]


def test_none_random_state_follows_glassnets_root_seed():
    x, y = gn.datasets.logic_gate("and")
    runs = []
    for _ in range(2):
        gn.utils.set_random_seed(5)
        runs.append(MLPClassifier((3,), max_iter=1).fit(x, y).model_.weight_vector.copy())
    np.testing.assert_array_equal(*runs)


def test_binary_string_labels_probabilities_are_the_softmax_of_the_logits():
    x, y = gn.datasets.logic_gate("or")
    labels = np.array(["no", "yes"])[y]
    clf = MLPClassifier((4,), max_iter=2, batch_size=4, random_state=0).fit(x, labels)
    assert clf.classes_.tolist() == ["no", "yes"] and clf.n_features_in_ == 2
    p = clf.predict_proba(x)
    np.testing.assert_allclose(p, softmax64(clf.model_.predict(x.astype(np.float32))))
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=0, atol=1e-12)
    assert clf.predict(x).tolist() == np.array(["no", "yes"])[p.argmax(axis=1)].tolist()


def test_class_weight_is_the_same_as_glassnets_by_class_index():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(40, 3))
    y = np.where(x[:, 0] > 0.8, "rare", "common")  # about 1 in 5
    clf = MLPClassifier((4,), max_iter=3, random_state=3, class_weight="balanced").fit(x, y)
    n_common, n_rare = (y == "common").sum(), (y == "rare").sum()
    balanced = {0: 40 / (2 * n_common), 1: 40 / (2 * n_rare)}  # n / (classes * count)
    build_seed, shuffle_seed, _ = seeds(3)
    model = gn.Sequential([gn.layers.Dense(4, activation="relu"), gn.layers.Dense(2)])
    model.build((3,), rng=np.random.default_rng(build_seed))
    model.set_rng_state({"shuffle": np.random.default_rng(shuffle_seed).bit_generator.state})
    model.compile(gn.optimizers.Adam(1e-3), gn.losses.SparseCategoricalCrossentropy(True))
    model.fit(x, (y == "rare").astype(int), epochs=3, class_weight=balanced, verbose=0)
    np.testing.assert_array_equal(clf.model_.weight_vector, model.weight_vector)
    by_dict = clone(clf).set_params(class_weight={"common": balanced[0], "rare": balanced[1]})
    np.testing.assert_array_equal(by_dict.fit(x, y).model_.weight_vector, model.weight_vector)
    with pytest.raises(ValueError, match=r"class_weight names labels \['cat'\]"):
        clone(clf).set_params(class_weight={"cat": 2.0}).fit(x, y)


def test_early_stopping_keeps_the_best_epoch_of_its_stratified_split():
    x, y = sklearn.datasets.load_iris(return_X_y=True)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    clf = MLPClassifier(
        (16,),
        learning_rate=0.05,
        max_iter=200,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=3,
        random_state=1,
    ).fit(x, y)
    assert clf.n_iter_ < 200 and len(clf.validation_scores_) == clf.n_iter_
    assert clf.best_loss_ == min(clf.validation_scores_)
    _, x_val, _, y_val = train_test_split(
        x, y, test_size=0.2, random_state=int(seeds(1)[2] % 2**32), stratify=y
    )
    assert np.bincount(y_val).tolist() == [10, 10, 10]  # stratified
    # The weights kept are those of the best epoch: their validation loss is the best one.
    logits = clf.model_.predict(x_val.astype(np.float32))
    loss = -np.mean(np.log(softmax64(logits)[np.arange(30), y_val]))
    assert loss == pytest.approx(clf.best_loss_, rel=1e-4)


def test_regressor_is_1d_for_a_1d_y_and_scores_r2_as_by_hand():
    x, y = sklearn.datasets.load_diabetes(return_X_y=True)
    y = (y - y.mean()) / y.std()
    reg = MLPRegressor((8,), learning_rate=0.02, max_iter=20, random_state=4).fit(x, y)
    model = by_hand(x, y[:, None].astype(np.float32), 1, "mse", random_state=4)
    expected = model.predict(x.astype(np.float32))[:, 0].astype(np.float64)
    assert reg.predict(x).shape == (442,)
    np.testing.assert_allclose(reg.predict(x), expected, rtol=1e-6)
    r2 = 1 - np.sum((y - expected) ** 2) / np.sum((y - y.mean()) ** 2)
    assert reg.score(x, y) == pytest.approx(r2) and r2 > 0.3
    two = MLPRegressor((4,), max_iter=2, random_state=0).fit(x, np.c_[y, -y])
    assert two.predict(x).shape == (442, 2)

    # score_report: against always predicting the training mean (of the first 300 rows).
    reg = clone(reg).fit(x[:300], y[:300])
    pred, test = reg.predict(x[300:]), y[300:]
    report = reg.score_report(x[300:], test)
    baseline = y[:300].mean()
    total = np.sum((test - test.mean()) ** 2)
    assert report.r2 == pytest.approx(1 - np.sum((test - pred) ** 2) / total)
    assert report.mse == pytest.approx(np.mean((test - pred) ** 2))
    assert report.mae == pytest.approx(np.mean(np.abs(test - pred)))
    assert report.baseline_mse == pytest.approx(np.mean((test - baseline) ** 2))
    assert report.baseline_r2 == pytest.approx(1 - np.sum((test - baseline) ** 2) / total)
    assert report.r2 > report.baseline_r2 and str(report).startswith("R² ")


def test_grid_search_picks_the_best_mean_score_and_recomputes_by_hand():
    x, y = sklearn.datasets.load_iris(return_X_y=True)
    grid = {"hidden_layer_sizes": [(2,), (16,)], "learning_rate": [1e-4, 0.05]}
    base = MLPClassifier(max_iter=15, random_state=0)
    search = GridSearchCV(
        make_pipeline(StandardScaler(), base),
        {f"mlpclassifier__{k}": v for k, v in grid.items()},
        cv=3,
    ).fit(x, y)
    means = search.cv_results_["mean_test_score"]
    assert search.best_params_ == search.cv_results_["params"][int(np.argmax(means))]
    assert search.best_params_["mlpclassifier__learning_rate"] == 0.05  # 1e-4 barely moves
    # Its best cell again, fold by fold (GridSearchCV's cv=3 is StratifiedKFold(3)).
    best = {k.split("__")[1]: v for k, v in search.best_params_.items()}
    scores = []
    for train, test in StratifiedKFold(3).split(x, y):
        mean, std = x[train].mean(axis=0), x[train].std(axis=0)
        clf = clone(base).set_params(**best).fit((x[train] - mean) / std, y[train])
        scores.append(np.mean(clf.predict((x[test] - mean) / std) == y[test]))
    assert search.best_score_ == pytest.approx(np.mean(scores))


def test_cross_val_score_of_the_perceptron_and_the_regressor_fold_by_fold():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(100, 2))
    margin = x[:, 0] - 0.5 * x[:, 1] - 0.1
    x, y = x[np.abs(margin) > 0.3], (margin[np.abs(margin) > 0.3] > 0).astype(int)
    scores = cross_val_score(gn.Perceptron(seed=1), x, y, cv=4)
    expected = [
        gn.Perceptron(seed=1).fit(x[tr], y[tr]).score(x[te], y[te])
        for tr, te in StratifiedKFold(4).split(x, y)
    ]
    np.testing.assert_array_equal(scores, expected)
    assert min(scores) >= 0.9  # a line separates them, with a margin

    x, y = sklearn.datasets.load_diabetes(return_X_y=True)
    reg = MLPRegressor((4,), max_iter=3, random_state=0)
    r2 = []
    for tr, te in KFold(3).split(x):
        pred = clone(reg).fit(x[tr], y[tr]).predict(x[te])
        r2.append(1 - np.sum((y[te] - pred) ** 2) / np.sum((y[te] - y[te].mean()) ** 2))
    np.testing.assert_allclose(cross_val_score(reg, x, y, cv=3), r2, rtol=1e-10)


def test_clone_of_a_trained_perceptron_starts_again_from_its_arguments():
    x, y = gn.datasets.logic_gate("and")
    p = gn.Perceptron(n_inputs=2, seed=0, activation="step").fit(x, y)
    fresh = clone(p)
    assert fresh.get_params() == {
        "activation": "step",
        "bias": 1.0,
        "bias_weight": 0.0,
        "n_inputs": 2,
        "seed": 0,
        "weights": None,
    }
    np.testing.assert_array_equal(fresh.weights, gn.Perceptron(n_inputs=2, seed=0).weights)
    assert not np.array_equal(fresh.weights, p.weights) and fresh.errors_ == []
    p.set_params(weights=[3, -2], bias_weight=-1)  # constructs again with them
    assert p.weights.tolist() == [3.0, -2.0] and p.errors_ == [] and p.get_params()["n_inputs"] == 2
    with pytest.raises(ValueError, match="Invalid parameter 'epochs' for estimator Perceptron"):
        p.set_params(epochs=3)
    with pytest.raises(ValueError, match="softmax over a single output is always 1"):
        p.set_params(activation="softmax")
    assert p.activation.name == "step" and p.get_params()["activation"] == "step"  # unchanged


def test_feature_names_of_a_dataframe_are_kept_and_checked():
    pd = pytest.importorskip("pandas")
    data = gn.datasets.load_csv(gn.datasets.example_csv("penguins"), target="species")
    frame = pd.DataFrame(data.x, columns=data.feature_names)
    clf = MLPClassifier((4,), max_iter=1, random_state=0).fit(frame, data.y)
    assert clf.feature_names_in_.tolist() == data.feature_names
    with pytest.warns(UserWarning, match="X does not have valid feature names"):
        clf.predict(data.x)
    with pytest.raises(ValueError, match="feature names should match"):
        clf.predict(frame[data.feature_names[::-1]])
    mixed = frame.assign(island="Biscoe")  # a text column: scikit-learn's error
    with pytest.raises(ValueError, match="could not convert string to float: 'Biscoe'"):
        MLPClassifier(max_iter=1).fit(mixed, data.y)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"hidden_layer_sizes": (0,)}, r"hidden_layer_sizes\[0\] must be an integer >= 1"),
        ({"activation": "step"}, "activation"),
        ({"optimizer": "lbfgs"}, "optimizer"),
        ({"dropout": 1.0}, "dropout"),
        ({"batch_size": "big"}, "batch_size"),
        ({"validation_fraction": 0.0}, "validation_fraction"),
        ({"class_weight": [1, 2]}, "class_weight must be None, 'balanced' or a dict"),
    ],
)
def test_bad_parameters_are_named_at_fit(params, message):
    x, y = gn.datasets.logic_gate("and")
    clf = MLPClassifier(**params)  # scikit-learn's rule: __init__ only stores
    with pytest.raises((ValueError, TypeError), match=message):
        clf.fit(x, y)


def test_one_class_is_refused_and_nan_and_sparse_get_scikit_learns_errors():
    with pytest.raises(ValueError, match="at least 2 classes"):
        MLPClassifier(max_iter=1).fit([[0.0], [1.0]], [1, 1])
    with pytest.raises(ValueError, match="Input X contains NaN"):
        MLPRegressor(max_iter=1).fit([[np.nan], [1.0]], [1.0, 2.0])
    sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match="Sparse data was passed for X, but dense data is required"):
        MLPRegressor(max_iter=1).fit(sparse.csr_matrix(np.eye(3)), [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="verbose must be an integer >= 0"):
        MLPRegressor(max_iter=1, verbose=-1).fit([[0.0], [1.0]], [1.0, 2.0])


def test_glassnet_imports_without_scikit_learn_and_fit_says_how_to_install_it():
    code = (
        "import sys; sys.modules['sklearn'] = None\n"
        "import glassnet as gn\n"
        "clf = gn.sklearn.MLPClassifier(max_iter=2); print(clf.get_params()['max_iter'])\n"
        "try:\n    clf.fit([[0.0], [1.0]], [0, 1])\n"
        "except ImportError as e:\n    print(e)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "2",
        "scikit-learn is needed here: pip install glassnet[sklearn]",
    ]


def test_partial_fit_three_times_is_fit_for_three_epochs():
    x, y = sklearn.datasets.load_iris(return_X_y=True)
    labels = np.array(["setosa", "versicolor", "virginica"])[y]
    settings = {"hidden_layer_sizes": (5,), "learning_rate": 0.01, "random_state": 2}
    whole = MLPClassifier(max_iter=3, **settings).fit(x, labels)
    parts = MLPClassifier(**settings)
    for _ in range(3):  # the same batches, the same Adam steps: the same weights
        parts.partial_fit(x, labels, classes=["virginica", "setosa", "versicolor"])
    np.testing.assert_array_equal(parts.model_.weight_vector, whole.model_.weight_vector)
    assert parts.loss_curve_ == whole.loss_curve_ and parts.n_iter_ == 3
    assert parts.diagnosis_.names == gn.diagnose({"loss": whole.loss_curve_}).names

    first = MLPClassifier(**settings).partial_fit(x[:50], labels[:50], classes=labels)
    assert first.classes_.tolist() == labels[[0, 50, 100]].tolist()  # all three, from one
    assert first.predict_proba(x[:2]).shape == (2, 3)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        MLPClassifier(**settings).partial_fit(x, labels)
    with pytest.raises(ValueError, match=r"y holds labels not in classes .*\['cat'\]"):
        first.partial_fit(x[:1], ["cat"])
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        MLPClassifier(early_stopping=True).partial_fit(x, labels, classes=labels)

    reg = MLPRegressor((3,), random_state=0)
    reg.partial_fit(x, y.astype(float)).partial_fit(x, y.astype(float))
    fit_twice = MLPRegressor((3,), max_iter=2, random_state=0).fit(x, y.astype(float))
    np.testing.assert_array_equal(reg.predict(x), fit_twice.predict(x))
    with pytest.raises(ValueError, match="y has 2 target"):
        reg.partial_fit(x, np.c_[y, y].astype(float))
