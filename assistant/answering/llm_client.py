"""A minimal client for OpenAI-compatible chat completions (Ollama, vLLM, Azure OpenAI …)."""

from __future__ import annotations

from typing import Any

import httpx

from prompts import answer as P


class LlmError(Exception):
    """The endpoint did not give a usable answer (time-out, HTTP error, malformed body)."""


class LlmClient:
    def __init__(self, base_url: str, model: str, api_key: str = "", timeout_s: float = 20.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout_s

    def chat(self, system: str, user: str) -> str:
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "temperature": 0,
        }
        try:
            resp = httpx.post(
                f"{self.base_url}/chat/completions", json=payload, headers=self._headers, timeout=self._timeout
            )
            resp.raise_for_status()
            return str(resp.json()["choices"][0]["message"]["content"]).strip()
        except httpx.TimeoutException as exc:
            raise LlmError(P.LLM_TIMEOUT_NL) from exc
        except httpx.HTTPStatusError as exc:
            raise LlmError(f"HTTP {exc.response.status_code}") from exc
        except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as exc:
            raise LlmError(P.LLM_UNUSABLE_NL.format(problem=type(exc).__name__)) from exc
