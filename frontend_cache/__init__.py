"""Purging the HTTP cache in front of the API (Varnish, Cloudflare or CloudFront) whenever live
content changes, and labelling public responses with the surrogate keys a purge names.

Public responses carry keys (`keys.py`); publishing, unpublishing and re-rendering call
`purge.purge_on_commit(keys)`, which sends the keys to every configured backend
(`backends.py`) once the transaction commits, before the call that made the change returns.
A backend that fails leaves a `PendingPurge` row that the task queue retries.
"""
