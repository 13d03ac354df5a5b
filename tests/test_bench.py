"""The benchmark script runs end to end on tiny settings (numbers are not checked here)."""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests import postgres
from tests.conftest import ROOT


def run_bench(out: Path, scenarios: str, *flags: str) -> str:
    """The benchmark at 30 policies for a second per row, no start-up rows: its table."""
    command = [sys.executable, str(ROOT / "bench" / "run.py"), "--counts", "30"]
    command += ["--scenarios", scenarios, "--duration", "1", "--no-startup", "--out", str(out)]
    completed = subprocess.run([*command, *flags], capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    return (out / "results.md").read_text()


@pytest.mark.live
def test_the_benchmark_runs_and_writes_its_table_and_plot(tmp_path: Path) -> None:
    scenarios = "list page_size=20,retrieve,create"
    table = run_bench(tmp_path, scenarios, "--connections", "2", "--load", "python")
    rows = re.findall(r"^\| (list page_size=20|retrieve|create) \| 30 \| ([\d,]+) \|", table, re.M)
    assert [name for name, _ in rows] == ["list page_size=20", "retrieve", "create"]
    assert all(int(rps.replace(",", "")) > 0 for _, rps in rows)
    assert (tmp_path / "latency.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def bench_module() -> Any:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = bench  # dataclasses look their module up there
    spec.loader.exec_module(bench)
    return bench


@pytest.mark.live
@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed")
def test_wrk_scripts_send_the_token_so_creates_and_varied_lists_are_answered(
    tmp_path: Path,
) -> None:
    # create.lua once replaced wrk's headers with its own: every "create" was a 403.
    table = run_bench(tmp_path, "create,list varied at 4 connections")
    failed = dict(
        re.findall(
            r"^\| (create|list varied at 4 connections) \| 30 \|.* ([\d.]+)% \|$", table, re.M
        )
    )
    assert float(failed["create"]) == 0.0, table
    # A varied list fails only for a page past the last (a fifth ask for page 2 or 3);
    # without the token every one would be a 403.
    assert float(failed["list varied at 4 connections"]) < 50, table


@pytest.mark.live
def test_two_replicas_on_postgresql_are_loaded_and_compared(tmp_path: Path) -> None:
    try:
        postgres.binaries()
    except postgres.PostgresUnavailable as missing:
        pytest.skip(str(missing))
    scenario = "create on 2 replicas (PostgreSQL)"
    table = run_bench(tmp_path, scenario, "--connections", "4", "--load", "python")
    assert re.search(
        r"^\| create on 2 replicas \(PostgreSQL\) \| 30 \| [\d,]+ \|.* 0\.0% \|$", table, re.M
    ), table
    assert "the replicas then answer alike | 21 lists compared | yes |" in table


def test_wrk_output_gives_rate_latencies_and_failures() -> None:
    out = """  Latency Distribution
     50%  820.00us
     99%    1.20s
  30284 requests in 15.01s, 312.29MB read
  Non-2xx or 3xx responses: 2478
Requests/sec:   2017.93
"""
    load = bench_module()._wrk_load(out)
    assert (load.rps, load.p50, load.p99) == (2017.93, pytest.approx(0.82), 1200.0)
    assert (load.requests, load.failed) == (30284, 2478)


def test_the_targets_table_names_each_target_met_or_not() -> None:
    bench = bench_module()
    rows = [
        bench.Row("list", 1000, 9000, 3.0, 8.0, 64),
        bench.Row("list page_size=20", 1000, 6000, 1.6, 16.0, 64),
        bench.Row("retrieve", 1000, 13000, 2.0, 5.0, 64),
        bench.Row("create", 1000, 8000, 2.0, 5.0, 64),
        bench.Row("list filters+search+ordering", 100_000, 9000, 3.1, 7.0, 277),
        bench.Row("Prism: list page_size=20", 0, 1000, 22.0, 238.0, 248),
    ]
    starts = [
        ("Event Matcher document", 1.2, 62),
        ("authentik's whole document", 3.4, 108),
        ("github.com/api.github.com.json (cold)", 12.5, 400),
        ("github.com/api.github.com.json (warm)", 2.7, 390),
        ("stripe.com.json (cold)", 6.0, 300),
        ("stripe.com.json (warm)", 1.2, 290),
        ("microsoft.com/graph.json (cold)", 5.0, 500),
        ("microsoft.com/graph.json (warm)", 1.2, 206),
        ("microsoft.com/graph-beta.json (cold)", 9.4, 820),
        ("microsoft.com/graph-beta.json (warm)", 1.9, 311),
    ]
    lines = bench.targets(rows, starts)
    assert lines[2:] == [
        "| list page_size=20 at 1,000: >= 5x Prism | 6.0x | yes |",
        "| list page_size=20 at 1,000: p99 <= 15 ms | 16.0 ms | NO |",
        "| filters+search+ordering at 100,000: p50 <= 25 ms | 3.1 ms | yes |",
        "| retrieve >= list (default page), every size | 1.44x at least | yes |",
        "| create >= list (default page), every size | 0.89x at least | NO |",
        "| start-up, most-mocked documents cold: <= 10 s | 12.5 s | NO |",
        "| start-up, most-mocked documents warm: about 1 s | 2.7 s | NO |",
        "| start-up, largest documents cold: <= 10 s | 9.4 s | yes |",
        "| start-up, largest documents warm: about 1 s | 1.9 s | NO |",
        "| start-up, Event Matcher: <= 1 s | 1.20 s | NO |",
        "| start-up, whole document: <= 5 s, <= 300 MB | 3.40 s, 108 MB | yes |",
    ]
    assert bench.targets([], []) == []
