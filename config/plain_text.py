"""The rule for fields that hold plain text (titles, summaries, names, alt text…).

Frontends print these as text, but they also end up in places that are easy to get wrong: a
JSON-LD <script> block, an attribute, a feed. So markup is refused outright (with a message, so
nothing is silently changed), as are invisible control characters such as text-direction
overrides, which can make a name or a title read differently from what is stored. A "<" that
cannot open a tag ("under <5 mmol/L", "a < b") is ordinary text and stays.
"""

import re

from django.core.exceptions import ValidationError

_MARKUP = re.compile(r"<[a-zA-Z/!?]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def validate_plain_text(value):
    if not isinstance(value, str):
        return
    markup = _MARKUP.search(value)
    if markup:
        start = value[markup.start() : markup.start() + 12]
        raise ValidationError(
            "This is plain text: remove the markup starting with “%(start)s”.",
            code="markup",
            params={"start": start},
        )
    control = _CONTROL.search(value)
    if control:
        raise ValidationError(
            "This text holds an invisible control character (U+%(code)04X, such as a "
            "text-direction override); remove it.",
            code="control_character",
            params={"code": ord(control.group())},
        )
