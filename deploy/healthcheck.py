"""The web container's health check (docker-compose.yml): /health/ answers 200.

Asked as the proxy asks: with the site's host name (Django refuses others) and as HTTPS (in
production plain HTTP is redirected). The standard library only: the image has no curl.
"""

import os
import sys
import urllib.request

host = os.environ.get("ALLOWED_HOSTS", "localhost").split(",")[0].strip()
request = urllib.request.Request(
    "http://127.0.0.1:8000/health/", headers={"Host": host, "X-Forwarded-Proto": "https"}
)
try:
    with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310 (fixed local URL)
        sys.exit(0 if response.status == 200 else 1)
except OSError as error:
    print(f"unhealthy: {error}", file=sys.stderr)
    sys.exit(1)
