"""The WSGI entry point imports the URL configuration when a worker starts, not on the first request."""

from __future__ import annotations

import subprocess
import sys


def test_loading_the_wsgi_application_imports_every_view_module():
    code = (
        "import sys; import territoria.wsgi; "
        "print('territoria.records.api' in sys.modules, 'territoria.atlas.views' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert done.stdout.split()[-2:] == ["True", "True"]
