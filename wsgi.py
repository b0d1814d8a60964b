"""Entry point for `flask` (run in the repository root) and `gunicorn wsgi:app`."""

from volunteers import create_app

app = create_app()
