"""The template of the training script `glassnet export --format pytorch` writes.

`TEMPLATE` is a `string.Template`: `$run`, `$checkpoint`, `$script`, `$config`, `$custom`,
`$modules`, `$optimizer`, `$glassnet_optimizer`, `$loss`, `$targets`, `$evaluate`,
`$outputs`, `$metric` and `$before_step` are filled in by `torch_export`; `CLASSIFICATION`
and `REGRESSION` hold the task's values of `$loss`, `$targets`, `$evaluate`, `$outputs`
and `$metric`. What it produces is lint- and format-clean (a test runs ruff on it).
"""

from __future__ import annotations

from string import Template

__all__ = ["CLASSIFICATION", "CUSTOM_MODULES", "REGRESSION", "TEMPLATE"]

# Modules torch lacks, written into the script only when the model uses them. Step and sign
# keep a zero gradient (x * 0), as glassnet's: flat almost everywhere.
CUSTOM_MODULES = {
    "Step": '''

class Step(nn.Module):
    """glassnet's step: 1 where x >= 0, else 0."""

    def forward(self, x):
        return x * 0 + (x >= 0).to(x.dtype)
''',
    "Sign": '''

class Sign(nn.Module):
    """glassnet's sign: 1 where x > 0, else -1 (torch.sign gives 0 at 0)."""

    def forward(self, x):
        return x * 0 + torch.where(x > 0, 1.0, -1.0).to(x.dtype)
''',
    "match_keras_epsilon": '''

def match_keras_epsilon(optimizer, epsilon=EPSILON):
    """Make torch's next Adam step Keras's (and glassnet's) exactly.

    Keras adds epsilon to sqrt(v) before the bias correction, torch after it: with
    eps = epsilon / sqrt(1 - beta_2**t) at step t, torch's update is Keras's.
    """
    for group in optimizer.param_groups:
        states = [optimizer.state[p] for p in group["params"] if p in optimizer.state]
        t = float(states[0]["step"]) + 1 if states else 1.0
        group["eps"] = epsilon / math.sqrt(1 - group["betas"][1] ** t)
''',
    "TargetScale": '''

class TargetScale(nn.Module):
    """The output in the target's own units: x * scale + mean.

    glassnet trains a regression on the standardised target, (y - mean) / scale of the
    training targets: the modules before this one compute that, and this one undoes it
    (glassnet folds it into its last layer). mean and scale are buffers: saved in the state
    dict, not trained.
    """

    def __init__(self, mean=TARGET_MEAN, scale=TARGET_SCALE):
        super().__init__()
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float64))
        self.register_buffer("scale", torch.tensor(scale, dtype=torch.float64))

    def forward(self, x):
        return x * self.scale.to(x.dtype) + self.mean.to(x.dtype)

    def standardise(self, y):
        """Targets in their own units as the modules before this one learn them."""
        return (y - self.mean) / self.scale
''',
    "StandardisedMSE": '''

class StandardisedMSE(nn.Module):
    """glassnet's MeanSquaredError of the standardised target, as glassnet trained: a loss
    of 1 is what always predicting the training mean scores.

    It takes the output of the modules before TargetScale, model[:-1](x), and the targets
    in their own units (float64), standardised here by the model's TargetScale.
    """

    def __init__(self, target_scale):
        super().__init__()
        self.target_scale = target_scale

    def forward(self, standardised, y):
        target = self.target_scale.standardise(y).to(standardised.dtype)
        return torch.mean((standardised - target) ** 2)
''',
    "Exponential": '''

class Exponential(nn.Module):
    """glassnet's exponential activation: e^x."""

    def forward(self, x):
        return torch.exp(x)
''',
}

