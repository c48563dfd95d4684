"""The WSGI entry point: `gunicorn wsgi:app`."""

from workbench import create_app

app = create_app()
