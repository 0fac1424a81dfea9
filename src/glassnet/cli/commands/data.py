"""`glassnet data`: know your data, and split a CSV file into training, validation and test.

    glassnet data describe fashion-mnist [--part train|test] [--json]
    glassnet data describe mnist
    glassnet data describe FILE.csv --target COLUMN [--json] [--encoding CODEC]
    glassnet data split FILE.csv --target COLUMN --ratios 0.8,0.1,0.1|small|large --out DIR
                        [--seed N] [--no-stratify] [--no-shuffle] [--force] [--encoding CODEC]
    glassnet data example [penguins|penguins-full] [--out FILE] [--force]
    glassnet data image fashion-mnist INDEX FILE.png [--part test|train] [--force]

`describe` of a CSV file also says which text columns `glassnet train` would one-hot
encode, and counts the missing values per column of the file. `example` copies a CSV file
shipped with glassnet into the current folder, to try the CSV workflow on real data:
penguins.csv (numbers only) or penguins-full.csv (text columns and missing values); without
a name it lists them. `image` writes one image of a built-in set
as a PNG, to try `glassnet predict` on. `split` writes DIR/train.csv, DIR/val.csv and
DIR/test.csv with the input's header and rows unchanged (each written atomically), and
refuses to overwrite them without --force. A CSV file is read as UTF-8 unless `--encoding`
names its codec (latin-1, utf-16, cp1252, ...); `split` writes the parts as UTF-8.
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from glassnet._internal.files import atomic_write
from glassnet.cli import UsageError, add_encoding_flag, cli_advice

_DATASETS = {"fashion-mnist": "fashion_mnist", "fashion_mnist": "fashion_mnist", "mnist": "mnist"}
_PARTS = ("train", "val", "test")


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    """Register `glassnet data` and its sub-commands."""
    parser = subparsers.add_parser(
        "data",
        help="describe a data set, split a CSV file",
        description="Know your data (describe) and split it 80/10/10 or 60/20/20 (split).",
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION")
    parser.set_defaults(func=_missing_action)

    describe = actions.add_parser(
        "describe",
        help="samples, ranges, missing values, classes, imbalance, baseline, suggestions",
        description="Describe fashion-mnist, mnist or a CSV file (with --target).",
    )
    describe.add_argument("source", help="fashion-mnist, mnist, or a CSV file")
    describe.add_argument("--target", help="label column of the CSV file")
    describe.add_argument(
        "--part", choices=["train", "test"], default="train", help="which part of a built-in set"
    )
    describe.add_argument("--json", action="store_true", help="print the report as JSON")
    add_encoding_flag(describe)
    describe.set_defaults(func=run_describe)

    from glassnet.datasets.examples import EXAMPLES

    names = ", ".join(EXAMPLES)
    example = actions.add_parser(
        "example",
        help=f"copy an example CSV file shipped with glassnet ({names}) here",
        description="Copy an example CSV file shipped with glassnet into the current folder: "
        + "; ".join(f"{name} ({what})" for name, (_, what) in EXAMPLES.items())
        + ". Without a name, list them.",
    )
    example.add_argument("name", nargs="?", help=f"{' or '.join(EXAMPLES)} (none: list them)")
    example.add_argument("--out", help="where to write it (default NAME.csv here)")
    example.add_argument("--force", action="store_true", help="replace an existing file")
    example.set_defaults(func=run_example)

    picture = actions.add_parser(
        "image",
        help="write one image of fashion-mnist or mnist as a PNG file",
        description="Write image INDEX of a built-in set's test (or train) part as a PNG.",
    )
    picture.add_argument("source", choices=["fashion-mnist", "mnist"], help="the data set")
    picture.add_argument("index", type=int, help="which image, from 0")
    picture.add_argument("out", help="the PNG file to write")
    picture.add_argument("--part", choices=["train", "test"], default="test", help="default test")
    picture.add_argument("--force", action="store_true", help="replace an existing file")
    picture.set_defaults(func=run_image)

    split = actions.add_parser(
        "split",
        help="split a CSV file into train.csv, val.csv and test.csv",
        description="Split a CSV file, stratified by its label column.",
    )
    split.add_argument("csv", help="the CSV file")
    split.add_argument("--target", required=True, help="label column")
    split.add_argument(
        "--ratios",
        default="small",
        help="train,val,test fractions such as 0.8,0.1,0.1, or small (80/10/10) or "
        "large (60/20/20); default small",
    )
    split.add_argument("--out", required=True, help="folder for train.csv, val.csv, test.csv")
    split.add_argument("--seed", type=int, default=None, help="seed of the shuffle")
    split.add_argument("--no-stratify", action="store_true", help="do not keep class shares")
    split.add_argument("--no-shuffle", action="store_true", help="keep the file's order")
    split.add_argument("--force", action="store_true", help="overwrite existing files")
    add_encoding_flag(split)
    split.set_defaults(func=run_split)


def _missing_action(args: argparse.Namespace) -> int:
    raise UsageError(
        "glassnet data: choose an action: describe, split, example or image (see --help)."
    )


def run_describe(args: argparse.Namespace) -> int:
    """Print the report of a built-in data set or a CSV file."""
    from glassnet import datasets

    key = args.source.lower()
    if key in _DATASETS and not Path(args.source).is_file():
        module = getattr(datasets, _DATASETS[key])
        (x_train, y_train), (x_test, y_test) = module.load_data()
        x, y = (x_train, y_train) if args.part == "train" else (x_test, y_test)
        report = datasets.describe(x, y, class_names=module.class_names)
        title = f"{args.source} ({args.part})"
        columns = None
    else:
        path = Path(args.source)
        if not path.exists():
            raise FileNotFoundError(
                f"No file or built-in data set named {args.source!r} "
                "(built-in: fashion-mnist, mnist)."
            )
        if not args.target:
            columns = datasets.csv_columns(path, encoding=args.encoding)
            raise UsageError(
                f"glassnet data describe: a CSV file needs --target COLUMN (the label column); "
                f"{path.name} has columns: {', '.join(columns)}."
            )
        data = datasets.load_csv(path, target=args.target, missing="keep", encoding=args.encoding)
        report = datasets.describe(
            data.x, data.y, feature_names=data.feature_names, class_names=data.class_names
        )
        title = f"{path.name} (target {args.target!r})"
        columns = _table_columns(data)
    # the suggestions name glassnet's Python functions: say what the commands do instead
    report = dataclasses.replace(
        report, suggestions=[cli_advice(s, "data") for s in report.suggestions]
    )
    if args.json:
        extra = {} if columns is None else {"table": columns}
        print(json.dumps({"source": title, **report.to_dict(), **extra}, indent=2))
    else:
        from glassnet._internal.console import make_console

        console = make_console()
        console.print(f"[bold]{title}[/bold]")
        console.print(report)
        for line in [] if columns is None else _table_lines(columns):
            console.print(line, highlight=False)
    return 0


def _table_columns(data: Any) -> dict[str, Any]:
    """A CSV's text columns (-> their one-hot categories) and missing values per column."""
    prep = data.preprocessor
    one_hot = {
        name: list(cats)
        for name, cats in zip(prep.columns, prep.categories, strict=True)
        if cats is not None
    }
    return {"one_hot": one_hot, "missing": dict(data.missing)}


