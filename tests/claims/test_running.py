"""How sizing runs: progress reported, memory capped, and no framework imported."""

import ast
from pathlib import Path

from workbench.claims import SizingOptions, size_claims

PACKAGE = Path(__file__).resolve().parents[2] / "workbench" / "claims"


def test_progress_is_reported_stage_by_stage(hand_extract):
    seen: list[tuple[str, float]] = []

    size_claims(*hand_extract, progress=lambda stage, done: seen.append((stage, done)))

    stages = list(dict.fromkeys(stage for stage, _ in seen))
    assert stages == ["reading members", "reading claims", "summing up"]
    assert all(0 <= done <= 1 for _, done in seen)
    assert seen[-1] == ("summing up", 1.0)


def test_a_small_memory_cap_and_own_spill_folder(hand_extract, tmp_path):
    spill = tmp_path / "spill"
    spill.mkdir()
    options = SizingOptions(memory_limit="64MB", temp_directory=spill, threads=1)

    assert size_claims(*hand_extract, options=options).overall.members == 24


def test_the_package_imports_neither_flask_nor_the_database():
    imported = set()
    for source in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module.split(".")[0])

    assert not imported & {"flask", "flask_sqlalchemy", "sqlalchemy"}
