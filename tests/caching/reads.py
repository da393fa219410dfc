"""Reading the portal as readers do, from another process, and what each answer must show."""

from collections.abc import Callable

from tests.operations import scratch

READS = 6  # per check: both workers answer some of them (each read is a new connection)
HOST = "portal.test"

Check = Callable[[int, dict[str, str], str], str | None]  # None when the answer is right, else why not


def answers(server: scratch.AppServer, path: str, check: Check, when: str) -> list[str]:
    """Reads the path READS times; every answer must pass the check. Returns the X-Cache values."""
    seen = []
    for number in range(1, READS + 1):
        status, headers, body = server.get(path)
        problem = check(status, headers, body)
        assert problem is None, f"{when}, read {number} of {path}: {problem}"
        seen.append(headers.get("X-Cache", "-"))
    return seen


def shows(text: str) -> Check:
    return lambda status, headers, body: None if status == 200 and text in body else f"{status}, no {text!r}"


def lacks(text: str) -> Check:
    return lambda status, headers, body: None if status == 200 and text not in body else f"{status}, has {text!r}"


def status_is(expected: int) -> Check:
    return lambda status, headers, body: None if status == expected else f"answered {status}, not {expected}"


def frames_allowed_for(origin: str) -> Check:
    def check(status, headers, body):
        policy = headers.get("Content-Security-Policy", "")
        return None if status == 200 and origin in policy else f"{status}, frame-ancestors: {policy!r}"

    return check


# Python for the editor's process: `page` is the page at a site path.
# A page by its English address (/en/types/cytokines/ is the page at /home/types/cytokines/).
PAGE = "from wagtail.models import Page\npage = Page.objects.get(url_path='/home' + '{path}'.removeprefix('/en')).specific\n"
