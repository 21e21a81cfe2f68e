"""The names of one InboxedUp mailbox: its username and its owner's names, each rule written once.

`MailboxRequest` and each `MailboxRequests` entry check their `mailboxes` with these (their
typed inputs, at preview), and the sandbox's `POST /mailboxes` refuses with them what the API
would refuse. It imports nothing of Pulumi or HTTP.

- `username_problem(username)`: why a username (the part before the @, as sent: trimmed, lower
  case) is not one InboxedUp takes, or None.
- `MAX_NAME_LENGTH`: the most characters of a first or last name (our bound: no page gives one).
"""

from __future__ import annotations

import re

MAX_USERNAME_LENGTH = 64
USERNAME_RE = re.compile(rf"^[a-z0-9](?:[a-z0-9._-]{{0,{MAX_USERNAME_LENGTH - 2}}}[a-z0-9])?$")
USERNAME_RULE = (
    f"1 to {MAX_USERNAME_LENGTH} of a-z, 0-9, '.', '_', '-', starting and ending with a letter "
    "or digit"
)
"""What `username_problem` asks of a username, as the messages say it."""
MAX_NAME_LENGTH = 64


def username_problem(username: str) -> str | None:
    """Why `username` is not a mailbox username InboxedUp takes, or None: the part before the @
    only, `USERNAME_RULE`, and no two dots in a row."""
    if "@" in username:
        return "must be the part before the @ only"
    if not USERNAME_RE.fullmatch(username) or ".." in username:
        return f"is not a valid mailbox username: use {USERNAME_RULE}"
    return None
