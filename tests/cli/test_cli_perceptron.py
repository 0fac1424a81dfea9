"""`glassnet perceptron` and `glassnet demo`: their output, files, help and user errors."""

import re
import shutil
import subprocess
import sys

import matplotlib.pyplot as plt
import pytest
from PIL import Image

from glassnet.cli import main


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def run(capsys, *argv):
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_weights_print_the_lecture_lines_and_accuracy(capsys):
    status, out, err = run(capsys, "perceptron", "--weights", "3", "-2", "--bias-weight", "-1")
    assert status == 0 and err == ""
    lines = out.splitlines()
    assert lines[0] == "Perceptron on the lecture's 12 points: z = x1*3 + x2*-2 + 1*-1, y = sign(z)"
    assert lines[1:7] == [f"Point {i} in group 1 returned 1" for i in range(6)]
    assert lines[7:13] == [f"Point {i} in group 0 returned -1" for i in range(6)]
    assert lines[13] == "accuracy = 12/12 = 1.0"


def test_other_activation_adds_the_class(capsys):
    status, out, _ = run(
        capsys,
        "perceptron",
        "--weights",
        "3",
        "-2",
        "--bias-weight",
        "-1",
        "--activation",
        "sigmoid",
    )
    # Point 0 of group 1, (2, 1): z = 3, sigmoid(3) = 0.9526
    assert status == 0
    assert "Point 0 in group 1 returned 0.9526 (class 1)" in out.splitlines()


def test_explain_a_row(capsys):
    status, out, _ = run(
        capsys, "perceptron", "--weights", "0.75", "-0.5", "--bias-weight", "1", "--explain", "7"
    )
    assert status == 0
    # Row 7 is point 1 of group 0, (2.5, 5.5): z = 1.875 - 2.75 + 1 = 0.125 > 0, wrongly 1.
    assert "Point 1 in group 0 (row 7), x = (2.5, 5.5):" in out
    assert "z = 1.875 + -2.75 + 1.0 = 0.125" in out
    assert out.rstrip().endswith("y = sign(z): z = 0.125 > 0 so sign gives 1")


def test_train_shows_epochs_and_learns_the_groups(capsys):
    status, out, _ = run(
        capsys, "perceptron", "--train", "--epochs", "50", "--learning-rate", "0.1"
    )
    assert status == 0
    epochs = re.findall(r"^epoch (\d+): (\d+) misclassified", out, flags=re.M)
    assert epochs and epochs[-1][1] == "0"
    assert [int(e) for e, _ in epochs] == list(range(1, len(epochs) + 1))
    assert "Converged after" in out and "Learnt: z = x1*" in out
    assert out.splitlines()[-1] == "accuracy = 12/12 = 1.0"


def test_train_starts_from_given_weights(capsys):
    # 3, -2, -1 already separates the groups: one clean epoch, weights unchanged.
    _, out, _ = run(capsys, "perceptron", "--weights", "3", "-2", "--bias-weight", "-1", "--train")
    assert "epoch 1: 0 misclassified" in out
    assert "Learnt: z = x1*3 + x2*-2 + 1*-1" in out


@pytest.mark.parametrize("gate", ["and", "or", "nand"])
def test_gates_are_learnt(capsys, gate):
    status, out, _ = run(capsys, "perceptron", "--gate", gate)
    assert status == 0
    assert f"Training on the {gate.upper()} truth table" in out
    assert out.splitlines()[-1] == "accuracy = 4/4 = 1.0"


def test_xor_says_not_linearly_separable(capsys):
    status, out, err = run(capsys, "perceptron", "--gate", "xor")
    assert status == 0 and err == ""  # the warning is told in words, not as a Python warning
    assert "Not linearly separable" in out
    assert "hidden layers" in out
    assert re.search(r"^accuracy = [0-3]/4 = ", out, flags=re.M)


def test_own_csv_with_header(capsys, tmp_path):
    data = tmp_path / "points.csv"
    data.write_text("x1,x2,label\n0,0,-1\n1,0,-1\n3,3,1\n4,3,1\n", encoding="utf-8")
    status, out, _ = run(
        capsys, "perceptron", "--data", str(data), "--weights", "1", "1", "--bias-weight", "-4"
    )
    # z = x1 + x2 - 4: -4, -3 (-1 each), 2, 3 (1 each): all right.
    assert status == 0
    assert out.splitlines()[1:] == [
        "Point 0 in group 1 returned 1",
        "Point 1 in group 1 returned 1",
        "Point 0 in group -1 returned -1",
        "Point 1 in group -1 returned -1",
        "accuracy = 4/4 = 1.0",
    ]


