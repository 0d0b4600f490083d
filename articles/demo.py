"""Loading the demo knowledge base of `demo_content` into the database, idempotently.

New demo articles are published through the real workflow: the demo writer submits each one,
the demo reviewer approves it and the demo editor publishes it. Rows that already exist are left
exactly as they are, so running the loader again changes nothing, and edits made to a demo
article survive it.
"""

import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from articles import demo_content, workflow
from articles.models import Article, Reference, RelatedTopic, Review, Section
from reviewers.models import Reviewer
from tags.models import Tag


@dataclass
class DemoLoad:
    """What one run of the loader created; `password` is set when it created users."""

    created_users: list[str] = field(default_factory=list)
    created_articles: list[str] = field(default_factory=list)
    password: str | None = None


@transaction.atomic
def load_demo(*, password=None):
    """Create whatever part of the demo is missing and return what was created."""
    result = DemoLoad()
    users = {
        username: _ensure_user(username, first, last, group, password, result)
        for username, (first, last, group) in demo_content.USERS.items()
    }
    reviewer = _ensure_reviewer(users["reviewer"])
    for spec in demo_content.TAGS:
        Tag.objects.get_or_create(slug=spec["slug"], defaults=spec)

    new_articles = [
        _create_article(spec, users["writer"])
        for spec in demo_content.ARTICLES
        if not Article.objects.filter(slug=spec["slug"]).exists()
    ]
    for article, spec in new_articles:
        _add_related_topics(article, spec["related"])
        result.created_articles.append(article.slug)
    for article, _ in new_articles:
        _publish_through_review(article, users, reviewer)
    # Early articles could not link to later ones yet: render those links now, before the
    # command returns, rather than in the background.
    workflow.rerender_linking_to(result.created_articles)
    return result


def _publish_through_review(article, users, reviewer):
    """Take a new demo article the whole way a real one goes: submit, approve, publish."""
    article = workflow.submit(article=article, by=users["writer"], reviewers=[reviewer])
    review = Review.objects.get(revision=article.current_revision, reviewer=reviewer)
    workflow.approve(
        review=review, by=users["reviewer"], comment="Checked against current guidance."
    )
    workflow.publish(article=article, by=users["editor"], rerender_dependents=False)


def _ensure_user(username, first_name, last_name, group_name, password, result):
    User = get_user_model()
    user = User.objects.filter(username=username).first()
    if user is None:
        if password is None:
            password = result.password or secrets.token_urlsafe(12)
            result.password = password
        user = User.objects.create_user(
            username=username,
            password=password,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@example.com",
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=group_name))
        result.created_users.append(username)
    elif password is not None and not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    return user


def _ensure_reviewer(user):
    reviewer, _ = Reviewer.objects.get_or_create(
        slug=demo_content.REVIEWER["slug"], defaults={**demo_content.REVIEWER, "user": user}
    )
    return reviewer


def _create_article(spec, author):
    article = Article.objects.create(
        slug=spec["slug"],
        title=spec["title"],
        summary=spec["summary"],
        intro=spec["intro"],
        author=author,
    )
    article.tags.set(Tag.objects.filter(slug__in=spec["tags"]))
    for position, (heading, body) in enumerate(spec["sections"], start=1):
        Section.objects.create(
            article=article, position=position, heading=heading, body=body.strip()
        )
    for position, reference in enumerate(spec.get("references", []), start=1):
        Reference.objects.create(article=article, position=position, **reference)
    return article, spec


def _add_related_topics(article, slugs):
    targets = Article.objects.in_bulk(slugs, field_name="slug")
    RelatedTopic.objects.bulk_create(
        RelatedTopic(from_article=article, to_article=targets[slug], position=position)
        for position, slug in enumerate(slugs, start=1)
    )
