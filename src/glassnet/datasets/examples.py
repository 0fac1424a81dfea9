"""Example tables shipped with glassnet, for trying the CSV workflow on real data offline.

>>> import glassnet as gn
>>> path = gn.datasets.example_csv("penguins")
>>> path.name
'penguins.csv'
>>> x, y, class_names = gn.datasets.load_csv(path, target="species")
>>> x.shape, class_names
((342, 4), ['Adelie', 'Chinstrap', 'Gentoo'])

"penguins-full" is the whole table as published, with the text columns island and sex and
missing values: load it with `missing=` (and one-hot encoding for the text columns).

>>> data = gn.datasets.load_csv(example_csv("penguins-full"), target="species", missing="drop")
>>> data.x.shape, data.dropped, data.missing["sex"]
((333, 10), 11, 11)
"""

from __future__ import annotations

from pathlib import Path

from glassnet._internal.checks import check_one_of

__all__ = ["EXAMPLES", "example_csv"]

_FOLDER = Path(__file__).parent / "data"

# Name -> (file, what it holds); the folder's README.md gives each file's source and licence.
EXAMPLES = {
    "penguins": (
        "penguins.csv",
        "342 Palmer penguins: 4 measurements and the species (3 classes); CC0",
    ),
    "penguins-full": (
        "penguins-full.csv",
        "344 Palmer penguins, the whole table: species (3 classes), island and sex (text), "
        "4 measurements and the year; 19 missing values (try --missing drop); CC0",
    ),
}


def example_csv(name: str) -> Path:
    """The path of an example CSV file shipped with glassnet.

    Args:
        name: one of `EXAMPLES`: "penguins" (numbers only, no missing values) or
            "penguins-full" (text columns and missing values).

    Raises:
        ValueError: an unknown name, listing the valid ones.

    >>> example_csv("penguins").is_file()
    True
    """
    return _FOLDER / EXAMPLES[check_one_of("name", name, EXAMPLES, what="example")][0]


def __dir__() -> list[str]:
    """The public names only (what `dir()` and tab completion list)."""
    return sorted(__all__)
