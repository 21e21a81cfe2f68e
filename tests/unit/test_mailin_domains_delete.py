"""`mailin.Domains` delete against `httpx.MockTransport`: a delete is confirmed by reading the
domain lists back; a 404 on the delete path is success only when the lists agree."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pulumi_inboxed.core.http import RetryPolicy
from pulumi_inboxed.core.lifecycle import DeleteNotConfirmedError
from pulumi_inboxed.mailin import MailinClient
from pulumi_inboxed.mailin.domains import DomainsProvider
from pulumi_inboxed.mailin.runtime import MailinRuntime

BASE = "https://api.mailin.ai/api/v1/public"
PATH = "/api/v1/public"


class FakeAccount:
    """The account's domains, and how the (possibly wrong) delete path answers."""

    def __init__(self, names: dict[str, int], delete_status: int, removes: bool) -> None:
        self.domains = dict(names)
        self.delete_status = delete_status
        self.removes = removes
        self.deletes: list[int] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(PATH)
        if request.method == "DELETE" and path.startswith("/domains/"):
            domain_id = int(path.rsplit("/", 1)[1])
            self.deletes.append(domain_id)
            if self.removes:
                self.domains = {n: i for n, i in self.domains.items() if i != domain_id}
            if self.delete_status == 404:
                return httpx.Response(404, json={"message": "Not Found"})
            return httpx.Response(200, json={"message": "Domain and related mailboxes removed."})
        if request.method == "GET" and path in ("/domains", "/domains/list/google"):
            needle = request.url.params.get("name", "")
            data = [
                {"id": i, "name": n, "status": "1"} for n, i in self.domains.items() if needle in n
            ]
            return httpx.Response(200, json={"current_page": 1, "last_page": 1, "data": data})
        return httpx.Response(404, json={"message": "Not Found"})


class Provider(DomainsProvider):
    """The provider with its client on a mock transport (the runtime is the only glue swapped)."""

    def __init__(self, account: FakeAccount) -> None:
        client = MailinClient(
            BASE,
            token="1|tok",
            retry=RetryPolicy(attempts=1),
            transport=httpx.MockTransport(account),
        )
        self.rt = MailinRuntime(client, 0.05)

    def _runtime(self) -> MailinRuntime:
        return self.rt


def state(names: dict[str, int], **extra: Any) -> dict[str, Any]:
    return {
        "domains": list(names),
        "acquisition": "buy",
        "google": False,
        "records": {n: {"id": i, "active": True} for n, i in names.items()},
        "adopted_domains": [],
        **extra,
    }


def test_a_404_on_delete_with_the_domain_still_listed_fails_naming_it() -> None:
    """Defect (issue 11, delete verification): a 404 on the delete path was suppressed and the
    domain stayed in the account while destroy reported success."""
    account = FakeAccount({"kept.com": 41}, delete_status=404, removes=False)
    with pytest.raises(DeleteNotConfirmedError) as caught:
        Provider(account).delete("41", state({"kept.com": 41}))
    message = str(caught.value)
    assert "Mailin.ai domain 'kept.com' (41)" in message
    assert "404" in message and "DELETE" in message
    assert account.deletes == [41]


def test_a_delete_that_answers_200_but_leaves_the_domain_fails() -> None:
    account = FakeAccount({"stays.com": 7}, delete_status=200, removes=False)
    with pytest.raises(DeleteNotConfirmedError, match=r"'stays\.com' \(7\) is still there"):
        Provider(account).delete("7", state({"stays.com": 7}))


def test_a_404_on_delete_is_gone_when_the_lists_agree() -> None:
    account = FakeAccount({"gone.com": 5, "other.com": 6}, delete_status=404, removes=True)
    Provider(account).delete("5", state({"gone.com": 5}))
    assert account.domains == {"other.com": 6}


def test_adopted_domains_are_not_deleted_and_the_log_says_so(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    logged: list[str] = []
    monkeypatch.setattr("pulumi.log.info", lambda msg, *a, **k: logged.append(msg))
    account = FakeAccount({"mine.com": 1, "theirs.com": 2}, delete_status=200, removes=True)
    Provider(account).delete(
        "1", state({"mine.com": 1, "theirs.com": 2}, adopted_domains=["theirs.com"])
    )
    assert account.deletes == [1]
    assert account.domains == {"theirs.com": 2}
    assert len(logged) == 1 and "theirs.com" in logged[0] and "destroy_adopted=True" in logged[0]
