FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DJANGO_SETTINGS_MODULE=portal.settings.production

RUN useradd --create-home --uid 1000 portal
WORKDIR /app

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY --chown=portal:portal . .
# Static files are hashed and compressed into the image; the dummy values exist only for this step.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=build-only python manage.py collectstatic --no-input \
    && mkdir -p /app/media && chown portal:portal /app/media

USER portal
EXPOSE 8000
CMD ["deploy/serve.sh"]
