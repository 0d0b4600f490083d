"""`.env.example` says it lists every variable the settings read: keep it true."""

import re
from pathlib import Path

ROOT = Path(__file__).parents[1]
# Read by the settings for the project's own tools, not for whoever runs the site.
INTERNAL = {"DJANGO_ROOT_URLCONF", "HEALTHCMS_MANAGEMENT_COMMAND"}
READ = re.compile(
    r"""(?:os\.environ\.get|os\.environ\[|env_bool|env_list|env_count)\(?\s*"([A-Z0-9_]+)\""""
)


def test_every_variable_the_settings_read_is_in_the_example():
    read = {
        name for path in (ROOT / "config").glob("*.py") for name in READ.findall(path.read_text())
    }
    listed = set(re.findall(r"^#? ?([A-Z0-9_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert read - INTERNAL - listed == set()
    assert len(read) > 40  # the pattern still finds what the settings read
