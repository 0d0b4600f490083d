"""DRF's JSON parser with a bound on nesting that a hostile body cannot get past.

Named in REST_FRAMEWORK's DEFAULT_PARSER_CLASSES, which DRF reads while importing its views, so
this module imports nothing that imports them.
"""

import io
import re
from array import array
from itertools import accumulate

from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

# An article nests three levels ({"sections": [{"body": …}]}); ten times that is room enough
# for any honest client, and far below the depth at which Python's decoder gives up.
MAX_JSON_DEPTH = 32

# A JSON string: a quote, then plain characters or backslash escapes, then a quote or the end
# of the body. Every match that starts runs on to its end, without backtracking (possessive
# repeats): a pattern that could fail after starting would be tried again from each quote
# inside, and a body of escaped quotes with no closing one would cost time growing with the
# square of its length (80 KB took 18 s).
JSON_STRING = re.compile(rb'"(?:[^"\\]++|\\.?)*+(?:"|\Z)', re.DOTALL)
NOT_BRACKETS = bytes(range(256)).translate(None, b"[]{}")
# An opening bracket as the signed byte 1, a closing one as -1 (0xff).
BRACKET_STEPS = bytes.maketrans(b"[]{}", b"\x01\xff\x01\xff")


def nesting_depth(body):
    """How deep the arrays and objects of the JSON text `body` (UTF-8 bytes) nest.

    Read from the brackets outside strings, without parsing or recursing: the C decoder
    recurses once per level and raises RecursionError past about a thousand. The running sum
    of +1 and -1 steps runs in C (accumulate over a signed byte array), about 0.1 s for 10 MB
    of nothing but brackets, where a Python loop over them takes 0.25 s.
    """
    steps = JSON_STRING.sub(b"", body).translate(None, NOT_BRACKETS).translate(BRACKET_STEPS)
    return max(accumulate(array("b", steps)), default=0)


def too_deep(depth=None):
    how_deep = f"{depth} levels deep" if depth else "deeper than it can be read"
    return ParseError(
        f"The JSON body is nested {how_deep}; at most {MAX_JSON_DEPTH} levels are accepted.",
        code="too_deep",
    )


class DepthLimitedJSONParser(JSONParser):
    """DRF's JSON parser, refusing bodies nested more than MAX_JSON_DEPTH levels deep with a
    400 instead of the 500 a RecursionError would give."""

    def parse(self, stream, media_type=None, parser_context=None):
        body = stream.read()
        depth = nesting_depth(body)
        if depth > MAX_JSON_DEPTH:
            raise too_deep(depth)
        try:
            return super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError as error:  # the scan above should make this unreachable
            raise too_deep() from error
        except ParseError as error:
            # DRF's detail is the decoder's message behind a prefix, with no full stop.
            reason = str(error.detail).removeprefix("JSON parse error - ")
            raise ParseError(f"The body is not valid JSON: {reason}.") from error
