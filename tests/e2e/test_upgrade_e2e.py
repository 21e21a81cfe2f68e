"""Upgrade test, in the style of Pulumi's providertest upgrade tests: a stack created by the
previous release is taken over by the current code without disturbing it.

The previous release is the last version tag before HEAD (the one before, when HEAD itself is
tagged; `INBOXED_UPGRADE_FROM=<tag>` names another). A clone without tags (CI's) finds it by the
commit its CHANGELOG.md heading names. Its `pulumi_inboxed` is extracted with
`git archive` and put first on the import path of the program and of the provider process for
`pulumi up`. Then, with the current code:

1. `pulumi preview --expect-no-changes`: no change, no replacement;
2. `pulumi refresh` keeps every resource, and the preview after it shows no change either;
3. every `__provider` in the state names a provider class of the current package (module and
   class, resolved by unpickling it) and holds no code;
4. `pulumi destroy` deletes, with the current code, what the previous release created: the
   sandbox holds what it held before the stack.

The program (programs/upgrade) declares, in one stack, every collection of the previous release
and one resource of each single kind (15 kinds for 0.2.0).
"""

from __future__ import annotations

import base64
import importlib
import io
import json
import os
import pickletools
import re
import secrets
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import dill
import pulumi.dynamic as dyn
import pytest

from pulumi_inboxed.adopt.cli import READERS
from pulumi_inboxed.adopt.progress import Progress
from pulumi_inboxed.local_stack import LocalStack, PulumiCLI
from pulumi_inboxed.sandbox import SandboxProcess

from .acceptance import expect_no_changes

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
PROGRAM = Path(__file__).parent / "programs" / "upgrade"
TAG_PATTERN = "v[0-9]*"
RELEASE_HEADING = re.compile(
    r"^## \S+ \(.*?tag `(v[^`]+)`, commit `([0-9a-f]{40})`\)", re.MULTILINE
)
MAILIN_TOKEN = "mailin-sandbox-token"
MAILCHANNELS_KEY = "mc-sandbox-key"
PINGRAM_KEY = "pingram_sk_sandbox"
NO_TAG = (
    "no release before HEAD in {root}: the upgrade test needs the previous release, found by "
    "its tag ({pattern}) or by the commit its CHANGELOG.md heading names. Fetch the tags "
    "(`git fetch --tags`; in a shallow CI checkout `git fetch --tags --unshallow`, or "
    "actions/checkout with `fetch-depth: 0`) or name one with INBOXED_UPGRADE_FROM=<tag>. "
    "({detail})"
)


