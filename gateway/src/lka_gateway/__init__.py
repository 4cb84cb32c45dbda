"""The LKA API gateway: one address for the web front end and the subscribers' apps.

It routes `/api/v1/...` by path template to the service that owns the resource, refuses
calls without a valid, unrevoked access token where one is needed, and passes requests and
answers through as streams; see `routes.py` for the table, `authentication.py` for the
token check and `proxy.py` for what happens on the way.
"""
