"""Optimizers: steps against arithmetic done by hand, state per parameter, names and errors."""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet.optimizers import SGD, Adam, RMSprop, get


def _steps(optimizer, w, gradients):
    w = np.array(w, dtype=np.float64)
    for g in gradients:
        optimizer.apply([(w, np.array(g, dtype=np.float64))])
    return w


def test_plain_sgd_by_hand():
    # w -= lr g: 1 - 0.1 * 0.5 = 0.95; -2 - 0.1 * (-1) = -1.9
    w = _steps(SGD(learning_rate=0.1), [1.0, -2.0], [[0.5, -1.0]])
    np.testing.assert_allclose(w, [0.95, -1.9], rtol=0, atol=1e-15)


def test_sgd_momentum_two_steps_by_hand():
    # step 1: v = 0.9 * 0 - 0.1 * [0.5, -1] = [-0.05, 0.1];  w = [1, -2] + v = [0.95, -1.9]
    # step 2: v = 0.9 * [-0.05, 0.1] - 0.1 * [1, 2] = [-0.145, -0.11]
    #         w = [0.95, -1.9] + v = [0.805, -2.01]
    optimizer = SGD(learning_rate=0.1, momentum=0.9)
    w = _steps(optimizer, [1.0, -2.0], [[0.5, -1.0]])
    np.testing.assert_allclose(w, [0.95, -1.9], atol=1e-15)
    w2 = _steps(SGD(learning_rate=0.1, momentum=0.9), [1.0, -2.0], [[0.5, -1.0], [1.0, 2.0]])
    np.testing.assert_allclose(w2, [0.805, -2.01], atol=1e-15)


def test_sgd_nesterov_two_steps_by_hand():
    # Keras: v = m v - lr g; w += m v - lr g
    # step 1: v = [-0.05, 0.1]; w = [1 + 0.9*(-0.05) - 0.05, -2 + 0.9*0.1 + 0.1] = [0.905, -1.81]
    # step 2: v = [-0.145, -0.11]
    #         w = [0.905 + 0.9*(-0.145) - 0.1, -1.81 + 0.9*(-0.11) - 0.2] = [0.6745, -2.109]
    optimizer = SGD(learning_rate=0.1, momentum=0.9, nesterov=True)
    w = _steps(optimizer, [1.0, -2.0], [[0.5, -1.0], [1.0, 2.0]])
    np.testing.assert_allclose(w, [0.6745, -2.109], atol=1e-15)


def test_adam_two_steps_by_hand():
    lr, b1, b2, eps = 0.1, 0.9, 0.999, 1e-7
    optimizer = Adam(learning_rate=lr)
    w = np.array([1.0, -0.5])
    # step 1, g = [2, -0.1]:
    #   m = 0.1 g = [0.2, -0.01];  v = 0.001 g^2 = [0.004, 0.00001]
    #   alpha = 0.1 sqrt(1 - 0.999) / (1 - 0.9) = sqrt(0.001) = 0.0316227766
    #   w -= alpha m / (sqrt(v) + 1e-7), i.e. almost exactly lr * sign(g)
    optimizer.apply([(w, np.array([2.0, -0.1]))])
    m1 = np.array([0.2, -0.01])
    v1 = np.array([0.004, 0.00001])
    alpha1 = lr * math.sqrt(1 - b2) / (1 - b1)
    expected = np.array([1.0, -0.5]) - alpha1 * m1 / (np.sqrt(v1) + eps)
    np.testing.assert_allclose(w, expected, rtol=1e-13)
    np.testing.assert_allclose(w, [0.9, -0.4], atol=1e-5)  # the sign(g) rule of thumb
    # step 2, g = [-1, 0.3]:
    #   m = 0.9 [0.2, -0.01] + 0.1 [-1, 0.3] = [0.08, 0.021]
    #   v = 0.999 [0.004, 0.00001] + 0.001 [1, 0.09] = [0.004996, 0.00009999]
    #   alpha = 0.1 sqrt(1 - 0.999^2) / (1 - 0.9^2) = 0.1 sqrt(0.001999) / 0.19
    optimizer.apply([(w, np.array([-1.0, 0.3]))])
    m2 = np.array([0.08, 0.021])
    v2 = np.array([0.004996, 0.00009999])
    alpha2 = 0.1 * math.sqrt(0.001999) / 0.19
    expected = expected - alpha2 * m2 / (np.sqrt(v2) + eps)
    np.testing.assert_allclose(w, expected, rtol=1e-12)
    ((m, v),) = optimizer.moments()
    np.testing.assert_allclose(m, m2, rtol=1e-12)
    np.testing.assert_allclose(v, v2, rtol=1e-12)
    assert optimizer.iterations == 2


