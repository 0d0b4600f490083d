"""The import on the embedded default, as a user runs it: SQLite in a file, background tasks
on threads, the process pool, and another process writing to the same database meanwhile
(a web server's moves, a task worker re-rendering)."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
COUNT = 40


def manage(*args, env, **kwargs):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, **kwargs,
    )  # fmt: skip


def test_an_import_beside_another_writer_ends_with_every_article_and_rendition(tmp_path):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "TASKS_BACKEND": "thread",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)  # manage.py's own
    assert manage("migrate", "-v0", env=env).returncode == 0
    source = tmp_path / "data" / "articles.jsonl"
    source.parent.mkdir()
    assert manage("generate_articles", str(COUNT), "--out", str(source), env=env).returncode == 0
    importing = subprocess.Popen(
        [sys.executable, "manage.py", "import_articles", str(source), "--publish", "--jobs", "2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    rewrites = 0
    while importing.poll() is None:
        rewriting = manage("rerender_published", env=env)
        assert rewriting.returncode == 0, rewriting.stderr
        rewrites += 1
        time.sleep(0.1)
    out, err = importing.communicate()
    assert importing.returncode == 0, err
    assert "database is locked" not in err
    assert f"Created {COUNT}, unchanged 0, published {COUNT}, refused 0." in out
    assert rewrites >= 2  # the other writer did run while the import did
    counted = manage("shell", "-c", COUNT_EVERYTHING, env=env)
    assert counted.returncode == 0, counted.stderr
    assert json.loads(counted.stdout.strip().splitlines()[-1]) == {
        "live": COUNT,
        "images": COUNT,
        "lacking_renditions": 0,
        "documents_without_srcset": 0,
    }


COUNT_EVERYTHING = """
import json
from articles.models import PublishedArticle
from images.models import Image
images = Image.objects.prefetch_related("renditions")
print(json.dumps({
    "live": PublishedArticle.objects.count(),
    "images": images.count(),
    "lacking_renditions": sum(image.lacks_renditions() for image in images),
    "documents_without_srcset": sum(
        not live.document["hero_image"]["srcset"] for live in PublishedArticle.objects.all()
    ),
}))
"""
