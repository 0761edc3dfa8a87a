"""Sphinx configuration for the Python API reference (`make doc-python`).

The pages follow pynng's documentation (its sections and class order), so a pynng user finds
every class where they expect it. The "Differences from pynng" page is taken from
bindings/python/README.md at build time, so the list lives in one place.
"""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "bindings", "python"))

project = "pnng for Python"
author = "pnng developers"
copyright = "pnng developers"
extensions = ["sphinx.ext.autodoc", "myst_parser"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path: list = []
autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"undoc-members": False}
nitpicky = False


def _differences() -> None:
    """Writes _generated/differences.md: the README's "Differences from pynng" section."""
    readme = open(os.path.join(ROOT, "bindings", "python", "README.md"), encoding="utf-8").read()
    m = re.search(r"^## (Differences from pynng[^\n]*)\n(.*?)(?=^## |\Z)", readme, re.M | re.S)
    if not m:
        raise RuntimeError("bindings/python/README.md has no '## Differences from pynng' section")
    os.makedirs(os.path.join(HERE, "_generated"), exist_ok=True)
    text = f"# {m.group(1)}\n\n{m.group(2).strip()}\n"
    path = os.path.join(HERE, "_generated", "differences.md")
    if not os.path.exists(path) or open(path, encoding="utf-8").read() != text:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)


_differences()
