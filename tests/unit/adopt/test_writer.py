"""The program writer: it compiles, groups per API and account, and holds no secret."""

from __future__ import annotations

import ast
import subprocess
import sys
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
    assert 'account="client-a"' in text
    assert 'config.require_secret("mailinProviderXApiKey")' in text
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


def big_estates() -> list[AccountEstate]:
    """Collections long enough to be split at every level, short ones that fit, a dict, secrets,
    references and long names: every shape the readers write."""
    out = estates()
    iu = AccountEstate("inboxedup", "client-with-a-rather-long-name", counts={"domains": 40})
    names = [f"domain-number-{i:03d}-of-a-long-estate.com" for i in range(40)]
    iu.decls.append(
        Decl(
            "inboxedup",
            "DomainBatch",
            iu.var("domains"),
            iu.resource_name("domains"),
            {"domains": names, **iu.account_args()},
        )
    )
    iu.decls.append(
        Decl(
            "inboxedup",
            "DomainBatch",
            iu.var("few"),
            iu.resource_name("few"),
            {"domains": ["a.com"]},
        )
    )
    mi = AccountEstate("mailin", "client-with-a-rather-long-name")
    mi.decls.append(
        Decl("mailin", "Domains", mi.var("few"), mi.resource_name("few"), {}, protect=True)
    )
    mi.decls.append(
        Decl(
            "mailin",
            "Domains",
            mi.var("domains"),
            mi.resource_name("domains"),
            {"domains": names, **mi.account_args()},
            protect=True,
            depends_on=["some_other_resource_variable", "and_another_one_with_a_long_name"],
        )
    )
    mc = AccountEstate("mailchannels", None)
    mc.decls.append(
        Decl(
            "mailchannels",
            "InboundDomains",
            mc.var("inbound", "sub-sandbox"),
            mc.resource_name("inbound", "sub-sandbox"),
            {
                "subscription_handle": "sub-sandbox",
                "domains": [
                    "short.com",
                    Obj(
                        "mailchannels",
                        "InboundDomainArgs",
                        ("own-settings-domain.com",),
                        (("aliases", ["alias-one.com", "alias-two.com", "alias-three.com"]),),
                    ),
                ],
                "settings": Obj(
                    "mailchannels", "AbusePolicyArgs", (), (("abuse_policy", "block"),)
                ),
                "downstream_addresses": [
                    Obj(
                        "mailchannels",
                        "DownstreamAddressArgs",
                        ("mx.a.test.",),
                        (("port", 25), ("priority", 10), ("weight", 10)),
                    )
                ],
                # a dict, of every scalar (the writer writes any value shape; the inputs'
                # names are the registry's: `adopt.estate.registry_problems`)
                "overwrite": {"team": "it's ours", "quoted": 'say "hi"', "n": 1.5, "on": True},
            },
            comment="a comment rather long, longer than the width of a line of the program" * 2,
            depends_on=["some_other_resource_variable", "and_another_one_with_a_long_name"],
        )
    )
    pg = AccountEstate("pingram", "x")
    pg.decls.append(
        Decl(
            "pingram",
            "SenderDomain",
            pg.var("s"),
            pg.resource_name("s"),
            {
                "domain": "mail.example.com",
                "start_verification": Secret("a" * 80, "k"),
                "account": Expr("x.id"),
            },
        )
    )
    return [*out, iu, mi, mc, pg]


def test_program_passes_ruff_format_check(tmp_path: Path) -> None:
    """The program is written as `ruff format` writes it (ruff's default settings, as in a new
    project): `ruff format --check` passes on it unchanged."""
    text = program(
        big_estates(),
        "inboxed adopt --all --stack 'my stack' --out \"x\" --project a\\b",
        when="2026-01-01 00:00 UTC",
    )
    ast.parse(text)
    target = tmp_path / "__main__.py"
    target.write_text(text)
    check = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--isolated", "--check", "--diff", str(target)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert 'subscription_handle="sub-sandbox"' in text and "'sub-sandbox'" not in text
    # protect, alone on one line, and first of options split one a line
    assert "opts=pulumi.ResourceOptions(protect=True)" in text
    assert "    opts=pulumi.ResourceOptions(\n        protect=True,\n        depends_on=[" in text
