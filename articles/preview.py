"""Signed, expiring preview links: a frontend shows unpublished content to staff through them.

A token names an article and, optionally, one of its revisions. It carries no secret of its own;
it is signed with the site's key and expires after PREVIEW_TOKEN_MAX_AGE seconds.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from articles.documents import render_document
from articles.models import Article

SALT = "articles.preview"


def issue_token(*, article, revision=None):
    """A token for the working copy of `article`, or for `revision` of it."""
    payload = {"article": article.pk, "revision": revision.number if revision else None}
    return signing.dumps(payload, salt=SALT, compress=True)


def token_details(token, request=None):
    """What the editorial API and the admin hand out with a token."""
    path = reverse("api:preview", args=[token])
    expires_at = timezone.now() + datetime.timedelta(seconds=settings.PREVIEW_TOKEN_MAX_AGE)
    return {
        "token": token,
        "api_url": request.build_absolute_uri(path) if request else path,
        "expires_at": expires_at.isoformat(),
    }


def document_for_token(token):
    """The preview document a valid token names, or None for a bad, expired or stale token."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=settings.PREVIEW_TOKEN_MAX_AGE)
    except signing.BadSignature:
        return None
    article = Article.objects.filter(pk=payload.get("article")).first()
    if article is None:
        return None
    number = payload.get("revision")
    if number is None:
        snapshot, approval = article.snapshot(), None
    else:
        revision = article.revisions.filter(number=number).first()
        if revision is None:
            return None
        snapshot, approval = revision.snapshot, revision.approval()
    document = render_document(
        snapshot, article_id=article.pk, revision_number=number, approval=approval
    ).document
    return {**document, "review_overdue": False, "review_status": "current", "robots": None}
