"""`glassnet explain` on a run trained from a CSV file: inputs named, raw beside scaled."""

import csv
import json
import re

import numpy as np
import pytest

from glassnet.cli import main

COLUMNS = ["bill_length_mm", "flipper_length_mm", "body_mass_g"]


@pytest.fixture(scope="module")
def penguins(tmp_path_factory):
    """A penguin-like CSV (three measurements, two species) and a run trained on it."""
    folder = tmp_path_factory.mktemp("penguins")
    rng = np.random.default_rng(7)
    species = rng.integers(0, 2, size=90)
    rows = np.column_stack(
        [
            np.round(rng.normal(39 + 9 * species, 2.5), 1),
            np.round(rng.normal(190 + 25 * species, 6.0)),
            np.round(rng.normal(3700 + 1300 * species, 300.0), -1),
        ]
    )
    file = folder / "penguins.csv"
    with file.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*COLUMNS, "species"])
        for row, kind in zip(rows, species, strict=True):
            writer.writerow(
                [f"{row[0]:g}", f"{row[1]:g}", f"{row[2]:g}", ["Adelie", "Gentoo"][kind]]
            )
    out = folder / "run"
    argv = ["train", "--dataset", str(file), "--target", "species", "--layers", "4"]
    assert main([*argv, "--epochs", "2", "--out", str(out), "--quiet"]) == 0
    return file, rows, out


def test_each_input_is_named_with_its_raw_and_scaled_value(penguins, capsys):
    file, rows, out = penguins
    capsys.readouterr()
    # With --dataset the whole file is explained in its order: sample 5 is row 5.
    assert main(["explain", str(out), "--dataset", str(file), "--target", "species",
                 "--sample", "5"]) == 0  # fmt: skip
    text = capsys.readouterr().out
    prep = json.loads((out / "run.json").read_text())["preprocessing"]
    mean, scale = np.array(prep["mean"]), np.array(prep["scale"])
    shown_x = [float(v) for v in re.search(r"^x = \[(.*)\]$", text, re.M)[1].split(", ")]
    units = ["mm", "mm", "g"]
    for i, name in enumerate(COLUMNS):
        line = re.search(rf"^x\[{i}\] = {name} = (\S+) {units[i]} raw -> (\S+) scaled$", text, re.M)
        assert line, text
        raw, scaled = float(line[1]), float(line[2])
        assert raw == pytest.approx(rows[5, i], rel=1e-6)  # the file's own value
        assert scaled == pytest.approx((rows[5, i] - mean[i]) / scale[i], rel=1e-5, abs=1e-6)
        assert scaled == pytest.approx(shown_x[i], rel=1e-5, abs=1e-6)  # what the net takes
    # The weighted sums still use x[i]; the names say which column each x[i] is.
    assert "z1[0] = x[0]*w1[0,0] + x[1]*w1[1,0] + x[2]*w1[2,0] + b1[0]" in text


def test_the_test_part_of_the_run_is_named_too(penguins, capsys):
    _, rows, out = penguins
    capsys.readouterr()
    assert main(["explain", str(out), "--sample", "0"]) == 0
    text = capsys.readouterr().out
    raws = [float(re.search(rf"= {n} = (\S+) ", text)[1]) for n in COLUMNS]
    # The test sample is one of the file's rows, given back as written there.
    assert np.isclose(rows, raws, rtol=1e-6).all(axis=1).any()


def test_an_image_run_has_no_feature_lines():
    from glassnet.cli.commands.explain import csv_inputs
    from glassnet.cli.runs import LoadedRun

    run = LoadedRun(model=None, path=None, info={"preprocessing": {"kind": "images"}})
    assert csv_inputs(run, np.zeros(4)) == {}
