"""Learning-rate schedules: their formulas, their use by the optimizers, saving, the doctor."""

import math

import numpy as np
import pytest

import glassnet as gn
from glassnet import optimizers
from glassnet.optimizers import schedules

# -- the formulas, against Keras's definitions written out by hand ------------------------


def test_exponential_decay():
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    for t in (0, 1, 5, 10, 25):
        assert s(t) == pytest.approx(0.1 * 0.5 ** (t / 10), rel=1e-15)
    stairs = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert [stairs(t) for t in (0, 9, 10, 19, 20)] == [0.1, 0.1, 0.05, 0.05, 0.025]


def test_inverse_time_decay_as_the_overfit_tutorial_uses_it():
    steps_per_epoch = 20000 // 500
    s = schedules.InverseTimeDecay(0.001, decay_steps=steps_per_epoch * 1000, decay_rate=1)
    assert s(0) == 0.001
    assert s(steps_per_epoch * 1000) == pytest.approx(0.0005)  # halved at epoch 1000
    assert s(steps_per_epoch * 3000) == pytest.approx(0.00025)  # a quarter at 3000
    stairs = schedules.InverseTimeDecay(1.0, decay_steps=4, decay_rate=1.0, staircase=True)
    assert [stairs(t) for t in (0, 3, 4, 7, 8)] == [1.0, 1.0, 0.5, 0.5, 1 / 3]


def test_piecewise_constant_decay_boundaries_belong_to_the_interval_below():
    s = schedules.PiecewiseConstantDecay([100000, 110000], [1.0, 0.5, 0.1])  # Keras's example
    assert [s(t) for t in (0, 100000, 100001, 110000, 110001, 10**7)] == [
        1.0,
        1.0,
        0.5,
        0.5,
        0.1,
        0.1,
    ]


def test_cosine_decay_with_and_without_warmup():
    s = schedules.CosineDecay(0.1, decay_steps=100, alpha=0.1)
    for t in (0, 30, 100, 150):
        done = min(t, 100) / 100
        expected = 0.1 * (0.9 * 0.5 * (1 + math.cos(math.pi * done)) + 0.1)
        assert s(t) == pytest.approx(expected, rel=1e-14)
    assert s(150) == pytest.approx(0.01)  # alpha * initial after the decay
    warm = schedules.CosineDecay(0.0001, decay_steps=10, warmup_target=0.1, warmup_steps=5)
    assert warm(0) == 0.0001
    assert warm(2) == pytest.approx(0.0001 + (0.1 - 0.0001) * 2 / 5)  # linear warmup
    assert warm(5) == pytest.approx(0.1)  # then the decay starts from the target
    assert warm(10) == pytest.approx(0.1 * 0.5 * (1 + math.cos(math.pi * 0.5)))
    assert warm(100) == pytest.approx(0.0, abs=1e-18)
    no_warmup = schedules.CosineDecay(0.1, decay_steps=10, warmup_target=0.2)  # Keras allows it
    assert no_warmup(0) == 0.2 and no_warmup(5) == pytest.approx(0.1)


@pytest.mark.parametrize(
    "schedule",
    [
        schedules.ExponentialDecay(0.1, 7, 0.5, staircase=True),
        schedules.InverseTimeDecay(0.001, 40, 1),
        schedules.PiecewiseConstantDecay([5, 10], [0.3, 0.2, 0.1]),
        schedules.CosineDecay(0.1, 100, alpha=0.2, warmup_target=0.5, warmup_steps=7),
    ],
    ids=lambda s: type(s).__name__,
)
def test_an_array_of_steps_gives_the_rate_of_each(schedule):
    # The overfit tutorial plots its schedule: lr = lr_schedule(np.linspace(0, 100000)).
    steps = np.array([0, 1, 5, 6, 7, 10, 11, 40, 106, 107, 200])
    rates = schedule(steps)
    assert isinstance(rates, np.ndarray) and rates.shape == steps.shape
    assert rates.tolist() == [schedule(int(t)) for t in steps]
    assert isinstance(schedule(3), float)


