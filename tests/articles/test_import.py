"""Bulk import from JSON Lines and the generated data set."""

import io
import json

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.utils.dateparse import parse_datetime
from PIL import Image as PillowImage

from articles import import_batches
from articles.generating import generate, write_jsonl
from articles.importing import import_file
from articles.models import Article, PublishedArticle, PublishedLink
from articles.rendering import count_words
from tests.factories import ArticleFactory, image_bytes

pytestmark = pytest.mark.django_db


def write(path, rows):
    path.write_text("\n".join(row if isinstance(row, str) else json.dumps(row) for row in rows))
    return path


@pytest.fixture
def dataset(tmp_path):
    path = tmp_path / "articles.jsonl"
    write_jsonl(path, 12, seed=7)
    return path


def test_generated_articles_have_the_promised_shape():
    articles = list(generate(30, seed=3))
    slugs = {article["slug"] for article in articles}
    assert len(slugs) == 30
    for article in articles:
        assert len(article["sections"]) == 5 and len(article["related"]) == 6
        assert set(article["related"]) <= slugs - {article["slug"]}
        bodies = "\n".join(section["body"] for section in article["sections"])
        assert 1 <= bodies.count("](article:") <= 2
        assert "**" in bodies and "\n- " in bodies
    assert list(generate(30, seed=3)) == articles
    assert list(generate(30, seed=4)) != articles


@pytest.mark.parametrize("seed", [0, 3, 4])  # each drew a writer with a reviewer's name
def test_no_generated_article_is_reviewed_by_its_author(seed):
    for article in generate(300, seed=seed):
        assert article["author"] != article["reviewer"]["name"]


def test_import_with_publish_takes_every_article_through_the_workflow(dataset):
    report = import_file(dataset, publish=True)
    assert (report.created, report.published, report.errors) == (12, 12, [])
    lines = [json.loads(line) for line in dataset.read_text().splitlines()]
    for line in lines:
        live = PublishedArticle.objects.get(slug=line["slug"])
        assert live.published_at == parse_datetime(line["published_at"])
        assert live.updated_at == parse_datetime(line["updated_at"])
        assert live.reviewer.slug == line["reviewer"]["slug"]
        assert [card["slug"] for card in live.document["related_topics"]] == line["related"]
        html = "".join(section["html"] for section in live.document["sections"])
        assert "article:" not in html and "#when-to-see-a-doctor" in html
        moves = live.article.transitions.order_by("at", "pk")
        assert [move.action for move in moves] == ["submit", "approve", "publish"]
        # Written in the order they happened, so the history reads as it did.
        submitted, approved, published = moves
        approval = live.approval
        assert live.revision.created_at <= submitted.at <= approval.assigned_at
        assert approval.assigned_at <= approval.decided_at <= approved.at <= published.at
        # Counted from the tokens the Markdown check parsed: as a save would count them.
        for section in live.article.sections.all():
            assert section.word_count == count_words(section.body) > 0


def test_importing_the_same_file_again_changes_nothing(dataset):
    import_file(dataset, publish=True)
    labels = ["articles.Article", "articles.Section", "articles.RelatedTopic",
              "articles.PublishedArticle", "articles.Transition", "reviewers.Reviewer",
              "tags.Tag", "auth.User"]  # fmt: skip

    def snapshot():
        return {
            label: sorted(map(repr, apps.get_model(label).objects.values())) for label in labels
        }

    before = snapshot()
    report = import_file(dataset, publish=True)
    assert (report.created, report.unchanged) == (0, 12)
    assert snapshot() == before


