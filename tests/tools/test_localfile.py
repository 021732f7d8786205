"""kurt.tools.localfile: regular files only, read within a limit, never blocking."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kurt.tools.localfile import NotRegularFile, TooLargeFile, read_head, read_regular


def test_a_regular_file_is_read_whole_within_the_limit(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_bytes(b"# Page\n")
    assert read_regular(page, 7) == b"# Page\n"
    assert read_head(page, 3) == b"# P"
    with pytest.raises(TooLargeFile):
        read_regular(page, 6)


@pytest.mark.timeout(20)  # a FIFO opened the usual way would block here for ever
def test_a_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile, match=r"pipe\.md is a named pipe \(FIFO\)"):
        read_regular(fifo, 100)


@pytest.mark.timeout(20)  # /dev/zero read the usual way never ends
@pytest.mark.parametrize("link", [False, True])
def test_a_device_or_a_link_to_one_is_refused(tmp_path: Path, link: bool) -> None:
    path = Path("/dev/zero")
    if link:
        path = tmp_path / "zero.md"
        path.symlink_to("/dev/zero")
    with pytest.raises(NotRegularFile) as caught:
        read_regular(path, 100)
    assert caught.value.kind == "a device"


def test_a_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(NotRegularFile) as caught:
        read_regular(tmp_path, 100)
    assert caught.value.kind == "a folder"
