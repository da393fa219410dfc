"""What docker-compose.yml promises hospital IT, read from the file itself (CI also validates it
with `docker-compose config`)."""

import re

import yaml

from tests.operations.scratch import REPO

COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text())


def defaulted(value: str) -> str:
    """`${NAME:-default}` as compose reads it when NAME is not set."""
    return re.sub(r"\$\{[A-Z_]+:-([^}]*)\}", r"\1", value)


def test_redis_is_a_bounded_cache_that_evicts_the_least_recently_used():
    command = [defaulted(part) for part in COMPOSE["services"]["redis"]["command"]]
    assert command[command.index("--maxmemory") + 1] == "256mb"
    assert command[command.index("--maxmemory-policy") + 1] == "allkeys-lru"
    assert command[command.index("--save") + 1] == ""  # nothing written to disk: it is only a cache


def test_the_apps_trust_forwarded_addresses_only_from_their_own_network():
    network = defaulted(COMPOSE["networks"]["default"]["ipam"]["config"][0]["subnet"])
    environment = {name: defaulted(value) for name, value in COMPOSE["x-web"]["environment"].items()}
    assert environment["TRUSTED_PROXIES"] == environment["FORWARDED_ALLOW_IPS"] == network == "172.30.240.0/24"
    assert "ports" not in COMPOSE["x-web"]  # reachable only from that network, through nginx
    assert environment["MEDIA_X_ACCEL_PREFIX"] == "/protected-media/"
