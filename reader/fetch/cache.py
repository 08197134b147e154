"""Raw fetched responses, kept on disk so that a fetch can be replayed offline.

Each response body is stored byte for byte under ``paths.cache_dir``, in a
folder per source, with a small JSON file beside it recording the URL and
the time of the fetch. Writes go to a temporary file that replaces the old
one, so a crash leaves either the old copy or the new one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping

from reader.errors import FormatError, ReaderError
from reader.fetch.http import HttpClient, RateLimiter
from reader.models import Paper
from reader.sources import parse_bytes

log = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")
_MAX_SLUG = 80


@dataclass(frozen=True)
class CachedResponse:
    """One stored response body and when it was fetched."""

    body: bytes
    url: str
    fetched_at: str
    """ISO timestamp (UTC) of the fetch."""
    path: Path


def cache_name(params: Mapping[str, object], stamp: str | None = None) -> str:
    """Build a file name (without extension) from request parameters.

    The readable part is cut to a safe length; a hash of all parameters
    keeps names distinct. ``stamp`` (a fetch day) separates copies of a
    listing that changes over time, such as the latest RSS announcement.
    """
    items = sorted((str(k), str(v)) for k, v in params.items())
    readable = "_".join(f"{k}-{v}" for k, v in items) or "latest"
    slug = _UNSAFE.sub("-", readable).strip("-")[:_MAX_SLUG] or "request"
    digest = hashlib.sha1(json.dumps(items).encode("utf-8")).hexdigest()[:10]
    name = f"{slug}-{digest}"
    if stamp:
        name += f"@{stamp}"
    return name


class ResponseCache:
    """Response bodies by source and name, under one folder."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, source: str, name: str, suffix: str) -> Path:
        return self.root / source / f"{name}{suffix}"

    def store(self, source: str, name: str, suffix: str, body: bytes, url: str) -> Path:
        """Write a response body and its metadata, replacing any older copy."""
        path = self._path(source, name, suffix)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {"url": url, "fetched_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        _write_atomic(path, body)
        _write_atomic(_meta_path(path), json.dumps(meta, indent=1).encode("utf-8"))
        log.debug("cached %d bytes from %s in %s", len(body), url, path)
        return path

    def load(self, source: str, name: str, suffix: str) -> CachedResponse | None:
        """Return the stored copy of one request, or None if there is none."""
        path = self._path(source, name, suffix)
        return _read(path)

    def load_latest(self, source: str, name: str, suffix: str) -> CachedResponse | None:
        """Return the newest stamped copy of a request (see ``cache_name``), or None."""
        base = name.split("@", 1)[0]
        folder = self.root / source
        if not folder.is_dir():
            return None
        # The pattern also matches the ``.meta.json`` sidecars of JSON bodies,
        # which would sort first and be read as a broken body.
        candidates = sorted(
            (path for path in folder.glob(f"{glob_escape(base)}@*{suffix}") if not path.name.endswith(".meta.json")),
            reverse=True,
        )
        unstamped = self._path(source, base, suffix)
        if unstamped.exists():
            candidates.append(unstamped)
        for path in candidates:
            cached = _read(path)
            if cached is not None:
                return cached
        return None


def glob_escape(text: str) -> str:
    """Escape glob wildcards in a file name (cache names never contain them, but be safe)."""
    return re.sub(r"([*?\[])", r"[\1]", text)


def _meta_path(path: Path) -> Path:
    return path.with_name(path.name + ".meta.json")


def _read(path: Path) -> CachedResponse | None:
    try:
        body = path.read_bytes()
    except FileNotFoundError:
        return None
    url, fetched_at = "", ""
    try:
        meta = json.loads(_meta_path(path).read_text(encoding="utf-8"))
        url = str(meta.get("url", ""))
        fetched_at = str(meta.get("fetched_at", ""))
    except (OSError, ValueError) as error:
        log.warning("metadata of cached response %s is unreadable: %s", path, error)
    if not fetched_at:
        mtime = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc)
        fetched_at = mtime.isoformat(timespec="seconds")
    return CachedResponse(body=body, url=url, fetched_at=fetched_at, path=path)


def _write_atomic(path: Path, data: bytes) -> None:
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


class NotCachedError(ReaderError):
    """An offline fetch for which no response was ever cached."""

    def __init__(self, label: str) -> None:
        super().__init__(
            f"No cached copy of {label}; fetch it once while online.",
            title="Not cached",
        )


@dataclass
class Page:
    """One response body, from the network or from the cache."""

    body: bytes
    url: str
    status: int
    cached_at: str | None
    """Fetch time of the cached copy used, or None for a live response."""
    _save: Callable[[], None] | None = None

    def keep(self) -> None:
        """Cache a live response; call it once the body has parsed."""
        if self._save is not None:
            self._save()
            self._save = None


class PageSource:
    """Response bodies from the network (cached once they parse) or, offline, from the cache."""

    def __init__(self, client: HttpClient | None, cache: ResponseCache, *, offline: bool) -> None:
        if client is None and not offline:
            raise ValueError("a live PageSource needs an HttpClient")
        self.client = client
        self.cache = cache
        self.offline = offline
        self.cached_times: list[str] = []
        """Fetch times of the cached copies returned so far."""

    @property
    def oldest_cached(self) -> str | None:
        """Fetch time of the oldest cached copy returned, or None if all were live."""
        return min(self.cached_times) if self.cached_times else None

    def get(
        self,
        *,
        source: str,
        service: str,
        label: str,
        url: str,
        params: Mapping[str, str | int],
        suffix: str,
        cache_key: Mapping[str, str | int] | None = None,
        volatile: bool = False,
        limiter: RateLimiter | None = None,
        pass_statuses: tuple[int, ...] = (),
    ) -> Page:
        """Return one page; ``volatile`` keeps a copy per fetch day (see ``cache_name``).

        The cache name comes from ``cache_key``, else from ``params``.
        Offline, raises NotCachedError naming ``label`` when there is no copy.
        """
        key = params if cache_key is None else cache_key
        if self.offline:
            name = cache_name(key)
            cached = self.cache.load_latest(source, name, suffix) if volatile else self.cache.load(source, name, suffix)
            if cached is None:
                raise NotCachedError(label)
            self.cached_times.append(cached.fetched_at)
            return Page(body=cached.body, url=cached.url or url, status=200, cached_at=cached.fetched_at)

        assert self.client is not None
        response = self.client.get(url, params, service=service, limiter=limiter, pass_statuses=pass_statuses)
        body = response.content
        name = cache_name(key, datetime.now(timezone.utc).date().isoformat() if volatile else None)
        live_url = str(response.url)

        def save() -> None:
            if 200 <= response.status_code < 300:
                try:
                    self.cache.store(source, name, suffix, body, live_url)
                except OSError as error:
                    log.warning("could not cache the response from %s: %s", live_url, error)

        return Page(body=body, url=live_url, status=response.status_code, cached_at=None, _save=save)


def parse_page(page: Page, service: str) -> list[Paper]:
    """Parse a response body, naming the service when it is unreadable.

    ArxivApiError (arXiv's error feed) passes through unchanged.
    """
    try:
        return parse_bytes(page.body, page.url)
    except FormatError as error:
        detail = error.message.replace(" Download it again.", "").rstrip(".")
        raise FormatError(f"{service} sent a response that could not be read: {detail}.") from None
