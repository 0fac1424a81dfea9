"""The progress display counts in words that agree with the number: "1 sample"."""

import numpy as np

import glassnet as gn


def test_training_on_one_sample_is_singular(capsys):
    model = gn.Sequential([gn.layers.Dense(1, input_shape=(1,))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(np.ones((1, 1)), np.ones((1, 1)), epochs=1, verbose=2)
    assert capsys.readouterr().out.splitlines()[0] == "Training on 1 sample."
    model.fit(np.ones((2, 1)), np.ones((2, 1)), epochs=1, verbose=2)
    assert capsys.readouterr().out.splitlines()[0] == "Training on 2 samples."
