FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production

RUN useradd --create-home --uid 1000 portal
WORKDIR /app

COPY requirements.txt requirements-ldap.txt ./
# python-ldap (LDAP / Active Directory sign-in) builds against OpenLDAP's headers; the compiler
# and headers leave the image again, the two libraries it runs with stay.
RUN apt-get update \
    && apt-get install -y --no-install-recommends gcc libc6-dev libldap2-dev libsasl2-dev libldap-2.5-0 libsasl2-2 \
    && pip install -r requirements.txt -r requirements-ldap.txt \
    && apt-get purge -y --auto-remove gcc libc6-dev libldap2-dev libsasl2-dev \
    && rm -rf /var/lib/apt/lists/*

COPY --chown=portal:portal . .
# Static files are hashed and compressed into the image; the dummy values exist only for this step.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build-only python manage.py collectstatic --no-input \
    && mkdir -p /app/media && chown portal:portal /app/media

USER portal
EXPOSE 8000
CMD ["deploy/serve.sh"]
