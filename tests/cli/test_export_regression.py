"""`glassnet export RUN --format pytorch` of a regression run: the torch model predicts what
glassnet's does, in the target's own units (its last module, TargetScale, puts back the
training targets' mean and standard deviation, which glassnet folded into its last layer),
and the script goes on training as glassnet trained: the mean squared error of the
standardised target, the same next Adam step."""

import csv
import importlib.util
import io
import json
import shutil
import subprocess
import sys
from contextlib import redirect_stdout

import numpy as np
import pytest

from glassnet.cli import main, runs


@pytest.fixture(scope="module")
def regression_run(tmp_path_factory):
    """A regression run on 200 rows of two number columns: z = 30 u - 20 v + 1000 + noise
    (a target far from 0 and from a standard deviation of 1, not whole numbers)."""
    folder = tmp_path_factory.mktemp("regression")
    rng = np.random.default_rng(4)
    u, v = rng.normal(size=(2, 200))
    z = np.round(30 * u - 20 * v + 1000 + rng.normal(size=200) * 3, 3)
    with (folder / "z.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["u", "v", "z"])
        writer.writerows(zip(np.round(u, 5), np.round(v, 5), z, strict=True))
    out = folder / "run"
    args = ["train", "--dataset", str(folder / "z.csv"), "--target", "z", "--task", "regression"]
    args += ["--layers", "8", "--epochs", "10", "--lr", "0.01", "--seed", "3"]
    assert main([*args, "--out", str(out), "--quiet"]) == 0
    return out


def test_a_target_of_fractional_numbers_trains_and_evaluates(regression_run):
    # the split is not stratified by value (it was, and refused such a target)
    metrics = json.loads((regression_run / "metrics.json").read_text())
    assert metrics["test_samples"] == 20 and metrics["test_r2"] > 0.5
    printed = io.StringIO()
    with redirect_stdout(printed):
        assert main(["evaluate", str(regression_run)]) == 0
    assert printed.getvalue().startswith(metrics["report_text"])  # the same test rows


def _load_export(torch, checkpoint):
    spec = importlib.util.spec_from_file_location(
        "exported_regression", checkpoint.with_name(f"train_{checkpoint.stem}.py")
    )
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    net, state = script.build_model(), torch.load(checkpoint, weights_only=True)
    net.load_state_dict(state["model_state_dict"])
    optimizer = script.build_optimizer(net)
    optimizer.load_state_dict(state["optimizer_state_dict"])
    return script, net, optimizer, state


@pytest.fixture(scope="module")
def exported(regression_run, tmp_path_factory):
    torch = pytest.importorskip("torch")
    checkpoint = tmp_path_factory.mktemp("export") / "z.pt"
    args = ["export", str(regression_run), "--format", "pytorch", "--out", str(checkpoint)]
    printed = io.StringIO()
    with redirect_stdout(printed):
        assert main(args) == 0
    assert "The model predicts z in its own units: its last module, TargetScale" in (
        printed.getvalue()
    )
    return torch, checkpoint


def _all_rows(folder):
    splits = runs.load_splits(runs.load_run(folder).config)
    return splits, np.concatenate([splits.train[0], splits.val[0], splits.test[0]])


def test_the_torch_model_predicts_glassnets_numbers_in_the_targets_units(regression_run, exported):
    torch, checkpoint = exported
    _, net, _, state = _load_export(torch, checkpoint)
    model = runs.load_run(regression_run).model
    splits, x = _all_rows(regression_run)
    net.eval()
    with torch.no_grad():
        got = net(torch.from_numpy(x)).numpy()
        standardised = net[:-1](torch.from_numpy(x)).numpy()
    want = model.predict(x, verbose=0)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)

    # The scaling is the training targets' mean and standard deviation, computed here.
    y_train = splits.train[1]
    mean, scale = y_train.mean(), y_train.std()
    assert type(net[-1]).__name__ == "TargetScale"
    last = len(net) - 1  # Flatten, Linear, ReLU, Linear, TargetScale
    assert float(state["model_state_dict"][f"{last}.mean"]) == pytest.approx(mean, rel=1e-12)
    assert float(state["model_state_dict"][f"{last}.scale"]) == pytest.approx(scale, rel=1e-12)
    np.testing.assert_allclose(standardised, (want - mean) / scale, rtol=1e-4, atol=1e-5)
    # Predictions are in units of z: far better than the training mean on the test rows.
    x_test, y_test = splits.test
    with torch.no_grad():
        test_pred = net(torch.from_numpy(x_test)).numpy()[:, 0]
    assert 900 < test_pred.mean() < 1100
    assert np.abs(test_pred - y_test).mean() < 0.5 * np.abs(y_test - mean).mean()


