"""gate.inputs: only regular files are opened, whatever else sits at an input's path."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Callable, Iterator

import pytest

from gate import inputs
from gate.errors import InputError


@pytest.fixture
def unix_socket(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "listening.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        yield path


def _fifo(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "pipe")
    return tmp_path / "pipe"


def _device(tmp_path: Path) -> Path:
    (tmp_path / "zero").symlink_to("/dev/zero")
    return tmp_path / "zero"


@pytest.mark.parametrize(("make", "kind"), [(_fifo, "a FIFO"), (_device, "a device")])
def test_special_files_are_refused_before_opening(tmp_path: Path, make: Callable[[Path], Path],
                                                  kind: str) -> None:
    path = make(tmp_path)
    for call in (lambda: inputs.open_input(path, "report"),
                 lambda: inputs.read_bytes(path, "report", 10),
                 lambda: inputs.check(path, "report")):
        with pytest.raises(inputs.NotReadable) as caught:
            call()
        assert str(caught.value) == f"report is not a regular file ({kind}): {path}"
        assert caught.value.problem == f"is not a regular file ({kind})"


def test_a_socket_is_refused(unix_socket: Path) -> None:
    with pytest.raises(InputError, match=r"^settings file is not a regular file \(a socket\): "):
        inputs.open_input(unix_socket, "settings file")


def test_directory_missing_and_empty(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        inputs.open_input(tmp_path, "report", "make one", "pass the file")
    assert str(caught.value) == f"report is a directory: {tmp_path} (hint: pass the file)"
    with pytest.raises(InputError) as caught:
        inputs.open_input(tmp_path / "none", "report", "make one")
    assert str(caught.value) == f"report not found: {tmp_path / 'none'} (hint: make one)"
    assert caught.value.problem == "not found"  # type: ignore[attr-defined]
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    with pytest.raises(InputError, match="^report is empty: "):
        inputs.open_input(empty, "report")
    with inputs.open_input(empty, "report", allow_empty=True) as handle:
        assert handle.read() == b""


def test_the_null_device_reads_as_an_empty_file(tmp_path: Path) -> None:
    (tmp_path / "null").symlink_to(os.devnull)
    assert inputs.read_bytes(tmp_path / "null", "settings file") == b""
    with pytest.raises(InputError, match="^settings file is empty: "):
        inputs.open_input(tmp_path / "null", "settings file")


def test_a_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"data")
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert inputs.read_bytes(tmp_path / "link", "report") == b"data"


def test_read_bytes_stops_after_the_limit(tmp_path: Path) -> None:
    (tmp_path / "big").write_bytes(b"x" * 5000)
    assert len(inputs.read_bytes(tmp_path / "big", "file", limit=100)) == 101
    assert len(inputs.read_bytes(tmp_path / "big", "file")) == 5000


def test_a_path_swapped_for_a_fifo_after_the_check_neither_hangs_nor_is_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The race: stat saw a regular file, then a FIFO took its place before open."""
    regular = tmp_path / "regular"
    regular.write_bytes(b"x")
    seen = regular.stat()
    monkeypatch.setattr(inputs, "check", lambda *args: seen)
    with pytest.raises(InputError, match=r"is not a regular file \(a FIFO\)"):
        inputs.open_input(_fifo(tmp_path), "report")  # O_NONBLOCK: open returns at once