def test_rmsprop_two_steps_by_hand():
    # v = 0.9 v + 0.1 g^2; w -= lr g / sqrt(v + 1e-7)
    # step 1, g = 2: v = 0.4;  w = 1 - 0.01 * 2 / sqrt(0.4000001)
    # step 2, g = 1: v = 0.36 + 0.1 = 0.46;  w -= 0.01 * 1 / sqrt(0.4600001)
    w = _steps(RMSprop(learning_rate=0.01), [1.0], [[2.0], [1.0]])
    expected = 1 - 0.02 / math.sqrt(0.4000001) - 0.01 / math.sqrt(0.4600001)
    np.testing.assert_allclose(w, [expected], rtol=1e-14)


def test_decoupled_weight_decay_by_hand():
    # w -= lr * wd * w first: 2 - 0.1 * 0.5 * 2 = 1.9; then w -= lr g: 1.9 - 0.1 * 1 = 1.8
    w = _steps(SGD(learning_rate=0.1, weight_decay=0.5), [2.0], [[1.0]])
    np.testing.assert_allclose(w, [1.8], atol=1e-15)


@pytest.mark.parametrize(
    "make",
    [
        lambda: SGD(0.05, momentum=0.9, nesterov=True),
        lambda: Adam(0.01),
        lambda: RMSprop(0.01),
    ],
    ids=["sgd", "adam", "rmsprop"],
)
def test_float32_steps_match_float64(rng, make):
    gradients = rng.normal(size=(5, 7))
    w64 = _steps(make(), np.ones(7), gradients)
    w32 = np.ones(7, dtype=np.float32)
    optimizer = make()
    for g in gradients:
        optimizer.apply([(w32, g.astype(np.float32))])
    assert w32.dtype == np.float32
    np.testing.assert_allclose(w32, w64, rtol=1e-5)


def test_state_is_kept_per_parameter(rng):
    # Two parameters updated together move exactly as each would alone.
    a0, b0 = rng.normal(size=3), rng.normal(size=(2, 2))
    grads = [(rng.normal(size=3), rng.normal(size=(2, 2))) for _ in range(3)]
    together = Adam(0.05)
    a, b = a0.copy(), b0.copy()
    for ga, gb in grads:
        together.apply([(a, ga), (b, gb)])
    alone_a = _steps(Adam(0.05), a0, [ga for ga, _ in grads])
    alone_b = _steps(Adam(0.05), b0, [gb for _, gb in grads])
    np.testing.assert_allclose(a, alone_a, rtol=1e-14)
    np.testing.assert_allclose(b, alone_b, rtol=1e-14)


def test_adam_after_many_steps_matches_the_textbook_form(rng):
    # 130 steps cross the FLUSH_EVERY rescaling: still the plain Adam recurrence.
    gradients = rng.normal(size=(130, 4))
    w = _steps(Adam(0.01), np.zeros(4), gradients)
    m, v, expected = np.zeros(4), np.zeros(4), np.zeros(4)
    for t, g in enumerate(gradients, start=1):
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        alpha = 0.01 * math.sqrt(1 - 0.999**t) / (1 - 0.9**t)
        expected -= alpha * m / (np.sqrt(v) + 1e-7)
    np.testing.assert_allclose(w, expected, rtol=1e-10)


