"""Display text for titles and abstracts.

Sources serve titles and abstracts with LaTeX, HTML entities, hard line
wraps and sometimes terminal control sequences. ``clean_text`` turns that
into plain Unicode text that is safe to print: ``$n \\to \\infty$`` becomes
``n → ∞``, ``Doll{\\'a}r`` becomes ``Dollár`` and an escape sequence
disappears. A ``$`` that does not open a math segment (``$5 per task``)
stays a dollar sign.

Paragraphs follow arXiv's rule: a line that starts with whitespace, or a
blank line, starts a new paragraph, and every other line break is a hard
wrap to join. The result separates paragraphs with one blank line.

LaTeX is converted by a small converter written for speed. Symbol names
(``\\alpha``, ``\\to``, ``\\leq`` …) come from pylatexenc's table, and
pylatexenc itself renders the rare font alphabets (``\\mathbb``,
``\\mathcal``).
"""

from __future__ import annotations

import html
import logging
import re
import unicodedata
from functools import lru_cache

log = logging.getLogger(__name__)

# Printable text (no newline, tab, control, bidi or separator character)
# without these substrings is returned as it is after stripping, which is
# the common case for HF data. These checks take about 9 us on a
# 1,600-character abstract, half the time of one regex with alternatives.
_NEEDS_WORK = ("\\", "$", "&", "{", "}", "~", "  ", "--", "``", "''")
# One scan for all the markers above: a regex search is several times faster
# than ten substring tests on the author names and titles of a big import.
_NEEDS_WORK_RE = re.compile("|".join(re.escape(marker) for marker in _NEEDS_WORK))
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# Terminal control: CSI (ESC [ … final byte), OSC (ESC ] … BEL or ST), the
# DCS/SOS/PM/APC strings, other two-byte ESC sequences, their 8-bit C1 forms,
# then any remaining C0/C1 control except tab and newline. Bidirectional
# overrides are removed too because they can reorder the rest of a line.
_TERMINAL_CONTROL = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    "|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)
# Only entities with a closing semicolon: HTML also accepts ``&not`` or
# ``&copy`` without one, which would corrupt text like ``A&not B``.
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*|\n[ \t]+")
# A math segment: ``$…$`` that opens before a non-space, closes after a
# non-space and is not followed by a digit, so ``$5 and $10`` is no math.
_MATH = re.compile(
    r"\$\$(?P<display>[^$]{1,400}?)\$\$"
    r"|\$(?=[^\s$])(?P<inline>[^$\n]{1,300}?)(?<=[^\s\\])\$(?!\d)"
    r"|\\\((?P<paren>.{1,300}?)\\\)"
)
# ``~`` is a LaTeX non-breaking space between words (``E.~D.``, ``Fig.~3``)
# but means "about" before a number (``~5x``) or a range (``2~3``).
_TIE = re.compile(r"(?<=[A-Za-z.])~(?=[A-Za-z0-9\\])")
_DASHES_QUOTES = (
    (re.compile(r"(?<=\s)---?(?=\s)|(?<=\w)---(?=\w)"), lambda m: "—" if len(m[0]) == 3 else "–"),
    (re.compile(r"(?<=\d)--(?=\d)"), lambda m: "–"),
    (re.compile(r"``"), lambda m: "“"),
    (re.compile(r"(?<=\S)''"), lambda m: "”"),
)
# Brace groups that HF data keeps after stripping a backslash: ``{approx}5{times}``.
_BARE_SYMBOL = re.compile(r"\{([A-Za-z]+)\}")
_ESCAPED_DOLLAR = "\ue000"
_MAX_GROUPS = 400


def clean_text(raw: str | None, *, entities: bool = True) -> str:
    """Convert a source's title or abstract to display text.

    ``entities=False`` skips HTML entity decoding, for text an XML parser
    has already unescaped once.
    """
    if not raw:
        return ""
    if raw.isprintable() and _NEEDS_WORK_RE.search(raw) is None:
        return raw.strip()
    return _clean(raw, entities)


def clean_title(raw: str | None, *, entities: bool = True) -> str:
    """Convert a title to one line of display text."""
    text = clean_text(raw, entities=entities)
    if "\n" in text:
        text = " ".join(text.split())
    return text


def strip_terminal_control(text: str) -> str:
    """Remove escape sequences and control characters except tab and newline."""
    return _TERMINAL_CONTROL.sub("", text)


