"""The acceptance cycle every resource kind goes through, in the order a Pulumi user runs it.

The steps are Terraform's acceptance-test steps, through the real CLI (no `--skip-preview`):

1. `preview` of a fresh stack whose program feeds at least one input from another resource's
   output (inputs arrive unknown here);
2. `up`;
3. `preview --expect-no-changes`;
4. `refresh`, then `preview --expect-no-changes` again;
5. an in-place update (where the API allows one), then no changes again;
6. an out-of-band change made in the sandbox, seen by `refresh` (and put right by `up`);
7. `destroy`;
8. check-destroy: the sandbox holds nothing the stack made and still holds what existed before.

Each step that passes is recorded, per kind, in the file named by `INBOXED_ACCEPTANCE_LOG`
(one JSON line per cell) when that variable is set, for the per-kind matrix in the closing note.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pulumi_inboxed.local_stack import LocalStack

STEPS = ("preview", "up", "no-op", "refresh", "update", "drift", "destroy", "check-destroy")


def record(kinds: Sequence[str], step: str, result: str = "pass") -> None:
    path = os.environ.get("INBOXED_ACCEPTANCE_LOG")
    if not path:
        return
    with open(path, "a", encoding="utf-8") as log:
        for kind in kinds:
            log.write(json.dumps({"kind": kind, "step": step, "result": result}) + "\n")


def expect_no_changes(stack: LocalStack, after: str) -> None:
    result = stack.preview("--expect-no-changes", check=False)
    assert result.returncode == 0, (
        f"preview after {after} expected no changes:\n{(result.stdout + result.stderr)[-5000:]}"
    )


@dataclass
class Cycle:
    """One run of the cycle for the kinds a program declares.

    :param kinds: the resource kinds the program declares (the matrix rows this run fills).
    :param stack: a fresh stack whose config is set; its program must have at least one input
        that is another resource's output.
    :param after_up: checks after the first `up` (objects are in the sandbox as declared).
    :param update: changes the stack's config for an in-place update; `after_update` checks it
        (and that nothing was replaced).
    :param drift: changes one object in the sandbox outside Pulumi; `saw_drift` checks what
        `refresh` recorded. The next `up` puts it back, then no changes again.
    :param check_destroyed: checks the sandbox after `destroy`.
    """

    kinds: Sequence[str]
    stack: LocalStack
    after_up: Callable[[], None]
    drift: Callable[[], None]
    saw_drift: Callable[[], None]
    check_destroyed: Callable[[], None]
    update: Callable[[], None] | None = None
    after_update: Callable[[], None] | None = None
    destroy_args: Sequence[str] = field(default_factory=tuple)

    def run(self) -> None:
        stack = self.stack
        preview = stack.preview()
        assert "create" in preview.stdout, preview.stdout[-3000:]
        record(self.kinds, "preview")

        stack.up()
        self.after_up()
        record(self.kinds, "up")

        expect_no_changes(stack, "up")
        record(self.kinds, "no-op")

        stack.refresh()
        expect_no_changes(stack, "refresh")
        record(self.kinds, "refresh")

        if self.update is not None:
            self.update()
            result = stack.up()
            assert "replace" not in _summary(result.stdout), result.stdout[-3000:]
            if self.after_update is not None:
                self.after_update()
            expect_no_changes(stack, "the update")
            record(self.kinds, "update")
        else:  # the API has no update for this kind: every change replaces (preview says so)
            record(self.kinds, "update", "n/a")

        self.drift()
        stack.refresh()
        self.saw_drift()
        stack.up()
        expect_no_changes(stack, "putting the drift right")
        record(self.kinds, "drift")

        stack.destroy(*self.destroy_args)
        assert stack.resources() == [] or all(
            r.get("type", "").startswith("pulumi:") for r in stack.resources()
        ), "destroy left resources in the state"
        record(self.kinds, "destroy")

        self.check_destroyed()
        record(self.kinds, "check-destroy")


def _summary(stdout: str) -> str:
    """The CLI's closing summary ("Resources: ..."), where replacements are counted."""
    index = stdout.rfind("Resources:")
    return stdout[index:] if index >= 0 else ""


KINDS = (
    "DomainBatch",
    "MailboxRequest",
    "SubscriptionNotes",
    "Domains (buy)",
    "Domains (transfer)",
    "Domains (inboxkit)",
    "Domains (google)",
    "Subdomain",
    "DomainForwarding",
    "EmailForwarding",
    "SmtpMailboxes",
    "GoogleMailboxes",
    "InboxProvider",
    "DomainRegistrar",
    "AzureOrder",
    "InboundDomains",
    "SenderDomain",
)


def matrix(log_path: str) -> str:
    """The kind x step table of what passed, from the log `record()` wrote."""
    cells: dict[tuple[str, str], str] = {}
    with open(log_path, encoding="utf-8") as log:
        for line in log:
            cell = json.loads(line)
            cells[(cell["kind"], cell["step"])] = cell.get("result", "pass")
    kinds = list(KINDS) + sorted({k for k, _ in cells} - set(KINDS))
    rows = ["| kind | " + " | ".join(STEPS) + " |", "|---" * (len(STEPS) + 1) + "|"]
    for kind in kinds:
        marks = [cells.get((kind, step), "-") for step in STEPS]
        rows.append(f"| {kind} | " + " | ".join(marks) + " |")
    return "\n".join(rows)


if __name__ == "__main__":
    import sys

    print(matrix(sys.argv[1]))
