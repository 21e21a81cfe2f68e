"""Issue 21: "Repeated warnings are grouped into one line with a count." Destroying 15 separate
`MailboxRequest` resources printed 15 near-identical warnings (all dynamic resources of a stack
share one provider process). Now the first of a run, per API, account and reason, is the one
warning; each later one is a short info line naming its own request, with the running count."""

from __future__ import annotations

import re
import threading
import types
from collections.abc import Iterator
from concurrent import futures

import grpc
import pytest
from google.protobuf import empty_pb2
from pulumi.runtime.proto import engine_pb2, engine_pb2_grpc

from pulumi_inboxed.core import engine_log, intents, repeated_warnings
from pulumi_inboxed.core.lifecycle import note, warn
from pulumi_inboxed.inboxedup.mailbox_request import MailboxRequestProvider
from pulumi_inboxed.inboxedup.mailbox_request_collection import MailboxRequestsProvider


@pytest.fixture(autouse=True)
def _new_process(monkeypatch: pytest.MonkeyPatch) -> None:
    """As in a new provider process: no engine connection, no group seen yet."""
    import pulumi.runtime.settings

    monkeypatch.setattr(pulumi.runtime.settings, "get_engine", lambda: None)
    repeated_warnings.reset()


def lines(capsys: pytest.CaptureFixture[str]) -> list[str]:
    return capsys.readouterr().err.splitlines()


def test_fifteen_requests_destroyed_make_one_warning_and_counted_info_lines(
    capsys: pytest.CaptureFixture[str],
) -> None:
    def destroy(i: int) -> None:
        MailboxRequestProvider().delete(
            f"req_{i:02}", {"domain": f"d{i:02}.com", "account": "client-a"}
        )

    threads = [threading.Thread(target=destroy, args=(i,)) for i in range(15)]  # 4 at a time
    for thread in threads:  # in the provider process; here all at once
        thread.start()
    for thread in threads:
        thread.join()
    out = lines(capsys)
    assert len(out) == 15, out  # each request still named, on a line of its own
    warnings = [line for line in out if line.startswith("warning: ")]
    assert len(warnings) == 1, out
    (warning,) = warnings
    assert "InboxedUp has no endpoint to cancel or delete a mailbox request: request req_" in (
        warning
    )
    assert "stays in InboxedUp account 'client-a' (and keeps its slots" in warning
    assert warning.endswith(repeated_warnings.LATER)
    infos = [line for line in out if line.startswith("info: ")]
    assert len(infos) == 14
    assert all(len(line) < 200 and "no endpoint" not in line for line in infos), infos
    assert all(
        line.startswith("info: InboxedUp account 'client-a': mailbox request req_")
        for line in infos
    )
    counts = sorted(
        int(m[1]) for line in infos if (m := re.search(r"\((\d+) requests so far", line))
    )
    assert counts == list(range(2, 16))
    named = {m[1] for line in out if (m := re.search(r"request (req_\d\d)", line))}
    assert named == {f"req_{i:02}" for i in range(15)}


def test_groups_are_per_account_and_collections_join_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    single = MailboxRequestProvider()
    single.delete("req_a1", {"domain": "a1.com", "account": "client-a"})
    single.delete("req_b1", {"domain": "b1.com", "account": "client-b"})
    ids = {f"a{i}.com/smtp": f"req_a{i}" for i in range(2, 5)}
    MailboxRequestsProvider().delete("reqs", {"request_ids": ids, "account": "client-a"})
    single.delete("req_d1", {"domain": "d1.com"})  # the default account: its own group
    first_a, first_b, collection, first_default = lines(capsys)
    assert first_a.startswith("warning: ") and "request req_a1 on a1.com" in first_a
    assert first_b.startswith("warning: ") and "InboxedUp account 'client-b'" in first_b
    assert (
        first_default.startswith("warning: ") and "the default InboxedUp account" in first_default
    )
    assert collection == (
        "info: InboxedUp account 'client-a': 3 more mailbox requests stay in the account: "
        "req_a2 (a2.com/smtp), req_a3 (a3.com/smtp), req_a4 (a4.com/smtp); the resource is "
        "destroyed, so removed from the Pulumi state only (4 requests so far in this run; see "
        "the warning above)"
    )


