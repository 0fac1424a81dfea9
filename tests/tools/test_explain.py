"""gn.explain: the chain rule's factors, checked against backpropagation and finite
differences on random small networks; the lecture's formulas; forward, step and the
perceptron's explanations, each checked by an independent computation."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import glassnet as gn
from glassnet.layers import Activation, Dense, Dropout, Flatten, Softmax

# step and sign have a zero derivative, so every gradient through them is an exact 0 that
# cannot disagree; they get a test of their own below.
HIDDEN_ACTIVATIONS = ["linear", "sigmoid", "tanh", "relu", "softmax"]
# loss name, from_logits -> the output activation it goes with
LOSSES = [
    ("mse", False, "tanh"),
    ("mae", False, "linear"),
    ("binary_crossentropy", False, "sigmoid"),
    ("binary_crossentropy", True, "linear"),
    ("categorical_crossentropy", False, "softmax"),
    ("categorical_crossentropy", True, "linear"),
    ("sparse_categorical_crossentropy", False, "softmax"),
    ("sparse_categorical_crossentropy", True, "linear"),
]


def _target(loss_name, n_outputs, rng):
    if loss_name == "sparse_categorical_crossentropy":
        return int(rng.integers(n_outputs))
    if loss_name == "categorical_crossentropy":
        return np.eye(n_outputs)[rng.integers(n_outputs)]
    if loss_name == "binary_crossentropy":
        return rng.integers(0, 2, size=n_outputs).astype(float)
    return rng.normal(size=n_outputs)


def _random_network(
    seed,
    widths,
    hidden,
    loss_case,
    flatten=False,
    dropout=False,
    softmax_layer=False,
    dense_bias=True,
    separate_activations=False,
):
    """A small network with weights drawn from `seed`, compiled with the loss case.

    separate_activations: hidden layers as Dense (linear) followed by Activation(f).
    """
    rng = np.random.default_rng(seed)
    loss_name, from_logits, output_activation = loss_case
    n_inputs = 4
    layers = [Flatten(input_shape=(2, 2))] if flatten else []
    for i, width in enumerate(widths[:-1]):
        kwargs = {} if flatten or i else {"input_shape": (n_inputs,)}
        activation = hidden[i % len(hidden)]
        if separate_activations:
            layers += [Dense(width, use_bias=dense_bias, **kwargs), Activation(activation)]
        else:
            layers.append(Dense(width, activation=activation, use_bias=dense_bias, **kwargs))
        if dropout:
            layers.append(Dropout(0.5, seed=1))
    n_outputs = widths[-1]
    if loss_name == "binary_crossentropy":
        n_outputs = 1
    elif "categorical" in loss_name:
        n_outputs = max(n_outputs, 2)
    as_layer = softmax_layer and output_activation == "softmax"
    last_kwargs = {} if layers else {"input_shape": (n_inputs,)}
    layers.append(
        Dense(n_outputs, activation=None if as_layer else output_activation, **last_kwargs)
    )
    if as_layer:
        layers.append(Softmax())
    model = gn.Sequential(layers)
    loss = gn.losses.get(loss_name)
    loss.from_logits = from_logits
    model.compile(optimizer="sgd", loss=loss)
    model.build()
    model.set_weights([rng.normal(size=w.shape) for w in model.get_weights()])
    x = rng.normal(size=(2, 2) if flatten else (n_inputs,))
    return model, x, _target(loss_name, n_outputs, rng), rng


NETWORKS = st.fixed_dictionaries(
    {
        "seed": st.integers(0, 2**32 - 1),
        "widths": st.lists(st.integers(1, 4), min_size=1, max_size=3),
        "hidden": st.lists(st.sampled_from(HIDDEN_ACTIVATIONS), min_size=1, max_size=2),
        "loss_case": st.sampled_from(LOSSES),
        "flatten": st.booleans(),
        "dropout": st.booleans(),
        "softmax_layer": st.booleans(),
        "dense_bias": st.booleans(),
        "separate_activations": st.booleans(),
    }
)


@settings(max_examples=200, deadline=None)
@given(network=NETWORKS, explain_bias=st.booleans())
def test_chain_rule_equals_backpropagation_and_finite_differences(network, explain_bias):
    model, x, y, rng = _random_network(**network)
    weights_before = model.get_weights()
    dense = [i for i, leaf in enumerate(model.leaves()) if leaf.params]
    layer = int(rng.choice(dense))
    fan_in, units = model.leaves()[layer].params["kernel"].shape
    if explain_bias and network["dense_bias"]:
        result = gn.explain.gradient(model, x, y, layer=layer, bias=int(rng.integers(units)))
    else:
        weight = (int(rng.integers(fan_in)), int(rng.integers(units)))
        result = gn.explain.gradient(model, x, y, layer=layer, weight=weight)
    scale = max(1.0, abs(result.finite_difference))
    assert abs(result.chain_rule - result.backpropagation) < 1e-6 * scale
    assert abs(result.chain_rule - result.finite_difference) < 1e-6 * scale
    # The factors multiply to the chain rule's value (a dot product over the outputs).
    values = [np.ravel(f.value) for f in result.factors]
    assert np.isclose(np.dot(values[0], values[1]) * np.prod(values[2:]), result.chain_rule)
    for before, after in zip(weights_before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(before, after)  # the model is untouched


# -- the lecture's network: x -> z1 -> a1 = sigmoid(z1) -> ŷ = a1*w2 + b2, J = (ŷ - y)^2 --


def _lecture_network(w1=0.8, b1=-0.2, w2=1.5, b2=0.1):
    model = gn.Sequential(
        [Dense(1, activation="sigmoid", input_shape=(1,)), Dense(1, activation="linear")]
    )
    model.compile(optimizer="sgd", loss="mse")
    model.set_weights([np.array([[w1]]), np.array([b1]), np.array([[w2]]), np.array([b2])])
    return model


def _by_hand(x=2.0, y=1.0, w1=0.8, b1=-0.2, w2=1.5, b2=0.1):
    w1, b1, w2, b2 = (float(np.float32(v)) for v in (w1, b1, w2, b2))  # as the model stores them
    a1 = 1 / (1 + np.exp(-(x * w1 + b1)))
    y_hat = a1 * w2 + b2
    return {
        "dJ/dŷ": 2 * (y_hat - y),
        "dŷ/dw2": a1,
        "dŷ/dz1": w2 * a1 * (1 - a1),
        "dz1/dw1": x,
        "loss": (y_hat - y) ** 2,
    }


def test_lecture_formula_for_w2_literally():
    g = gn.explain.gradient(_lecture_network(), [2.0], 1.0, layer=1, weight=(0, 0))
    hand = _by_hand()
    assert g.formula == "dJ/dw2 = dJ/dŷ · dŷ/dw2"
    assert [f.symbol for f in g.factors] == ["dJ/dŷ", "dŷ/dw2"]
    assert np.isclose(float(np.ravel(g.factors[0].value)[0]), hand["dJ/dŷ"])
    assert np.isclose(float(np.ravel(g.factors[1].value)[0]), hand["dŷ/dw2"])
    assert np.isclose(g.chain_rule, hand["dJ/dŷ"] * hand["dŷ/dw2"])
    assert np.isclose(g.loss, hand["loss"])
    assert "dJ/dw2 = dJ/dŷ · dŷ/dw2" in str(g)


def test_lecture_formula_for_w1_literally_with_its_expansion():
    g = gn.explain.gradient(_lecture_network(), [2.0], 1.0, layer=0, weight=(0, 0))
    hand = _by_hand()
    assert g.formula == "dJ/dw1 = dJ/dŷ · dŷ/dz1 · dz1/dw1"
    values = [float(np.ravel(f.value)[0]) for f in g.factors]
    assert np.allclose(values, [hand["dJ/dŷ"], hand["dŷ/dz1"], hand["dz1/dw1"]])
    assert np.isclose(g.chain_rule, np.prod(values))
    # dŷ/dz1 = f2'(z2) · w2 · f1'(z1), written out: f2 is linear, so f2' = 1.
    assert [symbol for symbol, _ in g.path] == ["f2'(z2)", "w2", "f1'(z1)"]
    assert np.isclose(np.prod([value for _, value in g.path]), hand["dŷ/dz1"])
    text = str(g)
    assert "dŷ/dz1   = f2'(z2) · w2 · f1'(z1)" in text
    assert f"finite differences:   {g.finite_difference:.6g}" in text


def test_bias_gradient_has_a_factor_of_one():
    g = gn.explain.gradient(_lecture_network(), [2.0], 1.0, layer=0, bias=0)
    hand = _by_hand()
    assert g.formula == "dJ/db1 = dJ/dŷ · dŷ/dz1 · dz1/db1"
    assert float(np.ravel(g.factors[2].value)[0]) == 1.0
    assert np.isclose(g.chain_rule, hand["dJ/dŷ"] * hand["dŷ/dz1"])


def test_wide_network_gradient_sums_over_outputs():
    gn.utils.set_random_seed(0)
    model = gn.Sequential([Flatten(input_shape=(28, 28)), Dense(16, activation="relu"), Dense(10)])
    model.compile(optimizer="adam", loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = np.random.default_rng(1).random((28, 28))
    g = gn.explain.gradient(model, x, 3, layer=1, weight=(400, 5))
    assert g.symbol == "w1[400,5]" and np.ravel(g.factors[1].value).size == 10
    assert abs(g.chain_rule - g.finite_difference) < 1e-6
    assert "sum over the 10 outputs" in str(g)


@pytest.mark.parametrize("flat", ["step", "sign"])
def test_a_step_activation_lets_no_gradient_through(flat):
    model, x, y, _ = _random_network(3, [3, 1], [flat], ("mse", False, "tanh"))
    g = gn.explain.gradient(model, x, y, layer=0, weight=(1, 2))
    assert g.chain_rule == g.backpropagation == g.finite_difference == 0.0
    assert g.path[-1] == ("f1'(z1[2])", 0.0)


def test_two_two_one_network_keeps_the_lecture_expansion():
    model = gn.Sequential([Dense(2, activation="sigmoid", input_shape=(2,)), Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    w1, b1, w2, b2 = [[0.5, -1.0], [0.25, 2.0]], [0.1, 0.0], [[2.0], [-1.0]], [0.5]
    model.set_weights([np.array(w) for w in (w1, b1, w2, b2)])
    g = gn.explain.gradient(model, [1.0, 2.0], 1.0, layer=0, weight=(1, 1))
    z1 = np.array([1.0, 2.0]) @ np.array(w1) + b1
    a1 = 1 / (1 + np.exp(-z1))
    y_hat = a1 @ np.array(w2)[:, 0] + b2[0]
    # dJ/dw1[1,1] = 2(ŷ - y) · f2'(z2) · w2[1,0] · f1'(z1[1]) · x[1], with f2' = 1
    by_hand = 2 * (y_hat - 1.0) * 1.0 * -1.0 * a1[1] * (1 - a1[1]) * 2.0
    assert np.isclose(g.chain_rule, by_hand)
    assert [name for name, _ in g.path] == ["f2'(z2)", "w2[1,0]", "f1'(z1[1])"]
    assert "dŷ/dz1[1]        = f2'(z2) · w2[1,0] · f1'(z1[1])" in str(g)


def test_separate_activation_layers_get_their_own_symbols_and_no_bias_is_shown():
    model = gn.Sequential(
        [Dense(2, input_shape=(2,), use_bias=False), Activation("relu"), Dense(1), Softmax()]
    )
    model.compile(optimizer="sgd", loss="mse")
    model.set_weights(
        [np.array([[0.5, -1.0], [0.25, 2.0]]), np.array([[2.0], [-1.0]]), np.array([0.5])]
    )
    text = str(gn.explain.forward(model, [1.0, 2.0]))
    assert "z1[0] = x[0]*w1[0,0] + x[1]*w1[1,0]\n" in text  # no b1: the layer has none
    assert "a1 = relu(z1) = relu([1, 3]) = [1, 3]" in text
    assert "z2 = a1[0]*w2[0,0] + a1[1]*w2[1,0] + b2" in text
    g = gn.explain.gradient(model, [1.0, 2.0], 1.0, layer=0, weight=(0, 1))
    assert [name for name, _ in g.path] == ["softmax'(z2)", "w2[1,0]", "relu'(z1[1])"]
    assert gn.explain.gradient(model, [1.0, 2.0], 1.0).layer_index == 2  # the last with weights


# -- forward -------------------------------------------------------------------------------


def test_forward_numbers_match_predict_and_a_hand_calculation():
    model = gn.Sequential([Dense(2, activation="relu", input_shape=(2,)), Dense(1)])
    model.set_weights(
        [
            np.array([[0.5, -1.0], [0.25, 2.0]]),
            np.array([0.1, 0.0]),
            np.array([[2.0], [-1.0]]),
            np.array([0.5]),
        ]
    )
    e = gn.explain.forward(model, [2.0, 4.0])
    # z1 = [2*0.5 + 4*0.25 + 0.1, 2*(-1) + 4*2 + 0] = [2.1, 6]; a1 = relu(z1)
    assert np.allclose(e.layers[0].z, [2.1, 6.0])
    assert np.allclose(e.output, [2.1 * 2 - 6 + 0.5])
    assert np.allclose(e.output, model.predict(np.array([[2.0, 4.0]]))[0], atol=1e-6)
    text = str(e)
    assert "z1[0] = x[0]*w1[0,0] + x[1]*w1[1,0] + b1[0]" in text
    assert "= 2*0.5 + 4*0.25 + 0.1 = 2.1" in text
    assert "a1[1] = relu(6) = 6" in text
    assert "(2,) -> (2,)" in text and "(2,) -> (1,)" in text


def test_forward_summarises_wide_layers_with_their_largest_terms():
    gn.utils.set_random_seed(0)
    model = gn.Sequential([Flatten(input_shape=(28, 28)), Dense(32, activation="relu"), Dense(10)])
    x = np.random.default_rng(2).random((28, 28))
    e = gn.explain.forward(model, x)
    text = str(e)
    assert "(28, 28) -> (784,)" in text
    assert "sum of 784 terms" in text and "largest terms" in text
    assert "32 units: the 10 largest outputs (in size) are shown" in text
    terms = e.layers[1].terms
    assert np.allclose(terms.sum(axis=0) + model.leaves()[1].params["bias"], e.layers[1].z)
    assert np.allclose(e.output, model.predict(x[None])[0], atol=1e-5)


def test_explanations_render_as_html_and_data():
    e = gn.explain.gradient(_lecture_network(), [2.0], 1.0, layer=0)
    page = e._repr_html_()
    assert page.startswith("<div") and '<pre class="glassnet-text"' in page and "dJ/dw1" in page
    data = e.to_dict()
    assert data["formula"] == e.formula and data["chain_rule"] == e.chain_rule
    assert isinstance(data["factors"][0]["value"], list)
    assert gn.explain.forward(_lecture_network(), [1.0]).to_dict()["layers"][0]["kind"] == "Dense"


# -- step ------------------------------------------------------------------------------------


def test_step_moves_each_weight_against_its_gradient_and_lowers_the_loss():
    model = _lecture_network()
    before = model.get_weights()
    s = gn.explain.step(model, [2.0], 1.0, learning_rate=0.1)
    report = gn.testing.check_gradients(model, np.array([[2.0]]), np.array([1.0]))
    assert report.passed
    # Each change is -0.1 * dJ/dw, with dJ/dw from the chain rule by hand.
    hand = _by_hand()
    dw2 = hand["dJ/dŷ"] * hand["dŷ/dw2"]
    dw1 = hand["dJ/dŷ"] * hand["dŷ/dz1"] * hand["dz1/dw1"]
    assert np.isclose(s.changes[2].change.item(), -0.1 * dw2)
    assert np.isclose(s.changes[0].change.item(), -0.1 * dw1)
    assert np.isclose(s.changes[3].change.item(), -0.1 * hand["dJ/dŷ"])  # dŷ/db2 = 1
    assert s.loss_after < s.loss_before
    for a, b in zip(before, model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)  # the model is unchanged
    model.set_weights(s.new_weights)
    loss_after = gn.losses.get("mse")(np.array([1.0]), model.predict(np.array([[2.0]])))
    assert np.isclose(loss_after, s.loss_after, rtol=1e-5)
    assert "w1 = 0.8 - 0.1 ×" in str(s)


# -- the perceptron ------------------------------------------------------------------------


def test_lecture_perceptron_point_0_of_group_1():
    x, _ = gn.datasets.lecture_groups()
    p = gn.Perceptron(weights=[0.75, -0.5], bias_weight=1, activation="sign")
    e = gn.explain.perceptron(p, x[0])
    assert e.z == 2.0 and e.output == 1.0
    text = str(e)
    for line in [
        "x1*w1       = 2.0*0.75 = 1.5",
        "x2*w2       = 1.0*-0.5 = -0.5",
        "bias*w_bias = 1.0*1.0 = 1.0",
        "z = 1.5 + -0.5 + 1.0 = 2.0",
        "y = sign(z): z = 2.0 > 0 so sign gives 1",
    ]:
        assert line in text.splitlines()


def test_perceptron_training_trace_replays_to_the_final_weights():
    x, y = gn.datasets.lecture_groups()
    p = gn.Perceptron(weights=[0.75, -0.5], bias_weight=1, activation="sign")
    trace = gn.explain.perceptron_training(p.fit(x, y, learning_rate=0.1))
    weights, bias_weight = trace.initial_weights.copy(), trace.initial_bias_weight
    for record in trace.epochs:
        for update in record.updates:
            # Each update was made for a misclassified point, by the rule.
            z = update.x @ weights + 1.0 * bias_weight
            assert np.isclose(z, update.z) and int(z > 0) == update.predicted != update.target
            error = update.target - update.predicted
            assert np.allclose(update.delta_weights, 0.1 * error * update.x)
            weights, bias_weight = weights + update.delta_weights, bias_weight + 0.1 * error
        assert np.allclose(weights, record.weights) and np.isclose(bias_weight, record.bias_weight)
    assert np.allclose(weights, p.weights) and trace.epochs[-1].errors == 0
    text = str(trace)
    first = trace.epochs[0].updates[0]
    assert f"point {first.index}: x = " in text
    assert "no point misclassified, so training stops" in text


def test_perceptron_training_needs_a_fitted_perceptron():
    with pytest.raises(ValueError, match="call fit"):
        gn.explain.perceptron_training(gn.Perceptron(weights=[1, 1]))
    with pytest.raises(TypeError, match=r"gn\.Perceptron"):
        gn.explain.perceptron(_lecture_network(), [1.0, 2.0])


# -- bad input -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"layer": 5}, r"layer must be an index in \[0, 2\)"),
        ({"layer": "nope"}, "is not in the model"),
        ({"layer": 0, "weight": (1, 0)}, r"i in \[0, 1\)"),
        ({"layer": 0, "weight": 3}, r"weight must be a pair \(i, j\)"),
        ({"layer": 0, "weight": (-1, 0)}, r"weight\[0\] must be an integer >= 0"),
        ({"layer": 0, "bias": 2}, r"bias must be a unit index in \[0, 1\)"),
        ({"layer": 0, "weight": (0, 0), "bias": 0}, "not both"),
        ({"layer": 0, "epsilon": 0}, "epsilon"),
    ],
)
def test_gradient_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        gn.explain.gradient(_lecture_network(), [2.0], 1.0, **kwargs)


def test_layer_without_weights_and_missing_loss_and_bad_sample():
    model = gn.Sequential([Flatten(input_shape=(2, 1)), Dense(1)])
    with pytest.raises(ValueError, match="the model has no loss: compile it"):
        gn.explain.gradient(model, [[1.0], [2.0]], 1.0, layer=1)
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"'flatten.*' has no weights\. Layers with weights: 1"):
        gn.explain.gradient(model, [[1.0], [2.0]], 1.0, layer=0)
    with pytest.raises(ValueError, match=r"one sample shaped \(2, 1\)"):
        gn.explain.forward(model, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="learning_rate"):
        gn.explain.step(model, [[1.0], [2.0]], 1.0, learning_rate=-1)


def test_bad_model_and_target_name_the_argument():
    with pytest.raises(TypeError, match="model must be a glassnet Sequential"):
        gn.explain.forward("model", [1.0])
    model = gn.Sequential([Dense(3, activation="softmax", input_shape=(2,))])
    model.compile(optimizer="sgd", loss="categorical_crossentropy")
    with pytest.raises(ValueError, match=r"y does not fit a model with 3 output\(s\)"):
        gn.explain.gradient(model, [1.0, 2.0], 1)
