"""_internal/files: atomic writes, leftovers of a crash cleaned, errors naming the user's path."""

import errno
import os

import pytest

from glassnet._internal import files
from glassnet._internal.files import (
    atomic_folder,
    atomic_write,
    create_locked,
    move_into_place,
    remove_stale,
    temporary_name,
)


def test_atomic_write_replaces_and_leaves_nothing_else(tmp_path):
    target = tmp_path / "m.bin"
    target.write_bytes(b"old")
    with atomic_write(target) as handle:
        handle.write(b"new")
    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["m.bin"]


def test_a_failed_write_keeps_the_old_file(tmp_path):
    target = tmp_path / "m.bin"
    target.write_bytes(b"old")
    with pytest.raises(RuntimeError), atomic_write(target) as handle:
        handle.write(b"half")
        raise RuntimeError("interrupted")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["m.bin"]


def test_leftovers_of_a_crash_are_removed_by_the_next_write_and_nothing_else(tmp_path):
    target = tmp_path / "m.glassnet"
    ours = [".m.glassnet.0123abcd.part", ".m.glassnet.0123456789abcdef.part"]
    theirs = [
        "m.glassnet.bak",
        ".m.glassnet.notes.part",  # not a glassnet token
        ".m.glassnet.0123abcd.part.txt",
        ".other.glassnet.0123abcd.part",  # another file's leftover: its own save cleans it
        ".m.glassnet.ABCDEF12.part",  # upper case: not a token glassnet makes
        ".m.glassnet.notes_12.part",  # a file: only folders had such names
    ]
    for name in ours + theirs:
        (tmp_path / name).write_bytes(b"x" * 100)
    (tmp_path / ".m.glassnet.abcdefgh.part").mkdir()  # a temporary folder (mkdtemp's alphabet)
    (tmp_path / ".m.glassnet.abcdefgh.part" / "inside.txt").write_text("half")
    with atomic_write(target) as handle:
        handle.write(b"new")
    assert sorted(os.listdir(tmp_path)) == sorted(["m.glassnet", *theirs])


def test_a_temporary_file_being_written_is_not_removed(tmp_path):
    target = tmp_path / "m.glassnet"
    busy = temporary_name(target)
    with create_locked(busy) as handle:  # another writer, at work
        handle.write(b"half")
        assert remove_stale(target) == []
        with atomic_write(target) as out:
            out.write(b"mine")
        assert busy.exists()
    assert remove_stale(target) == [busy]


def test_a_symlink_with_a_temporary_name_is_never_followed(tmp_path):
    (tmp_path / "precious").write_text("keep")
    (tmp_path / ".m.glassnet.0123abcd.part").symlink_to(tmp_path / "precious")
    assert remove_stale(tmp_path / "m.glassnet") == []
    assert (tmp_path / "precious").read_text() == "keep"


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        (errno.EROFS, "Read-only file system"),
        (errno.EACCES, "Permission denied"),
        (errno.ENOSPC, "No space left on device"),
    ],
)
def test_errors_name_the_users_path_not_the_temporary_one(tmp_path, monkeypatch, code, reason):
    target = tmp_path / "m.glassnet"

    def refuse(path):
        raise OSError(code, reason, str(path))

    monkeypatch.setattr(files, "create_locked", refuse)
    with pytest.raises(OSError) as caught:
        with atomic_write(target):
            pass
    assert caught.value.errno == code
    assert caught.value.filename == str(target)
    assert ".part" not in str(caught.value) and reason in str(caught.value)


def test_a_full_disk_while_writing_names_the_file(tmp_path):
    target = tmp_path / "m.glassnet"
    with pytest.raises(OSError, match=r"No space left on device: '.*m\.glassnet'") as caught:
        with atomic_write(target) as handle:
            handle.write(b"half")
            raise OSError(errno.ENOSPC, "No space left on device")  # write() names no file
    assert isinstance(caught.value, OSError) and ".part" not in str(caught.value)
    assert os.listdir(tmp_path) == []


def test_an_error_about_another_file_is_left_alone(tmp_path):
    with pytest.raises(FileNotFoundError) as caught:
        with atomic_write(tmp_path / "out.bin"):
            (tmp_path / "no-such-input").read_bytes()
    assert caught.value.filename == str(tmp_path / "no-such-input")


def test_atomic_folder_appears_whole_or_not_at_all(tmp_path):
    with atomic_folder(tmp_path / "run") as work:
        assert work.name.startswith(".run.") and work.name.endswith(".part")
        (work / "a.txt").write_text("1")
    assert os.listdir(tmp_path) == ["run"]
    with pytest.raises(KeyboardInterrupt), atomic_folder(tmp_path / "other") as work:
        (work / "a.txt").write_text("half")
        raise KeyboardInterrupt
    assert os.listdir(tmp_path) == ["run"]


def test_atomic_folder_errors_name_the_folder(tmp_path):
    with pytest.raises(PermissionError) as caught:
        with atomic_folder(tmp_path / "run") as work:
            raise PermissionError(errno.EACCES, "Permission denied", str(work / "model.glassnet"))
    assert caught.value.filename == str(tmp_path / "run" / "model.glassnet")
    with pytest.raises(FileExistsError, match="already exists"):
        (tmp_path / "full").mkdir()
        (tmp_path / "full" / "x").write_text("x")
        with atomic_folder(tmp_path / "full"):
            pass
    assert sorted(os.listdir(tmp_path)) == ["full"]


def test_leftover_folders_are_removed_but_a_replaced_folder_only_once_its_successor_stands(
    tmp_path,
):
    run = tmp_path / "run"
    stale = tmp_path / ".run.0a1b2c3d.part"
    stale.mkdir()
    (stale / "model.glassnet").write_bytes(b"half")
    old = tmp_path / ".run.old-4242"  # killed between move_into_place's two renames
    old.mkdir()
    (old / "run.json").write_text("{}")
    assert remove_stale(run) == [stale]  # run is missing: the old folder is all there is
    assert old.exists()
    with atomic_folder(run) as work:
        (work / "run.json").write_text("{}")
    assert sorted(os.listdir(tmp_path)) == ["run"]


def test_a_folder_being_filled_is_not_removed(tmp_path):
    with atomic_folder(tmp_path / "run") as work:
        assert remove_stale(tmp_path / "run") == []
        assert work.is_dir()


def test_move_into_place_replaces_only_when_asked(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "old.txt").write_text("old")
    work = tmp_path / ".run.00000000.part"
    work.mkdir()
    (work / "new.txt").write_text("new")
    with pytest.raises(FileExistsError):
        move_into_place(work, tmp_path / "run", overwrite=False)
    move_into_place(work, tmp_path / "run", overwrite=True)
    assert sorted(os.listdir(tmp_path)) == ["run"]
    assert os.listdir(tmp_path / "run") == ["new.txt"]


def test_create_locked_refuses_an_existing_file(tmp_path):
    (tmp_path / "x").write_text("mine")
    with pytest.raises(FileExistsError):
        create_locked(tmp_path / "x")
    assert (tmp_path / "x").read_text() == "mine"


def test_a_folder_that_cannot_be_created_is_named_by_the_users_path(tmp_path, monkeypatch):
    real = files.Path.mkdir

    def read_only(self, *args, **kwargs):
        if self.name.startswith(".run."):
            raise OSError(errno.EROFS, "Read-only file system", str(self))
        return real(self, *args, **kwargs)

    monkeypatch.setattr(files.Path, "mkdir", read_only)
    with pytest.raises(OSError) as caught:
        with atomic_folder(tmp_path / "run"):
            pass
    assert caught.value.filename == str(tmp_path / "run")
