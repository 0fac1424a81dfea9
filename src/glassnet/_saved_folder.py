"""The folder form of a saved model (config.json and weights.npz) and its atomic commit.

A folder is committed by its `config.json`: the new weights are written first, as
`.weights.npz.<save_id>.part`, then `config.json` naming that `save_id` replaces the old one
in one rename (the commit), and then the weights take the name `weights.npz`. A loader that
finds a config whose weights are still under the temporary name reads them there. Saves
hold the folder's lock (exclusive) and loads share it, so a load never pairs the config of
one save with the weights of the next.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> save_folder(folder, {"format": "glassnet", "version": 2}, {"weight/0": np.ones(2)})
>>> config, arrays, shown = read_folder(folder)
>>> sorted(arrays), config["save_id"] == committed_save_id(folder / CONFIG_FILE)
(['weight/0'], True)
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from pathlib import Path
from typing import Any

import numpy as np

from glassnet._internal.files import (
    atomic_write,
    create_locked,
    locked_folder,
    remove_stale,
    rename_in_error,
    sync_file,
    sync_folder,
    temporary_name,
)
from glassnet._internal.npz import read_npz, text_array
from glassnet._saved_checks import parse_config

__all__ = ["CONFIG_FILE", "WEIGHTS_FILE", "committed_save_id", "read_folder", "save_folder"]

CONFIG_FILE = "config.json"
WEIGHTS_FILE = "weights.npz"
SAVE_ID = re.compile(r"[0-9a-f]{16}")


def save_folder(target: Path, config: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    """Weights under a temporary name, then config.json (the commit), then the rename.

    A save that fails leaves no folder it created behind (only empty ones are removed).
    """
    created = _missing_folders(target)
    try:
        target.mkdir(parents=True, exist_ok=True)
        _save_into(target, config, arrays)
    except BaseException:
        for folder in created:  # the deepest first; a folder with anything in it stays
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise


def _missing_folders(target: Path) -> list[Path]:
    """`target` and those of its parents that do not exist yet, the deepest first."""
    missing = []
    for folder in (target, *target.parents):
        if folder.exists() or folder.is_symlink():
            break
        missing.append(folder)
    return missing


def _save_into(target: Path, config: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
    weights = target / WEIGHTS_FILE
    with locked_folder(target):  # two saves into one folder take turns
        settle_folder(target)
        # Both files carry the same token, so a pair from two different saves is detected.
        token = secrets.token_hex(8)
        config["save_id"] = token
        arrays["save_id"] = text_array(token)
        pending = temporary_name(weights, token)
        committed = False
        try:
            with create_locked(pending) as handle:
                np.savez(handle, **arrays)  # type: ignore[arg-type]  # numpy stub: allow_pickle
                sync_file(handle)
                with atomic_write(target / CONFIG_FILE) as out:
                    out.write(json.dumps(config, indent=2).encode("utf-8"))
                committed = True  # from here on the folder holds the new model
                # Saved: if the rename fails, loading reads the weights where they are, and
                # the next save renames them.
                with contextlib.suppress(OSError):
                    sync_folder(target)
                    os.replace(pending, weights)
                    sync_folder(target)
        except OSError as error:
            raise rename_in_error(error, pending, weights) from None
        finally:
            if not committed:
                with contextlib.suppress(OSError):  # e.g. EROFS: nothing was created
                    pending.unlink(missing_ok=True)


def settle_folder(target: Path) -> None:
    """Finish what an interrupted save committed, then remove its leftovers."""
    weights = target / WEIGHTS_FILE
    token = committed_save_id(target / CONFIG_FILE)
    if token is not None:
        pending = temporary_name(weights, token)
        if pending.is_file():
            os.replace(pending, weights)
    remove_stale(weights)
    remove_stale(target / CONFIG_FILE)


def committed_save_id(config_path: Path) -> str | None:
    """The save_id of a folder's config.json, if it is readable and has a valid one."""
    try:
        token = json.loads(config_path.read_bytes().decode("utf-8")).get("save_id")
    except (OSError, ValueError, AttributeError, RecursionError):
        return None
    return token if isinstance(token, str) and SAVE_ID.fullmatch(token) else None


def read_folder(folder: Path) -> tuple[dict[str, Any], dict[str, np.ndarray], str]:
    # Saves hold the folder's lock; one that could not (a file system without locks) may
    # commit between reading the two files: read again.
    for attempt in range(3):
        with locked_folder(folder, shared=True):  # no save of ours commits meanwhile
            config, arrays, same = read_folder_once(folder)
        if same:
            return config, arrays, repr(str(folder))
        if attempt < 2:
            time.sleep(0.05 * (attempt + 1))
    raise ValueError(
        f"{CONFIG_FILE} and {WEIGHTS_FILE} in {str(folder)!r} come from different saves "
        "(files copied by hand?). Save the model again."
    )


def read_folder_once(folder: Path) -> tuple[dict[str, Any], dict[str, np.ndarray], bool]:
    """The config, the weights it names, and whether both come from the same save."""
    config_path, weights_path = folder / CONFIG_FILE, folder / WEIGHTS_FILE
    if not config_path.is_file():
        raise FileNotFoundError(
            f"{str(folder)!r} is not a saved glassnet model: {CONFIG_FILE} is missing."
        )
    config = parse_config(config_path.read_bytes(), repr(str(config_path)))
    token = config.get("save_id")
    shown = repr(str(weights_path))
    arrays = None
    if isinstance(token, str) and SAVE_ID.fullmatch(token):
        pending = temporary_name(weights_path, token)
        try:  # committed, not yet renamed: an interrupted save, or one in progress
            arrays = read_npz(pending, f"{shown} (its new copy {pending.name})")
        except FileNotFoundError:
            pass
    if arrays is None:
        if not weights_path.is_file():
            raise FileNotFoundError(
                f"{str(folder)!r} is not a saved glassnet model: {WEIGHTS_FILE} is missing."
            )
        arrays = read_npz(weights_path, shown)
    stored_id = arrays.pop("save_id", None)
    stored = None if stored_id is None else stored_id.tobytes().decode("utf-8", "replace")
    return config, arrays, stored == token
