"""The compile-time check of the output layer against the loss.

`Sequential.compile` calls `check_output_and_loss` and warns with its message: softmax
or sigmoid outputs with from_logits=True, or raw logits with from_logits=False, train
badly without an error.
"""

from __future__ import annotations

from glassnet._internal.checks import describe

__all__ = ["check_output_and_loss"]

_PROBABILITIES = {"softmax", "sigmoid"}
_RAW = {None, "", "linear", "none", "identity"}


def check_output_and_loss(
    last_layer_activation_name: str | None,
    loss_name: str,
    from_logits: bool,
    *,
    units: int | None = None,
) -> str | None:
    """Check that the output layer and the loss agree; return a warning, or None.

    A cross-entropy loss takes probabilities (from_logits=False) or raw scores
    (from_logits=True). Softmax or sigmoid outputs with from_logits=True apply the
    squashing twice; raw logits (no activation) with from_logits=False are read as
    probabilities. Both train badly without an error.

    Args:
        last_layer_activation_name: the activation of the model's last layer
            ("softmax", "sigmoid", "linear" or None for none).
        loss_name: the loss's name, e.g. "sparse_categorical_crossentropy" or
            "SparseCategoricalCrossentropy"; losses other than cross-entropy pass.
        from_logits: the loss's from_logits setting.
        units: optional number of output units (1 with softmax is always wrong).

    Returns:
        A message saying which mismatch and how to fix it, or None when they agree.

    >>> check_output_and_loss(None, "SparseCategoricalCrossentropy", True) is None
    True
    >>> print(check_output_and_loss("softmax", "sparse_categorical_crossentropy", True))
    ... # doctest: +ELLIPSIS
    The output layer applies softmax but the loss ... has from_logits=True...
    """
    if not isinstance(loss_name, str):
        raise TypeError(f"loss_name must be a string, got {describe(loss_name)}.")
    key = loss_name.lower().replace("_", "").replace(" ", "")
    if "crossentropy" not in key:
        return None
    act = None if last_layer_activation_name is None else str(last_layer_activation_name).lower()
    binary = "binary" in key
    if act == "softmax" and binary and units == 1:
        return (
            f"The output layer is a softmax over 1 unit, which always outputs 1.0, so "
            f"{loss_name} can't learn. Fix: use activation='sigmoid' on the single output unit "
            "(or none with from_logits=True)."
        )
    if act in _PROBABILITIES and from_logits:
        return (
            f"The output layer applies {act} but the loss {loss_name} has from_logits=True, "
            f"so {act} is applied a second time inside the loss: outputs are squashed twice "
            "and training is slow or stalls. Fix: remove the activation from the last layer "
            "(e.g. Dense(10) as the lecture) and keep from_logits=True, or keep "
            f"activation='{act}' and set from_logits=False."
        )
    if act in _RAW and not from_logits:
        squash = "sigmoid" if binary else "softmax"
        return (
            f"The output layer has no activation (it outputs raw logits) but the loss "
            f"{loss_name} has from_logits=False, so it reads logits as probabilities: the loss "
            f"and its gradients are wrong. Fix: pass from_logits=True to the loss (as the "
            f"lecture does), or give the last layer activation='{squash}'."
        )
    if act == "sigmoid" and not binary and (units is None or units > 1) and not from_logits:
        return (
            f"The output layer applies sigmoid but {loss_name} expects probabilities that sum "
            "to 1 over the classes. Fix: use activation='softmax' on the last layer, or no "
            "activation with from_logits=True."
        )
    if act not in _PROBABILITIES and act not in _RAW:
        return (
            f"The output layer applies {act}, which gives neither probabilities nor free "
            f"logits for {loss_name}. Fix: use no activation on the last layer with "
            "from_logits=True (or softmax / sigmoid with from_logits=False)."
        )
    return None