def good_line(slug, **changes):
    line = next(generate(1, seed=1))
    del line["hero_image"]  # its file is written by write_jsonl, not here
    line.update({"slug": slug, "related": [], **changes})
    return line


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("{not json", "not valid JSON"),
        ('["a", "list"]', "JSON object"),
        (good_line("no-summary", summary=""), "missing summary"),
        (good_line("long", summary="x" * 301), "longer than 300"),
        (good_line("bad slug!"), "slug 'bad slug!'"),
        (good_line("lonely", related=["nowhere"]), "related articles not found: nowhere"),
        (good_line("ftp", references=[{"label": "x", "url": "ftp://x.example"}]), "reference URL"),
        (good_line("no-file", hero_image={"file": "missing.jpg", "alt": "x"}), "not found"),
        (good_line("no-alt", hero_image={"file": "hero.jpg", "alt": ""}), "needs alt text"),
        (good_line("dated", published_at="yesterday"), "published_at"),
        (good_line("xss", title="<script>alert(1)</script>"), "title '<script>"),
        (good_line("xss-tag", tags=["<img src=x onerror=alert(1)>"]), "tag 1 "),
        (good_line("bidi", summary="Safe \u202eevil"), "control character"),
        # Found by an attack on the batched import: each crashed the whole import before.
        (good_line("number", summary=7), "summary must be text"),
        (good_line("listed", author=["A", "B"]), "author must be text"),
        (good_line("hero-text", hero_image="hero.jpg"), "hero_image must be an object"),
        (good_line("up", hero_image={"file": "../up.jpg", "alt": "x"}), "inside the folder"),
        (good_line("abs", hero_image={"file": "/etc/passwd", "alt": "x"}), "inside the folder"),
        (good_line("feb", published_at="2024-02-30T10:00:00"), "not an ISO 8601"),
        (good_line("early", published_at="0001-01-01T00:00:00+05:00"), "out of range"),
        (
            good_line("self", author="Ava Chen", reviewer={"name": "Ava Chen", "slug": "ava"}),
            "cannot be the reviewer",
        ),
        ('{"slug": "half", "title": "\\ud800"}', "surrogate"),
        ('{"slug": "nul", "title": "a\\u0000b"}', "NUL"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"slug": "big", "n": ' + "9" * 5000 + "}", "not a line this import can read"),
        (
            good_line("false", reviewer={"name": "R", "slug": "r", "credentials": False}),
            "reviewer credentials must be text",
        ),
        (
            good_line("zero", references=[{"url": "https://x.example", "publisher": 0}]),
            "reference 1 publisher must be text",
        ),
        (
            good_line("cased", author="ava  CHEN", reviewer={"name": "Ava Chen", "slug": "ava"}),
            "cannot be the reviewer",
        ),
        (good_line("bang", tags=["Knee", "!!!"]), "tag 2 has no letters or digits"),
        (
            good_line("doi", references=[{"url": "https://x.example", "doi": "10.1/<b>"}]),
            "reference DOI",
        ),
        (
            good_line("pmid", references=[{"url": "https://x.example", "pmid": 25023924}]),
            "reference 1 PubMed ID must be text",
        ),
    ],
)
def test_a_bad_line_is_reported_with_its_number_and_nothing_of_it_is_written(tmp_path, bad, reason):
    (tmp_path / "hero.jpg").write_bytes(image_bytes(image_format="JPEG"))
    path = write(tmp_path / "a.jsonl", [good_line("first"), bad, good_line("third")])
    report = import_file(path, publish=True)
    [error] = report.errors
    assert error.startswith("line 2: ") and reason in error
    assert sorted(Article.objects.values_list("slug", flat=True)) == ["first", "third"]


def test_dry_run_checks_everything_and_writes_nothing(tmp_path):
    path = write(tmp_path / "a.jsonl", [good_line("first"), good_line("bad", summary="")])
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 line refused"):  # a script sees it failed
        call_command("import_articles", str(path), "--dry-run", stdout=out, stderr=err)
    assert "Would create 1" in out.getvalue() and "refused 1" in out.getvalue()
    assert "line 2: missing summary" in err.getvalue()
    assert not Article.objects.exists()


def test_related_topics_and_links_may_point_further_down_the_file(tmp_path):
    first = good_line("first", related=["second"])
    first["sections"][0]["body"] = "See [the second](article:second#when-to-see-a-doctor)."
    path = write(tmp_path / "a.jsonl", [first, good_line("second")])
    import_file(path, publish=True)
    document = PublishedArticle.objects.get(slug="first").document
    assert [card["slug"] for card in document["related_topics"]] == ["second"]
    assert "/articles/second/#when-to-see-a-doctor" in document["sections"][0]["html"]


def test_a_hero_image_next_to_the_file_is_imported_without_its_metadata(tmp_path):
    picture = PillowImage.new("RGB", (640, 480), "teal")
    exif = PillowImage.Exif()
    exif[0x010F] = "CameraMaker"
    picture.save(tmp_path / "hero.jpg", format="JPEG", exif=exif)
    line = good_line("pictured", hero_image={"file": "hero.jpg", "alt": "A calf stretch"})
    import_file(write(tmp_path / "a.jsonl", [line]), publish=True)
    image = Article.objects.get(slug="pictured").hero_image
    assert image.alt == "A calf stretch" and (image.width, image.height) == (640, 480)
    assert b"CameraMaker" not in image.file.read()
    assert PublishedArticle.objects.get().document["hero_image"]["alt"] == "A calf stretch"


