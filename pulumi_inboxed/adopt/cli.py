"""`inboxed adopt`: write the Pulumi program for what one or more accounts already hold.

    inboxed adopt --inboxedup client-a --inboxedup client-b --mailin default --out ./estate
    inboxed adopt --all --stack prod --cwd ./infra --out ./estate

Settings come from the environment (`INBOXEDUP_API_TOKEN`, `INBOXEDUP_ACCOUNTS`, ...) or, with
`--stack`, from that stack's config (the same keys the resources read). `default` names an API's
default account. Progress goes to stderr; stdout holds only the result summary.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..core.errors import ConfigError, InboxedError
from .arguments import DEFAULT, add_account_arguments, add_stack_arguments, subcommand
from .connect import has_credentials, named_accounts, stack_config
from .estate import AccountEstate
from .progress import Progress
from .read_inboxedup import read_inboxedup
from .read_mailchannels import read_mailchannels
from .read_mailin import read_mailin
from .read_pingram import read_pingram
from .writer import write_project

Reader = Callable[[Mapping[str, Any] | None, str | None, Progress], AccountEstate]
READERS: dict[str, Reader] = {
    "inboxedup": read_inboxedup,
    "mailin": read_mailin,
    "mailchannels": read_mailchannels,
    "pingram": read_pingram,
}


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="inboxed", description="pulumi_inboxed tools")
    commands = root.add_subparsers(dest="command", required=True)
    adopt = subcommand(
        commands,
        "adopt",
        "write the Pulumi program for what the accounts already hold",
        __doc__,
    )
    add_account_arguments(
        adopt,
        READERS,
        "read",
        "every named account of every API (<api>:accounts) and each default account "
        "whose runtime finds credentials",
    )
    add_stack_arguments(adopt)
    adopt.add_argument("--out", type=Path, required=True, help="where to write the project")
    adopt.add_argument("--project", default="adopted-estate", help="the project's name")
    adopt.add_argument("--force", action="store_true", help="overwrite an existing __main__.py")
    from ..doctor.cli import add_parser as add_doctor
    from .adopted import add_parser as add_adopted

    add_doctor(commands)
    add_adopted(commands)
    return root


def selected(
    args: argparse.Namespace, config: Mapping[str, Any] | None
) -> list[tuple[str, str | None]]:
    """(api, account) pairs to read, in a stable order, each once."""
    chosen: list[tuple[str, str | None]] = []
    for api in READERS:
        for name in getattr(args, api):
            pair = (api, None if name == DEFAULT else name)
            if pair not in chosen:
                chosen.append(pair)
    if args.all:
        for api in READERS:
            if _default_configured(api, config) and (api, None) not in chosen:
                chosen.append((api, None))
            for name in named_accounts(api, config):
                if (api, name) not in chosen:
                    chosen.append((api, name))
    return chosen


def _default_configured(api: str, config: Mapping[str, Any] | None) -> bool:
    """Whether the API's default account has credentials, read as its runtime reads them."""
    return has_credentials(api, config, None)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser().parse_args(argv)
    if args.command == "doctor":
        from ..doctor.cli import run as run_doctor

        return run_doctor(args, parser().error)
    if args.command == "adopted":
        from .adopted import run as run_adopted

        return run_adopted(args)
    if args.cwd is not None and not args.stack:
        parser().error("--cwd needs --stack")
    out: Path = args.out
    if (out / "__main__.py").exists() and not args.force:
        print(
            f"inboxed adopt: {out / '__main__.py'} exists (--force overwrites it)", file=sys.stderr
        )
        return 2
    progress = Progress()
    try:
        config = (
            stack_config(args.stack, args.cwd or Path.cwd(), args.pulumi) if args.stack else None
        )
        chosen = selected(args, config)
        if not chosen:
            parser().error(
                "name at least one account (--inboxedup NAME, --mailin default, ...) or --all"
            )
        estates = [READERS[api](config, account, progress) for api, account in chosen]
    except (ConfigError, InboxedError) as exc:
        print(f"inboxed adopt: {exc}", file=sys.stderr)
        return 1
    needs = write_project(out, args.project, estates, argv[1:] if argv[:1] == ["adopt"] else argv)
    print(f"Wrote {out / '__main__.py'}, {out / 'Pulumi.yaml'} and {out / 'adopt-config.sh'}.")
    for estate in estates:
        print(f"  {estate.summary()} -> {len(estate.decls)} resources")
    if needs:
        print("Set this config in the stack before `pulumi up` (adopt-config.sh has it too):")
        for need in needs:
            print(f"  {need.command()}")
    print("Then: pulumi preview (creates only), pulumi up (adopts: no writes), and")
    print("pulumi preview --expect-no-changes.")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
