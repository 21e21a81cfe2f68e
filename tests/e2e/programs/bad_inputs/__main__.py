"""Declares one resource: `bad:module` (inboxedup, mailin, ...), `bad:kind` (the class) and
`bad:inputs` (its keyword arguments as JSON). The bad-input e2e test previews it."""

import importlib
import json

import pulumi

config = pulumi.Config("bad")
module = importlib.import_module(f"pulumi_inboxed.{config.require('module')}")
kind = getattr(module, config.require("kind"))
kind("subject", **json.loads(config.require("inputs")))
