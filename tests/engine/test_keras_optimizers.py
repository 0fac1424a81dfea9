"""AdamW and Adagrad against Keras 3: defaults, update rule, state, config and saving.

The reference numbers (KERAS_*) were printed by Keras 3.15 (TensorFlow backend) with
`/work/peers-venv/bin/python tests/engine/keras_reference_optimizers.py`: three steps
from W0 with the gradients GRADS; the slots are Keras's optimizer variables after them.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import glassnet as gn

W0 = np.array([[0.5, -1.0], [2.0, 0.25], [-0.75, 1.5]], np.float32)
GRADS = [
    np.array([[0.1, -0.2], [0.3, 0.0], [-0.5, 1.0]], np.float32),
    np.array([[-0.4, 0.1], [0.2, 0.05], [0.0, -0.3]], np.float32),
    np.array([[0.25, 0.25], [-0.1, 0.2], [0.6, -0.2]], np.float32),
]
KERAS_ADAM_M = [[-0.0029000007, 0.0178], [0.0323000029, 0.0245000012], [0.0195000023, 0.0340000018]]
KERAS_ADAM_V = [
    [0.00023232003150042146, 0.00011241005267947912],
    [0.00013978010974824429, 4.249750418239273e-05],
    [0.0006095003336668015, 0.0011279110331088305],
]
KERAS_ACCUMULATOR = [[0.3325, 0.2125], [0.24, 0.1425], [0.71, 1.23]]
KERAS = {  # label -> (glassnet optimizer, Keras's weights after three steps, its slots)
    "AdamW()": (
        lambda: gn.optimizers.AdamW(),
        [[0.49959197640419006, -0.999060869216919], [1.9974538087844849, 0.2484937310218811],
         [-0.7484805583953857, 1.498349666595459]],
        {"m": KERAS_ADAM_M, "v": KERAS_ADAM_V},
    ),
    "AdamW(0.1, weight_decay=0.1)": (
        lambda: gn.optimizers.AdamW(0.1, weight_decay=0.1),
        [[0.44637662172317505, -0.8798390030860901], [1.6913381814956665, 0.09299163520336151],
         [-0.5793366432189941, 1.294632077217102]],
        {"m": KERAS_ADAM_M, "v": KERAS_ADAM_V},
    ),
    "Adagrad()": (
        lambda: gn.optimizers.Adagrad(),
        [[0.500034749507904, -1.0002659559249878], [1.9990988969802856, 0.24931401014328003],
         [-0.7498669624328613, 1.4995019435882568]],
        {"accumulator": KERAS_ACCUMULATOR},
    ),
    "Adagrad(0.5, initial_accumulator_value=0.2, epsilon=1e-3)": (
        lambda: gn.optimizers.Adagrad(0.5, initial_accumulator_value=0.2, epsilon=1e-3),
        [[0.5296523571014404, -1.1193503141403198], [1.6337449550628662, -0.008070722222328186],
         [-0.7108631134033203, 1.2624493837356567]],
        {"accumulator": [[0.4325, 0.3125], [0.34, 0.2425], [0.81, 1.33]]},
    ),
    "Adagrad(0.1, weight_decay=0.05)": (
        lambda: gn.optimizers.Adagrad(0.1, weight_decay=0.05),
        [[0.49592670798301697, -1.0120792388916016], [1.880929708480835, 0.17774814367294312],
         [-0.726340651512146, 1.4286140203475952]],
        {"accumulator": KERAS_ACCUMULATOR},
    ),
}  # fmt: skip


def _three_steps(optimizer):
    w = W0.copy()
    for grad in GRADS:
        optimizer.apply([(w, grad)])
    return w


@pytest.mark.parametrize("label", list(KERAS))
def test_three_steps_match_keras(label):
    make, weights, slots = KERAS[label]
    optimizer = make()
    w = _three_steps(optimizer)
    np.testing.assert_allclose(w, weights, rtol=1e-5, atol=2e-6)
    state = optimizer.get_state()
    assert int(state["iterations"]) == 3
    assert sorted(k for k in state if k != "iterations") == sorted(f"0/{k}" for k in slots)
    for kind, expected in slots.items():
        np.testing.assert_allclose(state[f"0/{kind}"], expected, rtol=1e-5, atol=1e-9)


def test_defaults_are_keras_defaults():
    adamw, adagrad = gn.optimizers.AdamW(), gn.optimizers.Adagrad()
    assert (adamw.learning_rate, adamw.weight_decay) == (0.001, 0.004)
    assert (adamw.beta_1, adamw.beta_2, adamw.epsilon) == (0.9, 0.999, 1e-7)
    assert (adagrad.learning_rate, adagrad.initial_accumulator_value) == (0.001, 0.1)
    assert (adagrad.epsilon, adagrad.weight_decay) == (1e-7, 0.0)
    assert adamw.elementwise and adagrad.elementwise


def test_adamw_first_step_by_hand():
    # w = 2: decay first, 2 - 0.1 * 0.5 * 2 = 1.9; Adam's first step is lr * sign(g)
    # (m / sqrt(v) = g / |g| after bias correction), up to epsilon: 1.9 - 0.1 = 1.8.
    w = np.array([2.0], np.float32)
    gn.optimizers.AdamW(0.1, weight_decay=0.5).apply([(w, np.array([3.0], np.float32))])
    assert w[0] == pytest.approx(1.8, abs=1e-6)


def test_adagrad_two_steps_by_hand():
    w = np.array([1.0])
    opt = gn.optimizers.Adagrad(0.1, initial_accumulator_value=0.5, epsilon=1e-7)
    opt.apply([(w, np.array([1.0]))])  # acc = 0.5 + 1 = 1.5
    first = 1.0 - 0.1 * 1.0 / math.sqrt(1.5 + 1e-7)
    assert w[0] == pytest.approx(first, rel=1e-12)
    opt.apply([(w, np.array([-2.0]))])  # acc = 1.5 + 4 = 5.5
    assert w[0] == pytest.approx(first + 0.1 * 2.0 / math.sqrt(5.5 + 1e-7), rel=1e-12)
    assert opt.get_state()["0/accumulator"].tolist() == [5.5]


@pytest.mark.parametrize("name", ["adamw", "adagrad"])
def test_names_config_and_state_round_trip(name):
    optimizer = gn.optimizers.get(name)
    assert optimizer.name == name
    w = _three_steps(optimizer)
    again = gn.optimizers.from_config(optimizer.get_config())
    assert type(again) is type(optimizer) and again.get_config() == optimizer.get_config()
    w2 = W0.copy()
    again.set_state(optimizer.get_state(), [w2])
    w2[...] = w
    optimizer.apply([(w, GRADS[0])])
    again.apply([(w2, GRADS[0])])
    np.testing.assert_array_equal(w, w2)


@pytest.mark.parametrize("make", [gn.optimizers.AdamW, gn.optimizers.Adagrad])
def test_a_large_vector_updated_in_pieces_equals_whole(make, monkeypatch):
    rng = np.random.default_rng(0)
    w = rng.normal(size=300_000).astype(np.float32)  # above BLOCK_ABOVE: taken in pieces
    grads = [rng.normal(size=w.size).astype(np.float32) for _ in range(2)]
    pieces, whole = w.copy(), w.copy()
    first = make(learning_rate=0.01)
    for g in grads:
        first.apply([(pieces, g)])
    monkeypatch.setattr(type(first), "elementwise", False)
    second = make(learning_rate=0.01)
    for g in grads:
        second.apply([(whole, g)])
    np.testing.assert_array_equal(pieces, whole)


def test_bad_arguments_are_named():
    with pytest.raises(ValueError, match="weight_decay"):
        gn.optimizers.AdamW(weight_decay=None)
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        gn.optimizers.Adagrad(initial_accumulator_value=-1)
    with pytest.raises(ValueError, match="epsilon"):
        gn.optimizers.Adagrad(epsilon=0)


def _trained(optimizer):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(16, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    gn.utils.set_random_seed(0)
    model = gn.Sequential([gn.Input(shape=(3,)), gn.layers.Dense(4, activation="relu"),
                           gn.layers.Dense(1)])  # fmt: skip
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    return model, x, y


@pytest.mark.parametrize("suffix", [".glassnet", ".keras"])
@pytest.mark.parametrize("optimizer", ["adamw", "adagrad"])
def test_saving_keeps_settings_and_state(tmp_path, suffix, optimizer):
    if suffix == ".keras":
        pytest.importorskip("h5py")
    model, x, y = _trained(gn.optimizers.get(optimizer))
    path = tmp_path / f"m{suffix}"
    model.save(path)
    loaded = gn.load_model(path)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    state, again = model.optimizer.get_state(), loaded.optimizer.get_state()
    assert state.keys() == again.keys()
    for key in state:
        np.testing.assert_array_equal(again[key], state[key])
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)
