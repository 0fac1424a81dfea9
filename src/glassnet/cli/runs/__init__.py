"""Run folders: what `glassnet train` writes and `predict`, `evaluate`, `summary` and
`explain` read. One module per concern: `config` (the settings and their files), `data`
(load, split, preprocess, build the model), `train` (train, evaluate, write), `folder`
(the folder's files, written atomically), `run_json` (run.json's schema and its checks),
`loaded` (reading a run folder or model file back, every file checked), `older` (run
folders of an older glassnet, read as they ran), `inputs` (a CSV file's rows and labels
as a loaded run's, preprocessed as it stored), `evaluation` (the data a loaded run is
evaluated on) and `regression` (the task inferred from a CSV target, the target's scaling,
R², MSE and MAE beside the mean baseline).
"""

from glassnet.cli.runs.config import IMAGE_DATASETS, TrainConfig, load_config_file
from glassnet.cli.runs.data import (
    DatasetSplits,
    build_model,
    class_probabilities,
    load_splits,
    preprocess,
    probabilities,
)
from glassnet.cli.runs.evaluation import evaluation_data
from glassnet.cli.runs.folder import write_run
from glassnet.cli.runs.loaded import LoadedRun, load_run
from glassnet.cli.runs.run_json import MODEL_FILE
from glassnet.cli.runs.train import train

__all__ = [
    "IMAGE_DATASETS",
    "MODEL_FILE",
    "DatasetSplits",
    "LoadedRun",
    "TrainConfig",
    "build_model",
    "class_probabilities",
    "evaluation_data",
    "load_config_file",
    "load_run",
    "load_splits",
    "preprocess",
    "probabilities",
    "train",
    "write_run",
]
