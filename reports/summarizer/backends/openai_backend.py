"""Any OpenAI-compatible chat endpoint (vLLM, Ollama, llama.cpp server, OpenAI) over HTTP.

Plain ``urllib`` keeps this free of new dependencies; one POST per attempt, with a
timeout per attempt and exponential backoff between retries.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from http.client import HTTPException
from typing import Any
from urllib.parse import urlsplit

from reports.summarizer.backends import BackendError, Generation
from reports.summarizer.config import SummarizerConfig

BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 8.0


class _RetryableError(Exception):
    """A failure worth another attempt: a timeout, a dropped connection, 429 or 5xx."""


def chat_completions_url(base_url: str) -> str:
    """Accept "http://host:8000", ".../v1" or the full ".../v1/chat/completions"."""
    url = base_url.rstrip("/")
    if url.endswith("/chat/completions"):
        return url
    if url.endswith("/v1"):
        return f"{url}/chat/completions"
    return f"{url}/v1/chat/completions"


class OpenAIBackend:
    name = "openai"

    def __init__(self, config: SummarizerConfig) -> None:
        self.config = config

    def model_name(self) -> str:
        return self.config.model

    def generate(self, system: str, user: str) -> Generation:
        url = self._url()
        body = {
            "model": self.config.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "temperature": 0,
            "max_tokens": self.config.max_new_tokens,
            "stream": False,
        }
        attempts = self.config.max_retries + 1
        for attempt in range(attempts):
            try:
                return _parse(self._post(url, body), self.config.model)
            except _RetryableError as error:
                if attempt + 1 == attempts:
                    raise BackendError(f"{error} (after {attempts} attempts)") from error
                time.sleep(min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2**attempt))
        raise AssertionError("unreachable")  # pragma: no cover

    def _url(self) -> str:
        if not self.config.base_url:
            raise BackendError("LLM_BASE_URL is not set")
        if not self.config.model:
            raise BackendError("LLM_MODEL is not set")
        url = chat_completions_url(self.config.base_url)
        # urllib also opens file:// and ftp:// URLs; a setting must not turn into a file read.
        if urlsplit(url).scheme not in ("http", "https"):
            raise BackendError(f"LLM_BASE_URL must be http or https, not {self.config.base_url!r}")
        return url

    def _post(self, url: str, body: dict[str, Any]) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self.config.api_key:
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in _url
            url, data=json.dumps(body).encode(), headers=headers, method="POST"
        )
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout_s) as response:  # noqa: S310
                raw = response.read()
        except urllib.error.HTTPError as error:
            detail = error.read()[:200].decode(errors="replace")
            if error.code == 429 or error.code >= 500:
                raise _RetryableError(f"HTTP {error.code} from {url}") from error
            raise BackendError(f"HTTP {error.code} from {url}: {detail}") from error
        except urllib.error.URLError as error:
            raise _RetryableError(f"cannot reach {url}: {error.reason}") from error
        except TimeoutError as error:
            raise _RetryableError(f"timed out after {self.config.timeout_s:g} s") from error
        except (ConnectionError, HTTPException) as error:
            raise _RetryableError(f"connection to {url} failed: {error!r}") from error
        try:
            data = json.loads(raw)
        except ValueError as error:
            raise BackendError(f"the answer from {url} is not JSON") from error
        if not isinstance(data, dict):
            raise BackendError(f"unexpected answer from {url}")
        return data


def _parse(data: dict[str, Any], requested_model: str) -> Generation:
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError) as error:
        raise BackendError("the answer has no choices[0].message.content") from error
    if not isinstance(content, str) or not content.strip():
        raise BackendError("the model answered with empty text")
    usage = data.get("usage")
    if not isinstance(usage, dict):  # llama.cpp and some proxies leave usage out
        usage = {}
    return Generation(
        text=content,
        model=str(data.get("model") or requested_model),
        prompt_tokens=_int_or_none(usage.get("prompt_tokens")),
        completion_tokens=_int_or_none(usage.get("completion_tokens")),
    )


def _int_or_none(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None