def test_bad_arguments_name_the_argument():
    with pytest.raises(ValueError, match=r"decay_steps=0.0 is out of range \(0"):
        schedules.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match=r"initial_learning_rate=-1\.0 is out of range"):
        schedules.InverseTimeDecay(-1, 10, 0.5)
    with pytest.raises(ValueError, match="length of boundaries should be 1 less"):
        schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5])
    with pytest.raises(ValueError, match="boundaries must be increasing"):
        schedules.PiecewiseConstantDecay([20, 10], [1.0, 0.5, 0.1])
    with pytest.raises(TypeError, match="boundaries must be a list of numbers"):
        schedules.PiecewiseConstantDecay(10, [1.0, 0.5])
    with pytest.raises(TypeError, match="step must be a number"):
        schedules.ExponentialDecay(0.1, 10, 0.5)("3")
    with pytest.raises(ValueError, match="step must be >= 0 and finite, got -1"):
        schedules.ExponentialDecay(0.1, 10, 0.5)(-1)
    with pytest.raises(NotImplementedError, match="must override `__call__"):
        schedules.LearningRateSchedule()(0)


@pytest.mark.parametrize(
    "schedule",
    [
        schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True),
        schedules.InverseTimeDecay(0.001, 40000, 1),
        schedules.PiecewiseConstantDecay([5, 10], [0.3, 0.2, 0.1]),
        schedules.CosineDecay(0.1, 100, alpha=0.2, warmup_target=0.5, warmup_steps=7),
    ],
)
def test_config_round_trip(schedule):
    again = type(schedule).from_config(schedule.get_config())
    back = schedules.deserialize(schedules.serialize(schedule))
    assert type(back) is type(schedule) and back.get_config() == schedule.get_config()
    for t in (0, 3, 7, 12, 500):
        assert again(t) == back(t) == schedule(t)


def test_integer_steps_stay_integers_in_the_config_as_keras():
    config = schedules.InverseTimeDecay(0.001, 40000, 1).get_config()
    assert config["decay_steps"] == 40000 and isinstance(config["decay_steps"], int)


# -- inside an optimizer ------------------------------------------------------------------


def test_step_t_uses_the_schedule_at_t_counted_from_zero():
    # As Keras: the rate of a step is schedule(iterations) read before iterations += 1.
    s = schedules.ExponentialDecay(0.1, decay_steps=1, decay_rate=0.5)
    opt = optimizers.SGD(s)
    w = np.array([1.0])
    assert opt.learning_rate == 0.1
    for _ in range(3):
        opt.apply([(w, np.array([1.0]))])
    # w = 1 - 0.1 - 0.05 - 0.025
    assert w[0] == pytest.approx(0.825, rel=1e-15)
    assert opt.iterations == 3 and opt.learning_rate == pytest.approx(0.0125)


def test_adam_with_inverse_time_decay_by_hand():
    s = schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=1.0)
    opt = optimizers.Adam(s)
    w, g = np.array([1.0]), np.array([2.0])
    opt.apply([(w, g)])  # step 1 at rate s(0) = 0.1; m = (1 - b1) g = 0.2, v = (1 - b2) g^2
    alpha_1 = 0.1 * math.sqrt(1 - 0.999) / (1 - 0.9)
    w_1 = 1.0 - alpha_1 * 0.2 / (math.sqrt(0.004) + 1e-7)  # 0.9, less an epsilon's worth
    assert w[0] == pytest.approx(w_1, rel=1e-14)
    opt.apply([(w, g)])  # step 2 at rate s(1) = 0.1 / (1 + 1) = 0.05
    m, v = 0.9 * 0.2 + 0.2 * 1.0, 0.999 * 0.004 + 0.004 * 1.0
    alpha_2 = 0.05 * math.sqrt(1 - 0.999**2) / (1 - 0.9**2)
    assert w[0] == pytest.approx(w_1 - alpha_2 * m / (math.sqrt(v) + 1e-7), rel=1e-14)


def test_a_callable_learning_rate_is_called_each_step():
    rates = iter([0.5, 0.25])
    opt = optimizers.SGD(lambda: next(rates))
    w = np.array([1.0])
    opt.apply([(w, np.array([1.0]))])
    opt.apply([(w, np.array([1.0]))])
    assert w[0] == pytest.approx(0.25)
    with pytest.raises(TypeError, match="is a function, which cannot be saved"):
        opt.get_config()
    assert "learning_rate=<function" in repr(opt)


