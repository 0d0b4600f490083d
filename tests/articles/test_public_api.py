"""The public delivery API: what a frontend reads, how it behaves over HTTP."""

import datetime

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from articles import preview, workflow
from articles.api.http import PublicRateThrottle
from articles.models import Article, PublishedArticle
from tests.factories import (
    ArticleFactory,
    RelatedTopicFactory,
    ReviewerFactory,
    SectionFactory,
    TagFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def anon():
    return APIClient()


def make_article(author, slug, *, tags=(), sections=2, **fields):
    article = ArticleFactory(author=author, slug=slug, title=fields.pop("title", slug), **fields)
    for number in range(sections):
        SectionFactory(article=article, heading=f"Part {number}", body=f"Advice {number}.")
    for tag in tags:
        article.tags.add(tag)
    return article


# The list ------------------------------------------------------------------------------------


def test_list_serves_cards_of_live_articles_with_a_count(anon, writer, publish):
    leg = TagFactory(name="Leg Pain", slug="leg-pain")
    publish(make_article(writer, "calf-cramps", tags=[leg]))
    response = anon.get(f"{API}/articles/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    [card] = body["results"]
    assert set(card) == {
        "slug", "url", "title", "summary", "tags", "reviewer", "published_at", "updated_at",
        "reading_time_minutes", "hero_image",
    }  # fmt: skip
    assert card["url"] == "https://health.example/articles/calf-cramps/"
    assert card["reviewer"]["credentials"] == "MD"
    assert card["tags"] == [{"slug": "leg-pain", "name": "Leg Pain", "kind": "topic", "codes": []}]


def test_pagination_with_page_size_up_to_100(anon, writer, publish):
    for number in range(5):
        publish(make_article(writer, f"article-{number}", sections=1))
    body = anon.get(f"{API}/articles/", {"page_size": 2, "page": 3}).json()
    assert body["count"] == 5 and len(body["results"]) == 1
    assert body["next"] is None and "page=2" in body["previous"]
    assert anon.get(f"{API}/articles/", {"page_size": 101}).status_code == 400
    assert anon.get(f"{API}/articles/", {"page": 9}).status_code == 404


@pytest.mark.parametrize(
    "query",
    [
        {"colour": "blue"},
        {"page": "0"},
        {"page": "abc"},
        {"page_size": "many"},
        {"ordering": "popularity"},
        {"updated_since": "last tuesday"},
        {"tag": "not a slug!"},
        {"reviewer": "<script>"},
        {"q": "x" * 201},
    ],
)
def test_bad_query_parameters_answer_400_with_a_message(anon, query):
    response = anon.get(f"{API}/articles/", query)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] and body["code"] in {"invalid", "invalid_query"}


def test_tag_filter_requires_every_tag_given(anon, writer, publish):
    hip, leg = TagFactory(slug="hip-pain"), TagFactory(slug="leg-pain")
    publish(make_article(writer, "both", tags=[hip, leg]))
    publish(make_article(writer, "hip-only", tags=[hip]))

    def slugs(query):
        return [c["slug"] for c in anon.get(f"{API}/articles/", query).json()["results"]]

    assert sorted(slugs({"tag": "hip-pain"})) == ["both", "hip-only"]
    assert slugs({"tag": ["hip-pain", "leg-pain"]}) == ["both"]
    assert slugs({"tag": "no-such-tag"}) == []


def test_reviewer_and_updated_since_filters(anon, writer, publish):
    publish(make_article(writer, "older"))
    PublishedArticle.objects.update(updated_at=timezone.now() - datetime.timedelta(days=30))
    publish(make_article(writer, "newer"))
    since = (timezone.now() - datetime.timedelta(days=1)).isoformat()
    found = anon.get(f"{API}/articles/", {"updated_since": since}).json()["results"]
    assert [c["slug"] for c in found] == ["newer"]
    assert anon.get(f"{API}/articles/", {"reviewer": "jane-roe"}).json()["count"] == 2
    assert anon.get(f"{API}/articles/", {"reviewer": "someone-else"}).json()["count"] == 0


def test_search_finds_words_in_titles_and_sections_and_ranks_titles_first(anon, writer, publish):
    publish(make_article(writer, "about-cramps", title="Cramps in the calf"))
    body_only = make_article(writer, "mentions-cramps", title="Night pain", sections=0)
    SectionFactory(article=body_only, heading="Causes", body="Cramps can wake you at night.")
    publish(body_only)
    publish(make_article(writer, "unrelated", title="Knee care"))
    found = [c["slug"] for c in anon.get(f"{API}/articles/", {"q": "cramps"}).json()["results"]]
    assert found == ["about-cramps", "mentions-cramps"]
    assert anon.get(f"{API}/articles/", {"q": "cramps night"}).json()["count"] == 1


def test_ordering_by_title(anon, writer, publish):
    for title in ["Beta", "Alpha", "Gamma"]:
        publish(make_article(writer, title.lower(), title=title, sections=1))
    found = anon.get(f"{API}/articles/", {"ordering": "title"}).json()["results"]
    assert [c["title"] for c in found] == ["Alpha", "Beta", "Gamma"]
    found = anon.get(f"{API}/articles/", {"ordering": "-title"}).json()["results"]
    assert [c["title"] for c in found] == ["Gamma", "Beta", "Alpha"]


# The document ---------------------------------------------------------------------------------


def test_detail_is_the_full_document(anon, writer, publish):
    target = make_article(writer, "knee-pain", title="Knee pain", summary="About knees.")
    publish(target)
    article = make_article(writer, "calf-cramps", tags=[TagFactory(slug="leg-pain")])
    SectionFactory(article=article, heading="Knees", body="See [knees](article:knee-pain#part-1).")
    RelatedTopicFactory(from_article=article, to_article=target)
    article.references.create(position=1, label="Source", url="https://example.org/s")
    publish(article)
    document = anon.get(f"{API}/articles/calf-cramps/").json()
    assert document["title"] == "calf-cramps"
    assert document["reviewer"]["name"] == "Jane Roe"
    assert document["author"]["name"]
    assert [entry["anchor"] for entry in document["toc"]] == ["part-0", "part-1", "knees"]
    assert (
        'href="https://health.example/articles/knee-pain/#part-1"'
        in document["sections"][2]["html"]
    )
    assert document["related_topics"] == [
        {"slug": "knee-pain", "title": "Knee pain", "summary": "About knees.",
         "url": "https://health.example/articles/knee-pain/"}
    ]  # fmt: skip
    assert document["references"][0]["url"] == "https://example.org/s"
    assert document["disclaimer"].startswith("This article is for general information")
    assert document["review_overdue"] is False
    assert document["next_review_due"] > document["last_reviewed_at"][:10]
    json_ld = document["json_ld"]
    assert json_ld["@type"] == "MedicalWebPage"
    reviewed_by = dict(json_ld["reviewedBy"])
    assert reviewed_by.pop("hasCredential")[0]["@type"] == "EducationalOccupationalCredential"
    assert reviewed_by == {
        "@type": "Person", "name": "Jane Roe", "honorificSuffix": "MD", "jobTitle": "Orthopedics"
    }  # fmt: skip
    assert json_ld["lastReviewed"] == document["last_reviewed_at"][:10]
    assert json_ld["citation"][0]["url"] == "https://example.org/s"
    assert [thing["name"] for thing in json_ld["about"]] == [document["tags"][0]["name"]]
    assert {"headline", "datePublished", "dateModified"} <= set(json_ld)


def test_article_disclaimer_overrides_the_site_wide_one(anon, writer, publish):
    publish(make_article(writer, "own-disclaimer", disclaimer="Talk to your midwife first."))
    document = anon.get(f"{API}/articles/own-disclaimer/").json()
    assert document["disclaimer"] == "Talk to your midwife first."


def test_overdue_review_is_flagged(anon, writer, publish):
    publish(make_article(writer, "old-advice"))
    PublishedArticle.objects.update(next_review_due=timezone.localdate() - datetime.timedelta(1))
    assert anon.get(f"{API}/articles/old-advice/").json()["review_overdue"] is True


def test_a_retired_slug_redirects_to_the_current_one(anon, writer, editor, publish):
    article = make_article(writer, "old-slug")
    publish(article)
    workflow.begin_edit(article=article, by=writer)
    article.slug = "new-slug"
    article.save()
    workflow.record_edit(article=article, by=writer)
    publish(Article.objects.get(pk=article.pk))
    response = anon.get(f"{API}/articles/old-slug/")
    assert response.status_code == 301
    assert response["Location"] == f"{API}/articles/new-slug/"
    assert anon.get(f"{API}/articles/new-slug/").status_code == 200


def test_unknown_slug_is_a_json_404(anon):
    response = anon.get(f"{API}/articles/no-such-article/")
    assert response.status_code == 404
    assert response.json()["detail"]


# Tags and reviewers -------------------------------------------------------------------------


def test_tags_count_live_articles_only(anon, writer, publish):
    leg = TagFactory(name="Leg Pain", slug="leg-pain")
    draft_only = TagFactory(name="Draft topic", slug="draft-topic")
    publish(make_article(writer, "live", tags=[leg]))
    make_article(writer, "draft", tags=[leg, draft_only])
    tags = anon.get(f"{API}/tags/").json()["results"]
    assert [(t["slug"], t["article_count"]) for t in tags] == [("leg-pain", 1)]
    assert anon.get(f"{API}/tags/leg-pain/").json()["article_count"] == 1
    assert anon.get(f"{API}/tags/draft-topic/").status_code == 404


def test_reviewers_list_and_detail_with_the_articles_they_approved(anon, writer, publish):
    ReviewerFactory(slug="never-approved", user=UserFactory())
    publish(make_article(writer, "approved-one"))
    reviewers = anon.get(f"{API}/reviewers/").json()["results"]
    assert [(r["slug"], r["article_count"]) for r in reviewers] == [("jane-roe", 1)]
    detail = anon.get(f"{API}/reviewers/jane-roe/").json()
    assert detail["byline"] == "Jane Roe, MD"
    assert [card["slug"] for card in detail["articles"]] == ["approved-one"]
    assert anon.get(f"{API}/reviewers/never-approved/").status_code == 404


def test_editing_a_reviewer_profile_updates_live_bylines_in_the_background(
    anon, writer, reviewer, publish, django_capture_on_commit_callbacks
):
    publish(make_article(writer, "calf-cramps"))
    profile = reviewer.reviewer_profile
    profile.credentials = "MD, PhD"
    with django_capture_on_commit_callbacks() as queued:
        profile.save()
    # Saving only queued the re-render: the request that saved answers at once.
    assert len(queued) == 1
    document = anon.get(f"{API}/articles/calf-cramps/").json()
    assert document["reviewer"]["byline"] == "Jane Roe, MD"
    queued[0]()  # the task, once the save has committed
    document = anon.get(f"{API}/articles/calf-cramps/").json()
    assert document["reviewer"]["byline"] == "Jane Roe, MD, PhD"


def test_renaming_a_tag_updates_live_documents(
    anon, writer, publish, django_capture_on_commit_callbacks
):
    tag = TagFactory(name="Leg pain", slug="leg-pain")
    publish(make_article(writer, "calf-cramps", tags=[tag]))
    tag.name = "Leg Pain"
    with django_capture_on_commit_callbacks(execute=True):
        tag.save()
    assert anon.get(f"{API}/articles/calf-cramps/").json()["tags"][0]["name"] == "Leg Pain"


# Previews -----------------------------------------------------------------------------------


def test_preview_token_shows_the_working_copy_in_the_document_shape(anon, writer):
    article = make_article(writer, "unreviewed", title="Not reviewed yet")
    response = APIClient()
    response.force_authenticate(writer)
    issued = response.post(f"{API}/editorial/articles/{article.pk}/preview-token/").json()
    document = anon.get(issued["api_url"]).json()
    assert document["title"] == "Not reviewed yet"
    assert document["reviewer"] is None and document["published_at"] is None
    assert [s["anchor"] for s in document["sections"]] == ["part-0", "part-1"]
    assert "no-store" in anon.get(issued["api_url"])["Cache-Control"]


def test_preview_of_a_revision(anon, writer, reviewer):
    article = make_article(writer, "in-review", title="Submitted title")
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    article = Article.objects.get(pk=article.pk)
    workflow.begin_edit(article=article, by=writer)
    article.title = "Later title"
    article.save()
    token = preview.issue_token(article=article, revision=article.revisions.get())
    assert anon.get(f"{API}/preview/{token}/").json()["title"] == "Submitted title"


@pytest.mark.parametrize("damage", ["tamper", "expire", "garbage"])
def test_bad_or_expired_preview_tokens_are_404_without_saying_which(
    anon, writer, damage, monkeypatch
):
    token = preview.issue_token(article=make_article(writer, "draft"))
    if damage == "tamper":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    if damage == "garbage":
        token = "not-a-token"
    if damage == "expire":
        real_time = signing.time.time
        monkeypatch.setattr(signing.time, "time", lambda: real_time() + 7200)
    response = anon.get(f"{API}/preview/{token}/")
    assert response.status_code == 404
    assert response.json()["detail"] == "This preview link is not valid."


def test_admin_change_page_offers_a_preview_link(writer, client):
    article = make_article(writer, "draft")
    client.force_login(writer)
    html = client.get(f"/admin/articles/article/{article.pk}/change/").content.decode()
    assert f"{API}/preview/" in html


# HTTP behaviour -----------------------------------------------------------------------------


def test_conditional_get_with_etag_and_last_modified(writer, publish):
    publish(make_article(writer, "calf-cramps"))
    client = Client()
    paths = [
        f"{API}/articles/",
        f"{API}/articles/calf-cramps/",
        f"{API}/tags/",
        f"{API}/reviewers/jane-roe/",
        "/sitemap.xml",
        "/feeds/articles/",
    ]
    for path in paths:
        first = client.get(path)
        assert first.status_code == 200
        assert first["ETag"].startswith('"') and not first["ETag"].startswith("W/")
        assert first["Last-Modified"]
        assert "public" in first["Cache-Control"] and "s-maxage" in first["Cache-Control"]
        again = client.get(path, HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        since = client.get(path, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
        assert since.status_code == 304


def test_a_change_makes_the_old_etag_stale(writer, publish, editor):
    article = make_article(writer, "calf-cramps")
    publish(article)
    client = Client()
    etag = client.get(f"{API}/articles/")["ETag"]
    workflow.unpublish(article=article, by=editor)
    assert client.get(f"{API}/articles/", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_cors_allows_only_configured_origins(settings, writer, publish):
    settings.CORS_ALLOWED_ORIGINS = ["https://www.health.example"]
    client = Client()
    allowed = client.get(f"{API}/articles/", HTTP_ORIGIN="https://www.health.example")
    assert allowed["Access-Control-Allow-Origin"] == "https://www.health.example"
    other = client.get(f"{API}/articles/", HTTP_ORIGIN="https://elsewhere.example")
    assert "Access-Control-Allow-Origin" not in other


def test_anonymous_clients_are_throttled_with_a_clear_429(settings, anon):
    settings.API_ANON_RATE = "3/min"
    statuses = [anon.get(f"{API}/tags/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    response = anon.get(f"{API}/tags/")
    assert "throttled" in response.json()["detail"].lower()
    assert response["Retry-After"]


def test_a_cache_that_fails_lets_readers_through_unthrottled(settings, anon, monkeypatch):
    settings.API_ANON_RATE = "3/min"

    class Unreachable:
        def get(self, *args, **kwargs):
            raise ConnectionError("Error 111 connecting to 127.0.0.1:6379.")

        set = get

    monkeypatch.setattr(PublicRateThrottle, "cache", Unreachable())
    assert {anon.get(f"{API}/tags/").status_code for _ in range(5)} == {200}


def test_throttling_can_be_switched_off(settings, anon):
    settings.API_ANON_RATE = ""
    assert {anon.get(f"{API}/tags/").status_code for _ in range(130)} == {200}


def test_public_endpoints_refuse_writes(anon):
    assert anon.post(f"{API}/articles/", {}).status_code == 405
    assert anon.delete(f"{API}/tags/leg-pain/").status_code == 405


def test_unknown_api_paths_answer_json_404(anon):
    response = anon.get(f"{API}/no-such-endpoint/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found.", "code": "not_found"}