def _clean(raw: str, entities: bool) -> str:
    text = raw.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\u2029", "\n\n")
    if _CONTROL.search(text):
        text = _TERMINAL_CONTROL.sub("", text)
    text = text.replace("\t", " ")
    if entities and "&" in text:
        text = _ENTITY.sub(_decode_entity, text)
    paragraphs = []
    for paragraph in _PARAGRAPH_BREAK.split(text.strip()):
        paragraph = _clean_paragraph(paragraph.replace("\n", " "))
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def _decode_entity(match: re.Match[str]) -> str:
    decoded = html.unescape(match[0])
    # Decoding must not smuggle control characters back in (``&#27;``).
    return strip_terminal_control(decoded)


def _clean_paragraph(text: str) -> str:
    if "\\" in text or "$" in text:
        text = _latex_paragraph(text)
    elif "{" in text:
        text = _BARE_SYMBOL.sub(_bare_symbol, text)
    if "~" in text:
        text = _TIE.sub(" ", text)
    if "--" in text or "``" in text or "''" in text:
        for pattern, replace in _DASHES_QUOTES:
            text = pattern.sub(replace, text)
    return " ".join(text.split())


def _bare_symbol(match: re.Match[str]) -> str:
    name = match[1]
    if name in _OPERATORS:
        return name
    symbol = _symbols().get(name)
    if symbol and not symbol.isascii():
        return symbol
    return match[0]


def _latex_paragraph(text: str) -> str:
    text = text.replace("\\$", _ESCAPED_DOLLAR)
    parts = []
    position = 0
    for match in _MATH.finditer(text):
        parts.append(_convert_guarded(text[position : match.start()], math=False))
        math = match["display"] or match["inline"] or match["paren"]
        parts.append(_convert_guarded(math, math=True))
        position = match.end()
    parts.append(_convert_guarded(text[position:], math=False))
    return "".join(parts).replace(_ESCAPED_DOLLAR, "$")


def _convert_guarded(text: str, math: bool) -> str:
    if not text:
        return text
    if "\\" not in text and "{" not in text and not (math and ("^" in text or "_" in text)):
        return text
    if text.count("{") > _MAX_GROUPS:
        # Brace matching is quadratic in the nesting depth. Input like this
        # is no real abstract, so it is shown unchanged.
        return text
    try:
        return _TexConverter(text, math).convert()
    except RecursionError:
        log.debug("LaTeX nested too deeply to convert; kept as text: %.80r", text)
        return text


# --- LaTeX to Unicode -------------------------------------------------------

_ACCENTS = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "c": "\u0327",
    "v": "\u030c",
    "u": "\u0306",
    "H": "\u030b",
    "k": "\u0328",
    "r": "\u030a",
    "d": "\u0323",
    "b": "\u0331",
}
_FONT_COMMANDS = frozenset(
    "emph textbf textit texttt textrm textsf textsc textsl textup textmd textnormal "
    "mathrm mathbf mathit mathsf mathtt mathnormal text mbox hbox fbox operatorname "
    "underline bm boldsymbol pmb textsuperscript ensuremath url".split()
)
_FONT_SWITCHES = frozenset(
    "em it bf rm sc tt sl sf itshape bfseries upshape scshape slshape mdseries "
    "normalfont ttfamily sffamily rmfamily small large Large LARGE huge Huge tiny "
    "footnotesize scriptsize normalsize displaystyle textstyle scriptstyle left right "
    "big Big bigg Bigg bigl bigr Bigl Bigr limits nolimits noindent centering".split()
)
_DROPPED_WITH_ARGUMENT = frozenset("cite citep citet ref eqref label vspace hspace".split())
_FONT_ALPHABETS = frozenset("mathbb mathcal mathfrak mathscr mathbbm".split())
_OPERATORS = frozenset(
    "ln log lg exp sin cos tan cot sec csc sinh cosh tanh arcsin arccos arctan "
    "max min sup inf lim liminf limsup det arg argmax argmin dim ker deg gcd Pr "
    "hom mod".split()
)
_SPACES = {",": " ", ";": " ", ":": " ", " ": " ", "!": "", "quad": " ", "qquad": " ", "\\": " "}
_LITERAL_ESCAPES = {"%": "%", "&": "&", "#": "#", "_": "_", "{": "{", "}": "}", "-": "", "/": ""}
_DOTLESS = {"ı": "i", "ȷ": "j"}

