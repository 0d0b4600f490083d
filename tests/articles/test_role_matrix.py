"""Every editorial endpoint by every role: only the allowed cells succeed, and the others change
nothing and say why.

Roles: anonymous, the article's writer, another writer, a reviewer who is not assigned, the
assigned reviewer, an editor and a deactivated editor. A 404 means the user may not even see the
article (another writer's draft is as good as absent); a 403 means they see it but may not act.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from articles import workflow
from articles.models import Article, PublishedArticle, Review, Transition
from images.models import Image
from tests.articles.test_editorial_api import client_for, new_article_payload
from tests.factories import (
    ArticleFactory,
    ReviewerFactory,
    SectionFactory,
    UserFactory,
    stored_image,
)

pytestmark = pytest.mark.django_db

ROLES = [
    "anonymous",
    "writer",
    "other_writer",
    "unassigned_reviewer",
    "reviewer",
    "editor",
    "inactive_editor",
]


@pytest.fixture
def unassigned_reviewer(db):
    user = UserFactory(username="reviewer-2", group="Reviewers")
    ReviewerFactory(user=user, name="Sam Poe", slug="sam-poe")
    return user


@pytest.fixture
def inactive_editor(db):
    user = UserFactory(username="editor-gone", group="Editors")
    client_for(user)  # the token exists before the account is switched off
    user.is_active = False
    user.save()
    return user


def prepare(stage, writer, reviewer, editor):
    """An article by `writer`, brought to the state the request starts from."""
    article = ArticleFactory(author=writer, slug="calf-cramps")
    SectionFactory(article=article)
    if stage == "draft":
        return article
    workflow.submit(article=article, by=writer, reviewers=[reviewer.reviewer_profile])
    if stage == "in_review":
        return article
    workflow.approve(review=Review.objects.get(), by=reviewer)
    if stage == "approved":
        return article
    workflow.publish(article=article, by=editor)
    return article


# request: (starting stage, method, URL, body)
REQUESTS = {
    "list articles": ("in_review", "get", "articles/", None),
    "read article": ("in_review", "get", "articles/{article}/", None),
    "article history": ("in_review", "get", "articles/{article}/history/", None),
    "create article": ("draft", "post", "articles/", "new_article"),
    "edit article": (
        "in_review",
        "patch",
        "articles/{article}/",
        {"intro": "New.", "version": "{v}"},
    ),
    "set byline": (
        "in_review",
        "patch",
        "articles/{article}/",
        {"byline": "Dr. Maria Lopez", "first_published_at": "2016-03-14", "version": "{v}"},
    ),
    "preview link": ("in_review", "post", "articles/{article}/preview-token/", {}),
    "submit": ("draft", "post", "articles/{article}/submit/", {"reviewers": ["jane-roe"]}),
    "withdraw": ("in_review", "post", "articles/{article}/withdraw/", {}),
    "publish": ("approved", "post", "articles/{article}/publish/", {}),
    "unpublish": ("published", "post", "articles/{article}/unpublish/", {"comment": "Old."}),
    "recertify": (
        "published",
        "post",
        "articles/{article}/recertify/",
        {"reviewers": ["jane-roe"]},
    ),
    "list reviews": ("in_review", "get", "reviews/", None),
    "read review": ("in_review", "get", "reviews/{review}/", None),
    "approve": ("in_review", "post", "reviews/{review}/approve/", {}),
    "request changes": (
        "in_review",
        "post",
        "reviews/{review}/request-changes/",
        {"comment": "No"},
    ),
    "upload image": ("draft", "post", "images/", "image"),
    "read image": ("draft", "get", "images/{image}/", None),
}

# The expected status of each request (rows) by each role (columns, in the order of ROLES).
EXPECTED_TABLE = """
                    anonymous  writer  other  unassigned  reviewer  editor  inactive
    list articles         401     200    200         200       200     200       401
    read article          401     200    404         404       200     200       401
    article history       401     200    404         404       200     200       401
    create article        401     201    201         403       403     201       401
    edit article          401     200    404         404       403     200       401
    set byline            401     403    404         404       403     200       401
    preview link          401     201    404         404       201     201       401
    submit                401     200    404         404       404     200       401
    withdraw              401     200    404         404       403     200       401
    publish               401     403    404         404       403     200       401
    unpublish             401     403    404         404       403     200       401
    recertify             401     200    404         404       403     200       401
    list reviews          401     200    200         200       200     200       401
    read review           401     200    404         404       200     200       401
    approve               401     403    404         404       200     403       401
    request changes       401     403    404         404       200     403       401
    upload image          401     201    201         403       403     201       401
    read image            401     200    200         200       200     200       401
