"""`glassnet export RUN --format onnx|pytorch|keras --out FILE`: the model for other tools.

- onnx: one ONNX file (`gn.Sequential.export`) that takes *raw* inputs, as `glassnet
  predict` does: the run's preprocessing (images divided by 255, CSV columns standardised
  with the training mean and standard deviation) is the graph's first operator, so a
  runtime feeds it pixels or column values as they are. `--no-preprocessing` leaves it out.
- pytorch: a checkpoint (`torch.save`: the `nn.Sequential` state dict and the optimizer's
  state) and `train_NAME.py` beside it, which goes on training in PyTorch on the run's data
  with its preprocessing (see `glassnet.cli.runs.torch_export`). Needs a run folder. A
  regression run's torch model ends in `TargetScale`, so it predicts the target in its own
  units, and the script trains on the mean squared error of the standardised target.
- keras: a Keras 3 `.keras` file (`model.save`), which `keras.saving.load_model` reads; it
  takes preprocessed inputs, as the model does (a Keras file holds the model only).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from glassnet.cli import UsageError
from glassnet.cli.runs import load_run

__all__ = ["FORMATS", "add_parser", "run"]

FORMATS = ("onnx", "pytorch", "keras")
_SUFFIXES = {"onnx": ".onnx", "pytorch": ".pt", "keras": ".keras"}


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `glassnet export`."""
    p = subparsers.add_parser(
        "export",
        help="export a trained model to ONNX, PyTorch or Keras",
        description="Export a run folder's model (or a model file, for onnx and keras): ONNX "
        "for inference anywhere, a PyTorch checkpoint with a script that continues the "
        "training, or a Keras 3 .keras file.",
    )
    p.add_argument("model", metavar="RUN", help="a run folder (or a model file)")
    p.add_argument("--format", required=True, choices=FORMATS, help="onnx, pytorch or keras")
    p.add_argument(
        "--out",
        metavar="FILE",
        help="the file to write (default: the run's name + .onnx/.pt/.keras)",
    )
    p.add_argument(
        "--no-preprocessing",
        action="store_true",
        help="onnx: leave the run's input scaling out (the file then takes scaled inputs)",
    )
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.set_defaults(func=run)


def _out(args: argparse.Namespace) -> Path:
    suffix = _SUFFIXES[args.format]
    if args.out is None:
        source = Path(args.model)
        return Path(source.stem if source.is_file() else source.resolve().name).with_suffix(suffix)
    out = Path(args.out)
    if args.format == "keras" and out.suffix.lower() != ".keras":
        raise ValueError(f'--out {out}: a Keras file must end in ".keras".')
    return out


def run(args: argparse.Namespace) -> int:
    """Export; return the exit status. A missing optional package (onnx, torch, h5py) is
    the user's to install: one line naming it, exit status 2."""
    try:
        return _export(args)
    except ImportError as error:
        raise UsageError(str(error)) from None


def _export(args: argparse.Namespace) -> int:
    out = _out(args)
    written = [out]
    if args.format == "pytorch":
        from glassnet.cli.runs.torch_export import script_path

        written.append(script_path(out))
    for path in written:
        if path.is_dir():
            raise IsADirectoryError(f"{path} is a folder; give --out a file name.")
        if path.exists() and not args.force:
            raise FileExistsError(f"{path} already exists; choose another --out, or --force.")
    loaded = load_run(args.model)
    if args.format == "onnx":
        from glassnet._export_onnx import export_onnx

        prep = {} if args.no_preprocessing or not loaded.info else loaded.preprocessing
        kind = prep.get("kind")
        mean = prep["mean"] if kind == "standardize" else None
        scale = {"images": prep.get("max_value"), "standardize": prep.get("scale")}.get(kind or "")
        export_onnx(loaded.model, out, input_mean=mean, input_scale=scale)
        if kind == "images":
            takes = f"raw pixels (divided by {scale:g} inside)"
        elif kind == "standardize":
            takes = "raw column values (standardised inside)"
        else:
            takes = "the model's inputs as they are (no preprocessing inside)"
        print(f"Wrote {out}: ONNX, input 'input' takes {takes}, output 'output'.")
    elif args.format == "pytorch":
        from glassnet.cli.runs.torch_export import export_pytorch

        checkpoint, script = export_pytorch(loaded, out)
        print(f"Wrote {checkpoint} (PyTorch checkpoint) and {script}: python {script} continues")
        print("the training in PyTorch on the run's data, preprocessed as in glassnet.")
        if loaded.task == "regression":
            target = loaded.info.get("target") or "the target"
            print(
                f"The model predicts {target} in its own units: its last module, TargetScale, "
                "undoes the standardisation the network learned."
            )
    else:
        loaded.model.save(str(out))
        print(f"Wrote {out}: Keras 3 model file; it takes preprocessed inputs, as the model.")
    return 0
