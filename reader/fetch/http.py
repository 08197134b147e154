"""The HTTP client every fetcher uses: timeouts, retries, Retry-After, rate limits.

Waiting goes through an injectable ``sleep`` callable and ``clock`` so that
tests can check the delays without sleeping.
"""

from __future__ import annotations

import email.utils
import logging
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime, timezone
from urllib.parse import urlsplit

import httpx

from reader import __version__
from reader.errors import ReaderError

log = logging.getLogger(__name__)

USER_AGENT = f"papers-reader/{__version__} (+https://github.com/papers-reader)"
TIMEOUT = httpx.Timeout(connect=10.0, read=30.0, write=30.0, pool=10.0)
TRIES = 3
"""Attempts per request, the first one included."""
BACKOFF_SECONDS = 1.0
"""Wait before the second attempt; it doubles before each later attempt."""
MAX_RETRY_AFTER_SECONDS = 120.0
"""Longest Retry-After this client waits; a longer one fails the request at once."""
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
RETRY_AFTER_STATUSES = frozenset({429, 503})

Sleep = Callable[[float], None]
Clock = Callable[[], float]


def _default_sleep(seconds: float) -> None:
    time.sleep(seconds)


class FetchError(ReaderError):
    """A request that failed after its retries: no response, or an HTTP error status.

    ``unreachable`` is true when the server could not be reached at all
    (connection refused, DNS failure, timeout), which is when a cached
    copy is worth using instead.
    """

    def __init__(self, service: str, url: str, reason: str, *, unreachable: bool) -> None:
        if unreachable:
            message = f"{service} did not answer ({reason})."
        else:
            message = f"{service} request failed ({reason})."
        super().__init__(message, title=f"{service} fetch failed")
        self.service = service
        self.url = url
        self.reason = reason
        self.unreachable = unreachable


class RateLimiter:
    """Keeps at least ``interval`` seconds between the starts of requests.

    One instance per service and process; it is thread-safe so that a
    worker thread and the main thread can share it.
    """

    def __init__(self, interval: float, *, clock: Clock = time.monotonic, sleep: Sleep | None = None) -> None:
        self.interval = interval
        self.clock = clock
        self.sleep = sleep
        self._last: float | None = None
        self._lock = threading.Lock()

    def wait(self, sleep: Sleep | None = None) -> float:
        """Sleep until the interval since the previous request has passed; return the wait."""
        sleeper = sleep or self.sleep or _default_sleep
        with self._lock:
            waited = 0.0
            if self._last is not None:
                elapsed = self.clock() - self._last
                if elapsed < self.interval:
                    waited = self.interval - elapsed
                    sleeper(waited)
            self._last = self.clock()
            return waited


def service_url(base: str, path: str, setting: str) -> str:
    """Join a configured base URL (scheme, host, optional path prefix) and an API path.

    ``setting`` names where the base came from, for the error message.
    """
    parts = urlsplit(base.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ReaderError(
            f"Invalid {setting} {base!r}: use an http or https URL such as https://example.org.",
            title="Invalid config",
        )
    return base.strip().rstrip("/") + path


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Read a Retry-After header: delay seconds or an HTTP date. None if absent or invalid."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    return max(0.0, (when - now).total_seconds())


def describe_transport_error(error: httpx.TransportError, url: str) -> str:
    """Turn an httpx network error into a short reason naming the URL."""
    text = str(error)
    if isinstance(error, httpx.ConnectTimeout):
        return f"connection timed out after {TIMEOUT.connect:g} s at {url}"
    if isinstance(error, httpx.ReadTimeout):
        return f"no response within {TIMEOUT.read:g} s from {url}"
    if isinstance(error, httpx.TimeoutException):
        return f"timed out at {url}"
    if isinstance(error, httpx.ConnectError):
        lowered = text.lower()
        if "refused" in lowered:
            return f"connection refused at {url}"
        if "name or service not known" in lowered or "nodename nor servname" in lowered or "getaddrinfo" in lowered:
            return f"host not found for {url}"
        return f"could not connect to {url}: {text or type(error).__name__}"
    return f"{text or type(error).__name__} at {url}"


class HttpClient:
    """An httpx client with this project's timeouts, User-Agent and retry policy."""

    def __init__(
        self,
        *,
        sleep: Sleep | None = None,
        tries: int = TRIES,
        backoff: float = BACKOFF_SECONDS,
        max_retry_after: float = MAX_RETRY_AFTER_SECONDS,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.sleep = sleep or _default_sleep
        self.tries = max(1, tries)
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self._client = httpx.Client(
            timeout=TIMEOUT,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def get(
        self,
        url: str,
        params: Mapping[str, str | int] | None = None,
        *,
        service: str,
        limiter: RateLimiter | None = None,
        pass_statuses: Iterable[int] = (),
    ) -> httpx.Response:
        """GET ``url``, retrying network errors, 429 and 5xx up to ``tries`` times.

        Returns a 2xx response, or one whose status is in ``pass_statuses``
        (arXiv sends its error feed with 400). Raises FetchError otherwise.
        """
        passed = set(pass_statuses)
        for attempt in range(1, self.tries + 1):
            last_try = attempt == self.tries
            if limiter is not None:
                limiter.wait(self.sleep)
            try:
                response = self._client.get(url, params=params)
            except httpx.TransportError as error:
                reason = describe_transport_error(error, url)
                log.warning("%s attempt %d/%d failed: %s", service, attempt, self.tries, reason)
                if last_try:
                    raise FetchError(service, url, reason, unreachable=True) from error
                self.sleep(self._backoff(attempt))
                continue

            status = response.status_code
            if 200 <= status < 300 or status in passed:
                return response
            reason = f"HTTP {status} {response.reason_phrase} from {response.url}".strip()
            log.warning("%s attempt %d/%d failed: %s", service, attempt, self.tries, reason)
            if status not in RETRY_STATUSES:
                raise FetchError(service, url, reason, unreachable=False)
            if last_try:
                raise FetchError(service, url, f"{reason}, after {self.tries} tries", unreachable=False)
            self.sleep(self._retry_delay(response, attempt, service, url, reason))
        raise AssertionError("unreachable: the loop returns or raises")

    def _backoff(self, attempt: int) -> float:
        return self.backoff * 2 ** (attempt - 1)

    def _retry_delay(self, response: httpx.Response, attempt: int, service: str, url: str, reason: str) -> float:
        delay = self._backoff(attempt)
        if response.status_code not in RETRY_AFTER_STATUSES:
            return delay
        retry_after = parse_retry_after(response.headers.get("Retry-After"))
        if retry_after is None:
            return delay
        if retry_after > self.max_retry_after:
            raise FetchError(
                service,
                url,
                f"{reason}, which asks to retry after {retry_after:.0f} s; "
                f"that is more than the {self.max_retry_after:.0f} s this command waits, "
                "so try again later",
                unreachable=False,
            )
        log.info("%s asked to retry after %.1f s", service, retry_after)
        return max(delay, retry_after)