_SUPERSCRIPT_PAIRS = (
    "0⁰ 1¹ 2² 3³ 4⁴ 5⁵ 6⁶ 7⁷ 8⁸ 9⁹ +⁺ -⁻ =⁼ (⁽ )⁾ aᵃ bᵇ cᶜ dᵈ eᵉ fᶠ gᵍ hʰ iⁱ jʲ kᵏ lˡ "
    "mᵐ nⁿ oᵒ pᵖ rʳ sˢ tᵗ uᵘ vᵛ wʷ xˣ yʸ zᶻ Aᴬ Bᴮ Dᴰ Eᴱ Gᴳ Hᴴ Iᴵ Jᴶ Kᴷ Lᴸ Mᴹ Nᴺ "
    "Oᴼ Pᴾ Rᴿ Tᵀ Uᵁ Vⱽ Wᵂ"
)
_SUBSCRIPT_PAIRS = (
    "0₀ 1₁ 2₂ 3₃ 4₄ 5₅ 6₆ 7₇ 8₈ 9₉ +₊ -₋ =₌ (₍ )₎ aₐ eₑ hₕ iᵢ jⱼ kₖ lₗ mₘ nₙ oₒ "
    "pₚ rᵣ sₛ tₜ uᵤ vᵥ xₓ"
)
_SUPERSCRIPTS = {ord(pair[0]): pair[1] for pair in _SUPERSCRIPT_PAIRS.split()}
_SUBSCRIPTS = {ord(pair[0]): pair[1] for pair in _SUBSCRIPT_PAIRS.split()}
_SUPERSCRIPT_CHARS = frozenset(pair[0] for pair in _SUPERSCRIPT_PAIRS.split())
_SUBSCRIPT_CHARS = frozenset(pair[0] for pair in _SUBSCRIPT_PAIRS.split())
_SCRIPT_SYMBOLS = {"∘": "°", "\u2218": "°", "'": "′", "′": "′", "*": "*", "†": "†", "⊤": "ᵀ", "T": "ᵀ"}

_PLAIN_RUN = re.compile(r"[^\\{}^_~]+")
_MACRO_NAME = re.compile(r"[A-Za-z]+")


@lru_cache(maxsize=1)
def _symbols() -> dict[str, str]:
    """Map pylatexenc's argument-free symbol macros to their Unicode text."""
    from pylatexenc import latex2text, latexwalker

    text_db = latex2text.get_default_latex_context_db()
    walker_db = latexwalker.get_default_latex_context_db()
    table: dict[str, str] = {}
    for spec in text_db.iter_macro_specs():
        replacement = spec.simplify_repl
        if not isinstance(replacement, str) or "%" in replacement:
            continue
        walker_spec = walker_db.get_macro_spec(spec.macroname)
        if walker_spec is not None and walker_spec.args_parser.argspec:
            continue
        table[spec.macroname] = replacement
    table.update({"prime": "′", "quad": " ", "qquad": " ", "LaTeX": "LaTeX", "TeX": "TeX"})
    return table


@lru_cache(maxsize=512)
def _font_alphabet(name: str, argument: str) -> str:
    from pylatexenc.latex2text import LatexNodes2Text

    try:
        return LatexNodes2Text(math_mode="text").latex_to_text(f"\\{name}{{{argument}}}")
    except Exception:  # pylatexenc raises several parse error types
        log.debug("pylatexenc could not convert \\%s{%s}", name, argument)
        return argument


