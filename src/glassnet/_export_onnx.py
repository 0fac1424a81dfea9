"""ONNX export: a Sequential as an ONNX graph that onnxruntime (or any ONNX runtime) runs.

`model.export("model.onnx")` calls `export_onnx`. Each layer becomes standard ONNX operators
(opset 17, IR version 8, float32):

| glassnet | ONNX |
|---|---|
| Dense | Gemm (x @ kernel + bias; the kernel is (in, out), as glassnet stores it) |
| Flatten | Flatten(axis=1) |
| Dropout | nothing (it is the identity in inference) |
| Activation, Softmax | the activation's operator(s) |
| ReLU | Relu, LeakyRelu (negative_slope) or Clip (max_value); not a threshold, nor both |
| LeakyReLU | LeakyRelu(alpha = negative_slope) |
| Reshape | Reshape to (0, *target_shape): 0 keeps the batch axis |
| Rescaling | Mul by scale, then Add offset (when not 0) |
| InputLayer | the graph's input, shaped ("batch", *sample shape) |

Activations: linear (nothing), relu, sigmoid, tanh, softmax (axis -1), elu (alpha), selu
(Keras's constants), leaky_relu (alpha = negative_slope), hard_sigmoid (HardSigmoid with
alpha 1/6, beta 1/2), softplus and exponential (Exp) are single operators; the others are
composed: step = Cast(x >= 0), sign = Where(x > 0, 1, -1) (ONNX's Sign gives 0 at 0,
glassnet's -1), silu = x * Sigmoid(x), gelu = x * (1 + Erf(x / sqrt 2)) / 2, or its tanh
form with `approximate=True`.

`input_mean` and `input_scale` put `(x - mean) / scale` in front of the model, so the file
takes raw inputs (pixels 0..255, unscaled columns), as `glassnet export` writes a run.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet import layers as layers_module
from glassnet._activations_more import SELU_ALPHA, SELU_SCALE

__all__ = ["IR_VERSION", "OPSET", "export", "export_onnx", "to_onnx"]

OPSET = 17  # onnxruntime runs it since 1.13; Gemm, Erf, Softmax(axis=-1) all in it
IR_VERSION = 8  # the IR that goes with opset 17 (onnx's newest may be too new for a runtime)

INSTALL_HINT = "ONNX export needs the onnx package: pip install onnx"


def _onnx() -> Any:
    try:
        import onnx
    except ImportError:
        raise ImportError(INSTALL_HINT) from None
    return onnx


class _Graph:
    """Nodes and constants being collected, with fresh tensor names."""

    def __init__(self, onnx: Any):
        self.onnx, self.helper = onnx, onnx.helper
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._count = 0

    def name(self, hint: str) -> str:
        self._count += 1
        return f"{hint}_{self._count}"

    def const(self, hint: str, value: Any, dtype: Any = np.float32) -> str:
        name = self.name(hint)
        array = np.asarray(value, dtype=dtype)
        self.initializers.append(self.onnx.numpy_helper.from_array(array, name))
        return name

    def op(self, op_type: str, inputs: Sequence[str], hint: str, **attrs: Any) -> str:
        out = self.name(hint)
        self.nodes.append(self.helper.make_node(op_type, list(inputs), [out], name=out, **attrs))
        return out


def _activation(graph: _Graph, activation: Any, x: str, where: str) -> str:
    """The ONNX nodes of one activation applied to tensor `x`; `where` names the layer."""
    name = activation.name
    simple = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh", "exponential": "Exp"}
    if name == "linear":
        return x
    if name in simple:
        return graph.op(simple[name], [x], name)
    if name == "softplus":
        return graph.op("Softplus", [x], name)
    if name == "softmax":
        return graph.op("Softmax", [x], name, axis=-1)
    if name == "elu":
        return graph.op("Elu", [x], name, alpha=float(activation.alpha))
    if name == "selu":
        return graph.op("Selu", [x], name, alpha=SELU_ALPHA, gamma=SELU_SCALE)
    if name == "leaky_relu":
        return graph.op("LeakyRelu", [x], name, alpha=float(activation.negative_slope))
    if name == "hard_sigmoid":
        return graph.op("HardSigmoid", [x], name, alpha=1.0 / 6.0, beta=0.5)
    if name == "silu":
        return graph.op("Mul", [x, graph.op("Sigmoid", [x], "silu_sigmoid")], name)
    if name == "step":
        at_least_0 = graph.op("GreaterOrEqual", [x, graph.const("zero", 0.0)], "step_ge")
        return graph.op("Cast", [at_least_0], name, to=graph.onnx.TensorProto.FLOAT)
    if name == "sign":
        positive = graph.op("Greater", [x, graph.const("zero", 0.0)], "sign_gt")
        ones = [graph.const("one", 1.0), graph.const("minus_one", -1.0)]
        return graph.op("Where", [positive, *ones], name)
    if name == "gelu":
        half = graph.const("half", 0.5)
        if activation.approximate:  # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
            cube = graph.op("Pow", [x, graph.const("three", 3.0)], "gelu_cube")
            inner = graph.op("Mul", [cube, graph.const("c", 0.044715)], "gelu_cubic")
            inner = graph.op("Add", [x, inner], "gelu_inner")
            inner = graph.op("Mul", [inner, graph.const("k", math.sqrt(2 / math.pi))], "gelu_k")
            cdf = graph.op("Tanh", [inner], "gelu_tanh")
        else:  # x Phi(x), Phi(x) = (1 + erf(x / sqrt 2)) / 2
            scaled = graph.op("Div", [x, graph.const("sqrt2", math.sqrt(2))], "gelu_scaled")
            cdf = graph.op("Erf", [scaled], "gelu_erf")
        cdf = graph.op("Add", [cdf, graph.const("one", 1.0)], "gelu_1p")
        return graph.op("Mul", [graph.op("Mul", [x, cdf], "gelu_x"), half], name)
    raise ValueError(
        f"Layer '{where}' has the activation {name!r}, which glassnet cannot export to ONNX "
        f"yet (it exports linear, relu, sigmoid, tanh, softmax, step, sign, elu, selu, gelu, "
        "softplus, silu, leaky_relu, hard_sigmoid and exponential)."
    )


def _layer(graph: _Graph, layer: Any, x: str) -> str:
    if isinstance(layer, layers_module.Dense):
        kernel = graph.const(f"{layer.name}_kernel", layer.params["kernel"])  # (in, out)
        inputs = [x, kernel]
        if layer.use_bias:
            inputs.append(graph.const(f"{layer.name}_bias", layer.params["bias"]))
        z = graph.op("Gemm", inputs, f"{layer.name}_z")
        return _activation(graph, layer.activation, z, layer.name)
    if isinstance(layer, layers_module.Flatten):
        return graph.op("Flatten", [x], layer.name, axis=1)
    if isinstance(layer, layers_module.Dropout):
        return x
    if isinstance(layer, layers_module.Activation):  # Softmax too
        return _activation(graph, layer.activation, x, layer.name)
    if isinstance(layer, layers_module.ReLU):
        return _relu(graph, layer, x)
    if isinstance(layer, layers_module.LeakyReLU):
        return graph.op("LeakyRelu", [x], layer.name, alpha=float(layer.negative_slope))
    if isinstance(layer, layers_module.Reshape):  # 0 keeps the batch axis as it is
        shape = graph.const(f"{layer.name}_shape", [0, *layer.target_shape], np.int64)
        return graph.op("Reshape", [x, shape], layer.name)
    if isinstance(layer, layers_module.Rescaling):
        x = graph.op("Mul", [x, graph.const(f"{layer.name}_scale", layer.scale)], layer.name)
        if np.any(np.asarray(layer.offset) != 0):
            x = graph.op("Add", [x, graph.const(f"{layer.name}_offset", layer.offset)], layer.name)
        return x
    raise ValueError(
        f"Layer '{layer.name}' ({type(layer).__name__}) has no ONNX export: glassnet exports "
        "Dense, Flatten, Dropout, Activation, Softmax, ReLU, LeakyReLU, Reshape, Rescaling "
        "and InputLayer."
    )


def _relu(graph: _Graph, layer: Any, x: str) -> str:
    """ReLU as one ONNX operator: Relu, LeakyRelu (a slope) or Clip (a cap)."""
    if layer.threshold == 0 and not (layer.negative_slope and layer.max_value is not None):
        if layer.negative_slope:
            return graph.op("LeakyRelu", [x], layer.name, alpha=float(layer.negative_slope))
        if layer.max_value is None:
            return graph.op("Relu", [x], layer.name)
        bounds = [graph.const("zero", 0.0), graph.const(f"{layer.name}_max", layer.max_value)]
        return graph.op("Clip", [x, *bounds], layer.name)
    raise ValueError(
        f"Layer '{layer.name}' is a ReLU(max_value={layer.max_value}, negative_slope="
        f"{layer.negative_slope}, threshold={layer.threshold}), which glassnet cannot export "
        "to ONNX: it exports a ReLU with threshold 0 and at most one of max_value and "
        "negative_slope (Relu, LeakyRelu or Clip)."
    )


def to_onnx(
    model: Any,
    *,
    input_mean: Any = None,
    input_scale: Any = None,
    opset_version: int | None = None,
) -> Any:
    """The ONNX `ModelProto` of a built Sequential (see `export_onnx` for the arguments)."""
    onnx = _onnx()
    if not model.built:
        model.build()
    opset = OPSET if opset_version is None else int(opset_version)
    if opset < OPSET:
        raise ValueError(f"opset_version must be >= {OPSET} for glassnet's export, got {opset}.")
    graph = _Graph(onnx)
    shape = ["batch", *(int(d) for d in model.input_sample_shape)]
    x = "input"
    if input_mean is not None:
        x = graph.op("Sub", [x, graph.const("input_mean", input_mean)], "centred")
    if input_scale is not None:
        x = graph.op("Div", [x, graph.const("input_scale", input_scale)], "scaled")
    for layer in model.leaves():
        x = _layer(graph, layer, x)
    # The last tensor becomes the graph's output "output" (an Identity if it is the input).
    graph.nodes.append(onnx.helper.make_node("Identity", [x], ["output"], name="output"))
    helper, tp = onnx.helper, onnx.TensorProto
    out_shape = ["batch", *(int(d) for d in model.output_sample_shape)]
    proto = helper.make_model(
        helper.make_graph(
            graph.nodes,
            model.name or "sequential",
            [helper.make_tensor_value_info("input", tp.FLOAT, shape)],
            [helper.make_tensor_value_info("output", tp.FLOAT, out_shape)],
            graph.initializers,
        ),
        opset_imports=[helper.make_opsetid("", opset)],
        producer_name="glassnet",
    )
    proto.ir_version = IR_VERSION
    onnx.checker.check_model(proto)
    return proto


def export_onnx(
    model: Any,
    filepath: str | os.PathLike[str],
    *,
    input_mean: Any = None,
    input_scale: Any = None,
    opset_version: int | None = None,
) -> None:
    """Write a Sequential as an ONNX file: input "input" ("batch", *sample shape), float32,
    output "output"; the graph computes `model.predict`.

    Args:
        model: a built Sequential (or one whose input shape is declared).
        filepath: the file to write (".onnx").
        input_mean, input_scale: optional, broadcastable to one sample: the graph first
            computes `(input - input_mean) / input_scale`.
        opset_version: the ONNX opset, >= 17 (the default).

    Raises:
        ImportError: the onnx package is missing.
        ValueError: a layer or activation without an ONNX form (named in the message).

    >>> import tempfile, glassnet as gn
    >>> model = gn.Sequential([gn.layers.Dense(2, activation="relu", input_shape=(3,))])
    >>> path = tempfile.mkdtemp() + "/m.onnx"
    >>> export_onnx(model, path)
    >>> import onnx; [node.op_type for node in onnx.load(path).graph.node]
    ['Gemm', 'Relu', 'Identity']
    """
    from glassnet._internal.files import atomic_write

    proto = to_onnx(
        model, input_mean=input_mean, input_scale=input_scale, opset_version=opset_version
    )
    with atomic_write(filepath) as file:
        file.write(proto.SerializeToString())


def export(
    model: Any,
    filepath: str | os.PathLike[str],
    format: str | None = None,
    verbose: bool | None = None,
    **kwargs: Any,
) -> None:
    """`model.export(filepath, format=None, verbose=None, **kwargs)`, as Keras's `export`.

    Keras's default format is "tf_saved_model", which needs TensorFlow; glassnet writes
    ONNX, so `format` may be left out when `filepath` ends in ".onnx".

    Args:
        model: the Sequential.
        filepath: the file to write.
        format: "onnx", or None to take it from the ".onnx" suffix.
        verbose: print where the file went (default True, as Keras).
        **kwargs: `opset_version` (int >= 17).

    Raises:
        ValueError: another format, or no format and a name not ending in ".onnx".
        TypeError: an unknown keyword argument.

    >>> import tempfile, glassnet as gn
    >>> model = gn.Sequential([gn.layers.Dense(1, input_shape=(2,))])
    >>> model.export(tempfile.mkdtemp() + "/m.keras")
    Traceback (most recent call last):
    ValueError: format=None and filepath '.../m.keras' does not end in ".onnx": ...
    """
    path = os.fspath(filepath)
    if format is None:
        if not str(path).lower().endswith(".onnx"):
            raise ValueError(
                f'format=None and filepath {path!r} does not end in ".onnx": glassnet exports '
                'ONNX (format="onnx"); model.save("model.keras") writes a Keras file.'
            )
        format = "onnx"
    if format != "onnx":
        raise ValueError(
            f'format must be "onnx" (the one export format glassnet writes; Keras\'s '
            f'"tf_saved_model", "openvino" and "litert" need TensorFlow), got {format!r}.'
        )
    unknown = sorted(set(kwargs) - {"opset_version"})
    if unknown:
        raise TypeError(
            f"export() got unexpected keyword argument(s) {', '.join(unknown)}; with "
            'format="onnx" it takes opset_version.'
        )
    export_onnx(model, path, opset_version=kwargs.get("opset_version"))
    if verbose is None or verbose:
        print(f"Saved artifact at '{path}'.")
