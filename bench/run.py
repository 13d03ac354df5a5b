"""The benchmark: start the server, load it with wrk, print and save a Markdown table and a
PNG plot of latency against the number of policies.

    .venv/bin/python bench/run.py                       # the full run (make bench)
    .venv/bin/python bench/run.py --counts 1000 --duration 3 --compare prism

It is a script, not a test: numbers depend on the machine. `--load python` swaps wrk for a
small built-in load generator (for smoke tests on machines without wrk).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import shutil
import socket
import string
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the npm helper lives with the tests, which share it
from tests import npm  # noqa: E402
from tests import prism as prism_cli  # noqa: E402
from tests.postgres import Postgres, PostgresUnavailable  # noqa: E402

TOKEN = "ak-mock-admin"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
API = "/api/v3/policies/event_matcher/"
NPM_PACKAGE = "@goauthentik/api@2026.8.3"
NPM_CACHE = ROOT / ".cache" / "npm-goauthentik-api-2026.8.3"
SCENARIOS = {
    "list": "",
    "list page_size=20": "?page_size=20",
    "list filters+search+ordering": (
        "?action=login&execution_logging=false&search=alert&ordering=-name&page_size=20"
    ),
    "list varied at 4 connections": "VARIED",
    "list varied": "VARIED",
    "retrieve": "{pk}/",
    "create": "POST",
    "list varied on 2 replicas (PostgreSQL)": "VARIED",
    "create on 2 replicas (PostgreSQL)": "POST",
}
"""A varied list (`bench/varied.lua`) draws a new search, ordering, filters and page size on
most requests, as a frontend sends them; the repeated ones are answered from the view cache.
The replica rows run two servers sharing one PostgreSQL (`serve --shared`), each loaded with
half the connections; their requests/s is the sum, their latencies the worse replica's."""
VARIED_CONNECTIONS = {
    "list varied at 4 connections": 4,
    "list varied on 2 replicas (PostgreSQL)": 4,
}
REPLICAS = 2


@dataclass
class Row:
    scenario: str
    count: int
    rps: float
    p50: float
    p99: float
    rss: float
    failed: float = 0.0
    """The share of answers that were not 2xx or 3xx, in percent."""
    agreed: bool | None = None
    """Replicas only: whether they then answered the same lists, byte for byte."""


@dataclass
class Load:
    """What one load run measured."""

    rps: float
    p50: float
    p99: float
    requests: int
    failed: int


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid: int) -> float:
    """The resident memory of a process and its children (the workers), in MB."""
    total = 0.0
    children = Path(f"/proc/{pid}/task/{pid}/children")
    for child in children.read_text().split() if children.exists() else []:
        total += rss_mb(int(child))
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return total + int(line.split()[1]) / 1024
    return total


class Server:
    def __init__(
        self, *arguments: str, env: dict[str, str] | None = None, ready: str = API
    ) -> None:
        self.ready = ready
        """The path that answers 200 once the server has started."""
        self.port = free_port()
        self.origin = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable,
            "-m",
            "specdouble",
            "serve",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            *arguments,
        ]
        self.started = time.perf_counter()
        self.process = subprocess.Popen(
            command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
        )
        self.startup = self._wait()

    def _wait(self) -> float:
        """Seconds to the first 200 of `ready`. Until the port takes a connection, only a
        socket is tried: an HTTP client made every 20 ms (its TLS context) took a core's
        half from the server it timed, which on two cores starts beside its document's check."""
        deadline = time.monotonic() + 120
        asked = f"{self.origin}{self.ready}"
        with httpx.Client(headers=AUTH) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError("the server exited during start-up")
                try:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                    if client.get(asked, params={"page_size": 1}).status_code == 200:
                        return time.perf_counter() - self.started
                except (OSError, httpx.HTTPError):
                    pass
                time.sleep(0.02)
        raise RuntimeError("the server did not start within 120 s")

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("installing wrk from Debian's packages ...", file=sys.stderr)
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        sys.exit("bench: wrk is needed (apt-get install wrk), or use --load python")
    return found


def run_wrk(
    url: str, duration: int, connections: int, script: Path | None, *script_args: str
) -> Load:
    command = [
        ensure_wrk(),
        "-t2",
        f"-c{connections}",
        f"-d{duration}s",
        "--latency",
        "-H",
        f"Authorization: Bearer {TOKEN}",
        url,
    ]
    if script:
        command[1:1] = ["-s", str(script)]
        command += ["--", *script_args]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return _wrk_load(out)


