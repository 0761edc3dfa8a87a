#!/usr/bin/env python3
"""Checks that every program shown in a README is a file the tests run.

A code block in C, Python, JavaScript or Go must follow a marker line naming its file,
    <!-- example: examples/python/quickstart.py -->
and must equal that file exactly. The top README must show the four quick starts.
Usage: check_readme.py README.md [more READMEs...]
"""

import os
import re
import sys

LANGS = {"c", "python", "py", "js", "javascript", "go"}
REQUIRED = {
    "README.md": [
        "examples/c/quickstart.c",
        "examples/python/quickstart.py",
        "examples/node/quickstart.js",
        "examples/go/quickstart/main.go",
    ]
}
FENCE = re.compile(r"^```(\w*)\s*$")
MARKER = re.compile(r"^<!-- example: (\S+) -->\s*$")


def check(path):
    root = os.path.dirname(os.path.abspath(path))
    lines = open(path, encoding="utf-8").read().split("\n")
    problems, shown = [], []
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m or not m.group(1):
            i += 1
            continue
        lang, start = m.group(1), i
        j = i + 1
        while j < len(lines) and lines[j].rstrip() != "```":
            j += 1
        body = "\n".join(lines[start + 1 : j]) + "\n"
        marker = MARKER.match(lines[start - 1]) if start > 0 else None
        if marker:
            name = marker.group(1)
            shown.append(name)
            try:
                want = open(os.path.join(root, name), encoding="utf-8").read()
            except OSError:
                problems.append(f"{path}:{start + 1}: {name} does not exist")
            else:
                if body != want:
                    problems.append(f"{path}:{start + 1}: the block differs from {name} "
                                    f"(copy the file into the README)")
        elif lang in LANGS:
            problems.append(f"{path}:{start + 1}: a {lang} example without an "
                            f"'<!-- example: FILE -->' line: make it a file the tests run")
        i = j + 1
    for name in REQUIRED.get(os.path.basename(path), []):
        if name not in shown:
            problems.append(f"{path}: the quick start {name} is not shown")
    return problems, shown


def main():
    problems, shown = [], []
    for path in sys.argv[1:]:
        p, s = check(path)
        problems += p
        shown += s
    for p in problems:
        print("check-readme:", p, file=sys.stderr)
    if problems:
        return 1
    print(f"check-readme: {len(shown)} examples shown, each equal to its file: {' '.join(shown)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
