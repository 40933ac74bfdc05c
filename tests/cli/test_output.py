"""Outputs never replace what is not a regular file, and are never half-written."""

import os
import stat
import tempfile
import threading

import pytest

from exactopen.cli import main
from exactopen.cli.output import write_output
from exactopen.errors import InputError
from conftest import run_cli as run




def test_a_symlink_is_followed_and_kept(tmp_path, capsys):
    target = tmp_path / "real.json"
    target.write_text("old")
    os.chmod(target, 0o640)
    link = tmp_path / "link.json"
    link.symlink_to(target)
    assert run(capsys, "rank", "1 2; 2 4", "-o", str(link))[0] == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert '"kind": "rank"' in target.read_text()
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o640  # the file's permissions are kept
    assert not list(tmp_path.glob(".exactopen-*"))


def test_a_dangling_symlink_creates_its_target(tmp_path, capsys):
    link = tmp_path / "link.json"
    link.symlink_to(tmp_path / "new.json")
    assert run(capsys, "rank", "1 2; 2 4", "-o", str(link))[0] == 0
    assert link.is_symlink() and (tmp_path / "new.json").read_text().startswith("{")


def test_a_fifo_is_written_through_and_stays_a_fifo(tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(open(fifo).read()))
    reader.start()
    code = run(capsys, "rank", "1 2; 2 4", "-o", str(fifo))[0]
    reader.join(timeout=20)
    assert code == 0 and stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert '"verdict": "holds"' in received[0]


def test_a_character_device_is_written_through():
    before = os.stat(os.devnull)
    write_output(os.devnull, "nothing to see\n")
    after = os.stat(os.devnull)
    assert stat.S_ISCHR(after.st_mode) and (before.st_ino, before.st_rdev) == (after.st_ino,
                                                                                after.st_rdev)


def test_a_directory_is_refused(tmp_path, capsys):
    code, _, err = run(capsys, "rank", "1 2; 2 4", "-o", str(tmp_path))
    assert code == 2 and "not a regular file" in err and tmp_path.is_dir()


def _read_only_directory(tmp_path):
    """A directory nobody may write into: chmod 500, or for root (who ignores modes) /sys."""
    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        os.chmod(folder, 0o500)
        return folder
    try:
        os.close(tempfile.mkstemp(dir="/sys")[0])
    except OSError:
        return "/sys"
    pytest.skip("no directory here is read-only for root")


def test_a_read_only_directory_names_the_users_path(tmp_path, capsys):
    folder = _read_only_directory(tmp_path)
    path = os.path.join(folder, "c.json")
    try:
        code, _, err = run(capsys, "rank", "1 2; 2 4", "-o", path)
    finally:
        if folder != "/sys":
            os.chmod(folder, 0o700)
    assert code == 2 and f"{path}: cannot write" in err and ".exactopen-" not in err
    assert not os.path.exists(path)


def test_a_failed_rename_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "c.json"
    path.write_text("keep me")

    def fail(*args):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(InputError, match=f"{path}: cannot write: Permission denied"):
        write_output(str(path), "new")
    assert path.read_text() == "keep me" and not list(tmp_path.glob(".exactopen-*"))


def test_dash_writes_to_standard_output(capsys):
    write_output("-", "hello\n")
    assert capsys.readouterr().out == "hello\n"


def test_an_output_that_is_an_input_is_refused(tmp_path, capsys):
    """rank A.txt -o A.txt replaced the matrix by its certificate."""
    from exactopen.cli import main
    matrix = tmp_path / "A.txt"
    matrix.write_text("1 2\n2 4\n")
    link = tmp_path / "link.txt"
    link.symlink_to(matrix)
    cert = tmp_path / "c.json"
    assert main(["certify", "[[1],[2]]", "[[1,1]]", "-o", str(cert), "-q"]) == 0
    for argv in (["rank", str(matrix), "-o", str(matrix)], ["rank", str(link), "-o", str(matrix)],
                 ["explain", str(cert), "-o", str(cert)]):
        before = {p: p.read_bytes() for p in (matrix, cert)}
        assert main(argv) == 2
        assert "also an input" in capsys.readouterr().err
        assert {p: p.read_bytes() for p in (matrix, cert)} == before
    assert main(["rank", str(matrix), "-o", str(tmp_path / "r.json"), "-q"]) == 0
