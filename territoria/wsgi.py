"""WSGI entry point (``territoria serve`` runs it under gunicorn).

Django imports the URL configuration, hence every view and what views import (DuckDB, pyarrow, shapely,
scikit-learn…), on the first request a process serves: ~2 s on a small machine, paid by a visitor. The
configuration is imported here instead, when the worker starts, before it accepts any request.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "territoria.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 - imports every urls.py and view module now