def _table_lines(columns: dict[str, Any]) -> list[str]:
    """What `glassnet train` would do with the file's columns, for `describe`."""
    lines = []
    for name, cats in columns["one_hot"].items():
        lines.append(
            f"one-hot: {name} -> {len(cats)} input(s) ({', '.join(cats)}); leave it out "
            f"with glassnet train --ignore {name}"
        )
    missing = columns["missing"]
    if missing:
        counts = ", ".join(f"{name} {n}" for name, n in missing.items())
        lines.append(
            f"missing values in the file: {sum(missing.values())} ({counts}); glassnet "
            "train needs --missing drop, mean, median or most-frequent"
        )
    return lines


def _parse_ratios(text: str) -> tuple[float, ...] | str:
    if text.lower() in ("small", "large"):
        return text.lower()
    try:
        return tuple(float(part) for part in text.split(","))
    except ValueError:
        raise UsageError(
            f"glassnet data split: --ratios must be three numbers like 0.8,0.1,0.1, or small "
            f"or large, got {text!r}."
        ) from None


def run_example(args: argparse.Namespace) -> int:
    """Copy the example CSV `args.name` to `args.out` (default NAME.csv here)."""
    from glassnet.datasets import examples

    if args.name is None:
        print("Example CSV files (glassnet data example NAME writes NAME.csv here):")
        width = max(len(name) for name in examples.EXAMPLES)
        for name, (_, what) in examples.EXAMPLES.items():
            print(f"  {name:<{width}}  {what}")
        return 0
    source = examples.example_csv(args.name)
    out = Path(args.out or source.name)
    if out.exists() and not args.force:
        raise UsageError(f"{out} already exists; use --force to replace it.")
    with atomic_write(out) as handle:
        handle.write(source.read_bytes())
    print(f"Wrote {out}: {examples.EXAMPLES[args.name][1]}.")
    return 0


