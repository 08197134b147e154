import pytest

from reader.text import clean_text, clean_title


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (r"$\alpha$-divergence", "α-divergence"),
        (r"an \emph{open} model", "an open model"),
        (r"the {\em replica symmetry breaking} phase", "the replica symmetry breaking phase"),
        (r"heated to 30$^{\circ}$C", "heated to 30°C"),
        (r"remove the $\ln\ln T$ term", "remove the ln ln T term"),
        (r"as $n \to \infty$.", "as n → ∞."),
        (r"roughly $1/\sqrt{n}$.", "roughly 1/√n."),
        (r"Piotr Doll{\'a}r", "Piotr Dollár"),
        (r"Nan{\c c}ay", "Nançay"),
        (r"Lema\^itre and Fr\'echet", "Lemaître and Fréchet"),
        (r"G{\"u}l{\c{c}}ehre", "Gülçehre"),
        (r"over 50\% of agents", "over 50% of agents"),
        (r"$\mathcal{O}(n \log n)$ time", "𝒪(n log n) time"),
        (r"$\sum_{i=1}^n x_i$", "∑ᵢ₌₁ⁿ xᵢ"),
        (r"(DA^{2}) under \textbf{alignment}", "(DA²) under alignment"),
        ("3--5 days", "3–5 days"),
        (r"\unknownmacro{kept} text", "kept text"),
    ],
)
def test_clean_text_latex(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("costs $5 per task", "costs $5 per task"),
        ("between $5 and $10 a month", "between $5 and $10 a month"),
        ("costs $5-$10 per run", "costs $5-$10 per run"),
        (r"a cost of \$0.0007 per task", "a cost of $0.0007 per task"),
        (r"\$5 and $x$", "$5 and x"),
        ("a lone $ sign", "a lone $ sign"),
        ("$", "$"),
    ],
)
def test_clean_text_keeps_dollar_amounts(raw, expected):
    assert clean_text(raw) == expected


def test_clean_text_decodes_entities_once():
    assert clean_text("&amp;lt;") == "&lt;"
    assert clean_text("A &amp; B &lt;x&gt;") == "A & B <x>"
    assert clean_text("R&D and A&not B") == "R&D and A&not B"


def test_clean_text_skips_entities_for_xml():
    assert clean_text("V_max&lt;17.5", entities=False) == "V_max&lt;17.5"


def test_clean_text_joins_wraps_keeps_paragraphs():
    raw = "  As helium-4 is cooled\nbelow 2.17 K it\nflows.\n  Homepage: https://x.org.\n\nLast one.\n"

    assert clean_text(raw) == (
        "As helium-4 is cooled below 2.17 K it flows.\n\nHomepage: https://x.org.\n\nLast one."
    )


def test_clean_text_crlf_tabs_and_spaces():
    assert clean_text("one\r\ntwo\tthree   four") == "one two three four"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[31mred\x1b[0m title", "red title"),
        ("a\x1b]0;evil title\x07b", "ab"),
        ("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
        ("C1\x9b31m csi", "C1 csi"),
        ("bell\x07 and nul\x00", "bell and nul"),
        ("entity &#27;[31m escape", "entity [31m escape"),
        ("rtl \u202eevil\u202c text", "rtl evil text"),
    ],
)
def test_clean_text_removes_terminal_control(raw, expected):
    assert clean_text(raw) == expected


@pytest.mark.parametrize("raw", ["[bold]x[/bold]", "[Re] Reproducing results", "[red]"])
def test_clean_text_keeps_markup_literal(raw):
    assert clean_text(raw) == raw


def test_clean_text_plain_text_unchanged():
    raw = "Large Language Models (LLMs) are used for zero-shot annotation."

    assert clean_text(raw) is raw
    assert clean_text("") == ""
    assert clean_text(None) == ""


def test_clean_text_hostile_nesting_returns():
    raw = "\\x " + "{" * 2000 + "deep" + "}" * 2000

    assert "deep" in clean_text(raw)


def test_clean_text_bare_symbol_braces():
    assert clean_text("up to {approx}5{times} more") == "up to ≈5× more"
    assert clean_text("{entropy collapse} and {Qwen3-4B, 8B}") == "{entropy collapse} and {Qwen3-4B, 8B}"


def test_clean_title_unwraps():
    raw = "GLEE: A Unified Framework and Benchmark for Language-based Economic\n  Environments"

    assert clean_title(raw) == (
        "GLEE: A Unified Framework and Benchmark for Language-based Economic Environments"
    )
    assert clean_title("A Note on How to Remove the $\\ln\\ln T$ Term") == (
        "A Note on How to Remove the ln ln T Term"
    )
