"""`glassnet export RUN --format onnx|pytorch|keras`: each file computes what the run's model
computes (ONNX from raw inputs, its preprocessing inside), and the PyTorch export goes on
training as glassnet would: the same predictions and the same next optimizer step."""

import copy
import csv
import importlib.util
import shutil
import subprocess
import sys

import numpy as np
import pytest

import glassnet as gn
from glassnet.cli import main, runs

ACTIVATIONS = [
    "linear",
    "relu",
    "sigmoid",
    "tanh",
    "softmax",
    "step",
    "sign",
    "elu",
    "selu",
    "gelu",
    "softplus",
    "silu",
    "leaky_relu",
    "hard_sigmoid",
    "exponential",
]


@pytest.fixture(scope="module")
def csv_run(tmp_path_factory):
    """A run trained 5 epochs with Adam on 200 rows of two unscaled columns (means 10, -3)."""
    folder = tmp_path_factory.mktemp("csv")
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 2))
    y = np.where(x[:, 0] * x[:, 1] > 0, "in", "out")
    x = x * [5.0, 0.5] + [10.0, -3.0]
    with (folder / "quadrants.csv").open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["x1", "x2", "kind"])
        writer.writerows([[f"{a:.5f}", f"{b:.5f}", c] for (a, b), c in zip(x, y, strict=True)])
    out = folder / "run"
    args = ["train", "--dataset", str(folder / "quadrants.csv"), "--target", "kind"]
    args += ["--layers", "16", "--epochs", "5", "--lr", "0.02", "--seed", "3"]
    assert main([*args, "--out", str(out), "--quiet"]) == 0
    return out


def raw_inputs(n=1000):
    return (np.random.default_rng(9).normal(size=(n, 2)) * [5.0, 0.5] + [10.0, -3.0]).astype(
        np.float32
    )


def test_onnx_takes_raw_inputs_with_the_runs_standardisation_inside(csv_run, tmp_path, capsys):
    ort = pytest.importorskip("onnxruntime")
    out = tmp_path / "m.onnx"
    assert main(["export", str(csv_run), "--format", "onnx", "--out", str(out)]) == 0
    assert "raw column values (standardised inside)" in capsys.readouterr().out
    loaded = runs.load_run(csv_run)
    raw = raw_inputs()
    session = ort.InferenceSession(str(out), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input": raw})[0]
    want = loaded.model.predict(runs.preprocess(raw, loaded.preprocessing), verbose=0)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)

    bare = tmp_path / "bare.onnx"
    assert main(["export", str(csv_run), "--format", "onnx", "--out", str(bare)]) == 0
    args = ["export", str(csv_run), "--format", "onnx", "--out", str(bare), "--force"]
    assert main([*args, "--no-preprocessing"]) == 0
    scaled = runs.preprocess(raw, loaded.preprocessing)
    session = ort.InferenceSession(str(bare), providers=["CPUExecutionProvider"])
    np.testing.assert_allclose(session.run(None, {"input": scaled})[0], want, atol=1e-5)


def test_onnx_of_an_image_run_divides_by_255(tmp_path, capsys):
    ort = pytest.importorskip("onnxruntime")
    run = tmp_path / "run"
    args = ["train", "--dataset", "fashion-mnist-sample", "--layers", "8", "--epochs", "1"]
    assert main([*args, "--limit", "300", "--test-limit", "50", "--out", str(run), "--quiet"]) == 0
    assert main(["export", str(run), "--format", "onnx", "--out", str(tmp_path / "f.onnx")]) == 0
    assert "raw pixels (divided by 255 inside)" in capsys.readouterr().out
    (_, _), (pixels, _) = gn.datasets.fashion_mnist.load_sample()
    pixels = pixels[:1000]  # uint8 0..255, fed as float32
    session = ort.InferenceSession(str(tmp_path / "f.onnx"), providers=["CPUExecutionProvider"])
    got = session.run(None, {"input": pixels.astype(np.float32)})[0]
    want = runs.load_run(run).model.predict(pixels.astype(np.float32) / 255.0, verbose=0)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_default_out_is_the_run_name_in_the_current_folder(csv_run, tmp_path, monkeypatch):
    pytest.importorskip("onnx")
    monkeypatch.chdir(tmp_path)
    assert main(["export", str(csv_run), "--format", "onnx"]) == 0
    assert (tmp_path / "run.onnx").is_file()


