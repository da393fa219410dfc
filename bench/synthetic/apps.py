from django.apps import AppConfig


class SyntheticContentConfig(AppConfig):
    """Thousands of realistic pages for `make bench` (generate_synthetic_content). Installed only
    by bench/settings.py, so the command cannot run against a real site, and it is not in the image."""

    name = "bench.synthetic"
    label = "synthetic"