def test_import_command_prints_a_summary(dataset):
    out = io.StringIO()
    call_command("import_articles", str(dataset), "--publish", stdout=out, stderr=io.StringIO())
    assert "Created 12, unchanged 0, published 12, refused 0." in out.getvalue()


def test_generate_command_writes_the_file(tmp_path):
    out = io.StringIO()
    path = tmp_path / "g.jsonl"
    call_command("generate_articles", "5", "--seed", "2", "--out", str(path), stdout=out)
    assert len(path.read_text().splitlines()) == 5
    assert "Wrote 5 articles" in out.getvalue()


def test_a_link_to_no_article_is_imported_with_a_warning_naming_it(tmp_path):
    linking = good_line("linking")
    linking["sections"][1]["body"] = "See [gone](article:gone#causes) and [kept](article:kept)."
    path = write(tmp_path / "a.jsonl", [linking, good_line("kept")])
    report = import_file(path, publish=True)
    assert (report.created, report.published, report.errors) == (2, 2, [])
    assert report.warnings == [
        "line 1: links to article:gone, not in the file nor live: readers get the text "
        "without the link"
    ]
    html = PublishedArticle.objects.get(slug="linking").document["sections"][1]["html"]
    assert "See gone and <a href=" in html and "/articles/kept/" in html
    assert import_file(path, publish=True).warnings == []  # unchanged lines: nothing to say


def test_lines_the_import_cannot_take_whole_are_refused_by_number(tmp_path):
    repeated = good_line("twice")
    path = tmp_path / "a.jsonl"
    path.write_bytes(
        b"\n".join(
            [
                json.dumps(good_line("first")).encode(),
                b'{"title": "caf\xe9"}',  # Latin-1, not UTF-8
                json.dumps(repeated).encode(),
                json.dumps(repeated).encode(),
            ]
        )
    )
    report = import_file(path, publish=True)
    assert report.errors == ["line 2: not UTF-8 text", "line 4: the slug twice is on line 3 too"]
    assert report.published == 2


def test_a_related_article_whose_line_was_refused_is_left_out_with_a_warning(tmp_path):
    lines = [
        good_line("first", related=["refused", "third"]),
        good_line("refused", summary=""),
        good_line("third"),
    ]
    report = import_file(write(tmp_path / "a.jsonl", lines), publish=True)
    assert report.errors == ["line 2: missing summary"]
    assert report.warnings == ["line 1: related article refused was refused: left out"]
    cards = PublishedArticle.objects.get(slug="first").document["related_topics"]
    assert [card["slug"] for card in cards] == ["third"]


def test_writers_named_in_other_scripts_get_accounts_of_their_own(tmp_path):
    lines = [good_line("one", author="王芳"), good_line("two", author="李明")]
    import_file(write(tmp_path / "a.jsonl", lines), publish=True)
    bylines = dict(PublishedArticle.objects.values_list("slug", "document_json"))
    assert "王芳" in bylines["one"] and "李明" in bylines["two"]


def test_drafts_an_import_created_and_did_not_publish_are_published_by_the_next_run(dataset):
    import_file(dataset, publish=False)  # as if stopped before publishing
    report = import_file(dataset, publish=True)
    assert (report.created, report.unchanged, report.resumed, report.published) == (0, 0, 12, 12)
    assert PublishedArticle.objects.count() == 12
    for live in PublishedArticle.objects.all():
        assert len(live.document["related_topics"]) == 6


def test_links_and_cards_to_articles_of_a_later_batch_are_printed_from_their_drafts(
    dataset, monkeypatch
):
    monkeypatch.setattr("articles.importing.BATCH_SIZE", 3)
    # Nothing live links to the import's articles: every document is rendered once, in its
    # batch, knowing the later batches' drafts as if they were live.
    monkeypatch.setattr("articles.publishing.rerender", lambda rows: rows.count())
    report = import_file(dataset, publish=True)
    assert (report.published, report.errors) == (12, [])
    for live in PublishedArticle.objects.select_related("article"):
        related = [card["title"] for card in live.document["related_topics"]]
        assert related == [topic.to_article.title for topic in live.article.related_topics.all()]
        html = "".join(section["html"] for section in live.document["sections"])
        links = PublishedLink.objects.filter(source=live).exclude(target_slug="")
        assert html.count("<a href=") == links.count() > 0
        assert "#when-to-see-a-doctor" in html and "article:" not in html


