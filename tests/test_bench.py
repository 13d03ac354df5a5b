"""The benchmark script runs end to end on tiny settings (numbers are not checked here)."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.mark.live
def test_the_benchmark_runs_and_writes_its_table_and_plot(tmp_path: Path) -> None:
    command = [
        sys.executable,
        str(ROOT / "bench" / "run.py"),
        "--counts",
        "30",
        "--scenarios",
        "list page_size=20,retrieve,create",
        "--duration",
        "1",
        "--connections",
        "2",
        "--load",
        "python",
        "--no-startup",
        "--out",
        str(tmp_path),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert completed.returncode == 0, completed.stderr
    table = (tmp_path / "results.md").read_text()
    rows = re.findall(r"^\| (list page_size=20|retrieve|create) \| 30 \| ([\d,]+) \|", table, re.M)
    assert [name for name, _ in rows] == ["list page_size=20", "retrieve", "create"]
    assert all(int(rps.replace(",", "")) > 0 for _, rps in rows)
    assert (tmp_path / "latency.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_targets_table_names_each_target_met_or_not() -> None:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    sys.modules["bench_run"] = bench  # dataclasses look their module up there
    spec.loader.exec_module(bench)
    rows = [
        bench.Row("list", 1000, 9000, 3.0, 8.0, 64),
        bench.Row("list page_size=20", 1000, 6000, 1.6, 16.0, 64),
        bench.Row("retrieve", 1000, 13000, 2.0, 5.0, 64),
        bench.Row("create", 1000, 8000, 2.0, 5.0, 64),
        bench.Row("list filters+search+ordering", 100_000, 9000, 3.1, 7.0, 277),
        bench.Row("Prism: list page_size=20", 0, 1000, 22.0, 238.0, 248),
    ]
    starts = [("Event Matcher document", 1.2, 62), ("authentik's whole document", 3.4, 108)]
    lines = bench.targets(rows, starts)
    assert lines[2:] == [
        "| list page_size=20 at 1,000: >= 5x Prism | 6.0x | yes |",
        "| list page_size=20 at 1,000: p99 <= 15 ms | 16.0 ms | NO |",
        "| filters+search+ordering at 100,000: p50 <= 25 ms | 3.1 ms | yes |",
        "| retrieve >= list (default page), every size | 1.44x at least | yes |",
        "| create >= list (default page), every size | 0.89x at least | NO |",
        "| start-up, Event Matcher: <= 1 s | 1.20 s | NO |",
        "| start-up, whole document: <= 5 s, <= 300 MB | 3.40 s, 108 MB | yes |",
    ]
    assert bench.targets([], []) == []
