"""Time the `workbench` command's start-up by hand: python benchmarks/cli.py [--runs N]

Each command runs as a whole process, as a person types it, on an empty instance folder; the
figures are wall-clock seconds from the process's start to its exit, and the CPU seconds it used
(user + system), which other work on a shared machine does not inflate. Target on a 2-core
machine: `workbench --help` and `workbench rates` under 0.5 s (the median of the runs).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORKBENCH = Path(sys.executable).with_name("workbench")
SCENARIO = ROOT / "examples" / "worked-example.yaml"
TARGET_SECONDS = 0.5
COMMANDS = {
    "workbench --help": ["--help"],
    "workbench rates": ["rates", str(SCENARIO)],
    "workbench rates --compare": ["rates", str(SCENARIO), "--compare"],
    "workbench claims size --help": ["claims", "size", "--help"],
}
TARGETS = ("workbench --help", "workbench rates")


def timed(arguments: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run the command once and return its wall-clock and CPU seconds."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [str(WORKBENCH), *arguments], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"workbench {' '.join(arguments)} failed")
    return time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def main() -> None:
    """Run each command several times and print the fastest and the median."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per command")
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory(prefix="cli-bench-") as instance:
        env = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
        env["WORKBENCH_INSTANCE_PATH"] = instance
        print(
            f"{'command':<30}{'fastest s':>11}{'median s':>10}{'median CPU s':>14}   ({runs} runs)"
        )
        medians = {}
        for name, arguments in COMMANDS.items():
            walls, cpus = zip(*(timed(arguments, env) for _ in range(runs)), strict=True)
            medians[name] = statistics.median(walls)
            cpu = statistics.median(cpus)
            print(f"{name:<30}{min(walls):>11.3f}{medians[name]:>10.3f}{cpu:>14.3f}")
    for name in TARGETS:
        met = "met" if medians[name] < TARGET_SECONDS else "MISSED"
        print(f"  {name} under {TARGET_SECONDS} s: {met}")


if __name__ == "__main__":
    main()