def test_the_next_adam_step_is_glassnets_on_the_standardised_target(regression_run, exported):
    torch, checkpoint = exported
    script, net, optimizer, _ = _load_export(torch, checkpoint)
    loaded = runs.load_run(regression_run)
    model = loaded.model
    splits, _ = _all_rows(regression_run)
    x, y = splits.train[0][:64], splits.train[1][:64]
    mean, scale = splits.train[1].mean(), splits.train[1].std()
    # glassnet as it trained: the last layer unfolded (in float64, as the bias is near the
    # mean 1000: float32 would lose its last digits), the standardised target; the
    # optimizer was reset when the scaling was folded in, so both take their first step
    assert model.optimizer.iterations == 0 and not optimizer.state
    weights = model.get_weights()
    weights[-2] = (weights[-2].astype(np.float64) / scale).astype(np.float32)
    weights[-1] = ((weights[-1].astype(np.float64) - mean) / scale).astype(np.float32)
    model.set_weights(weights)
    before = model.get_weights()
    model.fit(x, (y - mean) / scale, batch_size=64, epochs=1, shuffle=False, verbose=0)
    optimizer.zero_grad()
    loss = script.StandardisedMSE(net[-1])(
        net[:-1](torch.from_numpy(x)), torch.from_numpy(y)[:, None]
    )
    loss.backward()
    script.match_keras_epsilon(optimizer)
    optimizer.step()
    theirs = [
        tensor.detach().numpy()
        for module in net
        if type(module).__name__ == "Linear"
        for tensor in (module.weight.T, module.bias)
    ]
    for ours, got in zip(model.get_weights(), theirs, strict=True):
        np.testing.assert_allclose(got, ours, atol=1e-6, rtol=0)
    moved = max(np.abs(a - b).max() for a, b in zip(before, model.get_weights(), strict=True))
    assert moved > 1e-3


def test_the_script_trains_and_scores_the_validation_rows(regression_run, exported):
    torch, checkpoint = exported
    script, net, _, _ = _load_export(torch, checkpoint)
    splits, _ = _all_rows(regression_run)
    x_val, y_val = splits.val
    model = runs.load_run(regression_run).model
    pred = model.predict(x_val, verbose=0).astype(np.float64)[:, 0]
    scale = splits.train[1].std()
    loss_fn = script.StandardisedMSE(net[-1])
    val_loss, val_mae = script.evaluate(
        net, loss_fn, torch.from_numpy(x_val), torch.from_numpy(y_val)[:, None]
    )
    assert val_loss == pytest.approx(np.mean(((pred - y_val) / scale) ** 2), rel=1e-4)
    assert val_mae == pytest.approx(np.mean(np.abs(pred - y_val)), rel=1e-4)

    result = subprocess.run(
        [sys.executable, str(checkpoint.with_name("train_z.py")), "--epochs", "2", "--out", "n.pt"],
        cwd=checkpoint.parent,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("val_mae") == 2 and (checkpoint.parent / "n.pt").is_file()
    if shutil.which("ruff") is not None:
        for check in (["check"], ["format", "--check"]):
            command = ["ruff", *check, "--isolated", "--line-length", "100", "train_z.py"]
            lint = subprocess.run(command, cwd=checkpoint.parent, capture_output=True, text=True)
            assert lint.returncode == 0, lint.stdout + lint.stderr


def test_what_cannot_be_exported_is_one_line(regression_run, tmp_path, capsys):
    pytest.importorskip("torch")
    from glassnet.cli.runs.torch_export import export_pytorch

    loaded = runs.load_run(regression_run)
    loaded.model.compile(optimizer="adam", loss="mae")
    with pytest.raises(ValueError, match=r"The loss 'mean_absolute_error' .* of a regression "):
        export_pytorch(loaded, tmp_path / "m.pt")

    damaged = tmp_path / "run"
    shutil.copytree(regression_run, damaged)
    metrics = json.loads((damaged / "metrics.json").read_text())
    del metrics["target_scaling"]
    (damaged / "metrics.json").write_text(json.dumps(metrics))
    capsys.readouterr()
    args = ["export", str(damaged), "--format", "pytorch", "--out", str(tmp_path / "d.pt")]
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith(f"glassnet: error: {damaged / 'metrics.json'}: a regression run's")
    assert not (tmp_path / "d.pt").exists() and not (tmp_path / "train_d.py").exists()
