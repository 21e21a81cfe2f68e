"""Build this checkout's wheel and install it into a fresh virtualenv, as a pip user would.

The new venv gets the wheel (`pip --python VENV install --no-deps`) and, for its dependencies, a
`.pth` line naming the project venv's site-packages: no network beyond the build backend pip
fetches (and caches) for the isolated build. Only that `.pth` line is added, so the project venv's
editable finder for `pulumi_inboxed` is not loaded: `pulumi_inboxed` comes from the wheel.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
WARNING_LINE = re.compile(r"warn|deprecat", re.IGNORECASE)
FILE_LISTING = re.compile(r"\s*(copying|adding) ")  # a file named e.g. repeated_warnings.py


@dataclass(frozen=True)
class InstalledWheel:
    venv: Path
    wheel: Path
    build_output: str

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"

    @property
    def site_packages(self) -> Path:
        out = subprocess.run(
            [str(self.python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
            capture_output=True,
            text=True,
            check=True,
            cwd=self.venv,
        ).stdout
        return Path(out.strip()).resolve()

    def script(self, name: str) -> Path:
        return self.venv / "bin" / name

    def build_warnings(self) -> list[str]:
        return [
            line
            for line in self.build_output.splitlines()
            if WARNING_LINE.search(line) and not FILE_LISTING.match(line)
        ]


def copy_source(dest: Path) -> Path:
    """The checkout's files (tracked, or new and not ignored) in `dest`: building there leaves no
    `build/` in the checkout, and no stale file of an earlier build can slip into the wheel."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listing.split("\0")):
        source = ROOT / name
        if source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def build_and_install(tmp: Path) -> InstalledWheel:
    source = copy_source(tmp / "src")
    wheels = tmp / "wheels"
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-v", "--no-deps", "-w", str(wheels), str(source)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    output = build.stdout + build.stderr
    assert build.returncode == 0, output[-4000:]
    (wheel,) = wheels.glob("pulumi_inboxed-*.whl")

    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    installed = InstalledWheel(venv=venv, wheel=wheel, build_output=output)
    project_site = sysconfig.get_path("purelib")
    (installed.site_packages / "project-deps.pth").write_text(project_site + "\n")
    install = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(installed.python),
            "install",
            "--no-deps",
            "--no-index",
            str(wheel),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    return installed
