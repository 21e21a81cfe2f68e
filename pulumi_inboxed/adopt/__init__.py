"""`inboxed adopt`: read what already exists in one or more accounts of the four APIs and write
the Pulumi program that declares it (issue 15).

- `estate`: what the readers found, as declarations of this package's resources;
- `read_inboxedup`, `read_mailin`, `read_mailchannels`, `read_pingram`: one reader per API, each
  reading every list endpoint once (paged) and nothing per object;
- `writer`: the project (`__main__.py`, `Pulumi.yaml`, the config commands);
- `cli`: the `inboxed adopt` command.
"""

from .estate import AccountEstate, ConfigNeed, Decl, Expr, Obj, Secret

__all__ = ["AccountEstate", "ConfigNeed", "Decl", "Expr", "Obj", "Secret"]