class _TexConverter:
    """One pass over a LaTeX fragment, producing Unicode text.

    Unknown macros keep their argument (``\\foo{x}`` → ``x``) or their name
    (``\\foo`` → ``foo``), so no text is lost.
    """

    def __init__(self, source: str, math: bool) -> None:
        self.source = source
        self.math = math
        self.position = 0

    def convert(self) -> str:
        return self._until(len(self.source))

    def _until(self, end: int) -> str:
        source = self.source
        out: list[str] = []
        while self.position < end:
            char = source[self.position]
            if char == "\\":
                out.append(self._macro(end))
            elif char == "{":
                close = self._matching_brace(self.position)
                if close < 0 or close >= end:
                    self.position += 1
                    continue
                self.position += 1
                out.append(self._until(close))
                self.position = close + 1
            elif char == "}":
                self.position += 1
            elif char in "^_" and (self.math or self._peek(1) == "{"):
                self.position += 1
                out.append(self._script(char, self._argument(end)))
            elif char == "~" and self.math:
                out.append(" ")
                self.position += 1
            else:
                match = _PLAIN_RUN.match(source, self.position, end)
                if match is None:
                    out.append(char)
                    self.position += 1
                else:
                    out.append(match[0])
                    self.position = match.end()
        return "".join(out)

    def _peek(self, offset: int) -> str:
        index = self.position + offset
        return self.source[index] if index < len(self.source) else ""

    def _matching_brace(self, start: int) -> int:
        depth = 0
        source = self.source
        index = start
        while index < len(source):
            char = source[index]
            if char == "\\":
                index += 2
                continue
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    return index
            index += 1
        return -1

    def _skip_spaces(self, end: int) -> None:
        while self.position < end and self.source[self.position] == " ":
            self.position += 1

    def _argument(self, end: int) -> str:
        """Read one argument: a brace group, a macro or a single character."""
        self._skip_spaces(end)
        if self.position >= end:
            return ""
        char = self.source[self.position]
        if char == "{":
            close = self._matching_brace(self.position)
            if close < 0 or close >= end:
                self.position += 1
                return ""
            self.position += 1
            text = self._until(close)
            self.position = close + 1
            return text
        if char == "\\":
            return self._macro(end)
        self.position += 1
        return char

    def _raw_argument(self, end: int) -> str:
        self._skip_spaces(end)
        if self.position < end and self.source[self.position] == "{":
            close = self._matching_brace(self.position)
            if 0 <= close < end:
                text = self.source[self.position + 1 : close]
                self.position = close + 1
                return text
        return self._argument(end)

    def _optional_argument(self, end: int) -> str | None:
        self._skip_spaces(end)
        if self.position < end and self.source[self.position] == "[":
            close = self.source.find("]", self.position, end)
            if close > 0:
                text = self.source[self.position + 1 : close]
                self.position = close + 1
                return text
        return None

    def _macro(self, end: int) -> str:
        self.position += 1
        if self.position >= end:
            return "\\"
        match = _MACRO_NAME.match(self.source, self.position, end)
        if match is None:
            return self._symbol_macro(self.source[self.position], end)
        name = match[0]
        self.position = match.end()
        return self._named_macro(name, end)

    def _symbol_macro(self, char: str, end: int) -> str:
        self.position += 1
        if char in _ACCENTS:
            return _accent(self._argument(end), _ACCENTS[char])
        if char in _SPACES:
            return _SPACES[char]
        if char in _LITERAL_ESCAPES:
            return _LITERAL_ESCAPES[char]
        if char == "$":
            return "$"
        return char

    def _named_macro(self, name: str, end: int) -> str:
        if len(name) == 1 and name in _ACCENTS:
            return _accent(self._argument(end), _ACCENTS[name])
        if name in _FONT_COMMANDS:
            return self._argument(end)
        if name in _FONT_SWITCHES:
            self._skip_spaces(end)
            return ""
        if name in _OPERATORS:
            self._skip_spaces(end)
            following = self.source[self.position] if self.position < end else ""
            return name + " " if following.isalnum() or following == "\\" else name
        if name in _SPACES:
            return _SPACES[name]
        if name == "sqrt":
            self._optional_argument(end)
            return "√" + _parenthesize(self._argument(end))
        if name in ("frac", "dfrac", "tfrac"):
            numerator = _parenthesize(self._argument(end))
            return numerator + "/" + _parenthesize(self._argument(end))
        if name in _FONT_ALPHABETS:
            return _font_alphabet(name, self._raw_argument(end))
        if name in _DROPPED_WITH_ARGUMENT:
            self._argument(end)
            return ""
        if name == "href":
            self._raw_argument(end)
            return self._argument(end)
        if name == "footnote":
            return " (" + self._argument(end) + ")"
        symbol = _symbols().get(name)
        if symbol is not None:
            return symbol
        if self.position < end and self.source[self.position] == "{":
            return self._argument(end)
        return name

    def _script(self, marker: str, content: str) -> str:
        content = content.strip()
        if not content:
            return ""
        if content in _SCRIPT_SYMBOLS and marker == "^":
            return _SCRIPT_SYMBOLS[content]
        if marker == "^" and all(char in _SUPERSCRIPT_CHARS for char in content):
            return content.translate(_SUPERSCRIPTS)
        if marker == "_" and all(char in _SUBSCRIPT_CHARS for char in content):
            return content.translate(_SUBSCRIPTS)
        if len(content) == 1:
            return marker + content
        return f"{marker}({content})"


def _accent(base: str, mark: str) -> str:
    if not base:
        return ""
    first = _DOTLESS.get(base[0], base[0])
    return unicodedata.normalize("NFC", first + mark) + base[1:]


def _parenthesize(text: str) -> str:
    text = text.strip()
    if len(text) <= 1 or text.isalnum() or (text.startswith("(") and text.endswith(")")):
        return text
    return f"({text})"
