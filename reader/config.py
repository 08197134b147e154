"""The user's config file (TOML): reading options, keymap, topics, fetch, searches.

Every section is optional. A missing file means all defaults; an invalid
file is a ReaderError naming the file and the problem, never a silent reset.
"""

from __future__ import annotations

import os
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import tomli_w

from reader.errors import ReaderError
from reader.paths import Paths

DEFAULT_HF_URL = "https://huggingface.co"
DEFAULT_ARXIV_API_URL = "https://export.arxiv.org"
DEFAULT_ARXIV_RSS_URL = "https://rss.arxiv.org"
SORT_ORDERS = ("listed", "upvotes", "published", "title")


@dataclass
class Config:
    """Settings read from config.toml, with defaults for what it leaves out."""

    auto_read_seconds: float = 2.0
    """Seconds an abstract must be shown before its paper is marked read; 0 turns it off."""
    sort: str = "listed"
    """Initial sort order of the paper list: one of SORT_ORDERS."""
    show_sidebar: bool = True
    keys: dict[str, str] = field(default_factory=dict)
    """Action name to a comma-separated list of keys, overriding the defaults."""
    topics: dict[str, list[str]] = field(default_factory=dict)
    """Extra taxonomy topics: topic name to keywords matched in title and abstract."""
    subscriptions: list[dict[str, Any]] = field(default_factory=list)
    """Fetch requests of a bare `papers fetch`; empty means the latest HF Daily Papers listing."""
    hf_url: str = DEFAULT_HF_URL
    arxiv_api_url: str = DEFAULT_ARXIV_API_URL
    arxiv_rss_url: str = DEFAULT_ARXIV_RSS_URL
    searches: dict[str, str] = field(default_factory=dict)
    """Saved searches: name to query."""
    path: Path | None = None
    """File the config was read from, if it exists."""


def _section(data: dict[str, Any], name: str, path: Path) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        raise ReaderError(
            f"Invalid config file {path}: [{name}] must be a table. Fix or remove it.",
            title="Invalid config",
        )
    return value


def _expect(value: Any, kind: type | tuple[type, ...], where: str, path: Path) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ReaderError(
            f"Invalid config file {path}: {where} has the wrong type ({value!r}).",
            title="Invalid config",
        )
    return value


def _read_toml(path: Path, message: str) -> dict[str, Any]:
    """Parse the config file, or return {} when it is missing.

    ``message`` is the error text, with ``{error}`` where the parser's
    reason goes.
    """
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        # replace(), not format(): the path in the message may contain braces.
        raise ReaderError(message.replace("{error}", str(error)), title="Invalid config") from error


def load_config(paths: Paths) -> Config:
    """Read config.toml, applying the URL environment overrides on top."""
    path = paths.config_file
    config = Config()
    data = _read_toml(path, f"Invalid config file {path}: {{error}}. Fix the file or move it away.")
    if path.exists():
        config.path = path

    reader = _section(data, "reader", path)
    if "auto_read_seconds" in reader:
        seconds = _expect(reader["auto_read_seconds"], (int, float), "reader.auto_read_seconds", path)
        config.auto_read_seconds = max(0.0, float(seconds))
    if "sort" in reader:
        sort = _expect(reader["sort"], str, "reader.sort", path)
        if sort not in SORT_ORDERS:
            raise ReaderError(
                f"Invalid config file {path}: reader.sort is {sort!r}; "
                f"use one of {', '.join(SORT_ORDERS)}.",
                title="Invalid config",
            )
        config.sort = sort
    if "show_sidebar" in reader:
        config.show_sidebar = _expect(reader["show_sidebar"], bool, "reader.show_sidebar", path)

    for action, keys in _section(data, "keys", path).items():
        config.keys[action] = _expect(keys, str, f"keys.{action}", path)
    for topic, words in _section(data, "topics", path).items():
        _expect(words, list, f"topics.{topic}", path)
        config.topics[topic] = [_expect(w, str, f"topics.{topic}", path) for w in words]
    for name, query in _section(data, "searches", path).items():
        config.searches[name] = _expect(query, str, f"searches.{name}", path)

    fetch = _section(data, "fetch", path)
    subscriptions = _expect(fetch.get("subscriptions", []), list, "fetch.subscriptions", path)
    config.subscriptions = [_expect(s, dict, "fetch.subscriptions", path) for s in subscriptions]
    for name in ("hf_url", "arxiv_api_url", "arxiv_rss_url"):
        if name in fetch:
            setattr(config, name, _expect(fetch[name], str, f"fetch.{name}", path))
    config.hf_url = os.environ.get("PAPERS_READER_HF_URL", config.hf_url)
    config.arxiv_api_url = os.environ.get("PAPERS_READER_ARXIV_API_URL", config.arxiv_api_url)
    config.arxiv_rss_url = os.environ.get("PAPERS_READER_ARXIV_RSS_URL", config.arxiv_rss_url)
    return config


def save_search(paths: Paths, name: str, query: str) -> None:
    """Add or replace a saved search in config.toml, keeping the other settings.

    NOTE: tomli-w writes the data back without the file's comments.
    """
    path = paths.config_file
    data = _read_toml(path, f"Cannot save the search: config file {path} is invalid ({{error}}).")
    data.setdefault("searches", {})[name] = query
    paths.ensure()
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".toml")
    try:
        with os.fdopen(fd, "wb") as handle:
            tomli_w.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
