"""Loading the demo knowledge base of `demo_content` into the database, idempotently.

New demo articles go through the real workflow: the demo writer submits each one, the demo
reviewer approves it and the demo editor publishes it. A few stop elsewhere (in review, sent
back with changes requested, scheduled, edited while live) as their `story` in `demo_content`
says. Rows that already exist are left exactly as they are, so running the loader again changes
nothing, and edits made to a demo article survive it.

Hero images are drawn with Pillow at load time (the repository holds no binary files) and go
through the same upload checks as a writer's upload.
"""

import datetime
import io
import math
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image as PillowImage
from PIL import ImageDraw, ImageFilter

from articles import demo_content, editing, publishing, workflow
from articles.models import Article, Reference, RelatedTopic, Review, Section
from images.models import Image
from reviewers.models import Disclosure, Reviewer
from tags.models import Tag

HERO_SIZE = (1200, 675)
SCHEDULED_AHEAD = datetime.timedelta(days=7)
# How long ago the overdue demo article was (supposedly) approved: a little over a year, so its
# twelve-month review interval has run out.
OVERDUE_APPROVED_AGO = datetime.timedelta(days=400)


@dataclass
class DemoLoad:
    """What one run of the loader created; `password` is set when it created users."""

    created_users: list[str] = field(default_factory=list)
    created_articles: list[str] = field(default_factory=list)
    password: str | None = None
    # Files written to storage, which a rolled-back transaction (a dry run) does not remove.
    stored_files: list[str] = field(default_factory=list)

    def delete_stored_files(self):
        for name in self.stored_files:
            default_storage.delete(name)


def _ensure_tag(spec):
    fields = {name: value for name, value in spec.items() if name not in {"codes", "approved_by"}}
    tag, created = Tag.objects.get_or_create(slug=spec["slug"], defaults=fields)
    if created:
        for system, code, display in spec.get("codes", []):
            tag.codes.create(system=system, code=code, display=display)
        tag.approving_specialties.set(Tag.objects.filter(slug__in=spec.get("approved_by", [])))


@transaction.atomic
def load_demo(*, password=None):
    """Create whatever part of the demo is missing and return what was created."""
    result = DemoLoad()
    users = {
        username: _ensure_user(username, first, last, group, password, result)
        for username, (first, last, group) in demo_content.USERS.items()
    }
    for spec in demo_content.TAGS:  # specialties first: conditions name them
        _ensure_tag(spec)
    reviewer = _ensure_reviewer(users["reviewer"], users["editor"])
    for username, statement in demo_content.DISCLOSURES.items():
        Disclosure.objects.get_or_create(user=users[username], statement=statement)

    new_articles = [
        _create_article(spec, users["writer"], result)
        for spec in demo_content.ARTICLES
        if not Article.objects.filter(slug=spec["slug"]).exists()
    ]
    for article, spec in new_articles:
        _add_related_topics(article, spec["related"])
        # Recorded as the admin and the API record a save: the review page says who wrote it.
        workflow.record_edit(article=article, by=article.author)
        result.created_articles.append(article.slug)
    for article, spec in new_articles:
        _tell_story(article, spec, users, reviewer, result)
    # Early articles could not link to later ones yet: render those links now, before the
    # command returns, rather than in the background.
    publishing.rerender_linking_to(result.created_articles)
    return result


def _tell_story(article, spec, users, reviewer, result):
    """Take a new demo article through the workflow to where its `story` leaves it (by default
    the whole way a real one goes: submit, approve, publish)."""
    story = spec.get("story", "published")
    writer, physician, editor = users["writer"], users["reviewer"], users["editor"]
    article = workflow.submit(article=article, by=writer, reviewers=[reviewer])
    if story == "in_review":
        return
    review = Review.objects.pending().get(revision=article.current_revision, reviewer=reviewer)
    if story == "changes_requested":
        anchors = {s["heading"]: s["anchor"] for s in review.revision.snapshot["sections"]}
        workflow.request_changes(
            review=review,
            by=physician,
            comment=spec["review_comment"],
            comments=[
                ("section", anchors[heading], text)
                for heading, text in spec.get("section_comments", [])
            ],
        )
        return
    workflow.approve(review=review, by=physician, comment="Checked against current guidance.")
    if story == "scheduled":
        workflow.publish(article=article, by=editor, at=timezone.now() + SCHEDULED_AHEAD)
        return
    dates = None
    if story == "overdue":
        # Made-up history, for the demo only: the approval is dated a year and more ago so
        # that the overdue queue has something to show. The workflow has no way to backdate
        # a decision (real ones are always dated when they are made), hence the update().
        approved_at = timezone.now() - OVERDUE_APPROVED_AGO
        Review.objects.filter(pk=review.pk).update(decided_at=approved_at)
        dates = (approved_at, approved_at)
    article = workflow.publish(article=article, by=editor, dates=dates, rerender_dependents=False)
    if story == "edit_in_review":
        article = _edit(article, spec["edit"], writer, result)
        workflow.submit(article=article, by=writer, reviewers=[reviewer])


