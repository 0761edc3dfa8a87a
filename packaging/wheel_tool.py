"""Helpers for packaging/build_wheel.sh (standard library only).

  wheel_tool.py ensure-package-data STAGE PKGREL   make the staged project ship PKGREL/_lib/*.so
  wheel_tool.py retag WHEEL                        py3-none-any -> py3-none-<platform>; prints the new path
  wheel_tool.py check WHEEL                        the wheel holds pnng/_lib/libpnng.so and a valid RECORD
"""

import base64
import fnmatch
import hashlib
import os
import re
import sys
import sysconfig
import tomllib
import zipfile

LIB_MEMBER = "pnng/_lib/libpnng.so"


def die(msg):
    sys.exit(f"wheel_tool: error: {msg}")


def _insert_after_header(text, header, line):
    """Insert `line` right after the TOML table header `[header]`; None if that header is absent."""
    pat = re.compile(r"^\[\s*" + re.escape(header).replace(r"\.", r"\s*\.\s*") + r"\s*\]\s*$", re.M)
    m = pat.search(text)
    if not m:
        return None
    return text[: m.end()] + "\n" + line + text[m.end():]


def ensure_package_data(stage, pkgrel):
    path = os.path.join(stage, "pyproject.toml")
    with open(path, "rb") as f:
        data = tomllib.load(f)
    with open(path, encoding="utf-8") as f:
        text = f.read()
    backend = data.get("build-system", {}).get("build-backend", "setuptools.build_meta:__legacy__")
    tool = data.get("tool", {})
    added = None
    if backend.startswith("setuptools"):
        pd = tool.get("setuptools", {}).get("package-data", {})
        pats = list(pd.get("pnng", [])) + list(pd.get("*", []))
        # Any pattern that matches the shipped file will do (setuptools globs like fnmatch here).
        if not any(fnmatch.fnmatch("_lib/libpnng.so", p) for p in pats):
            line = 'pnng = ["_lib/*.so"]'
            if "package-data" not in tool.get("setuptools", {}):
                if re.search(r"^\[\s*tool\s*\.\s*setuptools\s*\]", text, re.M) and "package-data" in text:
                    die("tool.setuptools.package-data is set in a form this tool cannot extend")
                added = "[tool.setuptools.package-data]\n" + line
                text = text.rstrip("\n") + "\n\n" + added + "\n"
            elif "pnng" not in pd:
                new = _insert_after_header(text, "tool.setuptools.package-data", line)
                if new is None:
                    die("tool.setuptools.package-data is an inline table; add \"_lib/*.so\" for pnng by hand")
                text, added = new, "[tool.setuptools.package-data]\n" + line
            else:
                die('tool.setuptools.package-data has a "pnng" entry without "_lib/*.so": add it to bindings/python/pyproject.toml')
    elif backend.startswith("hatchling"):
        wheel_cfg = tool.get("hatch", {}).get("build", {}).get("targets", {}).get("wheel", {})
        art = wheel_cfg.get("artifacts", [])
        if not any("_lib" in a or a.endswith("*.so") for a in art):
            # Artifacts are included even when a .gitignore would exclude them.
            line = f'artifacts = ["{pkgrel}/_lib/*.so"]'
            if not wheel_cfg:
                added = "[tool.hatch.build.targets.wheel]\n" + line
                text = text.rstrip("\n") + "\n\n" + added + "\n"
            elif "artifacts" not in wheel_cfg:
                new = _insert_after_header(text, "tool.hatch.build.targets.wheel", line)
                if new is None:
                    die("cannot find the [tool.hatch.build.targets.wheel] table to add artifacts to")
                text, added = new, "[tool.hatch.build.targets.wheel]\n" + line
            else:
                die(f'tool.hatch.build.targets.wheel.artifacts lacks "{pkgrel}/_lib/*.so": add it to bindings/python/pyproject.toml')
    # flit_core, pdm and others ship every file inside the package directory; `check` verifies.
    if added:
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        tomllib.loads(text)  # still valid TOML
        print("build_wheel: the binding's pyproject.toml does not ship pnng/_lib/*.so; added in the staging copy:")
        print("    " + added.replace("\n", "\n    "))
    else:
        print(f"build_wheel: {backend} ships pnng/_lib/*.so as configured")


def _record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def retag(wheel):
    name = os.path.basename(wheel)
    parts = name[:-4].split("-")
    if len(parts) not in (5, 6):
        die(f"not a wheel file name: {name}")
    py, abi, plat = parts[-3:]
    if plat != "any":
        print(wheel)
        return
    platform = re.sub(r"[-.]", "_", sysconfig.get_platform())
    new_tag = f"py3-none-{platform}"
    with zipfile.ZipFile(wheel) as zin:
        infos = zin.infolist()
        contents = {i.filename: zin.read(i.filename) for i in infos}
    info_dir = next(n.split("/")[0] for n in contents if n.split("/")[0].endswith(".dist-info"))
    wheel_meta = f"{info_dir}/WHEEL"
    lines = [l for l in contents[wheel_meta].decode().splitlines() if not l.startswith(("Tag:", "Root-Is-Purelib:"))]
    lines.insert(2 if len(lines) >= 2 else len(lines), "Root-Is-Purelib: false")
    lines.append(f"Tag: {new_tag}")
    contents[wheel_meta] = ("\n".join(lines) + "\n").encode()
    record = f"{info_dir}/RECORD"
    rows = []
    for n in contents:
        if n == record:
            continue
        rows.append(f"{n},{_record_hash(contents[n])},{len(contents[n])}")
    rows.append(f"{record},,")
    contents[record] = ("\n".join(rows) + "\n").encode()
    out = os.path.join(os.path.dirname(wheel), "-".join(parts[:-3] + new_tag.split("-")) + ".whl")
    tmp = out + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for i in infos:
            zi = zipfile.ZipInfo(i.filename, i.date_time)
            zi.external_attr = i.external_attr
            zi.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(zi, contents[i.filename])
    os.replace(tmp, out)
    if out != wheel:
        os.remove(wheel)
    print(out)


def check(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        if LIB_MEMBER not in names:
            die(f"{wheel} does not contain {LIB_MEMBER} (members: {', '.join(names)})")
        lib = z.read(LIB_MEMBER)
        if lib[:4] != b"\x7fELF":
            die(f"{LIB_MEMBER} in {wheel} is not an ELF file")
        mode = (z.getinfo(LIB_MEMBER).external_attr >> 16) & 0o777
        record = next(n for n in names if n.endswith(".dist-info/RECORD"))
        for row in z.read(record).decode().splitlines():
            fname, digest, _size = row.rsplit(",", 2)
            if digest and _record_hash(z.read(fname)) != digest:
                die(f"RECORD hash mismatch for {fname}")
        meta = z.read(next(n for n in names if n.endswith(".dist-info/WHEEL"))).decode()
    if "Root-Is-Purelib: false" not in meta:
        die(f"{wheel} is marked pure Python")
    print(f"build_wheel: {os.path.basename(wheel)} holds {LIB_MEMBER} ({len(lib)} bytes, mode {mode:o}); RECORD ok")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "ensure-package-data":
        ensure_package_data(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "retag":
        retag(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        check(sys.argv[2])
    else:
        sys.exit(__doc__)
