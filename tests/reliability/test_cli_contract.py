"""The command line's contract: a user's mistake is one line on stderr and exit status 2;
anything else is glassnet's bug: one line pointing at a saved traceback, exit 70.

Every case runs `glassnet.cli.main` on a bad input (damaged model files, run folders,
CSV files, images, config files, flags) and checks the exit status, that stderr is one
line naming the file at fault, and that no traceback reaches the screen.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from glassnet import cli
from glassnet.cli import main


# -- a bug is not a user error ------------------------------------------------------------------
def _boom(args):
    raise RuntimeError("an invariant broke\nsecond line")


def test_an_internal_error_is_one_line_exit_70_and_a_saved_traceback(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("GLASSNET_DEBUG", raising=False)
    monkeypatch.setattr(cli.commands.summary, "run", _boom)
    line = _one_line(main(["summary", "anything"]), capsys, cli.EX_SOFTWARE, None)
    assert line.startswith("glassnet: internal error (RuntimeError: an invariant broke)")
    saved = Path(line.rsplit(" ", 1)[-1])
    assert saved.parent == tmp_path / "cache" / "glassnet" / "crashes"
    text = saved.read_text()
    assert "Traceback (most recent call last)" in text and "an invariant broke" in text
    assert "command: glassnet summary anything" in text


@pytest.mark.parametrize(
    "error", [IndexError("list index out of range"), MemoryError(), KeyError("k")]
)
def test_every_undocumented_type_is_an_internal_error(monkeypatch, tmp_path, capsys, error):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.delenv("GLASSNET_DEBUG", raising=False)

    def fail(args):
        raise error

    monkeypatch.setattr(cli.commands.summary, "run", fail)
    line = _one_line(main(["summary", "x"]), capsys, 70, None)
    assert f"internal error ({type(error).__name__}" in line


def test_an_unwritable_cache_falls_back_to_the_temporary_folder(monkeypatch, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the cache folder would go")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    monkeypatch.delenv("GLASSNET_DEBUG", raising=False)
    monkeypatch.setattr(cli.commands.summary, "run", _boom)
    line = _one_line(main(["summary", "x"]), capsys, 70, None)
    assert Path(line.rsplit(" ", 1)[-1]).is_file()


def test_glassnet_debug_raises(monkeypatch):
    monkeypatch.setenv("GLASSNET_DEBUG", "1")
    monkeypatch.setattr(cli.commands.summary, "run", _boom)
    with pytest.raises(RuntimeError, match="invariant"):
        main(["summary", "x"])


def _one_line(code: int, capsys, expected: int, names: str | None) -> str:
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert code == expected, captured.err
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err + captured.out
    if names is not None:
        assert names in lines[0], lines[0]
    return lines[0]
