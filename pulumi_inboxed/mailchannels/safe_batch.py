"""One chunk of MailChannels' `POST /domains/batch`, sent so that no domain is provisioned twice.

`SafeBatch.send_safely()` sends the chunk through `core.safe_write.write_once`:
- each domain the answer provisions is `done`, each it refuses (400, 409) is `failed`; those it
  answers 500 for (MailChannels' own failure, which may have acted) or does not mention stay
  `remaining`, and make the send a transient failure;
- after a transient failure (that, a 5xx of the whole request, a timeout, a dropped connection,
  the 503 rate limit once the HTTP layer's own tries are spent) the remaining domains are read
  back (a fresh filtered `GET /domains`): a domain listed there for which `took_effect` holds is
  `done` (the caller decides: one not held before the batch was made by it, one held before, an
  overwrite, when it holds what was sent); only the domains still remaining are sent again;
- after `write_policy.attempts` sends the remaining domains are `failed`, with their last
  per-domain answer or the reason.
A refusal of the whole request that is not transient (403, 400, ...) is raised to the caller, with
`done` and `failed` as far as they got; `fail_remaining` then records the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..core import intents
from ..core.errors import ApiError, ServerError
from ..core.intents import Intent
from ..core.safe_write import WriteNotConfirmedError, write_once
from . import endpoints as ep
from .client import PROVIDER, MailChannelsClient
from .models import InboundDomain


def shown(names: Sequence[str]) -> str:
    """The first 20 names, then how many more."""
    return ", ".join(names[:20]) + (f" and {len(names) - 20} more" if len(names) > 20 else "")


class SafeBatch:
    """One chunk of at most `ep.MAX_DOMAINS_PER_BATCH` domains (see the module's text).

    :param body_of: the domain object to send for a name.
    :param took_effect: whether a domain listed after a failed send is the batch's doing.
    """

    def __init__(
        self,
        client: MailChannelsClient,
        chunk: Sequence[str],
        body_of: Callable[[str], InboundDomain],
        took_effect: Callable[[str, InboundDomain], bool],
        *,
        subscription_handle: str,
        associate_key: bool,
        overwrite: bool,
        intent: Intent | None = None,
    ) -> None:
        self.client = client
        self.intent = intent
        """What the batch provisions that no one held: recorded before the first send
        (`core.intents`), then narrowed to what it made."""
        self.body_of = body_of
        self.took_effect = took_effect
        self.subscription_handle = subscription_handle
        self.associate_key = associate_key
        self.overwrite = overwrite
        self.remaining = list(chunk)
        self.done: set[str] = set()
        self.failed: dict[str, dict[str, Any]] = {}
        """name -> {"code", "comment"} for each domain that failed."""
        self.last_error: dict[str, dict[str, Any]] = {}
        """A remaining domain's last per-domain answer (a 500 and its comment)."""

    def send_safely(self) -> None:
        what = f"{PROVIDER} {self.client.where(ep.PROVISION_DOMAINS)}"
        what += f" for {len(self.remaining)} domain(s) ({shown(self.remaining)})"
        try:
            write_once(
                what,
                self.send,
                self.find,
                policy=self.client.write_policy,
                sleep=self.client.sleep,
                intent=self.intent,
            )
        except WriteNotConfirmedError as exc:
            self.fail_remaining(None, str(exc))
        except ApiError:
            self._narrow()  # MailChannels answered: what it made is `done`
            raise
        self._narrow()

    def _narrow(self) -> None:
        """The record keeps only the domains the batch made (a refused one is not ours)."""
        if self.intent is not None:
            intents.narrow(self.intent, self.done)

    def send(self) -> bool:
        result = self.client.provision_domains(
            [self.body_of(n) for n in self.remaining],
            subscription_handle=self.subscription_handle,
            associate_key=self.associate_key,
            overwrite=self.overwrite,
        )
        asked = set(self.remaining)
        for ok in result.successes:
            if ok.domain.domain in asked:
                self.done.add(ok.domain.domain)
        for err in result.errors:
            name = err.domain.domain
            if name not in asked:
                continue
            answer = {"code": err.code, "comment": err.comment or ""}
            if err.code >= 500:
                self.last_error[name] = answer  # MailChannels failed: it may have acted
            else:
                self.failed[name] = answer
        self._settle()
        if self.remaining:
            raise ServerError(
                PROVIDER,
                500,
                f"{len(self.remaining)} domain(s) not provisioned by this batch: "
                f"{shown(self.remaining)}",
                method="POST",
                path=self.client.where(ep.PROVISION_DOMAINS).partition(" ")[2],
            )
        return True

    def find(self) -> bool | None:
        """True when every remaining domain took effect; None otherwise, with the ones that
        did moved to `done`."""
        listed = {d.domain: d for d in self.client.list_domains(self.remaining)}
        for name in self.remaining:
            live = listed.get(name)
            if live is not None and self.took_effect(name, live):
                self.done.add(name)
        self._settle()
        return True if not self.remaining else None

    def _settle(self) -> None:
        self.remaining = [n for n in self.remaining if n not in self.done and n not in self.failed]

    def fail_remaining(self, code: int | None, reason: str) -> None:
        """The remaining domains failed: with their last per-domain answer, else `reason`."""
        for name in self.remaining:
            self.failed[name] = self.last_error.get(name) or {"code": code, "comment": reason}
        self.remaining = []


__all__ = ["SafeBatch", "shown"]
