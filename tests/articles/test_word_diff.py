"""The review page's word-by-word comparison of two snapshots (articles/word_diff.py)."""

import pytest

from articles import word_diff
from articles.word_diff import compare


def test_an_inserted_word_is_marked_ins():
    assert word_diff.word_diff("Rest for days.", "Rest for two days.") == (
        "Rest for<ins> two</ins> days."
    )


def test_a_deleted_word_is_marked_del():
    assert word_diff.word_diff("Rest for two days.", "Rest for days.") == (
        "Rest for<del> two</del> days."
    )


def test_a_replaced_phrase_reads_as_one_del_and_one_ins():
    html = word_diff.word_diff(
        "Rest for two days, then walk.", "Rest for three whole days, then walk."
    )
    assert html == "Rest for <del>two</del><ins>three whole</ins> days, then walk."


def test_html_in_the_text_stays_escaped():
    html = word_diff.word_diff("<b>old</b>", '<script>alert("x")</script> new')
    assert "<script>" not in html and "<b>" not in html
    assert html.startswith("&lt;<del>b</del><ins>script</ins>&gt;")
    # The only markup left is the diff's own.
    stripped = (
        html.replace("<ins>", "").replace("</ins>", "").replace("<del>", "").replace("</del>", "")
    )
    assert "<" not in stripped


def test_a_text_too_long_to_match_word_by_word_is_shown_removed_and_added(monkeypatch):
    monkeypatch.setattr(word_diff, "PAIR_LIMIT", 10)
    assert (
        word_diff.word_diff("a b c d e", "a b x d e") == "<del>a b c d e</del><ins>a b x d e</ins>"
    )


def snapshot(**changes):
    base = {
        "title": "Hip pain",
        "slug": "hip-pain",
        "summary": "Why hips hurt.",
        "intro": "Hip pain is common.",
        "author_id": None,
        "hero_image": None,
        "review_interval_months": 12,
        "disclaimer": "",
        "tags": [],
        "sections": [
            {"anchor": "causes", "heading": "Causes", "body": "Overuse and bursitis."},
            {"anchor": "symptoms", "heading": "Symptoms", "body": "Pain on the side."},
            {"anchor": "tests", "heading": "Tests", "body": "An X-ray."},
            {"anchor": "care", "heading": "Care", "body": "Rest for two days."},
        ],
        "related_topics": [],
        "references": [],
    }
    return base | changes


@pytest.mark.django_db
def test_unchanged_sections_are_collapsed_into_one_line():
    new = snapshot()
    new["sections"] = [dict(s) for s in new["sections"]]
    new["sections"][3]["body"] = "Rest for three days."
    changes = compare(snapshot(), new)
    assert [s.status for s in changes.sections] == ["unchanged", "changed"]
    assert changes.sections[0].unchanged_headings == ["Causes", "Symptoms", "Tests"]
    assert changes.sections[1].body == "Rest for <del>two</del><ins>three</ins> days."


@pytest.mark.django_db
def test_only_changed_fields_are_listed_and_added_and_removed_sections_are_whole():
    new = snapshot(title="Hip pain in runners")
    new["sections"] = [
        *snapshot()["sections"][1:],
        {"anchor": "when", "heading": "When", "body": "Soon."},
    ]
    changes = compare(snapshot(), new)
    assert [(f.label, f.html) for f in changes.fields] == [
        ("Title", "Hip pain<ins> in runners</ins>")
    ]
    statuses = {s.status: s for s in changes.sections if s.status != "unchanged"}
    assert statuses["removed"].heading == "<del>Causes</del>"
    assert statuses["added"].body == "<ins>Soon.</ins>"


@pytest.mark.django_db
def test_references_and_related_topics_are_listed_as_added_and_removed():
    old_ref = {"label": "NHS", "url": "https://nhs.uk/a", "publisher": "", "accessed_on": None}
    new_ref = {
        "label": "NICE",
        "url": "https://nice.org.uk/b",
        "publisher": "NICE",
        "accessed_on": None,
    }
    changes = compare(
        snapshot(references=[old_ref], related_topics=[{"slug": "knee-pain", "blurb": ""}]),
        snapshot(references=[new_ref]),
    )
    assert changes.references == {
        "added": ["NICE, NICE <https://nice.org.uk/b>"],
        "removed": ["NHS <https://nhs.uk/a>"],
    }
    assert changes.related_topics == {"added": [], "removed": ["knee-pain"]}


@pytest.mark.django_db
def test_nothing_changed_has_no_changes():
    assert not compare(snapshot(), snapshot()).has_changes


@pytest.mark.django_db
def test_line_ends_alone_are_not_a_change():
    # The admin's textareas send CRLF, the API LF: the same words must read as unchanged.
    old = snapshot(intro="First line.\nSecond line.")
    new = snapshot(intro="First line.\r\nSecond line.")
    new["sections"] = [dict(s, body=s["body"] + "\n\nMore.") for s in new["sections"]]
    old["sections"] = [dict(s, body=s["body"] + "\r\n\r\nMore.") for s in old["sections"]]
    changes = compare(old, new)
    assert not changes.fields
    assert [s.status for s in changes.sections] == ["unchanged"]
    assert "<ins>" not in word_diff.word_diff("a\nb", "a\r\nb")


@pytest.mark.django_db
def test_a_page_of_many_blocks_stops_matching_word_by_word_at_its_budget(monkeypatch):
    # Each block alone is under PAIR_LIMIT; together they once took 100 s to compare.
    monkeypatch.setattr(word_diff, "PAGE_PAIR_BUDGET", 60)
    old, new = snapshot(), snapshot()
    new["sections"] = [dict(s, body=s["body"].replace(".", "!")) for s in new["sections"]]
    compared = compare(old, new)
    bodies = [section.body for section in compared.sections]
    assert "Overuse and bursitis<del>.</del><ins>!</ins>" in bodies[0]  # within the budget
    assert bodies[-1] == "<del>Rest for two days.</del><ins>Rest for two days!</ins>"  # past it
