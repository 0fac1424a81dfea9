"""explain that teaches: the largest gradient, why a factor is 0, the softmax step, all 10 units.

Every number is recomputed here in float64 NumPy from the model's own weights.
"""

import numpy as np
import pytest

import glassnet as gn
from glassnet._internal.numbers import precise


@pytest.fixture
def model():
    gn.utils.set_random_seed(5)
    m = gn.Sequential(
        [
            gn.layers.Input((4, 4)),
            gn.layers.Flatten(),
            gn.layers.Dense(6, activation="relu"),
            gn.layers.Dense(10),
        ]
    )
    m.compile(optimizer="sgd", loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    return m


@pytest.fixture
def image():
    x = np.zeros((4, 4))
    x[1:3, 1:3] = [[0.9, 0.4], [0.7, 1.0]]  # a light object on a black background
    return x


def _by_hand(model, image, label):
    w1, b1, w2, b2 = (np.asarray(w, dtype=np.float64) for w in model.get_weights())
    x = image.reshape(-1)
    z1 = x @ w1 + b1
    a1 = np.maximum(z1, 0)
    logits = a1 @ w2 + b2
    p = np.exp(logits - logits.max())
    p /= p.sum()
    dz2 = p - np.eye(10)[label]  # softmax + cross-entropy, one sample
    dz1 = (dz2 @ w2.T) * (z1 > 0)
    return {"z1": z1, "logits": logits, "p": p, "dw1": np.outer(x, dz1), "dw2": np.outer(a1, dz2)}


def test_largest_gradient_is_picked(model, image):
    hand = _by_hand(model, image, 3)
    g = gn.explain.gradient(model, image, 3, layer=1, weight="largest")
    i, j = np.unravel_index(np.argmax(np.abs(hand["dw1"])), hand["dw1"].shape)
    assert g.position == (i, j)
    assert g.chain_rule == pytest.approx(hand["dw1"][i, j], rel=1e-6)
    assert "largest |dJ/dw|" in str(g)
    last = gn.explain.gradient(model, image, 3, weight="largest")
    i, j = np.unravel_index(np.argmax(np.abs(hand["dw2"])), hand["dw2"].shape)
    assert last.position == (i, j)
    assert last.backpropagation == pytest.approx(hand["dw2"][i, j], rel=1e-6)


def test_a_zero_factor_is_explained(model, image):
    hand = _by_hand(model, image, 3)
    off = np.flatnonzero(hand["z1"] < 0)
    assert off.size, "the seed should give a unit that is off"
    j = int(off[0])
    g = gn.explain.gradient(model, image, 3, layer=1, weight=(0, j))  # x[0] is black
    assert g.chain_rule == 0.0 and hand["dw1"][0, j] == 0.0
    assert g.zero_reasons[0].startswith("x[0] = 0: this pixel is background in this image")
    assert g.zero_reasons[1].startswith(
        f"relu'(z1[{j}]) = 0: unit {j} is off for this sample (z1[{j}] = {precise(hand['z1'][j])})"
    )
    assert "why 0: x[0] = 0" in str(g)
    on = int(np.flatnonzero(hand["z1"] > 0)[0])
    lit = gn.explain.gradient(model, image, 3, layer=1, weight=(5, on))  # x[5] = 0.9
    assert lit.zero_reasons == [] and lit.chain_rule == pytest.approx(hand["dw1"][5, on])
    table = gn.Sequential([gn.layers.Input((2,)), gn.layers.Dense(2), gn.layers.Dense(1)])
    table.set_weights([np.eye(2), np.zeros(2), np.ones((2, 1)), np.zeros(1)])
    row = gn.explain.gradient(table, [0.0, 2.0], 1.0, layer=0, weight=(0, 1), loss="mse")
    assert row.zero_reasons == [
        "x[0] = 0: this input is 0 in this sample, so changing the weight changes nothing here"
    ]
    assert row.chain_rule == 0.0  # J = (x0 + x1 - 1)^2; dJ/dw[0,1] = 2 (2 - 1) x0 = 0


def test_softmax_step_and_every_output_of_ten(model, image):
    hand = _by_hand(model, image, 3)
    f = gn.explain.forward(model, image)
    np.testing.assert_allclose(f.probabilities, hand["p"], rtol=1e-9)
    best = int(np.argmax(hand["p"]))
    shifted = np.exp(hand["logits"] - hand["logits"].max())
    text = str(f)
    assert "softmax: from the logits ŷ to probabilities" in text
    assert (
        f"p[{best}] = {precise(shifted[best])} / {precise(shifted.sum())} = "
        f"{precise(hand['p'][best])}"
    ) in text
    for k in range(10):  # a 10-unit layer shows every unit
        assert f"z2[{k}] = sum of 6 terms" in text or f"z2[{k}] = a1[0]*w2[0,{k}]" in text
    assert "largest outputs (in size) are shown" not in text
    plain = gn.Sequential([gn.layers.Input((2,)), gn.layers.Dense(3)])
    plain.compile(optimizer="sgd", loss="mse")
    assert gn.explain.forward(plain, [1.0, 2.0]).probabilities is None  # not logits


def test_weight_must_be_a_pair_or_largest(model, image):
    with pytest.raises(ValueError, match='or "largest"'):
        gn.explain.gradient(model, image, 3, layer=1, weight="biggest")


def test_named_inputs_show_raw_and_scaled_values_and_check_their_counts():
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
    model.set_weights([np.array([[0.5], [-1.0]]), np.array([0.0])])
    raw, mean, std = (
        np.array([181.0, 3750.0]),
        np.array([200.9, 4201.75]),
        np.array([14.06, 801.95]),
    )
    scaled = (raw - mean) / std
    e = gn.explain.forward(
        model, scaled, feature_names=["flipper_length_mm", "body_mass_g"], raw=raw
    )
    lines = e.sections()[0][1]
    assert lines[1] == f"x[0] = flipper_length_mm = 181 mm raw -> {precise(scaled[0])} scaled"
    assert lines[2] == f"x[1] = body_mass_g = 3750 g raw -> {precise(scaled[1])} scaled"
    assert e.to_dict()["feature_names"] == ["flipper_length_mm", "body_mass_g"]
    assert e.to_dict()["raw"] == [181.0, 3750.0]
    names_only = gn.explain.forward(model, scaled, feature_names=["a", "b"])
    assert names_only.sections()[0][1][1] == f"x[0] = a = {precise(scaled[0])} (scaled)"
    with pytest.raises(ValueError, match="feature_names must name each of the 2 inputs, got 1"):
        gn.explain.forward(model, scaled, feature_names=["a"])
    with pytest.raises(ValueError, match="raw must hold one value per input"):
        gn.explain.forward(model, scaled, feature_names=["a", "b"], raw=[1.0])
    with pytest.raises(ValueError, match="raw needs feature_names"):
        gn.explain.forward(model, scaled, raw=raw)


def test_a_long_row_shows_its_first_features_and_says_how_many_more():
    from glassnet.explain._features import MAX_FEATURES, feature_lines

    n = MAX_FEATURES + 5
    lines = feature_lines([f"f{i}" for i in range(n)], np.arange(n), np.zeros(n))
    assert len(lines) == MAX_FEATURES + 1 and lines[-1] == "... and 5 more feature(s)"
    assert lines[3] == "x[3] = f3 = 3 raw -> 0 scaled"
