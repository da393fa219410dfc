"""Every example in docs/api.md is checked against the real API, so the document stays true."""

import json
import re
from pathlib import Path

import pytest

from django.conf import settings

pytestmark = pytest.mark.django_db

DOC = Path(settings.BASE_DIR) / "docs" / "api.md"
EXAMPLE = re.compile(
    r"```http\nGET (?P<path>\S+)\n```\s*\n\s*Response(?: \((?P<status>\d+)\))?:\s*\n\s*```json\n(?P<body>.*?)```",
    re.S,
)
ANY = "…"


def examples() -> list[tuple[str, int, object]]:
    found = [
        (match["path"], int(match["status"] or 200), json.loads(match["body"]))
        for match in EXAMPLE.finditer(DOC.read_text())
    ]
    assert len(found) >= 5, "docs/api.md lost its examples"
    return found


def contains(actual, documented, where="$") -> None:
    """The documented value is part of the actual one; '…' matches anything."""
    if documented == ANY:
        return
    if isinstance(documented, dict):
        assert isinstance(actual, dict), where
        for key, value in documented.items():
            assert key in actual, f"{where}.{key} is documented but missing"
            contains(actual[key], value, f"{where}.{key}")
    elif isinstance(documented, list):
        assert isinstance(actual, list) and len(actual) >= len(documented), where
        for index, value in enumerate(documented):
            contains(actual[index], value, f"{where}[{index}]")
    else:
        assert actual == documented, f"{where}: documented {documented!r}, API gives {actual!r}"


@pytest.mark.parametrize(("path", "status", "documented"), examples())
def test_documented_example_matches_the_api(client, path, status, documented):
    response = client.get(path)
    assert response.status_code == status
    contains(response.json(), documented)