def test_nothing_left_says_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    MailboxRequestsProvider().delete("reqs", {"request_ids": {}})
    repeated_warnings.warn_repeated(("x",), [], head="-", warning="-", later="-", noun="things")
    assert lines(capsys) == []


# With the engine: what `pulumi destroy` shows. A real gRPC `Engine` server on 127.0.0.1 takes
# the provider's LogRequests, as the engine's host server does; `merged` joins one row's
# payloads of one stream as Pulumi's "Diagnostics:" summary does (each trimmed on the right,
# no separator: `mergeStreamPayloadsToSinglePayload`), and keeps them when the first payload is
# not ephemeral. The e2e test (tests/e2e/test_mailboxes_e2e.py) checks the real CLI.


class Engine(engine_pb2_grpc.EngineServicer):  # type: ignore[misc]
    def __init__(self) -> None:
        self.logs: list[engine_pb2.LogRequest] = []
        self._lock = threading.Lock()

    def Log(self, request: engine_pb2.LogRequest, context: object) -> empty_pb2.Empty:
        with self._lock:
            self.logs.append(request)
        return empty_pb2.Empty()

    def summary(self) -> list[str]:
        """The summary's lines: per row, stream 0 one line per payload, any other stream one
        line (merged), ephemeral payloads left out (a merged stream keeps its first's flag)."""
        rows: dict[str, dict[int, list[engine_pb2.LogRequest]]] = {}
        for log in self.logs:
            rows.setdefault(log.urn, {}).setdefault(log.streamId, []).append(log)
        out: list[str] = []
        for streams in rows.values():
            for stream, logs in streams.items():
                if stream != 0:
                    logs = [logs[0]] if logs[0].ephemeral else logs
                    merged = "".join(log.message.rstrip() for log in logs)
                    logs = [engine_pb2.LogRequest(severity=logs[0].severity, message=merged)]
                out += [
                    f"{engine_pb2.LogSeverity.Name(log.severity).lower()}: {log.message}"
                    for log in logs
                    if not log.ephemeral
                ]
        return out


@pytest.fixture
def engine() -> Iterator[Engine]:
    servicer = Engine()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    engine_pb2_grpc.add_EngineServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    engine_log.use(engine_log.EngineLog(f"127.0.0.1:{port}"))
    try:
        yield servicer
    finally:
        engine_log.forget()
        server.stop(None)


def urn(name: str, kind: str = "MailboxRequest") -> str:
    return f"urn:pulumi:dev::agency::pulumi-python:dynamic/inboxedup:{kind}::{name}"


def delete_request(i: int, account: str | None = "client-a") -> None:
    with intents.handling(urn(f"mailboxes-{i}")):
        MailboxRequestProvider().delete(
            f"req_{i:02}", {"domain": f"d{i:02}.com", "account": account}
        )