def _edit(article, changes, by, result):
    """Change a live article's working copy as the editorial API does; it goes back to draft
    while the live version stays up."""
    sections = [
        {
            "anchor": anchor,
            "heading": heading,
            "body": changes["sections"].get(heading, body).strip(),
        }
        for anchor, heading, body in article.sections.values_list("anchor", "heading", "body")
    ]
    content = editing.WorkingCopy(
        fields={
            "intro": changes["intro"],
            "hero_image": _hero_image(changes["hero_image"], by, result),
        },
        sections=sections,
    )
    return editing.update_article(article=article, by=by, content=content)


def _hero_image(spec, uploaded_by, result):
    """A stored Image of the scene `spec` describes, checked like an upload, with renditions."""
    upload = SimpleUploadedFile(
        spec["name"], draw_scene(**spec["scene"]), content_type="image/jpeg"
    )
    image = Image.from_upload(
        upload, alt=spec["alt"], credit=demo_content.IMAGE_CREDIT, uploaded_by=uploaded_by
    )
    image.save()
    # Made now rather than in the background, so the live documents carry their srcsets
    # as soon as the command returns.
    renditions = image.generate_renditions()
    result.stored_files += [image.file.name, *(rendition.file.name for rendition in renditions)]
    return image


def draw_scene(*, sky, sun, hills, path, size=HERO_SIZE):
    """JPEG bytes of a landscape: a sky gradient, a glowing sun, three rows of rolling hills
    and a footpath winding from the foreground into the distance."""
    width, height = size
    top, horizon = _rgb(sky[0]), _rgb(sky[1])
    picture = PillowImage.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        share = y / (height - 1)
        draw.line([(0, y), (width, y)], fill=_mix(top, horizon, share))

    sun_color, sun_x, sun_y, radius = sun
    centre = (sun_x * width, sun_y * height)
    glow = PillowImage.new("L", size, 0)
    ImageDraw.Draw(glow).ellipse(_circle(centre, radius * 2.2), fill=110)
    glow = glow.filter(ImageFilter.GaussianBlur(radius))
    picture.paste(_rgb(sun_color), mask=glow)
    draw.ellipse(_circle(centre, radius), fill=_rgb(sun_color))

    # Back to front: each row lower, taller and darker than the one behind it.
    for row, color in enumerate(hills):
        base = height * (0.55 + 0.13 * row)
        amplitude = height * (0.05 + 0.02 * row)
        waves, phase = 1.3 + 0.6 * row, 1.7 * row + 0.4
        outline = [
            (x, base - amplitude * math.sin(waves * math.tau * x / width + phase))
            for x in range(0, width + 20, 20)
        ]
        draw.polygon([*outline, (width, height), (0, height)], fill=_rgb(color))

    # The path: wide at the bottom edge, narrowing and swaying as it climbs to the horizon.
    steps = 60
    left, right = [], []
    for step in range(steps + 1):
        share = step / steps
        y = height - share * height * 0.42
        x = width * (0.5 + 0.18 * math.sin(share * math.pi * 1.6) * (1 - share * 0.5))
        half = 150 * (1 - share) ** 1.6 + 2
        left.append((x - half, y))
        right.append((x + half, y))
    draw.polygon([*left, *reversed(right)], fill=_rgb(path))

    buffer = io.BytesIO()
    picture.filter(ImageFilter.SMOOTH).save(buffer, format="JPEG", quality=88)
    return buffer.getvalue()


def _rgb(hex_color):
    return tuple(int(hex_color[i : i + 2], 16) for i in (1, 3, 5))


def _mix(first, second, share):
    return tuple(round(a + (b - a) * share) for a, b in zip(first, second, strict=True))


def _circle(centre, radius):
    x, y = centre
    return (x - radius, y - radius, x + radius, y + radius)


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


def _ensure_reviewer(user, editor):
    reviewer, created = Reviewer.objects.get_or_create(
        slug=demo_content.REVIEWER["slug"], defaults={**demo_content.REVIEWER, "user": user}
    )
    if created:
        reviewer.specialties.set(Tag.objects.filter(slug__in=demo_content.REVIEWER_SPECIALTIES))
        today, now = timezone.localdate(), timezone.now()
        for spec in demo_content.REVIEWER_CREDENTIALS:
            fields = {name: value for name, value in spec.items() if name != "valid_for_days"}
            valid_until = today + datetime.timedelta(days=spec["valid_for_days"])
            reviewer.held_credentials.create(
                **fields, valid_until=valid_until, verified_by=editor, verified_at=now
            )
    return reviewer


def _create_article(spec, author, result):
    hero = spec.get("hero_image")
    article = Article.objects.create(
        slug=spec["slug"],
        title=spec["title"],
        summary=spec["summary"],
        intro=spec["intro"],
        hero_image=_hero_image(hero, author, result) if hero else None,
        author=author,
        byline=spec.get("byline", ""),
        first_published_at=(
            datetime.datetime.fromisoformat(spec["first_published_at"])
            if "first_published_at" in spec
            else None
        ),
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