TEMPLATE = Template('''\
"""Continue training the glassnet run $run in PyTorch.

Written by `glassnet export --format pytorch`, beside the checkpoint $checkpoint (the
model's weights and the optimizer's state, as glassnet left them). Run it as

    python $script --epochs 5 --out continued.pt

It rebuilds the same network and optimizer, loads the checkpoint, and trains on the run's
data, split and preprocessed exactly as glassnet did (glassnet loads it, so it must be
installed), for the run's number of epochs unless --epochs says otherwise (no early
stopping), then saves the model and optimizer state to --out. To train on several GPUs or
machines, wrap the model in torch.nn.parallel.DistributedDataParallel and start this script
with torchrun.
"""

import argparse
import math
from pathlib import Path

import torch
from torch import nn

CHECKPOINT = Path(__file__).with_name("$checkpoint")
# The run's settings (its config.json): data set, split, seed, batch size, epochs.
CONFIG = $config
$custom

def build_model():
    """glassnet's Sequential as an nn.Sequential (Dense kernels transposed to (out, in))."""
    return nn.Sequential(
$modules
    )


def build_optimizer(model):
    """The optimizer with glassnet's settings, which were
    $glassnet_optimizer
    """
    params = model.parameters()
    return $optimizer


def load_data():
    """((x, y) train, (x, y) validation) as tensors, preprocessed as in the glassnet run."""
    from glassnet.cli.runs import TrainConfig, load_splits

    splits = load_splits(TrainConfig.from_mapping(CONFIG))
    parts = (splits.train, splits.val)
    return [(torch.from_numpy(x), $targets) for x, y in parts]

$evaluate
def train(epochs, out):
    model = build_model()
    loss_fn = $loss
    optimizer = build_optimizer(model)
    checkpoint = torch.load(CHECKPOINT, weights_only=True)
    model.load_state_dict(checkpoint["model_state_dict"])
    optimizer.load_state_dict(checkpoint["optimizer_state_dict"])
    (x, y), (x_val, y_val) = load_data()
    generator = torch.Generator().manual_seed(CONFIG.get("seed") or 0)
    batches = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(x, y),
        batch_size=CONFIG.get("batch_size", 32),
        shuffle=True,
        generator=generator,
    )
    for epoch in range(1, epochs + 1):
        model.train()
        for xb, yb in batches:
            optimizer.zero_grad()
            loss = loss_fn($outputs, yb)
            loss.backward()
$before_step            optimizer.step()
        val_loss, val_$metric = evaluate(model, loss_fn, x_val, y_val)
        print(f"epoch {epoch}: val_loss {val_loss:.4f}, val_$metric {val_$metric:.4f}")
    torch.save(
        {"model_state_dict": model.state_dict(), "optimizer_state_dict": optimizer.state_dict()},
        out,
    )
    print(f"Saved {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=CONFIG.get("epochs", 10))
    parser.add_argument("--out", default="continued.pt")
    args = parser.parse_args()
    train(args.epochs, args.out)
''')

# The task's parts of TEMPLATE: how the labels become tensors, the loss and what it is
# given, the validation score printed each epoch and the function that computes it.
CLASSIFICATION = {
    "targets": "torch.from_numpy(y)",
    "loss": "nn.CrossEntropyLoss()  # glassnet's SparseCategoricalCrossentropy(from_logits=True)",
    "outputs": "model(xb)",
    "metric": "accuracy",
    "evaluate": '''
def evaluate(model, loss_fn, x, y):
    """The loss and the accuracy on (x, y)."""
    model.eval()
    with torch.no_grad():
        logits = model(x)
        return loss_fn(logits, y).item(), (logits.argmax(dim=1) == y).float().mean().item()

''',
}
REGRESSION = {
    "targets": "torch.from_numpy(y).reshape(-1, 1)",
    "loss": "StandardisedMSE(model[-1])  # glassnet's MeanSquaredError, standardised target",
    "outputs": "model[:-1](xb)",
    "metric": "mae",
    "evaluate": '''
def evaluate(model, loss_fn, x, y):
    """The loss (of the standardised target) and the mean absolute error, in the target's
    own units, on (x, y)."""
    model.eval()
    with torch.no_grad():
        standardised = model[:-1](x)
        mae = (model[-1](standardised).double() - y).abs().mean().item()
        return loss_fn(standardised, y).item(), mae

''',
}
