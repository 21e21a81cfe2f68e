"""Pingram sender domains: typed client, resource and functions."""
