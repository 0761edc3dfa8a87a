"""Build hook for the pnng distribution (the metadata is in pyproject.toml).

The package is pure Python over ctypes, but a wheel carries ``libpnng.so``: building one runs
``cargo build --release --locked`` on the crate and copies the library into the wheel as
``pnng/_lib/libpnng.so`` (stripped of debug information when ``strip`` is there), so that
``pip install ./bindings/python`` from a checkout and ``pip install pnng-<version>.tar.gz``
both give a package that needs neither ``PNNG_LIBRARY`` nor an installed libpnng. In a checkout
the crate is two directories up and cargo reuses the checkout's ``target/`` (nothing is
rebuilt after ``make release``); the sdist carries the crate sources in ``rust/``. Building
from source needs Rust (cargo), a C compiler, cmake and the Mbed TLS headers (Debian:
``build-essential cmake libmbedtls-dev``). ``CARGO`` names the cargo to run and
``CARGO_TARGET_DIR`` where it builds, as usual.

The wheel is tagged ``py3-none-<platform>``: any Python 3, this platform only. ``make wheel``
then has auditwheel turn it into a manylinux wheel with Mbed TLS inside.

The version is the crate's (Cargo.toml), the project's one version source.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent
# What the sdist carries of the crate, relative to its root.
CRATE_FILES = ["Cargo.toml", "Cargo.lock", "build.rs", "cbindgen.toml", "LICENSE"]
CRATE_DIRS = ["src", "vendor", "include"]
SKIP = shutil.ignore_patterns("target", ".git", "__pycache__", "*.pyc", "*.o", "*.so")


def crate_dir() -> Path:
    """The crate's root: ``rust/`` in an unpacked sdist, else the checkout's root."""
    for d in (HERE / "rust", HERE.parent.parent):
        if (d / "Cargo.toml").is_file() and (d / "src" / "lib.rs").is_file():
            return d
    raise SystemExit(f"pnng: cannot find the pnng crate (Cargo.toml) in {HERE / 'rust'} or {HERE.parent.parent}")


def crate_version() -> str:
    """``version`` from Cargo.toml's [package] table (tomllib is not in Python < 3.11)."""
    text = (crate_dir() / "Cargo.toml").read_text(encoding="utf-8")
    m = re.search(r'^\[package\]\s*$(.*?)^\[', text + "\n[", re.M | re.S)
    v = m and re.search(r'^version\s*=\s*"([^"]+)"', m.group(1), re.M)
    if not v:
        raise SystemExit("pnng: no version in Cargo.toml's [package] table")
    return v.group(1)


def build_library() -> Path:
    """Runs cargo (a no-op when the release build is current); returns the built libpnng.so."""
    crate = crate_dir()
    cargo = os.environ.get("CARGO", "cargo")
    if shutil.which(cargo) is None:
        raise SystemExit(
            "pnng: building libpnng needs Rust's cargo on the PATH (https://rustup.rs), a C "
            "compiler, cmake and the Mbed TLS headers (Debian: build-essential cmake libmbedtls-dev)"
        )
    cmd = [cargo, "build", "--release", "--locked", "--lib", "--manifest-path", str(crate / "Cargo.toml")]
    print("pnng: " + " ".join(cmd), flush=True)
    subprocess.run(cmd, check=True)
    target = Path(os.environ.get("CARGO_TARGET_DIR") or crate / "target")
    if not target.is_absolute():
        target = crate / target
    lib = target / "release" / "libpnng.so"
    if not lib.is_file():
        raise SystemExit(f"pnng: cargo built no {lib}")
    return lib


class BuildPy(build_py):
    """Adds pnng/_lib/libpnng.so to the build (not to editable installs: they use PNNG_LIBRARY
    or the system's library, see the README)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        dest = Path(self.build_lib) / "pnng" / "_lib" / "libpnng.so"
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(build_library(), dest)
        if shutil.which("strip"):
            subprocess.run(["strip", "--strip-unneeded", str(dest)], check=True)
        dest.chmod(0o755)


class Sdist(sdist):
    """Puts the crate sources into the sdist as rust/ (from a checkout)."""

    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        crate, out = crate_dir(), Path(base_dir) / "rust"
        if crate == out or crate == HERE / "rust":
            shutil.copytree(HERE / "rust", out, ignore=SKIP, dirs_exist_ok=True)
            return
        out.mkdir(exist_ok=True)
        for name in CRATE_FILES:
            shutil.copy2(crate / name, out / name)
        for name in CRATE_DIRS:
            shutil.copytree(crate / name, out / name, ignore=SKIP)


class BdistWheel(bdist_wheel):
    """py3-none-<platform>: ctypes needs no particular Python, the library one platform."""

    def finalize_options(self) -> None:
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self) -> tuple[str, str, str]:
        return "py3", "none", super().get_tag()[2]


class BinaryDistribution(Distribution):
    def has_ext_modules(self) -> bool:
        return True


setup(
    version=crate_version(),
    distclass=BinaryDistribution,
    cmdclass={"build_py": BuildPy, "sdist": Sdist, "bdist_wheel": BdistWheel},
)
