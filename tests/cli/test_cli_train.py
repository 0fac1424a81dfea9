"""`glassnet train / evaluate / predict / summary`, the run folder and the demo's Fashion part.

Fast tests use a small CSV and a 500-image slice of Fashion-MNIST; the slow test trains
the lecture's model on all of it.
"""

import csv
import json

import matplotlib.pyplot as plt
import numpy as np
import pytest
import tomllib

import glassnet as gn
from glassnet.cli import main, runs
from glassnet.cli.commands import predict as predict_command

# The run folder stores the model with glassnet.saving (written in parallel by the engine).
saving = pytest.importorskip("glassnet.saving")

RUN_FILES = {
    "model.glassnet",
    "config.toml",
    "config.json",
    "run.json",
    "history.json",
    "history.csv",
    "metrics.json",
    "diagnosis.txt",
    "diagnosis.json",
    "input_stats.json",
    "learning_curves.png",
    "confusion_matrix.png",
    "decision_regions.png",
    "network.png",
    "report.html",
}


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture()
def table(tmp_path):
    """200 points in two quadrant classes (class 'in' where x1 * x2 > 0), plus a text column."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 2))
    y = np.where(x[:, 0] * x[:, 1] > 0, "in", "out")
    path = tmp_path / "quadrants.csv"
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["x1", "x2", "kind"])
        writer.writerows([[f"{a:.5f}", f"{b:.5f}", c] for (a, b), c in zip(x, y, strict=True)])
    return path


def _train_csv(table, out, *extra):
    args = ["train", "--dataset", str(table), "--target", "kind", "--layers", "16"]
    args += ["--epochs", "25", "--lr", "0.02", "--seed", "3", "--out", str(out), "--quiet"]
    return main(args + list(extra))


def test_train_on_a_csv_writes_a_complete_run_folder(table, tmp_path):
    out = tmp_path / "run"
    assert _train_csv(table, out) == 0
    assert {p.name for p in out.iterdir()} == RUN_FILES
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no leftovers

    config = tomllib.loads((out / "config.toml").read_text())
    assert config["layers"] == [16] and config["lr"] == 0.02 and config["target"] == "kind"
    assert runs.TrainConfig.from_mapping(config) == runs.TrainConfig.from_mapping(
        json.loads((out / "config.json").read_text())
    )

    history = json.loads((out / "history.json").read_text())["history"]
    assert len(history["loss"]) == 25
    with (out / "history.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [float(r["val_loss"]) for r in rows] == history["val_loss"]
    assert [int(r["epoch"]) for r in rows] == list(range(1, 26))

    # metrics.json agrees with an independent evaluation of the saved model on the test part
    loaded = runs.load_run(out)
    splits = runs.load_splits(loaded.config)
    x_test, y_test = splits.test
    predicted = loaded.model.predict(x_test).argmax(axis=1)
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test_accuracy"] == pytest.approx(np.mean(predicted == y_test))
    assert np.sum(metrics["confusion_matrix"]) == len(y_test) == 20  # 10 % of 200
    assert metrics["class_names"] == ["in", "out"]
    assert metrics["test_accuracy"] >= 0.8  # the quadrants are learnable with 16 units

    page = (out / "report.html").read_text()
    assert page.count('src="data:image/png;base64,') == 4
    assert (out / "diagnosis.txt").read_text().strip() in page.replace("&quot;", '"')


def test_config_file_repeats_a_run_exactly(table, tmp_path):
    assert _train_csv(table, tmp_path / "a") == 0
    assert (
        main(
            [
                "train",
                "--config",
                str(tmp_path / "a" / "config.toml"),
                "--out",
                str(tmp_path / "b"),
                "--quiet",
            ]
        )
        == 0
    )
    first = json.loads((tmp_path / "a" / "history.json").read_text())["history"]
    second = json.loads((tmp_path / "b" / "history.json").read_text())["history"]
    assert first == second


def test_a_run_folders_config_repeats_into_a_new_folder(table, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _train_csv(table, tmp_path / "a") == 0
    assert "out" not in tomllib.loads((tmp_path / "a" / "config.toml").read_text())
    assert main(["train", "--config", "a/config.toml", "--quiet"]) == 0
    (repeat,) = (tmp_path / "runs").iterdir()  # runs/quadrants-<time>, beside the first
    first = json.loads((tmp_path / "a" / "history.json").read_text())["history"]
    assert json.loads((repeat / "history.json").read_text())["history"] == first


def test_an_older_run_config_naming_its_own_folder_still_repeats(table, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert _train_csv(table, tmp_path / "a") == 0
    config = tmp_path / "a" / "config.toml"
    config.write_text(config.read_text() + f'out = "{(tmp_path / "a").as_posix()}"\n')
    assert main(["train", "--config", str(config), "--quiet"]) == 0
    assert len(list((tmp_path / "runs").iterdir())) == 1


def test_force_replaces_a_run_folder_and_nothing_else(table, tmp_path, capsys):
    out = tmp_path / "run"
    assert _train_csv(table, out) == 0
    assert _train_csv(table, out, "--epochs", "3", "--force") == 0
    assert len(json.loads((out / "history.json").read_text())["history"]["loss"]) == 3
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.tex").write_text("years of work")
    assert _train_csv(table, precious, "--force") == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "not one (no run.json)" in err
    assert [p.name for p in precious.iterdir()] == ["chapter1.tex"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("wings = 2\n", "unknown config key 'wings'; valid keys:"),
        (
            'glassnet_version = "9.1.0"\nwings = 2\n',
            "'wings' (the file was written by glassnet 9.1.0, newer than this glassnet",
        ),
    ],
)
def test_a_config_with_an_unknown_key_names_it(text, message, tmp_path, capsys):
    path = tmp_path / "run.toml"
    path.write_text(text)
    assert main(["train", "--config", str(path), "--out", str(tmp_path / "r")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message in err
    assert not (tmp_path / "r").exists()


def test_data_example_copies_the_shipped_penguins(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["data", "example", "penguins"]) == 0
    x, y, names = gn.datasets.load_csv("penguins.csv", target="species")
    assert x.shape == (342, 4) and names == ["Adelie", "Chinstrap", "Gentoo"]
    assert np.bincount(y).tolist() == [151, 68, 123]
    assert x[0].tolist() == [39.1, 18.7, 181.0, 3750.0]  # the first Adelie of Torgersen
    assert main(["data", "example", "penguins"]) == 2  # no silent overwrite
    assert main(["data", "example", "walrus"]) == 2
    assert "Valid names: penguins" in capsys.readouterr().err


def test_flags_override_the_config_file(table, tmp_path):
    path = tmp_path / "run.toml"
    path.write_text(f'dataset = "{table.as_posix()}"\ntarget = "kind"\nepochs = 9\nlayers = [4]\n')
    assert (
        main(
            [
                "train",
                "--config",
                str(path),
                "--epochs",
                "2",
                "--out",
                str(tmp_path / "r"),
                "--quiet",
            ]
        )
        == 0
    )
    config = json.loads((tmp_path / "r" / "config.json").read_text())
    assert config["epochs"] == 2 and config["layers"] == [4]


def test_predict_summary_and_evaluate_on_a_csv_run(table, tmp_path, capsys):
    out = tmp_path / "run"
    assert _train_csv(table, out) == 0
    capsys.readouterr()
    rows = tmp_path / "rows.csv"
    rows.write_text("kind,x2,x1\nout,2.0,2.0\nout,-2.0,2.0\n")  # any column order; label ignored
    assert main(["predict", str(out), str(rows), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)
    loaded = runs.load_run(out)
    x = runs.preprocess([[2.0, 2.0], [2.0, -2.0]], loaded.preprocessing)
    outputs = loaded.model.predict(x)
    expected = np.exp(outputs) / np.exp(outputs).sum(axis=1, keepdims=True)
    assert [r["class"] for r in results] == [["in", "out"][k] for k in expected.argmax(axis=1)]
    assert [r["probability"] for r in results] == pytest.approx(expected.max(axis=1), rel=1e-5)
    assert [r["class"] for r in results] == ["in", "out"]

    assert main(["summary", str(out)]) == 0
    text = capsys.readouterr().out
    assert "2 x 16 + 16" in text and "16 x 2 + 2" in text and "Total params: 82" in text

    assert main(["evaluate", str(out)]) == 0
    text = capsys.readouterr().out
    assert "precision" in text and "baseline" in text and "diagnosis" in text.lower()


def test_ctrl_c_keeps_the_best_model_history_and_report(table, tmp_path, monkeypatch):
    original = gn.Sequential._train_epoch
    calls = {"n": 0}

    def interrupted_in_epoch_four(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise KeyboardInterrupt
        return original(self, *args, **kwargs)

    monkeypatch.setattr(gn.Sequential, "_train_epoch", interrupted_in_epoch_four)
    out = tmp_path / "run"
    assert _train_csv(table, out) == 130  # as for SIGINT; the folder is written all the same
    history = json.loads((out / "history.json").read_text())
    assert len(history["history"]["loss"]) == 3
    assert history["params"]["interrupted"] is True
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["interrupted"] is True
    assert "Training was interrupted" in (out / "report.html").read_text()
    # the kept model is the best epoch's: its val loss equals that epoch's logged val_loss
    loaded = runs.load_run(out)
    x_val, y_val = runs.load_splits(loaded.config).val
    val_loss = loaded.model.evaluate(x_val, y_val, verbose=0, return_dict=True)["loss"]
    assert val_loss == pytest.approx(min(history["history"]["val_loss"]), rel=1e-5)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--dataset", "cifar"], "unknown dataset 'cifar'"),
        (["train", "--dataset", "{csv}"], "--target COLUMN is required"),
        (["train", "--dataset", "{csv}", "--target", "colour"], "colour"),
        (["train", "--dataset", "fashion-mnist", "--target", "kind"], "contradicts"),
        (["train", "--dataset", "{csv}", "--target", "kind", "--split", "0.5,0.5"], "split must"),
        (["train", "--dataset", "{csv}", "--target", "kind", "--layers", "a,b"], "layers must"),
        (["train", "--config", "{tmp}/nope.toml"], "no such file"),
        (["summary", "{tmp}/no-run"], "no such run folder"),
        (["predict", "{tmp}/no-run", "{csv}"], "no such run folder"),
        (["evaluate", "{tmp}/no-run"], "no such run folder"),
        (["summary", "{csv}"], ""),
    ],
)
def test_bad_input_is_one_line_exit_2_and_writes_nothing(argv, message, table, tmp_path, capsys):
    before = set(tmp_path.iterdir())
    argv = [a.replace("{csv}", str(table)).replace("{tmp}", str(tmp_path)) for a in argv]
    argv += ["--out", str(tmp_path / "out")] if argv[0] == "train" else []
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1
    assert message in err
    assert set(tmp_path.iterdir()) == before


def test_existing_out_folder_and_unreadable_image_are_refused(table, tmp_path, capsys):
    out = tmp_path / "run"
    assert _train_csv(table, out) == 0
    stamp = (out / "metrics.json").read_text()
    assert _train_csv(table, out) == 2
    assert "already exists" in capsys.readouterr().err
    assert (out / "metrics.json").read_text() == stamp
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not a png at all")
    assert main(["predict", str(out), str(bad)]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_resize_area_averages_blocks_and_inverts_light_backgrounds():
    image = np.arange(36.0).reshape(6, 6)
    by_hand = image.reshape(3, 2, 3, 2).mean(axis=(1, 3))  # 2 x 2 blocks
    np.testing.assert_allclose(predict_command.resize_area(image, (3, 3)), by_hand)
    # enlarging repeats pixels
    np.testing.assert_allclose(
        predict_command.resize_area(np.array([[1.0, 2.0]]), (2, 4)),
        [[1, 1, 2, 2], [1, 1, 2, 2]],
    )
    dark_object_on_white = np.ones((8, 8))
    dark_object_on_white[3:5, 3:5] = 0.0
    model_input = predict_command.image_to_input(dark_object_on_white, (4, 4))
    # block (1, 1) covers rows and columns 2-3: one dark pixel of four, mean 0.75,
    # inverted (the border is white) to 0.25; the border blocks become 0
    assert model_input[0, 0] == 0.0 and model_input[1, 1] == pytest.approx(0.25)
    assert model_input.sum() == pytest.approx(4 * 0.25)


def test_fashion_subset_run_and_png_prediction(tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["train", "--dataset", "fashion-mnist", "--limit", "500", "--epochs", "2"]
    assert main([*argv, "--test-limit", "100", "--out", str(out), "--quiet"]) == 0
    names = {p.name for p in out.iterdir()}
    assert {"predictions.png", "learning_curves.png", "confusion_matrix.png"} <= names
    assert "network.png" not in names  # 784 inputs is too many to draw
    run_info = json.loads((out / "run.json").read_text())
    # The validation part is 0.1 / 0.9 of the official 60,000 training images: 6,667; the
    # limits cut the training part and the official test set, and the run says so.
    assert run_info["samples"] == {"train": 500, "val": 6667, "test": 100}
    assert run_info["split"]["notes"] == {
        "train": "500 of 53,333 (limit)",
        "val": "11.1 % of the official training set",
        "test": "the official test set, 100 of 10,000 (test_limit)",
    }
    assert "#   test        100 samples" in (out / "config.toml").read_text()
    assert run_info["class_names"][9] == "Ankle boot"
    (_, _), (x_test, _) = gn.datasets.fashion_mnist.load_data()
    png = tmp_path / "item.png"
    plt.imsave(png, x_test[0], cmap="gray", vmin=0, vmax=255)
    capsys.readouterr()
    assert main(["predict", str(out), str(png), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    loaded = runs.load_run(out)
    direct = loaded.model.predict(x_test[:1] / 255.0).argmax()
    assert result["label"] == direct
    assert result["class"] == run_info["class_names"][direct]
    assert len(result["top"]) == 3 and sum(p for _, p in result["top"]) <= 1.0 + 1e-6


def test_demo_fashion_quick_writes_a_run_and_says_where_the_report_is(tmp_path, capsys):
    assert main(["demo", "--only", "fashion", "--quick", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    report = tmp_path / "fashion-mnist-run" / "report.html"
    assert report.is_file()
    assert str(report.resolve()) in out
    history = json.loads((tmp_path / "fashion-mnist-run" / "history.json").read_text())
    assert len(history["history"]["loss"]) == 2  # --quick: 2 epochs
    assert (
        json.loads((tmp_path / "fashion-mnist-run" / "metrics.json").read_text())["test_accuracy"]
        > 0.8
    )


def test_an_error_quoting_a_path_keeps_its_quotes(tmp_path, capsys):
    foreign = tmp_path / "foreign.glassnet"
    foreign.write_text("not a model")
    assert main(["summary", str(foreign)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"glassnet: error: '{foreign}' is not a glassnet model file")
