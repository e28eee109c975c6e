"""Typed readers for environment variables that fail loudly on a bad value.

A misspelt boolean or a non-numeric port must stop the process at start-up,
not silently fall back to a default that nobody chose.
"""

from __future__ import annotations

import os


class ImproperlyConfiguredEnv(Exception):
    """Raised when an environment variable is missing or malformed."""


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_UNSET = object()


def env_str(name: str, default: str | object = _UNSET) -> str:
    value = os.environ.get(name)
    if value is None:
        if default is _UNSET:
            raise ImproperlyConfiguredEnv(f"Environment variable {name} is required.")
        return str(default)
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperlyConfiguredEnv(
        f"Environment variable {name}={raw!r} is not a boolean (use true/false, 1/0, yes/no)."
    )


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError as exc:
        raise ImproperlyConfiguredEnv(
            f"Environment variable {name}={raw!r} is not an integer."
        ) from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfiguredEnv(f"Environment variable {name}={value} is below {minimum}.")
    if maximum is not None and value > maximum:
        raise ImproperlyConfiguredEnv(f"Environment variable {name}={value} is above {maximum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default)
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: set[str]) -> str:
    value = env_str(name, default)
    if value not in choices:
        allowed = ", ".join(sorted(choices))
        raise ImproperlyConfiguredEnv(
            f"Environment variable {name}={value!r} must be one of: {allowed}."
        )
    return value