def test_keras_file_holds_the_same_model(csv_run, tmp_path):
    pytest.importorskip("h5py")
    out = tmp_path / "m.keras"
    assert main(["export", str(csv_run), "--format", "keras", "--out", str(out)]) == 0
    x = runs.preprocess(raw_inputs(), runs.load_run(csv_run).preprocessing)
    want = runs.load_run(csv_run).model.predict(x, verbose=0)
    np.testing.assert_array_equal(gn.load_model(str(out)).predict(x, verbose=0), want)


def test_export_errors(csv_run, tmp_path, capsys):
    args = ["export", str(csv_run), "--format"]
    assert main([*args, "keras", "--out", str(tmp_path / "m.h5")]) == 2
    assert 'a Keras file must end in ".keras"' in capsys.readouterr().err
    (tmp_path / "taken.onnx").write_text("")
    assert main([*args, "onnx", "--out", str(tmp_path / "taken.onnx")]) == 2
    assert "taken.onnx already exists; choose another --out, or --force" in capsys.readouterr().err
    (tmp_path / "train_m.py").write_text("# mine")  # the script beside a new checkpoint
    assert main([*args, "pytorch", "--out", str(tmp_path / "m.pt")]) == 2
    assert "train_m.py already exists" in capsys.readouterr().err
    assert (tmp_path / "train_m.py").read_text() == "# mine"
    assert main([*args, "tflite"]) == 2
    assert "invalid choice: 'tflite'" in capsys.readouterr().err


# -- PyTorch ------------------------------------------------------------------------------


