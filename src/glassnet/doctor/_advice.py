"""What to try, in the user's language: each `Advice` is Python code for the API and flags
of `glassnet train` for the command line (`--epochs 20 --early-stopping 3`, `--lr 1e-4`,
`--dropout 0.2`, `--layers 64`), in words where no flag exists (the CLI scales the
inputs, splits with stratification and builds logits with from_logits=True itself).

>>> print(train_longer(20, 3).cli.split(" (")[0])
Train longer: --epochs 20 --early-stopping 3
>>> plural(1, "epoch"), plural(3, "epoch")
('1 epoch', '3 epochs')
"""

from __future__ import annotations

from collections.abc import Sequence

from glassnet._internal.words import plural
from glassnet.doctor._findings import Advice

_EARLY_STOPPING = (
    'gn.callbacks.EarlyStopping(monitor="val_loss", patience={p}, restore_best_weights=True)'
)


def the_last(n: int, word: str = "epoch") -> str:
    """ "the last epoch" or "the last 3 epochs" (never "the last 1 epochs")."""
    return f"the last {word}" if n == 1 else f"the last {n} {word}s"


def change_learning_rate(lr: float | None, factor: float, direction: str) -> Advice:
    """Lower (or raise) the learning rate `factor` times, with the new value."""
    verb = direction.capitalize()
    if lr is None:
        old, new = ("0.001", "0.0001") if direction == "lower" else ("0.0001", "0.001")
        return Advice(
            f"{verb} the learning rate {factor:g}x (e.g. {new} instead of {old}).",
            cli=f"{verb} the learning rate {factor:g}x: e.g. --lr {new} instead of --lr {old}.",
        )
    new_lr = lr / factor if direction == "lower" else lr * factor
    return Advice(
        f"{verb} the learning rate {factor:g}x: learning_rate={new_lr:g} instead of {lr:g}.",
        cli=f"{verb} the learning rate {factor:g}x: --lr {new_lr:g} (instead of {lr:g}).",
    )


def use_default_learning_rate(optimizer: str, default: float) -> Advice:
    """Go back to the optimizer's default learning rate."""
    name = {"sgd": "SGD", "adam": "Adam", "rmsprop": "RMSprop"}.get(optimizer, optimizer)
    return Advice(
        f"Start from {name}'s default: gn.optimizers.{name}(learning_rate={default:g}).",
        cli=f"Start from {name}'s default: --lr {default:g}.",
    )


def train_longer(epochs: int, patience: int = 3) -> Advice:
    """More epochs, with EarlyStopping to stop when the validation loss levels off."""
    return Advice(
        f"Train longer: epochs={epochs} or more, with callbacks=["
        f"{_EARLY_STOPPING.format(p=patience)}] to stop when it levels off.",
        cli=f"Train longer: --epochs {epochs} --early-stopping {patience} (stops when "
        "val_loss levels off and keeps the best epoch).",
    )


def stop_early(patience: int, best_epoch: int) -> Advice:
    """EarlyStopping, or simply training for the best epoch's number of epochs."""
    return Advice(
        f"Stop early: callbacks=[{_EARLY_STOPPING.format(p=patience)}], "
        f"or train for {plural(best_epoch, 'epoch')}.",
        cli=f"Stop early: --early-stopping {patience} (keeps the best epoch), "
        f"or --epochs {best_epoch}.",
    )


def add_dropout(rate: float = 0.2) -> Advice:
    """Dropout after the hidden layers."""
    return Advice(
        f"Add Dropout (e.g. gn.layers.Dropout({rate:g}) to 0.5) after the hidden Dense layers.",
        cli=f"Add Dropout after each hidden layer: --dropout {rate:g} (up to 0.5).",
    )


def _layers_code(units: Sequence[int]) -> str:
    return ", ".join(f"Dense({u})" for u in units)


def _layers_flag(units: Sequence[int]) -> str:
    return ",".join(str(u) for u in units)


def smaller_network(hidden: Sequence[int]) -> Advice:
    """Halve the hidden layers (or, unknown, say it in words)."""
    if not hidden:
        return Advice("Use a smaller network: fewer units or layers.")
    smaller = [max(1, u // 2) for u in hidden]
    return Advice(
        f"Use a smaller network: {_layers_code(smaller)} instead of {_layers_code(hidden)}.",
        cli=f"Use a smaller network: --layers {_layers_flag(smaller)} "
        f"(instead of {_layers_flag(hidden)}).",
    )


def larger_network(hidden: Sequence[int] | None) -> Advice:
    """Double the hidden layers, or add one when there is none (in words when unknown)."""
    if hidden is None:
        return Advice(
            "Use a larger network: more units in the hidden layer, or another hidden Dense layer."
        )
    if not hidden:
        return Advice(
            "Use a larger network: add a hidden layer, "
            "gn.layers.Dense(32, activation='relu'), before the output.",
            cli="Use a larger network: --layers 32.",
        )
    larger = [2 * u for u in hidden]
    return Advice(
        f"Use a larger network: {_layers_code(larger)} instead of {_layers_code(hidden)}.",
        cli=f"Use a larger network: --layers {_layers_flag(larger)} "
        f"(instead of {_layers_flag(hidden)}).",
    )


def more_data(what: str = "Get more training data") -> Advice:
    return Advice(
        f"{what}.",
        cli=f"{what} (without --limit, or a larger --split share for training).",
    )


def scale_pixels() -> Advice:
    return Advice(
        "Divide the pixels by 255 (x_train / 255.0, the same for the test set), as the lecture "
        "does.",
        cli="Scale the pixels to 0-1 (divide by 255) before training; glassnet train does "
        "this for its image data sets.",
    )


def standardise() -> Advice:
    return Advice(
        "Standardise each feature: subtract the training set's mean and divide by its standard "
        "deviation (gn.datasets.StandardScaler().fit(x_train), the same numbers for the "
        "validation and test sets).",
        cli="Standardise each feature (subtract the training mean, divide by the standard "
        "deviation) before training; glassnet train does this for CSV files.",
    )


def shuffle_before_split() -> list[Advice]:
    return [
        Advice(
            "Shuffle the data before fit: validation_split takes the LAST rows, before any "
            "shuffling, so data sorted by class gives a validation set of one class.",
            cli="Shuffle the rows before training: a validation part cut from data sorted by "
            "class holds one class (glassnet train splits with stratification).",
        ),
        Advice(
            "Or split with shuffling and stratification yourself and pass "
            "validation_data=(x_val, y_val): gn.datasets.train_val_test_split(x, y).",
            cli="Or let glassnet train choose the parts: --split 0.8,0.1,0.1 (stratified).",
        ),
    ]


def class_report() -> Advice:
    return Advice(
        "Read the balanced accuracy and per-class recall: "
        "print(gn.metrics.classification_report(y_true, y_pred)).",
        cli="Read the balanced accuracy and per-class recall: glassnet evaluate RUN.",
    )


def rebalance() -> list[Advice]:
    return [
        Advice(
            "Rebalance the training set: oversample the rare classes or undersample the common "
            "one, or weight them: model.fit(..., class_weight={0: 1.0, 1: 10.0}).",
            cli="Rebalance the training set: oversample the rare classes or undersample the "
            "common one in the CSV file.",
        ),
        Advice("Collect more examples of the rare classes."),
    ]


def fix_output(message: str | None) -> Advice:
    """The loss's own fix (its check_output message) as code; the CLI's words."""
    return Advice(
        message or "Match the output layer to the loss (from_logits).",
        cli="Let the output layer give raw scores (logits) and the loss read them with "
        "from_logits=True, as glassnet train does.",
    )