@pytest.mark.parametrize(
    "make",
    [
        lambda: SGD(0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
        lambda: Adam(0.01),
        lambda: RMSprop(0.01),
    ],
    ids=["sgd", "adam", "rmsprop"],
)
def test_large_vectors_updated_in_pieces_match_the_whole_array_update(rng, make):
    # A vector above BLOCK_ABOVE is updated in cache-sized views; its last piece is short.
    # 70 steps cross a flush of tiny moments. The rule applied to whole arrays (the
    # update of a small vector, here on a copy) gives the same numbers, bit for bit.
    size = gn.optimizers.BLOCK_ABOVE + gn.optimizers.BLOCK // 3
    pieces, whole = make(), make()
    whole.elementwise = False
    w_pieces = rng.normal(size=size).astype(np.float32)
    w_whole = w_pieces.copy()
    for _ in range(70):
        g = rng.normal(size=size).astype(np.float32)
        pieces.apply([(w_pieces, g)])
        whole.apply([(w_whole, g)])
    np.testing.assert_array_equal(w_pieces, w_whole)
    for key, value in whole.get_state().items():
        np.testing.assert_array_equal(pieces.get_state()[key], value)


def test_a_large_non_contiguous_parameter_is_updated_whole(rng):
    # A transposed array cannot be cut into flat views (reshape would copy it, and the
    # update would be lost): it is updated as it is, in place.
    base = np.zeros((2, gn.optimizers.BLOCK_ABOVE // 2 + 1), dtype=np.float32)
    param = base.T
    Adam(0.1).apply([(param, np.ones(param.shape, dtype=np.float32))])
    np.testing.assert_allclose(base, -0.1, rtol=1e-5)  # the first step moves by lr


def test_state_round_trips(rng):
    w = rng.normal(size=4)
    first = Adam(0.01)
    first.apply([(w, rng.normal(size=4))])
    second = Adam(0.01)
    second.set_state(first.get_state(), [w])
    g = rng.normal(size=4)
    w1, w2 = w.copy(), w.copy()
    first.apply([(w1, g)])
    second.apply([(w2, g)])
    np.testing.assert_array_equal(w1, w2)
    assert gn.optimizers.from_config(first.get_config()).get_config() == first.get_config()


def test_names_and_defaults():
    assert isinstance(get("adam"), Adam) and get("adam").learning_rate == 0.001
    assert get("ADAM").epsilon == 1e-7
    assert isinstance(get("sgd"), SGD) and get("sgd").learning_rate == 0.01
    assert isinstance(get("rmsprop"), RMSprop) and get("rmsprop").rho == 0.9
    sgd = SGD(0.2)
    assert get(sgd) is sgd


def test_bad_optimizer_arguments():
    with pytest.raises(
        ValueError,
        match=r"Unknown optimizer 'rmsprob'\. Did you mean 'rmsprop'\? "
        r"Valid names: adagrad, adam, adamw, rmsprop, sgd\.",
    ):
        get("rmsprob")
    with pytest.raises(TypeError, match="optimizer must be a name or a Optimizer, got"):
        get(0.1)
    with pytest.raises(ValueError, match=r"learning_rate=0.0 is out of range \(0, inf\]"):
        SGD(0)
    with pytest.raises(ValueError, match=r"momentum=1.0 is out of range \[0, 1\)"):
        SGD(0.1, momentum=1.0)
    with pytest.raises(ValueError, match=r"beta_1=1.0 is out of range \[0, 1\)"):
        Adam(beta_1=1.0)
    with pytest.raises(ValueError, match=r"rho=-0.5 is out of range \[0, 1\)"):
        RMSprop(rho=-0.5)
    with pytest.raises(TypeError, match="learning_rate must be a number, got"):
        Adam(learning_rate="fast")


def test_state_starts_afresh_for_parameters_of_another_shape():
    optimizer = Adam(0.1)
    optimizer.apply([(np.zeros(2), np.ones(2))])
    optimizer.apply([(np.zeros(3), np.ones(3))])  # another model's weights
    ((m, v),) = optimizer.moments()
    assert m.shape == v.shape == (3,)
    np.testing.assert_allclose(m, 0.1)  # one step's m from zero, not the old moments
