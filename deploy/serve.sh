#!/usr/bin/env sh
# Serve the portal with gunicorn (settings in gunicorn.conf.py); static files come from whitenoise
# inside the app. The compose services and `make run` both start the portal this way.
set -eu
cd "$(dirname "$0")/.."
exec gunicorn portal.wsgi:application \
    --bind "${BIND:-0.0.0.0}:${PORT:-8000}" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --timeout "${GUNICORN_TIMEOUT:-30}" \
    --access-logfile - \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