def _git(*args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise LookupError(result.stderr.strip() or f"git {' '.join(args)} failed")
    return result.stdout.strip()


def _released_commits() -> list[tuple[str, str]]:
    """(tag, commit) of every release CHANGELOG.md names, newest first."""
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    return RELEASE_HEADING.findall(text)


def _is_previous(commit: str) -> bool:
    """`commit` is in this clone, before HEAD and not HEAD itself."""
    try:
        _git("cat-file", "-e", f"{commit}^{{commit}}")
        _git("merge-base", "--is-ancestor", commit, "HEAD")
    except LookupError:
        return False
    return _git("rev-parse", "HEAD") != commit


def previous_release() -> tuple[str, str]:
    """(name, git revision) of the previous release: the last version tag before HEAD (the one
    before it when HEAD is itself tagged); in a clone without tags, the newest release whose
    commit CHANGELOG.md names and HEAD descends from. Fails (never skips) without one."""
    named = os.environ.get("INBOXED_UPGRADE_FROM")
    if named:
        return named, named
    try:
        tag = _git("describe", "--tags", "--abbrev=0", f"--match={TAG_PATTERN}", "HEAD")
        if _git("rev-parse", f"{tag}^{{commit}}") == _git("rev-parse", "HEAD"):
            tag = _git("describe", "--tags", "--abbrev=0", f"--match={TAG_PATTERN}", "HEAD^")
        return tag, tag
    except LookupError as exc:
        no_tag = str(exc)
    listed = _released_commits()
    for tag, commit in listed:
        if _is_previous(commit):
            return tag, commit
    shallow = _git("rev-parse", "--is-shallow-repository") == "true"
    pytest.fail(
        NO_TAG.format(
            pattern=TAG_PATTERN,
            root=ROOT,
            detail=f"{no_tag}; CHANGELOG.md names {len(listed)} release commit(s), none of them "
            f"in this clone before HEAD{' (the clone is shallow)' if shallow else ''}",
        )
    )


def extract_package(revision: str, into: Path) -> Path:
    """`pulumi_inboxed` as it was at `revision`, under `into` (to put first on PYTHONPATH)."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "pulumi_inboxed"],
        capture_output=True,
        check=True,
    ).stdout
    into.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into


@pytest.fixture(scope="module")
def upgrade_sandbox() -> Iterator[tuple[SandboxProcess, str]]:
    token = "iu_" + secrets.token_hex(20)
    args = ["--mailin-job-seconds", "0.3", "--mailin-azure-seconds", "0.5"]
    args += ["--mailin-upload-seconds", "1200", "--pingram-verify-seconds", "0.5"]
    with SandboxProcess(
        queued_seconds=0.6, pending_ns_seconds=1.5, tokens=[token], extra_args=args, lifetime=1800
    ) as process:
        yield process, token


def estate(config: Mapping[str, str]) -> dict[str, dict[str, int]]:
    """What each API's account holds, counted by what `inboxed adopt` reads."""
    progress = Progress(io.StringIO())
    return {api: dict(read(config, None, progress).counts) for api, read in READERS.items()}


def provider_globals(pickled: bytes) -> list[str]:
    """Every global a pickle refers to (`module qualname`): what unpickling imports."""
    found, strings = [], []
    for opcode, arg, _pos in pickletools.genops(pickled):
        if opcode.name == "GLOBAL":
            found.append(str(arg))
        elif opcode.name == "STACK_GLOBAL":
            found.append(" ".join(strings[-2:]))
        elif isinstance(arg, str):
            strings.append(arg)
    return found


def check_providers(deployment: Mapping[str, Any]) -> set[str]:
    """Each resource's `__provider` unpickles, with the current code, to a provider of this
    package, and refers to nothing but its class (no code, no function, no other object)."""
    named = set()
    for resource in deployment["resources"]:
        provider = resource.get("inputs", {}).get("__provider")
        if provider is None:
            continue
        name = resource["urn"].rsplit("::", 1)[-1]
        if isinstance(provider, dict):  # a secret, shown: {"<signature>": ..., "plaintext": JSON}
            provider = json.loads(provider["plaintext"])
        pickled = base64.b64decode(provider)
        refs = provider_globals(pickled)
        assert len(refs) == 1 and refs[0].startswith("pulumi_inboxed."), (name, refs)
        assert b"_create_code" not in pickled and b"CodeType" not in pickled, name
        loaded = dill.loads(pickled)
        assert isinstance(loaded, dyn.ResourceProvider), (name, type(loaded))
        # the class the state names, by the module it names (a module renamed since keeps its
        # old path importable: the same class, now defined in the new module)
        module, qualname = refs[0].split(" ")
        assert getattr(importlib.import_module(module), qualname) is type(loaded), name
        assert vars(loaded) == {}, (name, sorted(vars(loaded)))
        named.add(refs[0])
    return named


def test_a_stack_made_by_the_previous_release_is_unchanged_refreshed_and_destroyed_by_this_one(
    pulumi_bin: Path, upgrade_sandbox: tuple[SandboxProcess, str], tmp_path: Path
) -> None:
    started = time.monotonic()
    sandbox, token = upgrade_sandbox
    tag, revision = previous_release()
    old_code = extract_package(revision, tmp_path / "release" / tag)

    settings = {
        "inboxedup:baseUrl": sandbox.url,
        "inboxedup:pollIntervalSeconds": "0.2",
        "mailin:baseUrl": sandbox.mailin_url,
        "mailin:pollIntervalSeconds": "0.2",
        "mailchannels:baseUrl": sandbox.mailchannels_url,
        "pingram:baseUrl": sandbox.pingram_url,
        "upg:prefix": "upg",
    }
    credentials = {
        "inboxedup:apiToken": token,
        "mailin:apiToken": MAILIN_TOKEN,
        "mailchannels:apiKey": MAILCHANNELS_KEY,
        "pingram:apiKey": PINGRAM_KEY,
        "upg:registrarKey": "pk1-UPGRADE-KEY",
        "upg:registrarSecret": "sk1-UPGRADE-SECRET",
        "upg:providerKey": "SL-UPGRADE-KEY",
    }
    # the collections and kinds the release has: MailboxRequests came after 0.1.0
    has_mailbox_requests = (old_code / "pulumi_inboxed/inboxedup/mailbox_requests.py").exists()
    settings["upg:mailboxRequests"] = str(has_mailbox_requests).lower()
    before = estate({**settings, **credentials})

    # its own CLI home and backend: the state's secrets are read below, and no other test's
    # transcript may hold them
    cli = PulumiCLI(home=tmp_path / "home", backend_dir=tmp_path / "state", bin_dir=pulumi_bin)
    project = tmp_path / "upgrade"
    shutil.copytree(PROGRAM, project)
    released = replace(cli, extra_env={"PYTHONPATH": str(old_code)}, transcript=[])
    old = LocalStack(released, project, "upgrade").init()
    for key, value in settings.items():
        old.set_config(key, value)
    for key, value in credentials.items():
        old.set_config(key, value, secret=True)
    old.up()
    made = {r["urn"]: r for r in old.resources() if "__provider" in r.get("inputs", {})}
    assert len(made) == 15 + has_mailbox_requests, sorted(made)
    # the program and the provider ran the release's code: the same interpreter, in the same
    # environment, imports the package from the extracted release
    imported = subprocess.run(
        [sys.executable, "-c", "import pulumi_inboxed; print(pulumi_inboxed.__file__)"],
        env=released.env(),
        cwd=project,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(imported).is_relative_to(old_code), imported
    made_at = time.monotonic()

    stack = LocalStack(cli, project, "upgrade")
    result = stack.preview("--expect-no-changes", check=False)
    assert result.returncode == 0, (
        f"the current code changes a stack {tag} made:\n{(result.stdout + result.stderr)[-6000:]}"
    )
    assert "replace" not in result.stdout, result.stdout[-6000:]

    stack.refresh()
    assert {r["urn"] for r in stack.resources() if "__provider" in r.get("inputs", {})} == set(
        made
    ), "refresh with the current code lost resources the previous release made"
    expect_no_changes(stack, f"refresh of a stack {tag} made")

    exported = subprocess.run(  # not through cli.run: no transcript holds the decrypted state
        [str(pulumi_bin / "pulumi"), "stack", "export", "--show-secrets", "--stack", "upgrade"],
        cwd=project,
        env=cli.env(),
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    classes = check_providers(json.loads(exported)["deployment"])
    assert len(classes) >= 12, sorted(classes)

    destroyed = stack.destroy()
    assert not [r for r in stack.resources() if not r.get("type", "").startswith("pulumi:")]
    after = estate({**settings, **credentials})
    # InboxedUp has no endpoint to cancel a mailbox request: the requested mailboxes stay, as
    # the destroy says (the only objects the stack leaves, in every version)
    assert "no endpoint to cancel or delete a mailbox request" in destroyed.stdout
    after["inboxedup"]["mailboxes"] -= 1 + has_mailbox_requests
    assert after == before, "destroy left objects in the sandbox"
    print(
        f"upgrade from {tag}: {time.monotonic() - started:.0f} s "
        f"({made_at - started:.0f} s with {tag}'s code)"
    )
