"""`Kind.get(name, id)`: `get:module`, `get:kind` and `get:id` name the object; its outputs are
exported as `read` (the secret ones stay secret)."""

import importlib

import pulumi

config = pulumi.Config("get")
module = importlib.import_module(f"pulumi_inboxed.{config.require('module')}")
kind = getattr(module, config.require("kind"))
found = kind.get("existing", config.require("id"))
pulumi.export("id", found.id)
pulumi.export("read", {name: getattr(found, name) for name in config.require_object("outputs")})
