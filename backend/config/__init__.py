"""Project configuration: settings (django-environ), URLs, WSGI entry point, gunicorn config. No
application code."""
