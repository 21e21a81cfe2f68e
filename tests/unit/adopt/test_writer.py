"""The program writer: it compiles, groups per API and account, and holds no secret."""

from __future__ import annotations

import ast
from pathlib import Path

from pulumi_inboxed.adopt.estate import AccountEstate, ConfigNeed, Decl, Expr, Obj, Secret
from pulumi_inboxed.adopt.writer import config_needs, program, write_project


def estates() -> list[AccountEstate]:
    a = AccountEstate("inboxedup", "client-a", counts={"domains": 2})
    a.decls.append(
        Decl(
            "inboxedup",
            "DomainBatch",
            a.var("domains"),
            a.resource_name("domains"),
            {"domains": ["a.com", "b.com"], **a.account_args()},
        )
    )
    a.decls.append(
        Decl(
            "inboxedup",
            "MailboxRequests",
            a.var("mailboxes"),
            a.resource_name("mailboxes"),
            {
                "requests": [
                    Obj(
                        "inboxedup",
                        "MailboxRequestEntryArgs",
                        (
                            "a.com",
                            Expr("inboxedup.MailboxType.MICROSOFT"),
                            [
                                Obj("inboxedup", "MailboxArgs", ("J", "S", f"user{i}"))
                                for i in range(3)
                            ],
                        ),
                    )
                ]
            },
            depends_on=[a.var("domains")],
        )
    )
    a.config.append(ConfigNeed("inboxedup:accounts.client-a.apiToken", True, "token", path=True))
    m = AccountEstate("mailin", None, counts={"inbox providers": 1})
    m.decls.append(
        Decl(
            "mailin",
            "InboxProvider",
            m.var("provider", "x"),
            m.resource_name("provider", "x"),
            {
                "name": "X",
                "provider": "instantly",
                "api_key": Secret("mailinProviderXApiKey", "key"),
            },
        )
    )
    m.notes.append("1 FAILED domain(s) left out: bad.com")
    return [a, m]


def test_program_compiles_groups_and_references_secrets(tmp_path: Path) -> None:
    text = program(estates(), "inboxed adopt --all --out x", when="2026-01-01 00:00 UTC")
    tree = ast.parse(text)
    assert ast.get_docstring(tree) and "inboxed adopt --all --out x" in text
    assert "from pulumi_inboxed import inboxedup, mailin" in text
    assert text.index("# --- InboxedUp, account 'client-a'") < text.index(
        "# --- Mailin.ai, default"
    )
    assert "account='client-a'" in text
    assert "config.require_secret('mailinProviderXApiKey')" in text
    assert "opts=pulumi.ResourceOptions(depends_on=[inboxedup_client_a_domains])" in text
    assert "# Not declared: 1 FAILED domain(s) left out: bad.com" in text
    assert all(len(line) <= 100 for line in text.splitlines() if "Not declared" not in line)
    needs = write_project(tmp_path, "estate", estates(), ["--all"])
    script = (tmp_path / "adopt-config.sh").read_text()
    assert (
        "pulumi config set --path --secret 'inboxedup:accounts.client-a.apiToken' '<token>'"
        in script
    )
    assert "pulumi config set --secret 'mailinProviderXApiKey' '<key>'" in script
    assert [n.key for n in needs] == [n.key for n in config_needs(estates())]
    assert "name: estate" in (tmp_path / "Pulumi.yaml").read_text()


def test_a_value_the_writer_cannot_write_is_refused() -> None:
    bad = AccountEstate("pingram", None)
    bad.decls.append(Decl("pingram", "SenderDomain", "x", "x", {"domain": object()}))
    try:
        program([bad], "c")
    except TypeError as exc:
        assert "cannot write object" in str(exc)
    else:
        raise AssertionError("an unknown value was written")
