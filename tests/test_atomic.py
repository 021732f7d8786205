"""kurt.atomic: a replace that leaves the old file or the new one."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kurt.atomic import atomic_write


def fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = os.fsync

    def counting(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(os, "fsync", counting)
    return calls


def test_writes_replace_the_file_and_keep_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "file.json"
    atomic_write(target, b"one")
    target.chmod(0o600)
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in target.parent.iterdir()] == ["file.json"]  # no temporary left


def test_durable_writes_are_synced_and_cache_writes_are_not(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = fsyncs(monkeypatch)
    atomic_write(tmp_path / "kurt.toml", b"x")
    assert len(calls) == 1
    atomic_write(tmp_path / "cache.json", b"y", durable=False)
    assert len(calls) == 1
    assert (tmp_path / "cache.json").read_bytes() == b"y"


def test_a_failure_before_the_replace_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "project" / "kurt.toml"
    target.parent.mkdir()
    target.write_bytes(b"old")

    def crash(tmp: Path) -> None:
        assert tmp.read_bytes() == b"new"
        raise RuntimeError("killed")

    with pytest.raises(RuntimeError):
        atomic_write(target, b"new", before_replace=crash)
    assert target.read_bytes() == b"old"
    assert [p.name for p in target.parent.iterdir()] == ["kurt.toml"]
