"""The HTTP client: User-Agent, retries, Retry-After, timeouts and rate limits."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import httpx
import pytest

from reader import __version__
from reader.errors import ReaderError
from reader.fetch.http import (
    FetchError,
    HttpClient,
    RateLimiter,
    parse_retry_after,
    service_url,
)

URL = "https://hf.test/api/daily_papers"


class FakeClock:
    """A monotonic clock that only moves when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def client(clock: FakeClock):
    with HttpClient(sleep=clock.sleep) as http:
        yield http


def test_user_agent_names_app_and_version(httpx_mock, client):
    httpx_mock.add_response(url=URL, json=[])
    client.get(URL, service="Hugging Face")
    request = httpx_mock.get_request()
    assert request.headers["User-Agent"] == f"papers-reader/{__version__} (+https://github.com/papers-reader)"


def test_params_are_sent_in_query(httpx_mock, client):
    httpx_mock.add_response(json=[])
    client.get(URL, {"date": "2026-06-12", "limit": 100, "p": 0}, service="Hugging Face")
    request = httpx_mock.get_request()
    assert request.url.params["date"] == "2026-06-12"
    assert request.url.params["limit"] == "100"
    assert request.url.params["p"] == "0"


def test_429_waits_retry_after_seconds(httpx_mock, client, clock):
    httpx_mock.add_response(status_code=429, headers={"Retry-After": "7"})
    httpx_mock.add_response(json=[{"ok": 1}])
    response = client.get(URL, service="Hugging Face")
    assert response.status_code == 200
    assert clock.sleeps == [7.0]
    assert len(httpx_mock.get_requests()) == 2


def test_429_with_http_date_retry_after(httpx_mock, client, clock):
    when = datetime.now(timezone.utc) + timedelta(seconds=30)
    httpx_mock.add_response(status_code=429, headers={"Retry-After": format_datetime(when, usegmt=True)})
    httpx_mock.add_response(json=[])
    client.get(URL, service="Hugging Face")
    assert len(clock.sleeps) == 1
    assert 25 <= clock.sleeps[0] <= 30


def test_retry_after_over_cap_fails_at_once(httpx_mock, client, clock):
    httpx_mock.add_response(status_code=429, headers={"Retry-After": "3600"})
    with pytest.raises(FetchError) as caught:
        client.get(URL, service="Hugging Face")
    assert clock.sleeps == []
    assert len(httpx_mock.get_requests()) == 1
    assert "3600 s" in caught.value.message
    assert "120 s" in caught.value.message
    assert caught.value.unreachable is False


def test_503_then_200_retries(httpx_mock, client, clock):
    httpx_mock.add_response(status_code=503)
    httpx_mock.add_response(json=[])
    response = client.get(URL, service="Hugging Face")
    assert response.status_code == 200
    assert clock.sleeps == [1.0]


def test_503_retry_after_is_honoured(httpx_mock, client, clock):
    httpx_mock.add_response(status_code=503, headers={"Retry-After": "12"})
    httpx_mock.add_response(json=[])
    client.get(URL, service="Hugging Face")
    assert clock.sleeps == [12.0]


def test_three_503_fail_with_backoff(httpx_mock, client, clock):
    for _ in range(3):
        httpx_mock.add_response(status_code=503)
    with pytest.raises(FetchError) as caught:
        client.get(URL, service="Hugging Face")
    assert clock.sleeps == [1.0, 2.0]
    assert "HTTP 503" in caught.value.message
    assert "after 3 tries" in caught.value.message
    assert caught.value.message.startswith("Hugging Face request failed")


def test_404_is_not_retried(httpx_mock, client, clock):
    httpx_mock.add_response(status_code=404)
    with pytest.raises(FetchError) as caught:
        client.get(URL, service="Hugging Face")
    assert len(httpx_mock.get_requests()) == 1
    assert clock.sleeps == []
    assert "HTTP 404 Not Found" in caught.value.message


def test_pass_status_returns_response(httpx_mock, client):
    httpx_mock.add_response(status_code=400, text="<feed/>")
    response = client.get(URL, service="arXiv API", pass_statuses=(400,))
    assert response.status_code == 400
    assert response.text == "<feed/>"


def test_read_timeout_fails_after_three_tries(httpx_mock, client, clock):
    for _ in range(3):
        httpx_mock.add_exception(httpx.ReadTimeout("timed out"))
    with pytest.raises(FetchError) as caught:
        client.get(URL, service="Hugging Face")
    assert caught.value.unreachable is True
    assert clock.sleeps == [1.0, 2.0]
    assert caught.value.message == f"Hugging Face did not answer (no response within 30 s from {URL})."


def test_timeout_then_success(httpx_mock, client, clock):
    httpx_mock.add_exception(httpx.ConnectTimeout("timed out"))
    httpx_mock.add_response(json=[])
    assert client.get(URL, service="Hugging Face").status_code == 200
    assert clock.sleeps == [1.0]


def test_connection_refused_message(httpx_mock, client):
    for _ in range(3):
        httpx_mock.add_exception(httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(FetchError) as caught:
        client.get("http://127.0.0.1:9/api/daily_papers", service="Hugging Face")
    assert caught.value.message == (
        "Hugging Face did not answer (connection refused at http://127.0.0.1:9/api/daily_papers)."
    )


def test_rate_limiter_spaces_requests(clock):
    limiter = RateLimiter(3.0, clock=clock, sleep=clock.sleep)
    assert limiter.wait() == 0.0
    clock.now += 1.0
    assert limiter.wait() == pytest.approx(2.0)
    assert limiter.wait() == pytest.approx(3.0)
    clock.now += 10.0
    assert limiter.wait() == 0.0
    assert clock.sleeps == [pytest.approx(2.0), pytest.approx(3.0)]


def test_retries_go_through_limiter(httpx_mock, clock):
    limiter = RateLimiter(3.0, clock=clock, sleep=clock.sleep)
    httpx_mock.add_response(status_code=503)
    httpx_mock.add_response(text="<feed/>")
    with HttpClient(sleep=clock.sleep) as http:
        http.get(URL, service="arXiv API", limiter=limiter)
    # Backoff of 1 s, then the limiter tops it up to 3 s since the first request.
    assert clock.sleeps == [1.0, pytest.approx(2.0)]


def test_service_url_keeps_path_prefix():
    assert service_url("http://127.0.0.1:8080/mirror/", "/api/query", "arXiv API URL") == (
        "http://127.0.0.1:8080/mirror/api/query"
    )
    assert service_url("https://huggingface.co", "/api/daily_papers", "HF URL") == (
        "https://huggingface.co/api/daily_papers"
    )


def test_service_url_rejects_non_http():
    with pytest.raises(ReaderError) as caught:
        service_url("huggingface.co", "/api/daily_papers", "Hugging Face URL")
    assert "Invalid Hugging Face URL 'huggingface.co'" in caught.value.message


def test_parse_retry_after_forms():
    now = datetime(2026, 6, 12, 10, 0, 0, tzinfo=timezone.utc)
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after("Fri, 12 Jun 2026 10:01:30 GMT", now) == 90.0
    assert parse_retry_after("Fri, 12 Jun 2026 09:00:00 GMT", now) == 0.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None
