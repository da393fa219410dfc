"""A deploy never serves what the last release rendered: every shared key names the release."""

from caching import release


def write(root, name, text):
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def test_a_changed_template_stylesheet_or_setting_is_another_release(tmp_path):
    write(tmp_path, "templates/base.html", "<p>{{ page.title }}</p>")
    write(tmp_path, "static/css/portal.css", "body { color: black }")
    first = release.digest(tmp_path, {"STATIC_URL": "/static/"})
    assert release.digest(tmp_path, {"STATIC_URL": "/static/"}) == first  # every process agrees
    write(tmp_path, "templates/base.html", "<p>{{ page.title|escape }}</p>")
    second = release.digest(tmp_path, {"STATIC_URL": "/static/"})
    write(tmp_path, "static/css/portal.css", "body { color: navy }")
    third = release.digest(tmp_path, {"STATIC_URL": "/static/"})
    fourth = release.digest(tmp_path, {"STATIC_URL": "/patient-education/static/"})
    assert len({first, second, third, fourth}) == 4


def test_tests_and_tooling_are_not_part_of_the_release(tmp_path):
    write(tmp_path, "education/models.py", "x = 1")
    before = release.digest(tmp_path, {})
    write(tmp_path, "tests/test_x.py", "assert True")
    write(tmp_path, "bench/run.py", "pass")
    assert release.digest(tmp_path, {}) == before


def test_shared_keys_carry_the_release():
    assert release.cache_key("page:1", "portal", 1) == f"portal:1:{release.release()}:page:1"
