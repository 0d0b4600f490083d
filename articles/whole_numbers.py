"""Whole numbers typed by clients (page numbers, page sizes, revision numbers, versions).

`str.isdigit()` is true of "²" and "①", which `int()` refuses, and `int()` refuses strings of
more than 4,300 digits: both once turned a bad query string into a 500. Only ASCII digits, and
few enough of them for any real page or revision, are read here.
"""

MAX_DIGITS = 9  # a billion pages or revisions is far past anything real


def parse_whole_number(value):
    """`value` as a non-negative int if it is one (an int that is not a bool, or a string of
    ASCII digits), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, str) and value.isascii() and value.isdecimal():
        return int(value) if len(value) <= MAX_DIGITS else None
    return None
