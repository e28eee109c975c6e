"""The OpenAI-compatible backend against a real local HTTP server."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from reports.summarizer import render_template, summarize
from reports.summarizer.backends import openai_backend
from reports.summarizer.backends.openai_backend import chat_completions_url
from tests.reports.samples import weekly_facts

GROUNDED = "En Bellavista se registraron 42 incidentes, 12 % más que el promedio de 37,5."


@dataclass
class Reply:
    status: int = 200
    content: str = GROUNDED
    delay_s: float = 0.0


@dataclass
class FakeLLM:
    """A /v1/chat/completions server that plays replies in order (the last one repeats)."""

    url: str
    replies: list[Reply] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)

    def next_reply(self) -> Reply:
        return self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]


@pytest.fixture
def llm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLLM]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    monkeypatch.setattr(openai_backend, "BACKOFF_BASE_S", 0.01)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.block_on_close = False  # a deliberately slow reply must not hold up the test
    fake = FakeLLM(url=f"http://127.0.0.1:{server.server_address[1]}/v1", replies=[Reply()])
    server.fake = fake  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield fake
    server.shutdown()
    server.server_close()


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        fake: FakeLLM = self.server.fake  # type: ignore[attr-defined]
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        fake.requests.append(body)
        fake.headers.append(dict(self.headers))
        if self.path != "/v1/chat/completions":
            self._send(404, {"error": "not found"})
            return
        reply = fake.next_reply()
        time.sleep(reply.delay_s)
        if reply.status != 200:
            self._send(reply.status, {"error": {"message": "upstream failure"}})
            return
        self._send(
            200,
            {
                "id": "chatcmpl-1",
                "object": "chat.completion",
                "model": "fake-llama-3-8b",
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": reply.content},
                        "finish_reason": "stop",
                    }
                ],
                "usage": {"prompt_tokens": 321, "completion_tokens": 45, "total_tokens": 366},
            },
        )

    def _send(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout test)

    def log_message(self, format: str, *args: Any) -> None:
        pass


def settings_for(llm: FakeLLM, **overrides: Any) -> dict[str, Any]:
    return {
        "SUMMARIZER_BACKEND": "openai",
        "LLM_BASE_URL": llm.url,
        "LLM_MODEL": "llama-3-8b",
        "LLM_API_KEY": "sk-test",
        "LLM_TIMEOUT_S": 5,
        "LLM_MAX_RETRIES": 2,
        "LLM_MAX_NEW_TOKENS": 300,
    } | overrides


def test_it_accepts_a_grounded_answer_and_records_model_latency_and_tokens(llm: FakeLLM) -> None:
    summary = summarize(weekly_facts(), settings=settings_for(llm))

    assert summary.text == GROUNDED
    assert not summary.fell_back
    assert (summary.backend, summary.model) == ("openai", "fake-llama-3-8b")
    assert (summary.prompt_tokens, summary.completion_tokens) == (321, 45)
    assert summary.latency_ms >= 0
    request = llm.requests[0]
    assert (request["model"], request["temperature"], request["max_tokens"]) == (
        "llama-3-8b",
        0,
        300,
    )
    assert [m["role"] for m in request["messages"]] == ["system", "user"]
    assert '"total_incidents":42' in request["messages"][1]["content"]
    assert llm.headers[0]["Authorization"] == "Bearer sk-test"


def test_it_rejects_an_answer_with_an_invented_number(llm: FakeLLM) -> None:
    llm.replies = [Reply(content="En Bellavista hubo 42 incidentes y 57 robos.")]

    summary = summarize(weekly_facts(), settings=settings_for(llm))

    assert summary.text == render_template(weekly_facts())
    assert summary.fell_back
    assert summary.fallback_reason == "numbers not in the facts: 57"
    assert summary.model == "fake-llama-3-8b"


def test_it_falls_back_to_the_template_when_the_server_is_too_slow(llm: FakeLLM) -> None:
    llm.replies = [Reply(delay_s=1.0)]

    started = time.monotonic()
    summary = summarize(
        weekly_facts(), settings=settings_for(llm, LLM_TIMEOUT_S=0.2, LLM_MAX_RETRIES=1)
    )

    assert time.monotonic() - started < 1.5
    assert summary.text == render_template(weekly_facts())
    assert summary.fell_back
    assert "timed out" in summary.fallback_reason
    assert "after 2 attempts" in summary.fallback_reason
    assert summary.model == "llama-3-8b"


def test_it_retries_after_a_server_error(llm: FakeLLM) -> None:
    llm.replies = [Reply(status=500), Reply()]

    summary = summarize(weekly_facts(), settings=settings_for(llm))

    assert summary.text == GROUNDED
    assert not summary.fell_back
    assert len(llm.requests) == 2


def test_it_falls_back_when_the_server_keeps_failing(llm: FakeLLM) -> None:
    llm.replies = [Reply(status=503)]

    summary = summarize(weekly_facts(), settings=settings_for(llm, LLM_MAX_RETRIES=2))

    assert summary.text == render_template(weekly_facts())
    assert summary.fell_back
    assert summary.fallback_reason == f"HTTP 503 from {llm.url}/chat/completions (after 3 attempts)"
    assert len(llm.requests) == 3


def test_it_does_not_retry_a_refused_request(llm: FakeLLM) -> None:
    llm.replies = [Reply(status=401)]

    summary = summarize(weekly_facts(), settings=settings_for(llm))

    assert summary.fallback_reason.startswith(f"HTTP 401 from {llm.url}/chat/completions")
    assert len(llm.requests) == 1


def test_it_falls_back_when_nothing_listens() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = {
        "SUMMARIZER_BACKEND": "openai",
        "LLM_BASE_URL": f"http://127.0.0.1:{port}",
        "LLM_MODEL": "llama-3-8b",
        "LLM_MAX_RETRIES": 0,
    }

    summary = summarize(weekly_facts(), settings=settings)

    assert summary.fell_back
    assert summary.fallback_reason.startswith("cannot reach")


def test_it_will_not_open_a_file_url() -> None:
    settings = {"SUMMARIZER_BACKEND": "openai", "LLM_BASE_URL": "file:///etc", "LLM_MODEL": "x"}

    summary = summarize(weekly_facts(), settings=settings)

    assert summary.fallback_reason == "LLM_BASE_URL must be http or https, not 'file:///etc'"


@pytest.mark.parametrize(
    "base_url",
    [
        "http://gpu:8000",
        "http://gpu:8000/",
        "http://gpu:8000/v1",
        "http://gpu:8000/v1/chat/completions",
    ],
)
def test_it_accepts_the_usual_ways_of_writing_the_base_url(base_url: str) -> None:
    assert chat_completions_url(base_url) == "http://gpu:8000/v1/chat/completions"