def _wrk_load(out: str) -> Load:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    requests = int(re.search(r"(\d+) requests in", out).group(1))
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return Load(
        rps,
        _latency(out, "50%"),
        _latency(out, "99%"),
        requests,
        int(failed.group(1) if failed else 0),
    )


def _latency(out: str, percentile: str) -> float:
    value, unit = re.search(rf"{percentile}\s+([\d.]+)(us|ms|s)", out).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


VARIED_FIELDS = ("name", "action", "app", "model", "client_ip", "pk", "execution_logging")


def varied_query(draw: random.Random) -> dict[str, str]:
    """One list query as `bench/varied.lua` draws them (for the Python load generator)."""
    query = {"page_size": str(draw.randint(5, 100))}
    if draw.random() < 0.6:
        query["search"] = "".join(draw.choices(string.ascii_lowercase, k=draw.randint(2, 5)))
    if draw.random() < 0.7:
        terms = [draw.choice(("", "-")) + draw.choice(VARIED_FIELDS) for _ in range(3)]
        query["ordering"] = ",".join(terms[: draw.randint(1, 3)])
    if draw.random() < 0.4:
        query["action"] = draw.choice(("login", "logout", "model_created", "secret_view"))
    return query


def run_python_load(
    url: str, duration: int, connections: int, post: bool, *, varied: bool = False, tag: str = ""
) -> Load:
    """A small asyncio load generator: enough for smoke tests, slower than wrk."""
    draw = random.Random(7)
    statuses: list[int] = []

    async def main() -> list[float]:
        latencies: list[float] = []
        deadline = time.perf_counter() + duration
        async with httpx.AsyncClient(headers=AUTH) as client:

            async def worker(number: int) -> None:
                sent = 0
                while time.perf_counter() < deadline:
                    sent += 1
                    start = time.perf_counter()
                    if post:
                        body = {"name": f"bench {tag}{number}-{sent}-{start}", "action": "login"}
                        answer = await client.post(url, json=body)
                    elif varied:
                        answer = await client.get(url, params=varied_query(draw))
                    else:
                        answer = await client.get(url)
                    latencies.append((time.perf_counter() - start) * 1000)
                    statuses.append(answer.status_code)

            await asyncio.gather(*(worker(n) for n in range(connections)))
        return latencies

    latencies = sorted(asyncio.run(main()))
    pick = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]  # noqa: E731
    failed = sum(status >= 400 for status in statuses)
    return Load(len(latencies) / duration, pick(0.5), pick(0.99), len(latencies), failed)