def test_an_import_stopped_while_publishing_is_finished_by_running_it_again(dataset, monkeypatch):
    monkeypatch.setattr("articles.importing.BATCH_SIZE", 5)
    publish = import_batches.publish
    calls = []

    def stopped_after_one_batch(*args, **kwargs):
        if calls:
            raise KeyboardInterrupt
        calls.append(1)
        return publish(*args, **kwargs)

    monkeypatch.setattr(import_batches, "publish", stopped_after_one_batch)
    with pytest.raises(KeyboardInterrupt):
        import_file(dataset, publish=True)
    assert PublishedArticle.objects.count() == 5
    monkeypatch.setattr(import_batches, "publish", publish)
    report = import_file(dataset, publish=True)
    assert (report.resumed, report.published, report.errors) == (7, 7, [])
    assert PublishedArticle.objects.count() == 12
    assert not Article.objects.filter(published__isnull=True).exists()
    # Every card and link leads to a live article: none was rendered missing.
    for live in PublishedArticle.objects.all():
        assert len(live.document["related_topics"]) == 6
        html = "".join(section["html"] for section in live.document["sections"])
        links = PublishedLink.objects.filter(source=live).exclude(target_slug="")
        assert html.count("<a href=") == links.count() > 0


def test_a_writers_own_draft_under_a_slug_of_the_file_is_left_alone(dataset, writer):
    first = json.loads(dataset.read_text().splitlines()[0])
    ArticleFactory(author=writer, slug=first["slug"])  # someone's work, made in the admin
    report = import_file(dataset, publish=True)
    assert report.resumed == 0 and report.unchanged == 1
    assert not PublishedArticle.objects.filter(slug=first["slug"]).exists()


@pytest.mark.parametrize("jobs", ["0", "-1", "1000"])
def test_a_number_of_jobs_out_of_range_is_refused_before_anything_is_read(dataset, jobs):
    with pytest.raises(CommandError, match="--jobs must be from 1 to"):
        call_command("import_articles", str(dataset), "--jobs", jobs, stdout=io.StringIO())
    assert not Article.objects.exists()


def test_a_stopped_import_whose_file_changed_since_is_not_taken_up(dataset):
    import_file(dataset, publish=False)  # as if stopped before publishing
    lines = [json.loads(line) for line in dataset.read_text().splitlines()]
    lines[0]["title"] = "A title corrected after the stop"
    lines[1]["reviewer"] = {"name": "Nia Okoro", "slug": "nia-okoro", "credentials": "MD"}
    write(dataset, lines)
    report = import_file(dataset, publish=True)
    assert report.errors == [
        "line 1: an earlier import created this article and did not publish it, and the line "
        "has changed since: delete the draft to import the line anew",
    ]
    assert (report.resumed, report.published) == (11, 11)
    assert not PublishedArticle.objects.filter(slug=lines[0]["slug"]).exists()
    # Who reviews is not in the draft: a new reviewer is made and approves it.
    assert PublishedArticle.objects.get(slug=lines[1]["slug"]).reviewer.slug == "nia-okoro"


def test_writers_without_letters_in_their_names_get_accounts_of_their_own(tmp_path):
    lines = [good_line("one", author="😀"), good_line("two", author="🙂")]
    import_file(write(tmp_path / "a.jsonl", lines), publish=True)
    authors = Article.objects.values_list("author__username", flat=True).distinct()
    assert len(authors) == 2


def test_a_reference_keeps_its_doi_and_pubmed_id(tmp_path):
    path = tmp_path / "papers.jsonl"
    paper = {"label": "Criteria", "url": "https://doi.org/10.1016/j.sleep.2014.03.025",
             "doi": "doi:10.1016/j.sleep.2014.03.025", "pmid": "25023924"}  # fmt: skip
    path.write_text(json.dumps(good_line("papers", references=[paper])) + "\n")
    report = import_file(path, publish=True)
    assert report.errors == [] and report.published == 1
    [cited] = PublishedArticle.objects.get(slug="papers").document["references"]
    assert (cited["doi"], cited["pmid"]) == ("10.1016/j.sleep.2014.03.025", "25023924")
