"""The one error convention of the sandbox: every backend and route raises ``SandboxApiError``.

``status`` is the HTTP status, ``message`` the human sentence, ``details`` what the API's error
shape carries besides (InboxedUp: the envelope's ``details``; Mailin.ai: ``errors`` by field;
MailChannels: the ``errors`` list; Pingram: ``code``, ``fix``, ``provider``, ``provider_code``).
The app renders it in the shape of the API the request's path belongs to: each API's subpackage
has an ``errors.py`` with its renderer, and control routes answer in the envelope
(``envelope.py``).
"""

from __future__ import annotations


class SandboxApiError(Exception):
    """Raised by a backend or a route to answer with an error in the API's own shape."""

    def __init__(
        self,
        status: int,
        message: str,
        details: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.details: dict[str, object] = details or {}
        self.headers: dict[str, str] = headers or {}
