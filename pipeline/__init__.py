"""Runs: collection, scheduling, import, ingest, seeding, export and replies.

Sits above collectors/, store/ and analysis/ (see docs/architecture.md); nothing below imports it.
"""