def import_script(path):
    spec = importlib.util.spec_from_file_location("exported_training", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_torch_export(torch, checkpoint):
    script = import_script(checkpoint.with_name(f"train_{checkpoint.stem}.py"))
    net, state = script.build_model(), torch.load(checkpoint, weights_only=True)
    net.load_state_dict(state["model_state_dict"])
    optimizer = script.build_optimizer(net)
    optimizer.load_state_dict(state["optimizer_state_dict"])
    return script, net, optimizer


def one_step_each(torch, model, net, optimizer, x, y, before_step=None):
    """One full-batch step in glassnet and in torch (as the script's loop takes it)."""
    model.fit(x, y, batch_size=len(x), epochs=1, shuffle=False, verbose=0)
    optimizer.zero_grad()
    torch.nn.CrossEntropyLoss()(net(torch.from_numpy(x)), torch.from_numpy(y)).backward()
    if before_step is not None:
        before_step(optimizer)
    optimizer.step()


def torch_weights(net):
    """Each nn.Linear's weight transposed back to glassnet's (in, out), and its bias."""
    return [
        tensor.detach().numpy()
        for module in net
        if type(module).__name__ == "Linear"
        for tensor in (module.weight.T, module.bias)
    ]


def test_pytorch_export_predicts_and_steps_as_glassnet(csv_run, tmp_path, capsys):
    torch = pytest.importorskip("torch")
    checkpoint = tmp_path / "m.pt"
    assert main(["export", str(csv_run), "--format", "pytorch", "--out", str(checkpoint)]) == 0
    assert f"python {tmp_path / 'train_m.py'} continues" in capsys.readouterr().out
    script, net, optimizer = load_torch_export(torch, checkpoint)
    model = runs.load_run(csv_run).model
    assert model.optimizer.iterations == 25  # 5 epochs of 160 rows in batches of 32

    x = runs.preprocess(raw_inputs(), runs.load_run(csv_run).preprocessing)
    net.eval()
    with torch.no_grad():
        got = net(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, model.predict(x, verbose=0), rtol=1e-5, atol=1e-5)

    # The optimizer's state went across: torch's exp_avg of the first kernel is glassnet's m.
    first = net[1].weight
    kernel = model.layers[1].params["kernel"]
    m = model.optimizer.get_state()["0/m"][: kernel.size].reshape(kernel.shape)
    np.testing.assert_array_equal(optimizer.state[first]["exp_avg"].numpy(), m.T)
    assert float(optimizer.state[first]["step"]) == 25

    # One further Adam step on 64 rows, as the script takes it, gives the same weights.
    y = np.random.default_rng(10).integers(0, 2, 64)
    before = model.get_weights()
    plain = copy.deepcopy((net, optimizer))
    one_step_each(torch, model, net, optimizer, x[:64], y, script.match_keras_epsilon)
    for ours, theirs in zip(model.get_weights(), torch_weights(net), strict=True):
        np.testing.assert_allclose(theirs, ours, atol=1e-6, rtol=0)
    moved = max(np.abs(a - b).max() for a, b in zip(before, model.get_weights(), strict=True))
    assert moved > 1e-3

    # Torch's own epsilon (added after the bias correction) moves the weights whose sqrt(v)
    # is near 1e-4 differently: the difference match_keras_epsilon removes.
    net, optimizer = plain
    optimizer.zero_grad()
    loss = torch.nn.CrossEntropyLoss()(net(torch.from_numpy(x[:64])), torch.from_numpy(y))
    loss.backward()
    optimizer.step()
    gap = max(
        np.abs(a - b).max() for a, b in zip(model.get_weights(), torch_weights(net), strict=True)
    )
    assert 1e-6 < gap < 1e-4


def test_the_generated_script_trains_in_pytorch(csv_run, tmp_path):
    pytest.importorskip("torch")
    assert (
        main(["export", str(csv_run), "--format", "pytorch", "--out", str(tmp_path / "m.pt")]) == 0
    )
    result = subprocess.run(
        [sys.executable, str(tmp_path / "train_m.py"), "--epochs", "2", "--out", "next.pt"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("val_accuracy") == 2 and (tmp_path / "next.pt").is_file()
    assert_clean_python(tmp_path / "train_m.py")


def assert_clean_python(path):
    """The script reads as code written by hand: ruff finds nothing to lint or reformat."""
    if shutil.which("ruff") is None:
        return
    for check in (["check"], ["format", "--check"]):
        command = ["ruff", *check, "--isolated", "--line-length", "100", path.name]
        lint = subprocess.run(command, cwd=path.parent, capture_output=True, text=True)
        assert lint.returncode == 0, lint.stdout + lint.stderr


def exported_model(tmp_path, csv_run, model):
    """Export `model` as if it were the CSV run's (its data and settings)."""
    from glassnet.cli.runs.torch_export import export_pytorch

    loaded = runs.load_run(csv_run)
    loaded.model = model
    export_pytorch(loaded, tmp_path / "m.pt")
    return tmp_path / "m.pt"


def small_model(activation, optimizer, dropout=0.0):
    """Dense(8) -> [Dropout] -> Dense(2) logits; the steps compared leave Dropout out (its
    masks are random in each library)."""
    gn.utils.set_random_seed(4)
    stack = [gn.layers.Dense(8, activation=activation, input_shape=(2,)), gn.layers.Dense(2)]
    if dropout:
        stack.insert(1, gn.layers.Dropout(dropout))
    model = gn.Sequential(stack)
    loss = gn.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=optimizer, loss=loss)
    return model


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_every_activation_predicts_the_same_in_pytorch(name, csv_run, tmp_path):
    torch = pytest.importorskip("torch")
    model = small_model(name, "adam", dropout=0.2)
    _, net, _ = load_torch_export(torch, exported_model(tmp_path, csv_run, model))
    assert_clean_python(tmp_path / "train_m.py")
    x = np.random.default_rng(11).normal(0, 2, (1000, 2)).astype(np.float32)
    net.eval()
    with torch.no_grad():
        got = net(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(got, model.predict(x, verbose=0), rtol=1e-5, atol=1e-5)


def test_sgd_momentum_state_becomes_torchs_momentum_buffer(csv_run, tmp_path):
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(12).normal(size=(64, 2)).astype(np.float32)
    y = (x[:, 0] > 0).astype(np.int64)
    for nesterov in (False, True):
        model = small_model("tanh", gn.optimizers.SGD(0.1, momentum=0.9, nesterov=nesterov))
        model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)  # 8 steps
        _, net, optimizer = load_torch_export(torch, exported_model(tmp_path, csv_run, model))
        one_step_each(torch, model, net, optimizer, x, y)
        for ours, theirs in zip(model.get_weights(), torch_weights(net), strict=True):
            np.testing.assert_allclose(theirs, ours, atol=1e-6, rtol=0)


def test_rmsprop_state_carries_over_with_torchs_epsilon(csv_run, tmp_path):
    # Torch divides by sqrt(v) + eps, Keras by sqrt(v + eps): the step torch takes is
    # checked against torch's rule in float64 from glassnet's v, g and w.
    torch = pytest.importorskip("torch")
    x = np.random.default_rng(13).normal(size=(64, 2)).astype(np.float32)
    y = (x[:, 1] > 0).astype(np.int64)
    model = small_model("relu", gn.optimizers.RMSprop(0.01, rho=0.8))
    model.fit(x, y, batch_size=16, epochs=1, shuffle=False, verbose=0)
    _, net, optimizer = load_torch_export(torch, exported_model(tmp_path, csv_run, model))
    v = model.optimizer.get_state()["0/v"].astype(np.float64)
    w = model.weight_vector.astype(np.float64).copy()
    model.fit(x, y, batch_size=64, epochs=1, shuffle=False, verbose=0)  # its gradient, too
    g = model.gradient_vector.astype(np.float64)
    v = 0.8 * v + 0.2 * g * g
    expected = w - 0.01 * g / (np.sqrt(v) + 1e-7)
    optimizer.zero_grad()
    loss = torch.nn.CrossEntropyLoss()(net(torch.from_numpy(x)), torch.from_numpy(y))
    loss.backward()
    optimizer.step()
    theirs = np.concatenate([a.reshape(-1) for a in torch_weights(net)])
    np.testing.assert_allclose(theirs, expected, atol=1e-6, rtol=0)


def test_missing_torch_says_how_to_install(csv_run, tmp_path, monkeypatch, capsys):
    import builtins

    real_import = builtins.__import__

    def no_torch(name, *args, **kwargs):
        if name == "torch":
            raise ImportError("No module named 'torch'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_torch)
    assert main(["export", str(csv_run), "--format", "pytorch", "--out", "m.pt"]) == 2
    assert "PyTorch export needs torch: pip install torch" in capsys.readouterr().err


def test_pytorch_export_needs_a_run_folder(csv_run, tmp_path, capsys):
    args = ["export", str(csv_run / "model.glassnet"), "--format", "pytorch"]
    assert main([*args, "--out", str(tmp_path / "m.pt")]) == 2
    assert "is not a run folder with a config.json" in capsys.readouterr().err


def test_adamw_exports_as_torch_adamw_and_takes_the_same_steps():
    # Keras's and torch's AdamW both decay decoupled: w -= lr * weight_decay * w, then Adam.
    from glassnet.cli.runs.torch_export import optimizer_code

    optimizer = gn.optimizers.AdamW(0.01)
    code = optimizer_code(optimizer)
    assert code == (
        "torch.optim.AdamW(params, lr=0.01, betas=(0.9, 0.999), eps=1e-07, weight_decay=0.004)"
    )
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    w = rng.normal(size=5)
    grads = rng.normal(size=(3, 5))
    params = [torch.tensor(w.copy(), requires_grad=True)]
    torch_optimizer = eval(code, {"torch": torch, "params": params})
    ours = w.copy()
    for g in grads:
        optimizer.apply([(ours, g.copy())])
        params[0].grad = torch.tensor(g.copy())
        torch_optimizer.step()
    # torch adds eps to sqrt(v_hat), Keras to sqrt(v): the steps differ by eps-sized terms
    np.testing.assert_allclose(ours, params[0].detach().numpy(), rtol=1e-5, atol=1e-7)
