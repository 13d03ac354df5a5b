"""The benchmark script runs end to end on tiny settings (numbers are not checked here)."""

from __future__ import annotations

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
