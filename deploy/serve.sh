#!/usr/bin/env sh
# Serve the portal with gunicorn; static files come from whitenoise inside the app.
set -eu
cd "$(dirname "$0")/.."
exec gunicorn portal.wsgi:application \
    --bind "0.0.0.0:${PORT:-8000}" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --timeout "${GUNICORN_TIMEOUT:-30}" \
    --access-logfile - \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}"
