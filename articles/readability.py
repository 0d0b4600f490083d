"""How hard a text is to read: the Flesch-Kincaid grade level.

Patient material should read at grade 8 or below. The grade is
0.39 * (words / sentences) + 11.8 * (syllables / words) - 15.59.
Syllables are counted by vowel groups, with a silent final "e" dropped: close enough for a
grade that guides a writer. (textstat would do this, but its current releases download a
pronunciation dictionary at first use, which a server without internet access cannot do.)
"""

import re
from dataclasses import dataclass

from articles.rendering import html_text

PATIENT_GRADE = 8

_sentence_end = re.compile(r"[.!?]+(?=\s|$)")
_word = re.compile(r"[A-Za-z]+(?:['’-][A-Za-z]+)*")  # noqa: RUF001 (typographic apostrophes)
_vowel_groups = re.compile(r"[aeiouy]+")


@dataclass(frozen=True)
class Readability:
    grade: float
    words: int
    sentences: int

    @property
    def suits_patients(self):
        return self.grade <= PATIENT_GRADE


def syllables(word):
    word = word.lower()
    count = len(_vowel_groups.findall(word))
    if word.endswith("e") and not word.endswith(("le", "ee", "ye")) and count > 1:
        count -= 1
    return max(count, 1)


def readability(text):
    """The grade of plain `text`; None when it has no words."""
    words = _word.findall(text)
    if not words:
        return None
    sentences = max(len(_sentence_end.findall(text)), 1)
    syllable_count = sum(syllables(word) for word in words)
    grade = 0.39 * len(words) / sentences + 11.8 * syllable_count / len(words) - 15.59
    return Readability(grade=round(grade, 1), words=len(words), sentences=sentences)


def readability_of_html(fragments):
    """The grade of rendered HTML fragments (an intro and sections, headings left out)."""
    parts = [html_text(fragment) for fragment in fragments]
    # Block elements end sentences even without a full stop (a list item, a table cell).
    return readability("\n".join(part.replace("\n", ".\n") for part in parts))


def readability_of_rendering(rendered):
    """The grade of a rendered article's intro and sections."""
    return readability_of_html([rendered.intro_html, *(s.html for s in rendered.sections)])


def readability_of_document(document):
    """The grade of a public document's intro and sections."""
    return readability_of_html([document["intro_html"], *(s["html"] for s in document["sections"])])
