"""The core must run without Textual: only reader/ui/ may import it."""

from __future__ import annotations

import ast
import pkgutil
import subprocess
import sys
from pathlib import Path

import reader

PACKAGE_DIR = Path(reader.__file__).parent


def core_files() -> list[Path]:
    return [
        path
        for path in PACKAGE_DIR.rglob("*.py")
        if "ui" not in path.relative_to(PACKAGE_DIR).parts
    ]


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def test_core_sources_never_mention_textual():
    # The CLI group opens the app, so it alone may import reader.ui (inside
    # the function that runs the app, which the second test checks).
    allowed = {Path("cli") / "__init__.py": {"reader.ui"}}
    offenders = {}
    for path in core_files():
        relative = path.relative_to(PACKAGE_DIR)
        textual = {
            name
            for name in imported_modules(path)
            if name.split(".")[0] == "textual" or name.startswith("reader.ui")
        }
        textual -= allowed.get(relative, set())
        if textual:
            offenders[str(relative)] = sorted(textual)
    assert offenders == {}


def test_importing_every_core_module_loads_no_textual():
    modules = [
        info.name
        for info in pkgutil.walk_packages([str(PACKAGE_DIR)], prefix="reader.")
        if not info.name.startswith("reader.ui") and info.name != "reader.__main__"
    ]
    assert "reader.models" in modules
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "loaded = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
