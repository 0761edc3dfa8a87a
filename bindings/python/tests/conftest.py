"""Shared fixtures: unique addresses per test, and waits that poll instead of sleeping blindly."""

from __future__ import annotations

import os
import pathlib

import pytest

# Running from the repository without `make test-python`: use the in-tree release build.
_IN_TREE = pathlib.Path(__file__).resolve().parents[3] / "target" / "release" / "libpnng.so"
if "PNNG_LIBRARY" not in os.environ and _IN_TREE.exists():
    os.environ["PNNG_LIBRARY"] = str(_IN_TREE)


from helpers import next_id  # noqa: E402


@pytest.fixture
def inproc() -> str:
    """A unique inproc:// address."""
    return f"inproc://pnng-py-{os.getpid()}-{next_id()}"


@pytest.fixture
def ipc(tmp_path: pathlib.Path) -> str:
    """An ipc:// address in the test's temporary directory."""
    return f"ipc://{tmp_path / 'sock.ipc'}"


