"""The sandbox's control API (``/_sandbox/*``) only answers its own clients: a per-process control
token, no cross-origin requests, JSON bodies on writes. Driven over real sockets, in a child
process on 127.0.0.1, the way a web page the user has open would reach it."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pulumi_inboxed.inboxedup import endpoints
from pulumi_inboxed.sandbox import SandboxControl, SandboxProcess
from pulumi_inboxed.sandbox.control import CONTROL_TOKEN_ENV, CONTROL_TOKEN_HEADER

API_TOKEN = "control-test-token"
EVIL_ORIGIN = "http://evil.example"


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SandboxProcess]:
    state = tmp_path_factory.mktemp("sandbox-control") / "state.db"
    with SandboxProcess(state, tokens=[API_TOKEN], lifetime=120) as process:
        yield process


@pytest.fixture
def seeded(sandbox: SandboxProcess) -> Iterator[SandboxProcess]:
    """A sandbox with something a reset would wipe: one pending fault and one counted request."""
    sandbox.control.reset()
    sandbox.control.add_fault(503, count=5, path_prefix="/nowhere")
    httpx.get(sandbox.url + endpoints.ACCOUNT.path, headers=bearer(), timeout=10)
    yield sandbox
    sandbox.control.reset()


def bearer() -> dict[str, str]:
    return {"Authorization": f"Bearer {API_TOKEN}"}


def raw(sandbox: SandboxProcess, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """A request straight to the socket, with only the headers given (no control token)."""
    return httpx.request(method, sandbox.url + "/_sandbox" + path, timeout=10, **kwargs)


def assert_untouched(sandbox: SandboxProcess) -> None:
    """The fault and the counted request of ``seeded`` are still there: nothing was reset."""
    assert [rule["status"] for rule in sandbox.control.faults()] == [503]
    assert sandbox.control.total_requests() >= 1


def test_no_control_token_is_401_and_changes_nothing(seeded: SandboxProcess) -> None:
    for method, path in (
        ("POST", "/reset"),
        ("POST", "/stats/reset"),
        ("DELETE", "/faults"),
        ("GET", "/stats"),
        ("GET", "/health"),
    ):
        response = raw(seeded, method, path, json={})
        assert response.status_code == 401, (method, path, response.text)
        assert response.json()["error"]["code"] == "UNAUTHORIZED"
        assert CONTROL_TOKEN_HEADER in response.json()["error"]["message"]
    assert_untouched(seeded)


def test_wrong_control_token_is_401(seeded: SandboxProcess) -> None:
    wrong = {CONTROL_TOKEN_HEADER: seeded.control_token + "x"}
    response = raw(seeded, "POST", "/reset", json={}, headers=wrong)
    assert response.status_code == 401
    assert seeded.control_token not in response.text
    # The API's own bearer token is not a control token either.
    assert raw(seeded, "POST", "/reset", json={}, headers=bearer()).status_code == 401
    assert_untouched(seeded)


def test_cross_origin_text_plain_post_is_refused(seeded: SandboxProcess) -> None:
    """What a web page can send without a CORS preflight: a text/plain POST with its Origin."""
    simple = {"Origin": EVIL_ORIGIN, "Content-Type": "text/plain"}
    for path, body in (("/reset", "{}"), ("/faults", '{"status": 500, "count": 1}')):
        response = raw(seeded, "POST", path, content=body, headers=simple)
        assert response.status_code in (401, 403), response.text
    # Even holding the token, a foreign page is refused: 403 before anything runs.
    with_token = {**simple, CONTROL_TOKEN_HEADER: seeded.control_token}
    response = raw(seeded, "POST", "/reset", content="{}", headers=with_token)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "FORBIDDEN"
    assert_untouched(seeded)


@pytest.mark.parametrize(
    "origin",
    [
        EVIL_ORIGIN,
        "null",
        "http://localhost:1",
        "https://127.0.0.1",
        "http://127.0.0.1.evil.example",
    ],
)
def test_any_foreign_origin_is_403(seeded: SandboxProcess, origin: str) -> None:
    headers = {"Origin": origin, CONTROL_TOKEN_HEADER: seeded.control_token}
    assert raw(seeded, "POST", "/reset", json={}, headers=headers).status_code == 403
    assert raw(seeded, "GET", "/stats", headers=headers).status_code == 403
    assert_untouched(seeded)


def test_cross_site_fetch_metadata_is_403(seeded: SandboxProcess) -> None:
    headers = {"Sec-Fetch-Site": "cross-site", CONTROL_TOKEN_HEADER: seeded.control_token}
    assert raw(seeded, "POST", "/reset", json={}, headers=headers).status_code == 403
    assert_untouched(seeded)


def test_own_origin_with_token_and_json_is_served(seeded: SandboxProcess) -> None:
    port = seeded.port
    for origin in (f"http://127.0.0.1:{port}", f"http://localhost:{port}"):
        headers = {"Origin": origin, CONTROL_TOKEN_HEADER: seeded.control_token}
        response = raw(seeded, "GET", "/faults", headers=headers)
        assert response.status_code == 200, response.text
    headers = {
        "Origin": f"http://127.0.0.1:{port}",
        "Sec-Fetch-Site": "same-origin",
        CONTROL_TOKEN_HEADER: seeded.control_token,
    }
    assert raw(seeded, "POST", "/reset", json={}, headers=headers).status_code == 200
    assert seeded.control.faults() == []


def test_non_json_write_is_415_and_changes_nothing(seeded: SandboxProcess) -> None:
    token = {CONTROL_TOKEN_HEADER: seeded.control_token}
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data"):
        headers = {**token, "Content-Type": content_type}
        response = raw(seeded, "POST", "/reset", content="{}", headers=headers)
        assert response.status_code == 415, (content_type, response.text)
        fault = '{"status": 500, "count": 1}'
        response = raw(seeded, "POST", "/faults", content=fault, headers=headers)
        assert response.status_code == 415
    # No Content-Type at all is not JSON either.
    assert raw(seeded, "DELETE", "/faults", headers=token).status_code == 415
    assert_untouched(seeded)
    # A JSON write with the token (charset parameter allowed) goes through.
    headers = {**token, "Content-Type": "application/json; charset=utf-8"}
    assert raw(seeded, "DELETE", "/faults", content="{}", headers=headers).status_code == 200
    assert seeded.control.faults() == []


def test_api_routes_need_no_control_token(seeded: SandboxProcess) -> None:
    """The guard is on /_sandbox only: the simulated APIs answer as before."""
    response = httpx.get(seeded.url + endpoints.ACCOUNT.path, headers=bearer(), timeout=10)
    assert response.status_code == 200
    response = httpx.get(seeded.url + endpoints.ACCOUNT.path, timeout=10)
    assert response.status_code == 401  # the API's own auth, unchanged


def test_token_is_random_per_process_written_0600_and_printed(seeded: SandboxProcess) -> None:
    token = seeded.control_token
    assert len(token) >= 32
    mode = stat.S_IMODE(os.stat(seeded.control_token_file).st_mode)
    assert mode == 0o600
    assert seeded.control_token_file.read_text(encoding="utf-8").strip() == token
    assert token in seeded.log_tail()
    assert token not in str(seeded.control.settings())
    with SandboxProcess(lifetime=60) as other:
        assert other.control_token != token
        assert other.control.health() == {"status": "ok"}


def test_restart_reads_the_new_token(tmp_path: Any) -> None:
    with SandboxProcess(tmp_path / "state.db", lifetime=60) as process:
        first = process.control_token
        process.restart()
        assert process.control_token != first
        assert process.control.health() == {"status": "ok"}


def test_token_fixed_by_flag_or_env(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    fixed = "my-scripted-control-token-0123456789"
    with SandboxProcess(lifetime=60, extra_args=["--control-token", fixed]) as process:
        assert process.control_token == fixed
        headers = {CONTROL_TOKEN_HEADER: fixed}
        assert raw(process, "GET", "/health", headers=headers).status_code == 200
    from_env = "env-control-token-9876543210abcdef"
    monkeypatch.setenv(CONTROL_TOKEN_ENV, from_env)
    with SandboxProcess(lifetime=60) as process:
        assert process.control_token == from_env
        # A SandboxControl built by hand takes the token from the same variable.
        with SandboxControl(process.url) as control:
            assert control.health() == {"status": "ok"}
    monkeypatch.delenv(CONTROL_TOKEN_ENV)
    with SandboxControl("http://127.0.0.1:9") as control:
        assert control.control_token is None


def test_blank_control_token_is_refused_at_start() -> None:
    process = SandboxProcess(lifetime=30, extra_args=["--control-token", " "])
    try:
        with pytest.raises(RuntimeError, match="control-token"):
            process.start()
    finally:
        process.close()