def test_learning_rate_setter_as_keras():
    opt = optimizers.Adam(0.01)
    opt.learning_rate = 0.5  # what a callback lowering the rate does
    assert opt.learning_rate == 0.5 and opt.get_config()["learning_rate"] == 0.5
    with pytest.raises(ValueError, match=r"learning_rate=-1\.0 is out of range"):
        opt.learning_rate = -1
    scheduled = optimizers.Adam(schedules.ExponentialDecay(0.1, 10, 0.5))
    with pytest.raises(TypeError, match="learning rate is not settable"):
        scheduled.learning_rate = 0.01
    with pytest.raises(TypeError, match="learning_rate must be a number"):
        optimizers.SGD("fast")


def test_a_schedule_returning_nonsense_is_named():
    class Broken(schedules.LearningRateSchedule):
        def __call__(self, step):
            return float("nan")

        def get_config(self):
            return {}

    with pytest.raises(ValueError, match="returned nan: expected a finite number"):
        optimizers.SGD(Broken()).apply([(np.zeros(1), np.zeros(1))])


def _model(learning_rate):
    gn.utils.set_random_seed(3)
    model = gn.Sequential(
        [gn.layers.Dense(4, activation="relu", input_shape=(3,)), gn.layers.Dense(1)]
    )
    model.compile(optimizer=gn.optimizers.Adam(learning_rate), loss="mse")
    return model


def test_saving_round_trips_the_schedule_and_training_continues_identically(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 3)), rng.normal(size=(16, 1))
    s = schedules.InverseTimeDecay(0.05, decay_steps=3, decay_rate=1.0)
    straight = _model(s)
    straight.fit(x, y, batch_size=4, epochs=4, shuffle=False, verbose=0)

    resumed = _model(s)
    resumed.fit(x, y, batch_size=4, epochs=2, shuffle=False, verbose=0)
    path = tmp_path / "model.npz"
    resumed.save(str(path))
    loaded = gn.load_model(str(path))
    assert isinstance(loaded.optimizer.learning_rate_schedule, schedules.InverseTimeDecay)
    assert loaded.optimizer.iterations == 8
    assert loaded.optimizer.learning_rate == pytest.approx(0.05 / (1 + 8 / 3))
    loaded.fit(x, y, batch_size=4, epochs=4, initial_epoch=2, shuffle=False, verbose=0)
    for a, b in zip(straight.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_fit_records_each_epochs_rate_and_the_doctor_reads_the_highest():
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(8, 3)), rng.normal(size=(8, 1))
    s = schedules.ExponentialDecay(0.01, decay_steps=2, decay_rate=0.5)
    history = _model(s).fit(x, y, batch_size=4, epochs=3, verbose=0)
    # 2 steps per epoch: epochs start at steps 0, 2, 4
    assert history.params["learning_rates"] == pytest.approx([0.01, 0.005, 0.0025])
    assert history.params["learning_rate"] == 0.01

    from glassnet.doctor._inputs import Run, learning_rate_of
    from glassnet.doctor._summary import RunSummary

    run = Run({"loss": [1.0, 0.9]}, {"learning_rate": 0.001, "learning_rates": [0.001, 5.0]})
    assert learning_rate_of(run, RunSummary()) == 5.0  # a warmup to 5.0: judged at 5.0


def test_a_schedule_that_warms_up_to_a_huge_rate_is_named_by_the_doctor():
    # Adam's rate warms up from 1e-3 to 10: the loss blows up, and the doctor names the 10.
    rng = np.random.default_rng(2)
    x = rng.normal(size=(64, 4))
    y = (x[:, 0] > 0).astype(int)
    gn.utils.set_random_seed(0)
    model = gn.Sequential(
        [gn.layers.Dense(16, activation="relu", input_shape=(4,)), gn.layers.Dense(2)]
    )
    warm = schedules.CosineDecay(1e-3, decay_steps=1000, warmup_target=10.0, warmup_steps=8)
    model.compile(
        optimizer=gn.optimizers.Adam(warm),
        loss=gn.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    history = model.fit(x, y, batch_size=8, epochs=6, verbose=0)
    assert max(history.params["learning_rates"]) == pytest.approx(10.0, rel=1e-3)
    findings = gn.diagnose(history, model=model).findings
    high = [f for f in findings if f.name == "learning_rate_too_high"]
    assert high and high[0].evidence["learning_rate"] == pytest.approx(10.0, rel=1e-3)
