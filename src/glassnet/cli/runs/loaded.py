"""Reading a run folder (or a bare model file) back: `load_run` and the `LoadedRun` it gives.

Every file read is checked, and a damaged one is a ValueError that names it: run.json
against its schema and the model (`runs.run_json`), config.json as `TrainConfig` reads
it, history.json as an object of lists. Run folders of an older glassnet are read as
they ran (`runs.older`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from glassnet.cli.runs.config import TrainConfig
from glassnet.cli.runs.older import restore_task, run_task
from glassnet.cli.runs.regression import REGRESSION_LOSSES
from glassnet.cli.runs.run_json import MODEL_FILE, check_run_info, model_file_of

__all__ = ["LoadedRun", "load_run", "read_json_object"]


@dataclass
class LoadedRun:
    """A model read back from a run folder or a bare model file.

    Attributes:
        model: the `Sequential`.
        path: the run folder or model file given.
        info: run.json's contents ({} for a bare model file).
        config: the run's settings, or None for a bare model file.
        history: history.json's "history", or None.
        summary: history.json's "summary" (the run summary the doctor reads), or None.
    """

    model: Any
    path: Path
    info: dict[str, Any]
    config: TrainConfig | None = None
    history: dict[str, list[float]] | None = None
    summary: dict[str, Any] | None = None

    @property
    def task(self) -> str:
        """The run's task: "regression" (it predicts a number) or "classification" (also run
        folders written before regression runs existed); a bare model file's by its loss."""
        if not self.info:
            loss = getattr(getattr(self.model, "loss", None), "name", None)
            return "regression" if loss in REGRESSION_LOSSES else "classification"
        return run_task(self.info)

    @property
    def class_names(self) -> list[str]:
        """The run's class names, or "0".."n-1" from the model's output width ([] for a
        regression run)."""
        if self.task == "regression":
            return []
        names = self.info.get("class_names")
        return list(names) if names else [str(i) for i in range(self.model.output_sample_shape[-1])]

    @property
    def preprocessing(self) -> dict[str, Any]:
        """How raw inputs become model inputs; for a bare model file images are divided by 255."""
        return self.info.get("preprocessing") or {"kind": "images", "max_value": 255.0}


def load_run(path: str | os.PathLike[str]) -> LoadedRun:
    """Read a run folder (or a model file saved by glassnet).

    Every file read is checked: run.json must be a JSON object with the keys `glassnet
    train` writes, class names and preprocessing that fit the model; config.json and
    history.json must be valid. A damaged one is a ValueError naming it.

    Raises:
        FileNotFoundError: no such folder or file, or a folder without a model.
        ValueError: a damaged run.json, config.json or history.json (the message names
            the file and the fault), or a file that is not a glassnet model (from
            `gn.load_model`).
        OSError: a file cannot be read.
    """
    from glassnet.saving import load_model

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such run folder or model file: {path}")
    if path.is_dir() and (path / "run.json").is_file():
        return _load_run_folder(path)
    if path.is_dir() and not (path / MODEL_FILE).exists():
        try:
            return LoadedRun(model=load_model(str(path)), path=path, info={})
        except (ValueError, OSError):
            raise FileNotFoundError(
                f"{path} is neither a glassnet run folder (no run.json) nor a saved model."
            ) from None
    return LoadedRun(model=load_model(str(path)), path=path, info={})


def _load_run_folder(path: Path) -> LoadedRun:
    from glassnet.saving import load_model

    info = read_json_object(path / "run.json")
    model = load_model(str(path / model_file_of(path / "run.json", info)))
    check_run_info(path / "run.json", info, model)
    config = None
    if (path / "config.json").is_file():
        values = read_json_object(path / "config.json")
        try:
            config = TrainConfig.from_mapping(values)
        except (ValueError, TypeError) as error:
            raise ValueError(f"{path / 'config.json'}: {error}") from None
        config = restore_task(config, info)
    history = summary = None
    if (path / "history.json").is_file():
        stored = read_json_object(path / "history.json")
        history, summary = stored.get("history"), stored.get("summary")
        if not isinstance(history, dict) or not all(isinstance(v, list) for v in history.values()):
            raise ValueError(
                f'{path / "history.json"} is damaged: its "history" is not an object of '
                "lists (one value per epoch)."
            )
    return LoadedRun(
        model=model, path=path, info=info, config=config, history=history, summary=summary
    )


def read_json_object(file: Path) -> dict[str, Any]:
    """A JSON file that must hold an object, or a ValueError naming the file.

    >>> import tempfile
    >>> file = Path(tempfile.mkdtemp()) / "run.json"
    >>> _ = file.write_text("[1, 2]")
    >>> read_json_object(file)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: .../run.json is damaged: it should hold a JSON object, it holds list.
    """
    data = file.read_bytes()
    try:
        value = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise ValueError(f"{file} is damaged: it is not UTF-8 text, so not JSON.") from None
    except json.JSONDecodeError as error:
        raise ValueError(
            f"{file} is damaged: not valid JSON ({error.msg} at line {error.lineno}, column "
            f"{error.colno})."
        ) from None
    except (ValueError, RecursionError) as error:
        raise ValueError(f"{file} is damaged: not valid JSON ({error}).") from None
    if not isinstance(value, dict):
        raise ValueError(
            f"{file} is damaged: it should hold a JSON object, it holds {type(value).__name__}."
        )
    return value