def test_fifteen_requests_destroyed_are_one_summary_line_naming_each_with_the_count(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    threads = [threading.Thread(target=delete_request, args=(i,)) for i in range(15)]
    for thread in threads:  # 4 at a time in the provider process; here all at once
        thread.start()
    for thread in threads:
        thread.join()
    assert lines(capsys) == []  # nothing on stderr: all through the engine
    (line,) = engine.summary()
    assert line.startswith(
        "warning: InboxedUp has no endpoint to cancel or delete a mailbox request, so these "
        "stay in InboxedUp account 'client-a' (a request keeps its mailbox slots unless it "
        "failed), removed from the Pulumi state only: #1 req_"
    )
    listed = re.findall(r"#(\d+) (req_\d\d) \((mailboxes-\d+): (d\d\d\.com)\)", line)
    assert [int(n) for n, *_ in listed] == list(range(1, 16))  # the last number: the count
    assert sorted(i for _, i, _, _ in listed) == [f"req_{i:02}" for i in range(15)]
    assert all(r[1][4:] == r[2][10:].zfill(2) == r[3][1:3] for r in listed)
    assert line.endswith(")") and line.count("warning") == 1
    first = engine.logs[0]
    assert (first.severity, first.ephemeral) == (engine_pb2.WARNING, False)
    assert first.urn.endswith(f"::{listed[0][2]}") and first.streamId != 0
    own = [log for log in engine.logs if log.urn != first.urn]
    assert len(own) == 14 and all(log.ephemeral and log.streamId == 0 for log in own)
    for log in own:  # live, on its own row: which number it is in the first one's warning
        name = log.urn.rsplit("::", 1)[1]
        number = next(n for n, _, row, _ in listed if row == name)
        assert log.message.startswith("InboxedUp account 'client-a': mailbox request req_")
        assert log.message.endswith(f"(#{number} in the warning on '{listed[0][2]}')")


def test_a_group_per_account_and_collections_join_it(engine: Engine) -> None:
    delete_request(1)
    delete_request(2, account="client-b")
    ids = {f"a{i}.com/smtp": f"req_a{i}" for i in range(2, 5)}
    with intents.handling(urn("reqs", "MailboxRequests")):
        MailboxRequestsProvider().delete("reqs", {"request_ids": ids, "account": "client-a"})
    delete_request(3, account=None)
    delete_request(4)
    summary = engine.summary()
    assert len(summary) == 3, summary
    client_a, client_b, default = summary
    assert client_a.endswith(
        ": #1 req_01 (mailboxes-1: d01.com), #2 req_a2 (reqs: a2.com/smtp), "
        "#3 req_a3 (reqs: a3.com/smtp), #4 req_a4 (reqs: a4.com/smtp), "
        "#5 req_04 (mailboxes-4: d04.com)"
    )
    assert "stay in InboxedUp account 'client-b'" in client_b
    assert client_b.endswith(": #1 req_02 (mailboxes-2: d02.com)")
    assert "stay in the default InboxedUp account" in default
    collection = next(log for log in engine.logs if log.urn.endswith("::reqs"))
    assert collection.ephemeral
    assert collection.message.endswith("(#2-#4 in the warning on 'mailboxes-1')")


def test_other_warnings_of_the_provider_host_are_lines_of_their_own_on_their_row(
    engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    with intents.handling(urn("batch", "DomainBatch")):
        warn("first")
        note("second")
    warn("on the stack")
    assert [(log.urn, log.streamId, log.ephemeral) for log in engine.logs] == [
        (urn("batch", "DomainBatch"), 0, False),
        (urn("batch", "DomainBatch"), 0, False),
        ("", 0, False),
    ]
    assert engine.summary() == ["warning: first", "info: second", "warning: on the stack"]
    assert lines(capsys) == []


def test_without_the_engine_lines_go_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    engine_log.use(engine_log.EngineLog("127.0.0.1:9"))  # nothing listens: refused
    try:
        warn("kept")
        delete_request(1)
        delete_request(2)
    finally:
        engine_log.forget()
    out = lines(capsys)
    assert out[0] == "warning: kept"
    assert out[1].startswith("warning: InboxedUp has no endpoint") and out[1].endswith(
        repeated_warnings.LATER
    )
    assert out[2].endswith("(2 requests so far in this run; see the warning above)")


def test_the_first_deletes_of_a_process_find_their_urn_on_the_stack() -> None:
    """The first handlers of a process run before `partial_failure.install()` wrapped them:
    the URN is read from the dynamic servicer's handler's `request`."""
    servicer: dict[str, object] = {"__name__": "pulumi.dynamic.__main__"}
    exec(  # a handler as pulumi.dynamic's servicer defines it, in a module of that name
        "def Delete(self, request, context):\n    return handled_urn()\n",
        {**servicer, "handled_urn": engine_log.handled_urn},
        servicer,
    )
    request = types.SimpleNamespace(urn=urn("mailboxes-0"))
    delete = servicer["Delete"]
    assert callable(delete)
    assert delete(None, request, None) == urn("mailboxes-0")
    assert engine_log.handled_urn() == ""
