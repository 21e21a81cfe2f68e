"""The policy pack ships in the wheel: `inboxed-policy-pack` in a fresh venv prints a folder
inside that venv's site-packages holding the pack, and the build prints no warnings.
(tests/e2e/test_policy_e2e.py runs a real `pulumi preview --policy-pack` with that folder.)
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from .installed_pack import ROOT, InstalledWheel, build_and_install


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InstalledWheel]:
    yield build_and_install(tmp_path_factory.mktemp("wheel"))


def test_build_prints_no_warning(installed: InstalledWheel) -> None:
    assert "Successfully built pulumi-inboxed" in installed.build_output
    assert installed.build_warnings() == [], installed.build_warnings()


def test_inboxed_policy_pack_prints_the_installed_pack(installed: InstalledWheel) -> None:
    result = subprocess.run(
        [str(installed.script("inboxed-policy-pack"))],
        capture_output=True,
        text=True,
        check=False,
        cwd=installed.venv,
    )
    assert result.returncode == 0, result.stderr
    folder = Path(result.stdout.strip()).resolve()
    assert folder.is_relative_to(installed.site_packages), (folder, installed.site_packages)
    assert not folder.is_relative_to(ROOT.resolve())
    assert (folder / "PulumiPolicy.yaml").read_text().startswith("name: inboxed-guardrails")
    assert "pulumi_inboxed.policy.pack import serve" in (folder / "__main__.py").read_text()


def test_the_installed_pack_loads_its_policies(installed: InstalledWheel) -> None:
    """The venv's Python imports the pack's policies from the wheel, not from the checkout."""
    code = (
        "import pulumi_inboxed, pulumi_inboxed.policy.pack as p;"
        "print(pulumi_inboxed.__file__); print(p.PACK_NAME)"
    )
    result = subprocess.run(
        [str(installed.python), "-c", code],
        capture_output=True,
        text=True,
        check=False,
        cwd=installed.venv,  # not the checkout: `-c` puts the working folder first on sys.path
    )
    assert result.returncode == 0, result.stderr
    module_file, name = result.stdout.split()
    assert Path(module_file).resolve().is_relative_to(installed.site_packages)
    assert name == "inboxed-guardrails"
