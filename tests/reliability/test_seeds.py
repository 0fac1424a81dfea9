"""Every seed glassnet takes is an integer from 0 to 2**32 - 1, as Keras's
`set_random_seed` (NumPy's legacy seeds); anything else is one message naming the argument
and that range (the report's defect 12: `seed=-1` said NumPy's "expected non-negative
integer", without naming the argument; a toy data set or the split said the same).
"""

from __future__ import annotations

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main

TAKES_A_SEED = {
    "set_random_seed": gn.utils.set_random_seed,
    "new_rng": gn.utils.new_rng,
    "Dropout": lambda seed: gn.layers.Dropout(0.5, seed=seed),
    "Perceptron": lambda seed: gn.Perceptron(seed=seed),
    "train_val_test_split": lambda seed: gn.datasets.train_val_test_split(
        np.zeros((10, 2)), np.zeros(10), seed=seed
    ),
    "blobs": lambda seed: gn.datasets.blobs(seed=seed),
    "moons": lambda seed: gn.datasets.moons(seed=seed),
    "circles": lambda seed: gn.datasets.circles(seed=seed),
    "xor": lambda seed: gn.datasets.xor(seed=seed),
    "spiral": lambda seed: gn.datasets.spiral(seed=seed),
}
RANGE = r"seed must be an integer from 0 to 4294967295 \(2\*\*32 - 1\), got"


@pytest.mark.parametrize("name", list(TAKES_A_SEED))
@pytest.mark.parametrize("seed", [-1, 2**32, -(2**70), np.int64(-5)], ids=str)
def test_a_seed_out_of_range_is_a_value_error_naming_it_and_the_range(name, seed):
    with pytest.raises(ValueError, match=rf"^{RANGE} {int(seed)}\.$"):
        TAKES_A_SEED[name](seed)


@pytest.mark.parametrize("name", list(TAKES_A_SEED))
@pytest.mark.parametrize("seed", [1.0, "1", True], ids=repr)
def test_a_seed_that_is_not_an_integer_is_a_type_error(name, seed):
    with pytest.raises(TypeError, match=rf"^{RANGE} {seed!r}\.$"):
        TAKES_A_SEED[name](seed)


@pytest.mark.parametrize("name", list(TAKES_A_SEED))
def test_both_ends_of_the_range_are_seeds(name):
    for seed in (0, 2**32 - 1, np.uint32(2**32 - 1)):
        TAKES_A_SEED[name](seed)


def test_the_largest_seed_is_repeatable():
    gn.utils.set_random_seed(2**32 - 1)
    first = gn.utils.new_rng().random(3)
    gn.utils.set_random_seed(2**32 - 1)
    np.testing.assert_array_equal(first, gn.utils.new_rng().random(3))


@pytest.mark.parametrize("seed", ["-1", "4294967296"])
def test_cli_seed_out_of_range_is_one_line_and_exit_2(seed, tmp_path, capsys):
    args = ["train", "--dataset", "fashion-mnist-sample", "--seed", seed]
    assert main([*args, "--out", str(tmp_path / "run")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"glassnet: error: seed must be an integer from 0 to 4294967295 (2**32 - 1), got {seed}."
    ]
    assert not (tmp_path / "run").exists()
