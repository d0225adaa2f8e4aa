"""Bearer tokens and their roles.

Tokens come from ``WOONZORG_API_TOKENS`` ("token:role,…") and/or a tokens file that holds
only SHA-256 hashes (``woonzorg token add`` prints a new token once). Tokens are random and
long, so a plain SHA-256 is enough (no password stretching needed); a caller is identified in
logs by the first 12 hex digits of that hash, never by the token.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from assistant.models import ROLES, Role
from ingest.settings import Settings
from prompts import service as P

TOKEN_ID_LEN = 12
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


class TokenConfigError(ValueError):
    """A malformed token setting or file (Dutch message)."""


@dataclass(frozen=True)
class Principal:
    token_id: str  # hash prefix; "lokaal" in the token-less local demo
    role: Role


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _role(value: str, where: str) -> Role:
    role = value.strip().lower()
    if role not in ROLES:
        raise TokenConfigError(P.UNKNOWN_ROLE_NL.format(role=value, where=where, roles=", ".join(ROLES)))
    return cast(Role, role)


def parse_env_tokens(spec: str) -> dict[str, Role]:
    """'token:role,token:role' → {hash: role}."""
    out: dict[str, Role] = {}
    for item in spec.split(","):
        if not item.strip():
            continue
        token, sep, role = item.strip().rpartition(":")
        if not sep or not token:
            raise TokenConfigError(P.BAD_TOKEN_SPEC_NL)
        out[token_hash(token)] = _role(role, "WOONZORG_API_TOKENS")
    return out


def read_tokens_file(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return list(data.get("tokens", []))
    except (OSError, ValueError, AttributeError) as exc:
        raise TokenConfigError(P.TOKENS_FILE_UNREADABLE_NL.format(path=path, problem=exc)) from exc


def add_token(path: Path, role: str, label: str = "") -> tuple[str, dict[str, Any]]:
    """A new random token for ``role``; only its hash is written. Returns (token, entry)."""
    checked = _role(role, "--role")
    token = secrets.token_urlsafe(32)
    digest = token_hash(token)
    entry = {"id": digest[:TOKEN_ID_LEN], "sha256": digest, "role": checked, "label": label, "created_at": time.time()}
    entries = [*read_tokens_file(path), entry]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps({"tokens": entries}, indent=2, ensure_ascii=False), encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)  # readers never see a half-written file
    return token, entry


class TokenStore:
    """Resolves a presented token to a principal; re-reads the tokens file when it changes."""

    def __init__(self, settings: Settings) -> None:
        self._env = parse_env_tokens(settings.service.api_tokens)
        self._file = settings.service.tokens_file
        self._lock = threading.Lock()
        self._file_stamp: tuple[int, int] | None = None
        self._from_file: dict[str, Role] = {}
        self._load_file()

    def _load_file(self) -> None:
        if self._file is None:
            return
        try:
            stat = self._file.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        if stamp == self._file_stamp:
            return
        entries = read_tokens_file(self._file) if stamp else []
        self._from_file = {str(e["sha256"]): _role(str(e["role"]), str(self._file)) for e in entries}
        self._file_stamp = stamp

    @property
    def configured(self) -> bool:
        """Any token at all (env or file, even if the file is empty now): then every call needs one."""
        return bool(self._env) or self._file is not None

    def authenticate(self, token: str) -> Principal | None:
        digest = token_hash(token)
        with self._lock:
            self._load_file()
            role = self._env.get(digest) or self._from_file.get(digest)
        return Principal(digest[:TOKEN_ID_LEN], role) if role else None


def is_loopback(host: str) -> bool:
    return host.strip("[]").lower() in LOOPBACK_HOSTS


def bind_problem(host: str, settings: Settings) -> str | None:
    """Why the service must not bind to ``host`` (Dutch), or None."""
    store = TokenStore(settings)
    if store.configured or is_loopback(host):
        return None
    return P.BIND_REFUSED_NL.format(host=host)
