"""Read configuration from the environment, so one image serves every deployment."""

import ipaddress
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env_str(name)
    if not value:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_int(name: str, default: int) -> int:
    value = env_str(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from error


def env_days(name: str, default: int) -> int:
    """A retention period: a whole number of days, at least 1 (0 would delete what was just stored)."""
    days = env_int(name, default)
    if days < 1:
        raise ImproperlyConfigured(f"{name} must be at least 1 day, not {days}.")
    return days


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = env_str(name)
    if not value:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Addresses or networks (203.0.113.7, 10.0.0.0/8, ::1), checked now rather than at the first
    request that needs them."""
    networks = env_list(name)
    for entry in networks:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError as error:
            raise ImproperlyConfigured(f"{name}: {entry!r} is not an address or a network.") from error
    return networks


def env_required(name: str, because: str = "in production") -> str:
    value = env_str(name)
    if not value:
        raise ImproperlyConfigured(f"The {name} environment variable is required {because}.")
    return value


def kept_secret(path: Path) -> str:
    """A random secret made at the first start and read from `path` after, readable by its owner
    only. Written whole beside it and linked into place, so two processes starting at once agree
    and neither reads a half-written file."""
    if not path.exists():
        draft = path.with_name(f"{path.name}.{os.getpid()}.draft")
        descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w") as kept:
            kept.write(secrets.token_urlsafe(50) + "\n")
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process won: its secret is the one kept
        finally:
            draft.unlink()
    return path.read_text().strip()