def run_image(args: argparse.Namespace) -> int:
    """Write image `args.index` of a built-in set as the PNG `args.out`."""
    from matplotlib import image

    from glassnet import datasets

    module = getattr(datasets, _DATASETS[args.source])
    train, test = module.load_data()
    images, labels = train if args.part == "train" else test
    if not 0 <= args.index < len(images):
        raise UsageError(
            f"glassnet data image: index must be in [0, {len(images)}) for the {args.part} "
            f"part of {args.source}, got {args.index}."
        )
    out = Path(args.out)
    if out.suffix.lower() != ".png":
        raise UsageError(f"glassnet data image: the file must end in .png, got {out.name}.")
    if out.exists() and not args.force:
        raise UsageError(f"{out} already exists; use --force to replace it.")
    buffer = io.BytesIO()
    image.imsave(buffer, images[args.index], cmap="gray", vmin=0, vmax=255, format="png")
    with atomic_write(out) as handle:
        handle.write(buffer.getvalue())
    name = module.class_names[int(labels[args.index])]
    print(f"Wrote {out}: {args.source} {args.part} image {args.index} ({name}).")
    return 0


def run_split(args: argparse.Namespace) -> int:
    """Split a CSV file into train.csv, val.csv and test.csv in --out."""
    from glassnet import datasets

    ratios = _parse_ratios(args.ratios)
    data = datasets.load_csv(args.csv, target=args.target, encoding=args.encoding)
    out = Path(args.out)
    targets = [out / f"{part}.csv" for part in _PARTS]
    existing = [str(t) for t in targets if t.exists()]
    if existing and not args.force:
        raise FileExistsError(
            f"{', '.join(existing)} already exist(s); pass --force to overwrite, or choose "
            "another --out."
        )
    index = np.arange(len(data.y))
    parts = datasets.train_val_test_split(
        index,
        data.y,
        ratios,
        stratify=not args.no_stratify,
        shuffle=not args.no_shuffle,
        seed=args.seed,
    )
    out.mkdir(parents=True, exist_ok=True)
    header, rows = data.rows[0], data.rows[1:]
    for target, (rows_index, _) in zip(targets, parts, strict=True):
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows[i] for i in rows_index)
        with atomic_write(target) as handle:
            handle.write(text.getvalue().encode("utf-8"))
    width = max(len(name) for name in data.class_names)
    print(f"{args.csv}: {len(index)} rows, {len(data.class_names)} classes -> {out}/")
    for target, (rows_index, labels) in zip(targets, parts, strict=True):
        counts = np.bincount(labels, minlength=len(data.class_names))
        shares = ", ".join(
            f"{name:>{width}} {count}" for name, count in zip(data.class_names, counts, strict=True)
        )
        print(f"  {target.name:<9} {len(rows_index):>6} rows  ({shares})")
    return 0
