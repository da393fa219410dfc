"""Load generation with wrk: a warm-up, then several rounds, reporting the median round."""

import dataclasses
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

CONNECTIONS = 16
# One wrk thread leaves the second core to the servers (the measure: wrk -t1 -c16).
THREADS = 1
# Browsers ask for compressed responses; the portal and nginx then send the same bytes they
# would send a patient's browser.
HEADERS = {"Accept-Encoding": "gzip", "Accept": "text/html,application/json,*/*"}

# wrk's own summary has no p95; this prints the figures in one parseable line (latency in µs).
REPORT_SCRIPT = """
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("BENCH requests=%d duration_us=%d non2xx=%d errors=%d p50=%d p95=%d p99=%d\\n",
    summary.requests, summary.duration, summary.errors.status, errors,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


@dataclass(frozen=True)
class Figures:
    """One wrk run, or the median of several."""

    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    requests: int
    failures: int
    # CPU milliseconds the app server (master and workers) spent per request, when measured.
    cpu_ms: float | None = None


def wrk_path() -> str | None:
    return shutil.which("wrk")


def wrk_version() -> str:
    result = subprocess.run([wrk_path(), "-v"], capture_output=True, text=True, timeout=10)
    return (result.stdout or result.stderr).split("[")[0].replace("debian/", "").strip()


class Wrk:
    def __init__(self, work_dir: Path):
        self.script = Path(tempfile.mkstemp(suffix=".lua", dir=work_dir)[1])
        self.script.write_text(REPORT_SCRIPT)

    def run(self, url: str, seconds: int, connections: int = CONNECTIONS, threads: int = THREADS) -> Figures:
        command = [wrk_path(), f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s"]
        for name, value in HEADERS.items():
            command += ["-H", f"{name}: {value}"]
        command += ["-s", str(self.script), url]
        result = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 30)
        line = next((line for line in result.stdout.splitlines() if line.startswith("BENCH ")), None)
        if result.returncode != 0 or line is None:
            raise RuntimeError(f"wrk failed for {url}: {result.stdout}\n{result.stderr}")
        values = dict(part.split("=") for part in line.split()[1:])
        requests = int(values["requests"])
        return Figures(
            rps=requests / (int(values["duration_us"]) / 1e6),
            p50_ms=int(values["p50"]) / 1000,
            p95_ms=int(values["p95"]) / 1000,
            p99_ms=int(values["p99"]) / 1000,
            requests=requests,
            failures=int(values["non2xx"]) + int(values["errors"]),
        )

    def measure(
        self,
        url: str,
        rounds: int,
        seconds: int,
        warmup: int,
        connections: int = CONNECTIONS,
        ceiling_url: str | None = None,
        cpu_seconds: Callable[[], float] | None = None,
        ceiling_cpu_seconds: Callable[[], float] | None = None,
    ) -> tuple[Figures, list[Figures]]:
        """Warm up, then `rounds` rounds; returns the median round, and the ceiling's rounds.

        With `ceiling_url`, each round of the page follows a round of the ceiling, so both see the
        same background load: on a shared machine that load changes from minute to minute. With
        `cpu_seconds` (the server's CPU time so far), each round also gives the CPU per request.
        """
        threads = min(THREADS, connections)
        if warmup:
            if ceiling_url:
                self.run(ceiling_url, warmup, connections, threads)
            self.run(url, warmup, connections, threads)
        page_rounds, ceiling_rounds = [], []
        for _ in range(rounds):
            if ceiling_url:
                ceiling_rounds.append(self._timed(ceiling_url, seconds, connections, threads, ceiling_cpu_seconds))
            page_rounds.append(self._timed(url, seconds, connections, threads, cpu_seconds))
        return median_round(page_rounds), ceiling_rounds

    def _timed(self, url, seconds, connections, threads, cpu_seconds) -> Figures:
        before = cpu_seconds() if cpu_seconds else 0.0
        figures = self.run(url, seconds, connections, threads)
        if cpu_seconds is None or not figures.requests:
            return figures
        return dataclasses.replace(figures, cpu_ms=1000 * (cpu_seconds() - before) / figures.requests)


def median_round(rounds: list[Figures]) -> Figures:
    """The round with the median requests per second (the lower middle one of an even count)."""
    ordered = sorted(rounds, key=lambda figures: figures.rps)
    median = ordered[(len(ordered) - 1) // 2]
    return Figures(
        rps=median.rps,
        p50_ms=median.p50_ms,
        p95_ms=median.p95_ms,
        p99_ms=median.p99_ms,
        requests=sum(figures.requests for figures in rounds),
        failures=sum(figures.failures for figures in rounds),
        cpu_ms=median.cpu_ms,
    )
