"""Image URLs in API answers are absolute: from the request's host while MEDIA_URL is a path
(the default), as stored when it is absolute (a server of its own, or a bucket)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from articles.models import PublishedArticle
from reviewers.models import Reviewer
from tests.factories import ArticleFactory, RelatedTopicFactory, SectionFactory, stored_image

pytestmark = pytest.mark.django_db
# An absolute MEDIA_URL naming this machine's own server, which serves the uploads itself.
ABSOLUTE_MEDIA_URL = "http://127.0.0.1:8000/media/"
WRITERS_TEXT = "/media/ is where a writer wrote about /media/images/ on purpose"


@pytest.fixture(autouse=True)
def any_host(settings):
    settings.ALLOWED_HOSTS = ["testserver", "cms.example.net"]


@pytest.fixture
def illustrated(writer, reviewer, publish):
    image = stored_image(alt="A runner stretching her calf")
    image.generate_renditions()
    Reviewer.objects.filter(user=reviewer).update(photo=image)
    neighbour = ArticleFactory(author=writer, slug="heel-pain", hero_image=image)
    SectionFactory(article=neighbour)
    publish(neighbour)
    article = ArticleFactory(
        author=writer, slug="calf-cramps", hero_image=image, title="/media/ in a title"
    )
    SectionFactory(article=article, heading="/media/images/x.jpg 320w", body=WRITERS_TEXT)
    RelatedTopicFactory(
        from_article=article, to_article=neighbour.__class__.objects.get(pk=neighbour.pk)
    )
    publish(article)
    return image


def image_urls(image):
    return [image["src"]] + [
        entry.split(" ")[0]
        for name in ("srcset", "srcset_original_format", "square_srcset")
        for entry in image[name].split(", ")
    ]


def every_image_url(host="testserver", **headers):
    client = Client(headers={"Host": host, **headers} if host != "testserver" else headers)
    document = client.get("/api/v1/articles/calf-cramps/").json()
    card = client.get("/api/v1/articles/").json()["results"][0]
    reviewer = client.get("/api/v1/reviewers/jane-roe/").json()
    return [
        *image_urls(document["hero_image"]),
        document["json_ld"]["image"]["url"],
        *image_urls(card["hero_image"]),
        *image_urls(reviewer["photo"]),
        *image_urls(reviewer["articles"][0]["hero_image"]),
    ]


def test_image_urls_name_the_host_asked(illustrated):
    urls = every_image_url()
    assert len(urls) > 20
    assert all(url.startswith("http://testserver/media/images/") for url in urls), urls


def test_image_urls_follow_another_host(illustrated):
    urls = every_image_url(host="cms.example.net")
    assert all(url.startswith("http://cms.example.net/media/images/") for url in urls), urls


def test_a_writers_text_that_names_the_media_path_is_left_alone(illustrated):
    document = Client().get("/api/v1/articles/calf-cramps/").json()
    assert document["title"] == "/media/ in a title"
    assert document["sections"][0]["heading"] == "/media/images/x.jpg 320w"
    assert WRITERS_TEXT in document["sections"][0]["html"]


def test_an_absolute_media_url_is_sent_as_stored(illustrated, settings):
    settings.MEDIA_URL = ABSOLUTE_MEDIA_URL
    stored = PublishedArticle.objects.get(slug="calf-cramps").document_json
    response = Client().get("/api/v1/articles/calf-cramps/")
    assert response.content.startswith(stored[:-1].encode())
    assert "http://testserver" not in response.content.decode()


def test_the_editorial_api_gives_absolute_image_urls(illustrated, editor):
    client = APIClient()
    client.force_authenticate(editor)
    image = client.get(f"/api/v1/editorial/images/{illustrated.pk}/").json()
    assert image_urls(image)[0].startswith("http://testserver/media/images/")
    made = [rendition["src"] for rendition in image["renditions"] if rendition["src"]]
    assert made and all(src.startswith("http://testserver/media/") for src in made)


def test_the_etag_tells_apart_the_copies_made_for_each_host_and_scheme(illustrated, settings):
    """A cache revalidating the copy made for one host must not be told (304) that it is the
    copy for another: their image URLs differ."""
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    path = "/api/v1/articles/calf-cramps/"
    here = Client().get(path)
    there = Client(headers={"Host": "cms.example.net"}).get(path)
    secure = Client(headers={"X-Forwarded-Proto": "https"}).get(path)
    assert len({here["ETag"], there["ETag"], secure["ETag"]}) == 3
    stale = Client(headers={"Host": "cms.example.net"}).get(
        path, headers={"If-None-Match": here["ETag"]}
    )
    assert stale.status_code == 200 and b"http://cms.example.net/media/" in stale.content
    assert Client().get(path, headers={"If-None-Match": here["ETag"]}).status_code == 304
    # With an absolute MEDIA_URL every host gets the same bytes, and so the same ETag.
    settings.MEDIA_URL = ABSOLUTE_MEDIA_URL
    assert Client().get(path)["ETag"] == there_client_etag(path)


def there_client_etag(path):
    return Client(headers={"Host": "cms.example.net"}).get(path)["ETag"]
