"""`glassnet export RUN --format pytorch`: a PyTorch checkpoint and a training script.

Two files: the checkpoint (`torch.save` of `{"model_state_dict", "optimizer_state_dict",
"glassnet"}`, PyTorch's usual checkpoint layout) and a short script beside it (`train_NAME.py`
for `NAME.pt`), written from `_torch_script.TEMPLATE`, that rebuilds the same `nn.Sequential`
and optimizer, loads the checkpoint and goes on training on the run's data, split and
preprocessed as glassnet did (it calls `glassnet.cli.runs.load_splits` with the run's config).

How glassnet maps to PyTorch:

- Dense -> nn.Linear: the kernel is (in, out) in glassnet, `weight` is (out, in) in torch, so
  it is transposed; Flatten -> nn.Flatten; Dropout -> nn.Dropout (both scale kept units by
  1 / (1 - rate) in training); each activation -> its torch module (step, sign and
  exponential get three-line modules in the script).
- Adam -> torch.optim.Adam (AdamW with weight_decay: glassnet's decay is decoupled, as
  AdamW's); m, v and the step count -> `exp_avg`, `exp_avg_sq`, `step`. Both add epsilon
  outside the square root, but Keras (and glassnet) add it to sqrt(v) before the bias
  correction and torch after it: torch's update equals glassnet's with epsilon replaced by
  epsilon / sqrt(1 - beta_2**t). Left alone, that moves a weight whose sqrt(v) is near
  1e-4 by ~1e-6 more or less per step; the script calls `match_keras_epsilon(optimizer)`
  before each step, which sets torch's eps so, and the steps are the same.
- SGD -> torch.optim.SGD: glassnet's velocity is -learning_rate times torch's
  `momentum_buffer` (torch folds the learning rate in at the update); Nesterov matches too.
- RMSprop -> torch.optim.RMSprop (alpha = rho): Keras divides by sqrt(v + epsilon), torch by
  sqrt(v) + epsilon; `square_avg` is v.
- SparseCategoricalCrossentropy(from_logits=True) -> nn.CrossEntropyLoss.
- A regression run (MeanSquaredError): glassnet trained on the standardised target and
  folded its mean and standard deviation into the last Dense layer (see `runs.regression`).
  The export takes them out again: the last nn.Linear computes the standardised target and
  a `TargetScale` module after it (mean and scale as buffers, from metrics.json's
  target_scaling) gives the target in its own units, as glassnet's model does. The script's
  loss, `StandardisedMSE`, is glassnet's: the MSE of model[:-1](x) and the standardised
  target, so the steps are glassnet's and a loss of 1 is the training mean's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from glassnet.cli.runs._torch_script import CLASSIFICATION, CUSTOM_MODULES, REGRESSION, TEMPLATE
from glassnet.cli.runs.config import IMAGE_DATASETS
from glassnet.cli.runs.loaded import LoadedRun

__all__ = ["INSTALL_HINT", "export_pytorch", "optimizer_code", "script_path", "torch_modules"]

# glassnet's Adam and AdamW: torch's Adam, or its AdamW when the decay is on (both
# decoupled: w -= lr * weight_decay * w).
ADAMS = ("adam", "adamw")

INSTALL_HINT = "PyTorch export needs torch: pip install torch"

_ACTIVATIONS = {
    "relu": "nn.ReLU()",
    "sigmoid": "nn.Sigmoid()",
    "tanh": "nn.Tanh()",
    "softmax": "nn.Softmax(dim=-1)",
    "selu": "nn.SELU()",
    "softplus": "nn.Softplus()",
    "silu": "nn.SiLU()",
    "hard_sigmoid": "nn.Hardsigmoid()",
    "step": "Step()",
    "sign": "Sign()",
    "exponential": "Exponential()",
}


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ImportError(INSTALL_HINT) from None
    return torch


def _activation(activation: Any) -> str | None:
    name = activation.name
    if name == "linear":
        return None
    if name == "elu":
        return f"nn.ELU(alpha={activation.alpha!r})"
    if name == "leaky_relu":
        return f"nn.LeakyReLU(negative_slope={activation.negative_slope!r})"
    if name == "gelu":
        return f'nn.GELU(approximate="{"tanh" if activation.approximate else "none"}")'
    if name in _ACTIVATIONS:
        return _ACTIVATIONS[name]
    raise ValueError(f"The activation {name!r} has no PyTorch export.")


def torch_modules(model: Any) -> list[tuple[str, str, dict[str, np.ndarray]]]:
    """(torch module code, comment, {"weight"/"bias": array in torch's layout}) per module.

    >>> import glassnet as gn
    >>> m = gn.Sequential([gn.layers.Dense(3, activation="relu", input_shape=(2,))])
    >>> m.build(); [(code, p["weight"].shape) for code, _, p in torch_modules(m)[:1]]
    [('nn.Linear(2, 3)', (3, 2))]
    """
    from glassnet import layers

    if not model.built:
        model.build()
    found: list[tuple[str, str, dict[str, np.ndarray]]] = []
    for layer in model.leaves():
        if isinstance(layer, layers.Dense):
            if layer.kernel_regularizer is not None or layer.bias_regularizer is not None:
                raise ValueError(f"Layer '{layer.name}' has a regularizer: not exported yet.")
            n_in, n_out = layer.params["kernel"].shape
            params = {"weight": np.ascontiguousarray(layer.params["kernel"].T)}  # (out, in)
            if layer.use_bias:
                params["bias"] = np.array(layer.params["bias"])
            bias = "" if layer.use_bias else ", bias=False"
            found.append((f"nn.Linear({n_in}, {n_out}{bias})", layer.name, params))
            code = _activation(layer.activation)
            if code:
                found.append((code, f"{layer.name}'s activation", {}))
        elif isinstance(layer, layers.Flatten):
            found.append(("nn.Flatten()", layer.name, {}))
        elif isinstance(layer, layers.Dropout):
            found.append((f"nn.Dropout(p={layer.rate!r})", layer.name, {}))
        elif isinstance(layer, layers.Activation):
            code = _activation(layer.activation)
            if code:
                found.append((code, layer.name, {}))
        else:
            raise ValueError(
                f"Layer '{layer.name}' ({type(layer).__name__}) has no PyTorch export: glassnet "
                "exports Dense, Flatten, Dropout, Activation and Softmax."
            )
    return found


def optimizer_code(optimizer: Any) -> str:
    """The torch optimizer built from `model.parameters()` with glassnet's hyperparameters.

    >>> import glassnet as gn
    >>> optimizer_code(gn.optimizers.SGD(0.1, momentum=0.9))
    'torch.optim.SGD(params, lr=0.1, momentum=0.9, nesterov=False)'
    """
    if optimizer is None:
        raise ValueError("The model is not compiled: it has no optimizer to export.")
    if optimizer.learning_rate_schedule is not None:
        raise ValueError("A learning-rate schedule has no PyTorch export: use a number.")
    lr, decay = optimizer.learning_rate, optimizer.weight_decay
    if optimizer.name in ADAMS:
        betas = f"betas=({optimizer.beta_1!r}, {optimizer.beta_2!r}), eps={optimizer.epsilon!r}"
        if decay:
            return f"torch.optim.AdamW(params, lr={lr!r}, {betas}, weight_decay={decay!r})"
        return f"torch.optim.Adam(params, lr={lr!r}, {betas})"
    if decay:  # torch's SGD and RMSprop decay is an L2 gradient term, not decoupled
        raise ValueError(
            f"{optimizer.name} with weight_decay={decay} has no PyTorch equivalent (torch's is "
            "not decoupled); only Adam's (as AdamW) is exported."
        )
    if optimizer.name == "sgd":
        return (
            f"torch.optim.SGD(params, lr={lr!r}, momentum={optimizer.momentum!r}, "
            f"nesterov={optimizer.nesterov!r})"
        )
    if optimizer.name == "rmsprop":
        return (
            f"torch.optim.RMSprop(params, lr={lr!r}, alpha={optimizer.rho!r}, "
            f"eps={optimizer.epsilon!r})"
        )
    raise ValueError(f"The optimizer {optimizer.name!r} has no PyTorch export.")


def _task_parts(loaded: LoadedRun) -> dict[str, str]:
    """The script's task-specific parts (`_torch_script.CLASSIFICATION` or `REGRESSION`),
    for the losses `glassnet train` compiles: cross-entropy from logits, or the MSE."""
    loss = loaded.model.loss
    name, logits = getattr(loss, "name", None), getattr(loss, "from_logits", False)
    if loaded.task == "classification" and name == "sparse_categorical_crossentropy" and logits:
        return CLASSIFICATION
    if loaded.task == "regression" and name == "mean_squared_error":
        return REGRESSION
    raise ValueError(
        f"The loss {name!r} (from_logits={logits}) of a {loaded.task} has no PyTorch export: "
        "glassnet exports the runs of `glassnet train`, a classification's sparse categorical "
        "cross-entropy from logits and a regression's mean squared error."
    )


def _target_scaling(loaded: LoadedRun) -> tuple[float, float]:
    """(mean, scale) of a regression run's training targets, from its metrics.json (what
    `glassnet train` folded into the last layer; see `runs.regression`)."""
    file = loaded.path / "metrics.json"
    try:
        scaling = json.loads(file.read_text(encoding="utf-8"))["target_scaling"]
        mean, scale = float(scaling["mean"]), float(scaling["scale"])
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ValueError(
            f"{file}: a regression run's PyTorch export needs its target_scaling (the "
            f"training targets' mean and scale), and it cannot be read ({error!r:.80})."
        ) from None
    if not (np.isfinite(mean) and np.isfinite(scale) and scale > 0):
        raise ValueError(f"{file} is damaged: target_scaling {scaling!r:.80} is not finite.")
    return mean, scale


def _run_modules(loaded: LoadedRun) -> list[tuple[str, str, dict[str, np.ndarray]]]:
    """`torch_modules` of the run's model; for a regression run its last nn.Linear learns
    the standardised target (glassnet's folded scaling taken out again) and a
    TargetScale(mean, scale) after it gives the target in its own units."""
    modules = torch_modules(loaded.model)
    if loaded.task != "regression":
        return modules
    code, comment, params = modules[-1]
    if not code.startswith("nn.Linear(") or params["weight"].shape[0] != 1:
        raise ValueError(
            f"{loaded.path}: a regression's model must end in a Dense(1) without an "
            f"activation to export, and it ends in {code}."
        )
    mean, scale = _target_scaling(loaded)
    standardised = {"weight": (params["weight"].astype(np.float64) / scale).astype(np.float32)}
    if "bias" in params:
        standardised["bias"] = ((params["bias"].astype(np.float64) - mean) / scale).astype(
            np.float32
        )
    buffers = {"mean": np.array(mean), "scale": np.array(scale)}
    return [
        *modules[:-1],
        (code, f"{comment}, on the standardised target", standardised),
        ("TargetScale()", "the target in its own units", buffers),
    ]


def _literal(value: Any) -> str:
    """A config value as Python source, strings in double quotes (as ruff formats them)."""
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    return repr(value)


def script_path(checkpoint: Path) -> Path:
    """The training script written beside `checkpoint`: train_NAME.py for NAME.pt."""
    return checkpoint.with_name(f"train_{checkpoint.stem}.py")


def _script(loaded: LoadedRun, checkpoint: Path) -> str:
    parts = _task_parts(loaded)
    modules = _run_modules(loaded)
    lines = [f"        {code},  # {comment}" for code, comment, _ in modules]
    used = {code.split("(")[0] for code, _, _ in modules}
    if parts is REGRESSION:
        used.add("StandardisedMSE")
    adam = loaded.model.optimizer is not None and loaded.model.optimizer.name in ADAMS
    if adam:
        used.add("match_keras_epsilon")
    custom = [text for name, text in CUSTOM_MODULES.items() if name in used]
    if adam:  # the constant the function reads, before it
        custom.insert(
            0, f"EPSILON = {loaded.model.optimizer.epsilon!r}  # glassnet's Adam epsilon\n"
        )
    if parts is REGRESSION:  # the constants TargetScale reads, before it
        mean, scale = _target_scaling(loaded)
        custom.insert(
            0,
            "# The training targets' mean and standard deviation (glassnet's target scaling).\n"
            f"TARGET_MEAN = {mean!r}\nTARGET_SCALE = {scale!r}\n",
        )
    config = loaded.config.to_dict() if loaded.config else {}
    config.pop("out", None)
    if config.get("dataset") not in IMAGE_DATASETS and Path(config["dataset"]).is_file():
        config["dataset"] = str(Path(config["dataset"]).resolve())  # run from any folder
    return TEMPLATE.substitute(
        run=loaded.path,
        checkpoint=checkpoint.name,
        config="{\n"
        + "".join(f"    {_literal(k)}: {_literal(v)},\n" for k, v in config.items())
        + "}",
        script=script_path(checkpoint).name,
        custom="".join(custom),
        modules="\n".join(lines),
        optimizer=optimizer_code(loaded.model.optimizer),
        **parts,
        glassnet_optimizer=repr(loaded.model.optimizer),
        before_step="            match_keras_epsilon(optimizer)\n" if adam else "",
    )


def _state_slices(model: Any) -> list[dict[str, np.ndarray] | None]:
    """Per torch parameter (in `torch_modules` order), glassnet's optimizer state for it in
    torch's layout, or None before the first step (or for a frozen weight)."""
    from glassnet import layers

    state = model.optimizer.get_state()
    pairs = model.weight_pairs
    found: list[dict[str, np.ndarray] | None] = []
    for layer in model.leaves():
        if not isinstance(layer, layers.Dense):
            continue
        for key in ("kernel", "bias") if layer.use_bias else ("kernel",):
            param = layer.params[key]
            where = param.__array_interface__["data"][0]
            entry = None
            for i, (weights, _) in enumerate(pairs):
                start = (where - weights.__array_interface__["data"][0]) // weights.itemsize
                if 0 <= start < weights.size:
                    entry = {
                        k.split("/", 1)[1]: _torch_layout(v[start : start + param.size], param, key)
                        for k, v in state.items()
                        if k.startswith(f"{i}/")
                    } or None  # no state yet: the optimizer has not stepped
                    break
            found.append(entry)
    return found


def _torch_layout(flat: np.ndarray, param: np.ndarray, key: str) -> np.ndarray:
    values = np.array(flat).reshape(param.shape)
    return np.ascontiguousarray(values.T) if key == "kernel" else values


def export_pytorch(loaded: LoadedRun, checkpoint: str | Path) -> tuple[Path, Path]:
    """Write the checkpoint and its training script; return both paths.

    The script's own `build_model` and `build_optimizer` make the objects whose state is
    saved, so the script and the checkpoint cannot disagree.

    Raises:
        ImportError: torch is missing.
        ValueError: a bare model file (the script needs the run's data), or a layer,
            activation, loss or optimizer setting without a PyTorch form (named).
    """
    torch = _torch()
    from glassnet._internal.files import atomic_write

    if loaded.config is None:
        raise ValueError(
            f"{loaded.path} is not a run folder with a config.json: the PyTorch export's "
            "training script needs the run's data set and settings."
        )
    checkpoint = Path(checkpoint)
    script = _script(loaded, checkpoint)
    namespace: dict[str, Any] = {
        "__name__": "glassnet_export",
        "__file__": str(script_path(checkpoint)),
    }
    exec(compile(script, str(script_path(checkpoint)), "exec"), namespace)
    net = namespace["build_model"]()
    weights = {
        f"{index}.{name}": torch.from_numpy(np.array(value))
        for index, (_, _, params) in enumerate(_run_modules(loaded))
        for name, value in params.items()
    }
    net.load_state_dict(weights)
    optimizer = namespace["build_optimizer"](net)
    _copy_state(torch, loaded.model, net, optimizer)
    iterations = loaded.model.optimizer.iterations
    with atomic_write(checkpoint) as file:
        torch.save(
            {
                "model_state_dict": net.state_dict(),
                "optimizer_state_dict": optimizer.state_dict(),
                "glassnet": {"run": str(loaded.path), "iterations": iterations},
            },
            file,
        )
    with atomic_write(script_path(checkpoint)) as file:
        file.write(script.encode("utf-8"))
    return checkpoint, script_path(checkpoint)


def _copy_state(torch: Any, model: Any, net: Any, optimizer: Any) -> None:
    glassnet_optimizer = model.optimizer
    steps = glassnet_optimizer.iterations
    for param, state in zip(net.parameters(), _state_slices(model), strict=True):
        if state is None:
            continue
        as_tensor = {k: torch.from_numpy(np.array(v)) for k, v in state.items()}
        if glassnet_optimizer.name in ADAMS:
            optimizer.state[param] = {
                "step": torch.tensor(float(steps)),
                "exp_avg": as_tensor["m"],
                "exp_avg_sq": as_tensor["v"],
            }
        elif glassnet_optimizer.name == "sgd" and "velocity" in as_tensor:
            # glassnet: w += velocity; torch: w -= lr * buffer
            buffer = as_tensor["velocity"] / -glassnet_optimizer.learning_rate
            optimizer.state[param] = {"momentum_buffer": buffer}
        elif glassnet_optimizer.name == "rmsprop":
            optimizer.state[param] = {
                "step": torch.tensor(float(steps)),
                "square_avg": as_tensor["v"],
            }
