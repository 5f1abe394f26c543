"""Gunicorn's settings for a checkout (``gunicorn -c gunicorn.conf.py``): the package's own."""

from service.gunicorn_conf import *  # noqa: F403 - settings and hooks alike