def measure(servers: list[Server], scenario: str, args: argparse.Namespace, count: int) -> Row:
    """Load each server with its share of the connections at once, and sum what they did."""
    suffix = SCENARIOS[scenario]
    urls = [f"{server.origin}{API}" for server in servers]
    if suffix == "{pk}/":
        first = httpx.get(f"{urls[0]}?page_size=1", headers=AUTH).json()["results"][0]
        urls = [f"{url}{first['pk']}/" for url in urls]
    elif suffix not in ("POST", "VARIED"):
        urls = [url + suffix for url in urls]
    connections = max(1, VARIED_CONNECTIONS.get(scenario, args.connections) // len(servers))
    with ThreadPoolExecutor(len(urls)) as pool:
        loads = list(
            pool.map(lambda at: load(urls[at], suffix, args, connections, at), range(len(urls)))
        )
    requests = sum(one.requests for one in loads)
    return Row(
        scenario,
        count,
        sum(one.rps for one in loads),
        max(one.p50 for one in loads),
        max(one.p99 for one in loads),
        sum(rss_mb(server.process.pid) for server in servers),
        100 * sum(one.failed for one in loads) / max(1, requests),
    )


def load(url: str, suffix: str, args: argparse.Namespace, connections: int, number: int) -> Load:
    """One load run; `number` sets its new names apart from the other replicas' loads."""
    if args.load == "wrk":
        name = {"POST": "create.lua", "VARIED": "varied.lua"}.get(suffix)
        script = Path(__file__).parent / name if name else None
        return run_wrk(url, args.duration, connections, script, f"r{number}-")
    post, varied = suffix == "POST", suffix == "VARIED"
    return run_python_load(url, args.duration, connections, post, varied=varied, tag=f"r{number}-")


def agree(servers: list[Server]) -> bool:
    """Whether the replicas answer the same lists, byte for byte, once the load is over:
    when wrk stops, the writes it sent last may still be in flight, so the lists are
    compared once every replica has counted the same policies twice in a row."""
    counted: list[set[int]] = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not (
        len(counted) > 1 and counted[-1] == counted[-2] and len(counted[-1]) == 1
    ):
        answers = [httpx.get(f"{s.origin}{API}?page_size=1", headers=AUTH) for s in servers]
        counted.append({answer.json()["pagination"]["count"] for answer in answers})
        time.sleep(0.2)
    draw = random.Random(3)
    queries = [{"page_size": "100", "ordering": "-last_updated"}]
    queries += [varied_query(draw) for _ in range(20)]
    for query in queries:
        answers = {
            httpx.get(f"{s.origin}{API}", params=query, headers=AUTH).content for s in servers
        }
        if len(answers) > 1:
            return False
    return True


def start_all(flags: list[str], replicas: int) -> list[Server]:
    """`replicas` servers with the same flags, started side by side."""
    with ThreadPoolExecutor(replicas) as pool:
        return list(pool.map(lambda _: Server(*flags), range(replicas)))


class SharedStore:
    """A real PostgreSQL for the replica rows (started on first use, stopped with `stack`),
    with a new database for each row."""

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack
        self._server: Postgres | None = None
        self._made = 0
        self.missing = ""

    def database(self) -> str | None:
        if self._server is None and not self.missing:
            try:
                self._server = Postgres()
                self._stack.callback(self._server.stop)
            except (PostgresUnavailable, RuntimeError) as error:
                self.missing = str(error)
        if self._server is None:
            return None
        self._made += 1
        name = f"bench_{self._made}"
        with psycopg.connect(self._server.url, autocommit=True) as connection:
            connection.execute(f"CREATE DATABASE {name}")
        return self._server.url.rsplit("/", 1)[0] + f"/{name}"


def startup(
    label: str,
    *arguments: str,
    env: dict[str, str] | None = None,
    ready: str = API,
    runs: int = 1,
) -> tuple[str, float, float]:
    """A start's time to its first 200 and the server's memory then; with `runs`, the median
    of as many starts (one start on this shared machine varies by a third)."""
    measured: list[tuple[float, float]] = []
    for _ in range(runs):
        server = Server(*arguments, env=env, ready=ready)
        try:
            measured.append((server.startup, rss_mb(server.process.pid)))
        finally:
            server.stop()
    seconds, rss = sorted(measured)[len(measured) // 2]
    return label, seconds, rss


WARM_RUNS = 3
"""Warm starts are the median of three; a cold one is the first start, once."""


HEALTH = "/_mock/health"
COLD, WARM = "(cold)", "(warm)"


def compile_package() -> None:
    """The package's bytecode written, as pip writes it for an installed package: an editable
    install under PYTHONDONTWRITEBYTECODE would compile every module at every start (a third of
    a second) and the start-ups would time the compiler."""
    import compileall

    compileall.compile_dir(ROOT / "specdouble", quiet=1)


STARTUP_SECTIONS = {"popular": "most-mocked documents", "largest": "largest documents"}
"""The directory's documents whose start the benchmark times (`tests/corpus/documents.yaml`'s
sections), by the name its targets give them."""


def document_startups(section: str) -> list[tuple[str, float, float]]:
    """Each document of `section` (`STARTUP_SECTIONS`), started with an empty document cache
    (cold: parsed and checked) and then again (warm: the median of three)."""
    import tempfile

    from tests.corpus import judge

    rows: list[tuple[str, float, float]] = []
    for entry in judge.entries(section):
        try:
            path = judge.obtain(entry)
        except OSError as error:
            print(f"{entry.name}: skipped, {error}", file=sys.stderr)
            continue
        with tempfile.TemporaryDirectory() as cache:
            env = {**os.environ, "XDG_CACHE_HOME": cache}
            for when in (COLD, WARM):
                label = f"{entry.name.removeprefix('directory/')} {when}"
                try:
                    runs = WARM_RUNS if when == WARM else 1
                    rows.append(
                        startup(label, "--spec", str(path), env=env, ready=HEALTH, runs=runs)
                    )
                except RuntimeError as error:
                    print(f"{label}: {error}", file=sys.stderr)
    return rows


def section_names(section: str) -> set[str]:
    """The start-up rows' names of `section`'s documents."""
    from tests.corpus import judge

    return {entry.name.removeprefix("directory/") for entry in judge.entries(section)}


def whole_document() -> Path | None:
    try:
        modules = npm.install(NPM_PACKAGE, NPM_CACHE)
    except npm.NpmUnavailable:
        return None
    return modules / "@goauthentik" / "api" / "schema.yml"


def prism(args: argparse.Namespace) -> Row | None:
    """Prism (`@stoplight/prism-cli` from npm) mocking our document, for the same list call."""
    port = free_port()
    spec = ROOT / "specdouble" / "builtin" / "authentik-event-matcher.yaml"
    process = subprocess.Popen(
        prism_cli.command(spec, port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/policies/event_matcher/?page_size=20"
    try:
        for _ in range(300):
            try:
                httpx.get(url, headers=AUTH)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        measured = run_wrk(url, args.duration, args.connections, None)
        return Row(
            "Prism: list page_size=20",
            0,
            measured.rps,
            measured.p50,
            measured.p99,
            rss_mb(process.pid),
            100 * measured.failed / max(1, measured.requests),
        )
    finally:
        process.terminate()
        process.wait(timeout=10)


def table(
    rows: list[Row], starts: list[tuple[str, float, float]], extra: list[str], workers: int
) -> str:
    lines = [
        f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}; load: wrk -t2 -c32 on the same machine (-c4 for "
        '"list varied at 4 connections" and "list varied on 2 replicas"); '
        f"server processes: {workers}.",
        "",
        "| scenario | policies | requests/s | p50 ms | p99 ms | server RSS MB | not 2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        count = f"{row.count:,}" if row.count else "-"
        lines.append(
            f"| {row.scenario} | {count} | {row.rps:,.0f} | {row.p50:.1f} | "
            f"{row.p99:.1f} | {row.rss:.0f} | {row.failed:.1f}% |"
        )
    if starts:
        lines += [
            "",
            "| start-up (process start to first 200) | seconds | RSS MB |",
            "| --- | ---: | ---: |",
        ]
        lines += [f"| {label} | {seconds:.2f} | {rss:.0f} |" for label, seconds, rss in starts]
    return "\n".join(lines + (["", *extra] if extra else [])) + "\n"


def targets(rows: list[Row], starts: list[tuple[str, float, float]]) -> list[str]:
    """The performance issue's targets against what this run measured (those it measured)."""
    found = {(r.scenario, r.count): r for r in rows}
    checks: list[tuple[str, str, bool]] = []
    page = found.get(("list page_size=20", 1000))
    prism_row = next((r for r in rows if r.scenario.startswith("Prism")), None)
    if page and prism_row:
        ratio = page.rps / prism_row.rps
        checks.append(("list page_size=20 at 1,000: >= 5x Prism", f"{ratio:.1f}x", ratio >= 5))
    if page:
        checks.append(
            ("list page_size=20 at 1,000: p99 <= 15 ms", f"{page.p99:.1f} ms", page.p99 <= 15)
        )
    searched = found.get(("list filters+search+ordering", 100_000))
    if searched:
        checks.append(
            (
                "filters+search+ordering at 100,000: p50 <= 25 ms",
                f"{searched.p50:.1f} ms",
                searched.p50 <= 25,
            )
        )
    for scenario, connections in (("list varied at 4 connections", 4),):
        varied = found.get((scenario, 100_000))
        if varied:
            checks.append(
                (
                    f"varied list at 100,000, {connections} connections: p50 <= 15, p99 <= 60 ms",
                    f"{varied.p50:.1f} / {varied.p99:.1f} ms",
                    varied.p50 <= 15 and varied.p99 <= 60,
                )
            )
    for row in rows:
        if row.agreed is not None:
            checks.append(
                (
                    f"{row.scenario} at {row.count:,}: the replicas then answer alike",
                    "21 lists compared",
                    row.agreed,
                )
            )
    for scenario in ("retrieve", "create"):
        ratios = [
            found[(scenario, count)].rps / found[("list", count)].rps
            for (name, count) in found
            if name == scenario and ("list", count) in found
        ]
        if ratios:
            checks.append(
                (
                    f"{scenario} >= list (default page), every size",
                    f"{min(ratios):.2f}x at least",
                    min(ratios) >= 1,
                )
            )
    for section, title in STARTUP_SECTIONS.items():
        names = section_names(section)
        timed = [
            (label, seconds)
            for label, seconds, _ in starts
            if label.endswith((COLD, WARM)) and label.rsplit(" ", 1)[0] in names
        ]
        colds = [seconds for label, seconds in timed if label.endswith(COLD)]
        warms = [seconds for label, seconds in timed if label.endswith(WARM)]
        if colds:
            cold = max(colds)
            checks.append((f"start-up, {title} cold: <= 10 s", f"{cold:.1f} s", cold <= 10))
        if warms:
            warm = max(warms)
            checks.append((f"start-up, {title} warm: about 1 s", f"{warm:.1f} s", warm <= 1.5))
    for label, seconds, rss in starts:
        if label.startswith("Event Matcher"):
            checks.append(("start-up, Event Matcher: <= 1 s", f"{seconds:.2f} s", seconds <= 1))
        elif label.startswith("authentik's whole"):
            checks.append(
                (
                    "start-up, whole document: <= 5 s, <= 300 MB",
                    f"{seconds:.2f} s, {rss:.0f} MB",
                    seconds <= 5 and rss <= 300,
                )
            )
    if not checks:
        return []
    lines = ["| target | this run | met |", "| --- | ---: | :---: |"]
    lines += [f"| {name} | {value} | {'yes' if met else 'NO'} |" for name, value, met in checks]
    return lines


def plot(rows: list[Row], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(8, 5))
    for scenario in SCENARIOS:
        points = sorted((r.count, r.p50, r.p99) for r in rows if r.scenario == scenario)
        if points:
            counts = [p[0] for p in points]
            line = axis.plot(counts, [p[1] for p in points], marker="o", label=f"{scenario} p50")
            axis.plot(
                counts,
                [p[2] for p in points],
                marker="x",
                linestyle="--",
                color=line[0].get_color(),
                label=f"{scenario} p99",
            )
    axis.set_xscale("log")
    axis.set_xlabel("policies")
    axis.set_ylabel("latency (ms)")
    axis.set_title("mock-server latency against data size (wrk -t2 -c32)")
    axis.legend(fontsize=7)
    axis.grid(True, alpha=0.3)
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", default="1000,10000,100000")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--load", choices=["wrk", "python"], default="wrk")
    parser.add_argument("--compare", choices=["prism"], help="also load Prism on our document")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up rows")
    parser.add_argument(
        "--no-popular",
        action="store_true",
        help="skip the directory documents' start-up (the most-mocked and the largest)",
    )
    parser.add_argument("--workers", type=int, default=1, help="server worker processes")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent)
    parser.add_argument(
        "--server-arg",
        action="append",
        default=[],
        help="one more argument for the server (repeatable), e.g. --server-arg=--journal=0",
    )
    args = parser.parse_args()
    counts = [int(c) for c in args.counts.split(",")]
    scenarios = [s.strip() for s in args.scenarios.split(",")]
    unknown = [s for s in scenarios if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenarios {unknown}; known: {', '.join(SCENARIOS)}")
    rows: list[Row] = []
    extra: list[str] = []
    with ExitStack() as stack:
        shared = SharedStore(stack)
        for count in counts:
            for scenario in scenarios:
                flags = ["--count", str(count), "--seed", "1", "--workers", str(args.workers)]
                flags += args.server_arg
                replicated = "replicas" in scenario
                if replicated:
                    url = shared.database()
                    if url is None:
                        print(f"{scenario}: skipped, {shared.missing}", file=sys.stderr)
                        continue
                    flags += ["--shared", url]
                servers = start_all(flags, REPLICAS if replicated else 1)
                try:
                    rows.append(measure(servers, scenario, args, count))
                    if replicated:
                        rows[-1].agreed = agree(servers)
                    print(f"{scenario} @ {count}: {rows[-1].rps:,.0f} req/s", file=sys.stderr)
                finally:
                    for server in servers:
                        server.stop()
    starts: list[tuple[str, float, float]] = []
    if not args.no_startup:
        compile_package()
        starts.append(startup("Event Matcher document", "--count", "150", runs=WARM_RUNS))
        document = whole_document()
        if document is not None:
            startup("warm the document cache", "--spec", str(document))
            starts.append(
                startup(
                    "authentik's whole document (cache warm)",
                    "--spec",
                    str(document),
                    runs=WARM_RUNS,
                )
            )
        if not args.no_popular:
            for section in STARTUP_SECTIONS:
                starts += document_startups(section)
    if args.compare == "prism":
        theirs = prism(args)
        ours = next(
            (r for r in rows if r.scenario == "list page_size=20" and r.count == 1000), None
        )
        if theirs:
            rows.append(theirs)
            if ours:
                extra.append(
                    f"List page_size=20 at 1,000 policies: {ours.rps / theirs.rps:.1f} "
                    "times Prism's requests/s in the same run."
                )
    goals = targets(rows, starts)
    if goals:
        extra += ["", *goals]
    text = table(rows, starts, extra, args.workers)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.md").write_text(text)
    (args.out / "results.json").write_text(json.dumps([r.__dict__ for r in rows], indent=2))
    plot(rows, args.out / "latency.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
