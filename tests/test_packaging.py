"""The wheel carries the stylesheet and sample; CI runs README's test command."""

from __future__ import annotations

import re
import site
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    """The shell commands of README's quick start code block."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Quick start.*?```(?:sh|bash)\n(.*?)```", text, re.S)
    assert block, "README.md has no Quick start code block"
    return [line for line in block.group(1).splitlines() if line and not line.startswith("#")]


def test_readme_quick_start_has_two_commands():
    commands = readme_commands()
    assert len(commands) == 2
    assert commands[0].endswith("papers")
    assert "pytest" in commands[1]


def test_ci_runs_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    test_command = readme_commands()[1]
    # CI adds only quieter output and no cache folder to the same command.
    ci_line = next(line for line in ci.splitlines() if "pytest" in line)
    assert ci_line.replace(" -q", "").replace(" -p no:cacheprovider", "") == test_command.replace(" -q", "")


@pytest.mark.slow
def test_wheel_installs_with_stylesheet(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("papers_reader-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "reader/styles/app.tcss" in names
    assert any(name.startswith("reader/data/sample/") for name in names)

    # A new venv gets the wheel alone; its dependencies come from this
    # environment through a .pth file, so the test needs no network.
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
    )
    new_site = Path(
        subprocess.run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True,
        ).stdout.strip()
    )
    (new_site / "zz_test_deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    result = subprocess.run(
        [
            str(python),
            "-c",
            "import reader, reader.ui.styles as s; print(reader.__file__); print(s.app_css_path())",
        ],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    module_file, stylesheet = result.stdout.split()
    assert module_file.startswith(str(env_dir))
    assert stylesheet.startswith(str(env_dir))
    assert Path(stylesheet).read_text(encoding="utf-8").strip()
