"""The repository stands on its own: no tracked file points at files outside it.

The API research and the Pulumi runtime notes the project was built from lived next to the
checkout (a `shared` folder beside it); what a user or contributor needs from them is in `docs/`
(`docs/api-sources.md`, `docs/pulumi-runtime.md`). Every tracked text file is read; only binary
files (a NUL byte, or not UTF-8) are skipped.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUTSIDE = re.compile(r"\.\./shared|shared/(seeds|research|PULUMI)")


def tracked_text_files() -> list[Path]:
    listing = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode()
    return [ROOT / name for name in listing.split("\0") if name]


def outside_references(root: Path, paths: list[Path]) -> list[str]:
    found: list[str] = []
    for path in paths:
        if not path.is_file():  # deleted in the work tree, not yet in the index
            continue
        data = path.read_bytes()
        if b"\0" in data:
            continue
        try:
            text = data.decode()
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    return found


def test_no_tracked_file_refers_outside_the_repository() -> None:
    files = tracked_text_files()
    assert len(files) > 50
    found = outside_references(ROOT, files)
    assert not found, "files outside the repository referenced:\n" + "\n".join(found)


def test_the_check_sees_each_form(tmp_path: Path) -> None:
    files = [tmp_path / f"f{i}.md" for i in range(4)]
    shared = "shared/"  # spelled apart, so that this file does not match itself
    files[0].write_text(f"see ../{shared}notes.md\n")
    files[1].write_text(f"x\n{shared}seeds/000_a.txt\n")
    files[2].write_text(f"{shared}research/api-docs.md and {shared}PULUMI-RUNTIME.md\n")
    files[3].write_bytes(f"\0binary ../{shared}".encode())
    found = outside_references(tmp_path, files)
    assert [line.split(":")[:2] for line in found] == [
        ["f0.md", "1"],
        ["f1.md", "2"],
        ["f2.md", "1"],
    ]


def test_the_docs_that_replace_them_exist() -> None:
    for name in ("api-sources.md", "pulumi-runtime.md"):
        assert (ROOT / "docs" / name).read_text().strip()
