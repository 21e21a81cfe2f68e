"""Mailin.ai: typed client, Pulumi resources and read-only functions."""
