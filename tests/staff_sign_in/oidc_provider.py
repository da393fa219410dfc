"""Node's oidc-provider (a certified OpenID provider) run on loopback for the tests, with the
accounts they name (oidc_provider.mjs)."""

import contextlib
import json
import os
import shutil
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

from tooling.processes import stop_process

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SCRIPT = Path(__file__).with_name("oidc_provider.mjs")
START_TIMEOUT = 20  # seconds


def missing_requirements() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs npm)"
    if not (BASE_DIR / "node_modules" / "oidc-provider").is_dir():
        return "node_modules/oidc-provider is missing (run `npm ci`)"
    return None


class OpenIDProvider:
    def __init__(self, issuer: str):
        self.issuer = issuer

    def _post(self, path: str, body: dict) -> None:
        request = urllib.request.Request(
            self.issuer + path, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=5):
            pass

    def set_claims(self, login: str, claims: dict) -> None:
        """Change what the provider says about an account (a person moved group)."""
        self._post("/test/accounts", {login: claims})

    def spoil_tokens(self, mode: str) -> None:
        """From now on, ID tokens are wrong in this way ("aud", "expired", "unsigned"; "" for none)."""
        self._post("/test/tamper", {"mode": mode})


@contextlib.contextmanager
def running_provider(*, port: int, client_id: str, client_secret: str, portal_url: str, accounts: dict, log_path: Path):
    env = {
        **os.environ,
        "PORT": str(port),
        "CLIENT_ID": client_id,
        "CLIENT_SECRET": client_secret,
        "REDIRECT_URI": f"{portal_url}/admin/login/oidc/callback/",
        "POST_LOGOUT_REDIRECT_URI": f"{portal_url}/admin/login/",
        "ACCOUNTS": json.dumps(accounts),
    }
    issuer = f"http://127.0.0.1:{port}"
    with log_path.open("a") as log:
        process = subprocess.Popen(["node", str(SCRIPT)], cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                with urllib.request.urlopen(f"{issuer}/.well-known/openid-configuration", timeout=2):
                    break
            except (urllib.error.URLError, OSError):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"oidc-provider did not start:\n{log_path.read_text()[-2000:]}") from None
                time.sleep(0.2)
        yield OpenIDProvider(issuer)
    finally:
        stop_process(process, timeout=10)