"""


def _expected_statuses(table):
    rows = {}
    for line in table.strip().splitlines()[1:]:
        words = line.split()
        statuses = [int(word) for word in words[-len(ROLES) :]]
        rows[" ".join(words[: -len(ROLES)])] = dict(zip(ROLES, statuses, strict=True))
    return rows


EXPECTED = _expected_statuses(EXPECTED_TABLE)
assert EXPECTED.keys() == REQUESTS.keys()

CELLS = [(name, role) for name in REQUESTS for role in ROLES]


def database_state():
    return (
        list(
            Article.objects.order_by("pk").values_list(
                "state", "version", "intro", "byline", "first_published_at"
            )
        ),
        Transition.objects.count(),
        list(Review.objects.order_by("pk").values_list("decision", flat=True)),
        PublishedArticle.objects.count(),
        Image.objects.count(),
    )


def body_for(spec, article, tiny_png):
    if spec == "new_article":
        return new_article_payload(tags=[], related_topics=[]), "json"
    if spec == "image":
        return {"file": tiny_png, "alt": "A calf stretch."}, "multipart"
    if spec is None:
        return None, None
    return {
        k: v.format(v=article.version) if isinstance(v, str) else v for k, v in spec.items()
    }, "json"


@pytest.mark.parametrize(("name", "role"), CELLS)
def test_request_by_role(name, role, request, writer, reviewer, editor, tiny_png):
    stage, method, path, body = REQUESTS[name]
    expected = EXPECTED[name]
    article = prepare(stage, writer, reviewer, editor)
    review = Review.objects.filter(decision=Review.Decision.PENDING).first()
    image = stored_image(uploaded_by=writer) if "{image}" in path else None
    user = None if role == "anonymous" else request.getfixturevalue(role)
    url = "/api/v1/editorial/" + path.format(
        article=article.pk, review=review and review.pk, image=image and image.pk
    )
    data, format = body_for(body, article, tiny_png)
    before = database_state()
    response = getattr(client_for(user), method)(url, data, format=format)
    assert response.status_code == expected[role], response.content[:300]
    if response.status_code >= 400:
        assert response.json()["detail"]
        assert database_state() == before
    elif method != "get" and name != "preview link":  # a preview link is signed, not stored
        assert database_state() != before
    if name == "list articles" and response.status_code == 200:
        seen = [row["id"] for row in response.json()["results"]]
        assert seen == ([article.pk] if expected_to_see(role) else [])


def expected_to_see(role):
    return role in ("writer", "reviewer", "editor")


def test_publish_due_command_publishes_each_due_article_once(writer, reviewer, editor):
    article = prepare("approved", writer, reviewer, editor)
    workflow.publish(article=article, by=editor, at=timezone.now() + datetime.timedelta(seconds=1))
    Article.objects.filter(pk=article.pk).update(publish_at=timezone.now())
    out = io.StringIO()
    call_command("publish_due", "--dry-run", stdout=out)
    assert "Due: " in out.getvalue()
    assert not PublishedArticle.objects.exists()
    call_command("publish_due", stdout=out)
    call_command("publish_due", stdout=out)
    assert "Published 1 scheduled article(s)." in out.getvalue()
    assert "Published 0 scheduled article(s)." in out.getvalue()
    assert PublishedArticle.objects.filter(article=article).count() == 1


def test_a_token_revoked_by_its_owner_stops_working_at_once(writer):
    client = client_for(writer)
    assert client.get("/api/v1/editorial/articles/").status_code == 200
    assert client.delete("/api/v1/editorial/token/").status_code == 204
    response = client.get("/api/v1/editorial/articles/")
    assert response.status_code == 401
    assert response.json()["detail"]
    assert not Token.objects.filter(user=writer).exists()


def test_revoking_needs_a_token_to_revoke(client, writer):
    client.force_login(writer)
    response = client.delete("/api/v1/editorial/token/")
    assert response.status_code == 400
    assert "not signed with a token" in response.json()["detail"]


def test_editors_revoke_other_peoples_tokens_in_the_admin(client, writer, editor, other_writer):
    api = client_for(writer)
    token = Token.objects.get(user=writer)
    delete_url = reverse("admin:authtoken_tokenproxy_delete", args=[token.user_id])
    client.force_login(other_writer)
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert api.get("/api/v1/editorial/articles/").status_code == 200
    client.force_login(editor)
    assert client.get(reverse("admin:authtoken_tokenproxy_changelist")).status_code == 200
    assert client.post(delete_url, {"post": "yes"}).status_code == 302
    assert api.get("/api/v1/editorial/articles/").status_code == 401
