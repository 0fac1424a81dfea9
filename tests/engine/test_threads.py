"""The BLAS thread policy: one thread for small products, every core for large ones, only
inside glassnet's own compute, and the user's setting back afterwards."""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

import glassnet as gn
from glassnet._internal import threads


def blas_threads() -> int:
    return max(lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas")


needs_two = pytest.mark.skipif(
    not any(lib["user_api"] == "blas" for lib in threadpool_info()) or blas_threads() < 2,
    reason="the BLAS has fewer than 2 threads on this machine",
)


class ThreadProbe(gn.callbacks.Callback):
    """Records the BLAS thread count seen at the end of each training batch."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_train_batch_end(self, batch, logs=None):
        self.seen.append(blas_threads())


def model(inputs: int, hidden: int) -> gn.Sequential:
    gn.utils.set_random_seed(0)
    net = gn.Sequential(
        [gn.layers.Dense(hidden, activation="relu", input_shape=(inputs,)), gn.layers.Dense(10)]
    )
    net.compile(optimizer="adam", loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True))
    return net


@pytest.fixture(autouse=True)
def _auto_threads(monkeypatch):
    monkeypatch.delenv(threads.ENV_VAR, raising=False)
    gn.config.set_num_threads(None)
    yield
    gn.config.set_num_threads(None)


def data(rows: int, inputs: int):
    rng = np.random.default_rng(0)
    return rng.random((rows, inputs), dtype=np.float32), rng.integers(0, 10, rows)


@needs_two
def test_the_lecture_step_trains_on_one_thread_and_the_setting_comes_back():
    before = blas_threads()
    x, y = data(256, 784)
    probe = ThreadProbe()
    model(784, 128).fit(x, y, batch_size=32, epochs=1, verbose=0, callbacks=[probe])
    assert probe.seen == [1] * 8  # 32 x 784 x 128 = 3.2 M multiply-adds
    assert blas_threads() == before


@needs_two
def test_large_products_use_every_thread_the_blas_has():
    x, y = data(1024, 784)
    probe = ThreadProbe()
    model(784, 2048).fit(x, y, batch_size=512, epochs=1, verbose=0, callbacks=[probe])
    assert probe.seen == [blas_threads()] * 2  # 512 x 784 x 2048 = 822 M


@needs_two
def test_the_users_lower_limit_is_never_exceeded():
    x, y = data(1024, 784)
    probe = ThreadProbe()
    with threadpool_limits(limits=1, user_api="blas"):
        model(784, 2048).fit(x, y, batch_size=512, epochs=1, verbose=0, callbacks=[probe])
    assert probe.seen == [1, 1]


@needs_two
@pytest.mark.parametrize("how", ["call", "environment"])
def test_a_fixed_count_wins_over_the_choice(how, monkeypatch):
    if how == "call":
        gn.config.set_num_threads(2)
    else:
        monkeypatch.setenv("GLASSNET_NUM_THREADS", "2")
    x, y = data(64, 784)
    probe = ThreadProbe()
    model(784, 128).fit(x, y, batch_size=32, epochs=1, verbose=0, callbacks=[probe])
    assert probe.seen == [2, 2]
    assert gn.config.get_num_threads() == 2


@needs_two
def test_the_setting_comes_back_when_training_fails():
    before = blas_threads()

    class Boom(gn.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise RuntimeError("boom")

    x, y = data(64, 784)
    with pytest.raises(RuntimeError, match="boom"):
        model(784, 128).fit(x, y, batch_size=32, epochs=1, verbose=0, callbacks=[Boom()])
    assert blas_threads() == before


def test_one_thread_or_two_give_the_same_training_to_float32_rounding():
    x, y = data(512, 784)
    losses = []
    for count in (1, 2):
        gn.config.set_num_threads(count)
        history = model(784, 128).fit(x, y, batch_size=32, epochs=3, verbose=0)
        losses.append(history.history["loss"])
    np.testing.assert_allclose(losses[0], losses[1], rtol=1e-4)


@pytest.mark.parametrize("value", ["0", "-1", "two", "1.5"])
def test_a_bad_environment_value_is_a_clear_error(value, monkeypatch):
    monkeypatch.setenv("GLASSNET_NUM_THREADS", value)
    with pytest.raises(ValueError, match=r"GLASSNET_NUM_THREADS must be a whole number.*"):
        gn.config.get_num_threads()


@pytest.mark.parametrize("value", [0, -2, 1.5, "2", True])
def test_set_num_threads_checks_its_argument(value):
    with pytest.raises((TypeError, ValueError), match="num_threads"):
        gn.config.set_num_threads(value)


def test_the_cross_over_rule():
    assert threads.threads_for(32 * 784 * 128, available=2) == 1
    assert threads.threads_for(threads.CROSSOVER_MACS, available=2) == 2
    assert threads.threads_for(threads.CROSSOVER_MACS - 1, available=8) == 1
    assert threads.threads_for(10**12, available=1) == 1
