"""The LKA API gateway: one address for the web front end and the subscribers' apps.

It routes `/api/v1/...` by path template to the service that owns the resource and passes
requests and answers through as streams; see `routes.py` for the table and `proxy.py` for
what happens on the way.
"""
