#!/usr/bin/env sh
# What a deployment runs before serving (the compose "prepare" service; CI runs it too):
# apply migrations, then load the standard content (unchanged files are skipped, editors' work kept).
set -eu
cd "$(dirname "$0")/.."
python manage.py migrate --no-input
python manage.py load_content
python manage.py configure_site
# An admin account is made only when the deployer chooses its password.
if [ -n "${PORTAL_ADMIN_PASSWORD:-}" ]; then
    python manage.py ensure_admin
fi