def test_plot_file(capsys, tmp_path):
    path = tmp_path / "line.png"
    status, out, _ = run(
        capsys, "perceptron", "--weights", "3", "-2", "--bias-weight", "-1", "--plot", str(path)
    )
    assert status == 0 and f"Saved the figure to {path}" in out
    with Image.open(path) as image:
        assert image.format == "PNG"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--weights", "1", "2", "3"], "--weights needs one weight per input: .* got 3"),
        (["--weights", "a"], "invalid float value: 'a'"),
        (["--activation", "rleu"], "Unknown activation for a perceptron 'rleu'. Did you mean"),
        (["--activation", "softmax", "--weights", "1", "1"], "softmax over a single output"),
        (["--epochs", "0"], "--epochs must be an integer >= 1, got 0"),
        (["--learning-rate", "0"], r"--learning-rate=0.0 is out of range"),
        (["--gate", "xnor"], "Unknown gate 'xnor'"),
        (["--gate", "and", "--data", "x.csv"], "not allowed with argument"),
        (["--explain", "12", "--weights", "1", "1"], "--explain must be a row between 0 and 11"),
        (["--data", "/no/such/file.csv"], "no such file"),
    ],
)
def test_user_errors_exit_2_with_one_line(capsys, argv, message):
    status, out, err = run(capsys, "perceptron", *argv)
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert re.search(message, err), err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("1,2,0\n3,x,1\n", r"line 2, column 2: 'x' is not a finite number"),
        ("1,2,0\n3,nan,1\n", r"line 2, column 2: 'nan' is not a finite number"),
        ("1,2,0\n3,4\n", "line 2 has 2 columns, expected 3"),
        ("1,2,0\n3,4,1\n5,6,2\n", r"exactly two classes, got 3: \[0.0, 1.0, 2.0\]"),
        ("x1,x2,label\n", "holds no data rows"),
        ("1\n2\n", "needs input columns and a label column"),
    ],
)
def test_bad_csv(capsys, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    status, _, err = run(capsys, "perceptron", "--data", str(path))
    assert status == 2 and len(err.splitlines()) == 1
    assert re.search(message, err), err


def test_help(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["perceptron", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for flag in (
        "--weights",
        "--bias-weight",
        "--activation",
        "--train",
        "--epochs",
        "--learning-rate",
        "--explain",
        "--plot",
        "--data",
        "--gate",
    ):
        assert flag in out
    with pytest.raises(SystemExit) as exit_info:
        main(["demo", "--help"])
    assert exit_info.value.code == 0
    assert "--out DIR" in capsys.readouterr().out


def test_demo(capsys, tmp_path):
    out_dir = tmp_path / "demo"
    status, out, err = run(capsys, "demo", "--only", "perceptron", "--out", str(out_dir))
    assert status == 0 and err == ""
    assert out.count("accuracy = 9/12 = 0.75") == 1
    assert "accuracy = 12/12 = 1.0" in out
    assert "z = 6.0 + -2.0 + -1.0 = 3.0" in out and "z = 3.0 > 0 so sign gives 1" in out
    for gate in ("AND", "OR", "NAND"):
        assert re.search(rf"^ *{gate}: accuracy = 4/4 = 1.0", out, flags=re.M)
    assert re.search(r"^ *XOR: accuracy = [0-3]/4", out, flags=re.M)
    assert "Not linearly separable" in out and "hidden layers" in out
    saved = sorted(p.name for p in out_dir.iterdir())
    assert saved == ["activations.png", "perceptron-1.png", "perceptron-2.png"]
    assert f"Saved 3 figure(s) in {out_dir.resolve()}" in out


def test_demo_unknown_section_and_file_as_out(capsys, tmp_path):
    status, _, err = run(capsys, "demo", "--only", "perceptrn", "--out", str(tmp_path))
    assert status == 2 and "Unknown demo section 'perceptrn'. Did you mean 'perceptron'" in err
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    status, _, err = run(capsys, "demo", "--out", str(target))
    assert status == 2 and "--out must be a folder" in err


def test_installed_command(tmp_path):
    command = shutil.which("glassnet")
    argv = [command] if command else [sys.executable, "-m", "glassnet"]
    result = subprocess.run(
        [*argv, "perceptron", "--weights", "0.75", "-0.5", "--bias-weight", "1"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "Point 1 in group 0 returned 1" in result.stdout
    assert result.stdout.splitlines()[-1] == "accuracy = 9/12 = 0.75"
    bad = subprocess.run(
        [*argv, "perceptron", "--epochs", "-1"], capture_output=True, text=True, cwd=tmp_path
    )
    assert bad.returncode == 2 and len(bad.stderr.splitlines()) == 1


def test_plot_says_when_the_decision_line_is_outside(capsys, tmp_path):
    path = str(tmp_path / "p111.png")
    status, out, _ = run(
        capsys, "perceptron", "--weights", "1", "1", "--bias-weight", "1", "--plot", path
    )
    assert status == 0
    assert out.splitlines()[-1] == (
        "The decision line x1*1 + x2*1 + 1*1 = 0 lies outside the plotted area: "
        "all the points are on one side of it."
    )
    status, out, _ = run(
        capsys, "perceptron", "--weights", "3", "-2", "--bias-weight", "-1", "--plot", path
    )
    assert status == 0 and "outside" not in out


def test_one_epoch_is_singular(capsys):
    status, out, _ = run(capsys, "perceptron", "--train", "--epochs", "1")
    assert status == 0 and "at most 1 epoch)" in out
