"""The benchmark's own pieces: the floors it measures against and the Varnish it starts."""

import re
from pathlib import Path

import django
from django.test import override_settings

from bench import default_settings, floor, through_varnish

STARTPROJECT_SETTINGS = (
    Path(django.__file__).parent / "conf" / "project_template" / "project_name" / "settings.py-tpl"
)


def test_the_default_floor_runs_behind_the_middleware_startproject_writes():
    template = STARTPROJECT_SETTINGS.read_text()
    listed = re.search(r"MIDDLEWARE = \[(.*?)\]", template, re.DOTALL).group(1)
    assert re.findall(r"'([\w.]+)'", listed) == default_settings.MIDDLEWARE


@override_settings(ROOT_URLCONF="bench.urls")
def test_the_floor_sets_its_own_etag_as_the_detail_view_does(client, tmp_path, monkeypatch):
    # Without one, ConditionalGetMiddleware would hash the floor's body and not the detail's.
    (tmp_path / "floor.json").write_bytes(b'{"title": "Floor"}')
    monkeypatch.setenv("BENCH_FLOOR_FILE", str(tmp_path / "floor.json"))
    floor._body.cache_clear()
    response = client.get("/bench/floor/")
    floor._body.cache_clear()
    assert response.content == b'{"title": "Floor"}'
    assert response.headers["ETag"] == floor.ETAG
    assert client.get("/bench/floor/", headers={"If-None-Match": floor.ETAG}).status_code == 304


def test_the_bench_points_the_shipped_vcl_at_its_own_gunicorn():
    vcl = through_varnish.vcl_for(8510)
    assert '.port = "8510";' in vcl
    assert vcl.replace('.port = "8510";', "") == through_varnish.VCL.read_text().replace(
        '.port = "8000";', ""
    )
