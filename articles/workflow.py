"""The review workflow: the only code that moves an article from one state to another.

The admin, the editorial API, management commands and the demo loader all call these
functions. Each runs in one transaction, records a `Transition`, and raises
- `NotAllowed` when the user may not make the move (the API answers 403),
- `InvalidTransition` when the move is impossible from where the article is (409),
- `InvalidInput` when what was asked for is malformed (400),
- `StaleVersion` when an edit was based on an older copy than the stored one (409 or 412),
always with a sentence a person can read, and always before anything has changed.

The guarantee the rest of the product leans on: readers only ever see the snapshot of a revision
that an assigned, active reviewer approved, and the approval covers exactly that snapshot's hash.
"""

import datetime
import logging
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery, prefetch_related_objects
from django.utils import timezone

from articles import list_limits, publishing, specialty_scope, webhooks
from articles.documents import BatchLookups, render_document
from articles.models import (
    Article,
    ArticleEdit,
    ArticleRevision,
    ArticleSlugAlias,
    ArticleState,
    PublishedArticle,
    Review,
    ReviewComment,
    ReviewDecision,
    Transition,
    WebhookEvent,
    content_hash,
)
from articles.models.content import snapshots
from articles.word_diff import changed_word_count
from config.plain_text import validate_plain_text
from frontend_cache.purge import purge_articles_on_commit
from images.models import Image
from reviewers.models import statement_of

State = ArticleState
# What an approval records of disclosures, which documents print.
DISCLOSED = ("conflict_declared", "conflict_note", "reviewer_disclosure", "author_disclosure")
logger = logging.getLogger(__name__)


class WorkflowError(Exception):
    """A move the workflow refused; the message says why."""


class NotAllowed(WorkflowError):
    pass


class InvalidTransition(WorkflowError):
    pass


class InvalidInput(WorkflowError):
    pass


class StaleVersion(WorkflowError):
    pass


# States from which an article may be submitted for review.
SUBMITTABLE = {State.DRAFT, State.CHANGES_REQUESTED, State.ARCHIVED}


def is_editor(user):
    return user.is_active and user.has_perm("articles.publish_article")


def can_edit(user, article):
    """Authors edit their own articles; editors edit any."""
    return user.is_active and (article.author_id == user.pk or is_editor(user))


def allowed_moves(user, article):
    """The moves `user` may make on `article` now, among submit, withdraw, publish, unpublish,
    schedule_unpublish and recertify.

    For showing buttons and links; each move checks its own rules again when it is made.
    """
    moves = set()
    is_author_or_editor = user.is_active and (article.author_id == user.pk or is_editor(user))
    if is_author_or_editor and article.state in SUBMITTABLE:
        moves.add("submit")
    if is_author_or_editor and article.state == State.IN_REVIEW:
        moves.add("withdraw")
    if is_editor(user) and article.state in (State.APPROVED, State.SCHEDULED):
        moves.add("publish")
    if is_editor(user) and article.live_revision_id is not None:
        moves |= {"unpublish", "schedule_unpublish"}
    if is_author_or_editor and article.state == State.PUBLISHED:
        moves.add("recertify")
    return moves


# Editing the working copy ------------------------------------------------------------------


@transaction.atomic
def begin_edit(*, article, by, version=None):
    """Claim the right to change the working copy; call before writing, in the same transaction.

    With `version`, the edit only goes ahead if nobody has saved the article since that version
    was read. Returns the new version.
    """
    if not can_edit(by, article):
        raise NotAllowed("Only the article's author or an editor can change it.")
    rows = Article.objects.filter(pk=article.pk)
    if version is not None:
        rows = rows.filter(version=version)
    if not rows.update(version=F("version") + 1):
        raise StaleVersion(
            "Someone saved this article after you opened it. Reload it, reapply your changes "
            "and save again."
        )
    article.version = Article.objects.values_list("version", flat=True).get(pk=article.pk)
    return article.version


@transaction.atomic
def record_edit(*, article, by):
    """Record that `by` saved the working copy, if its content changed, and send the article
    back to draft if it now differs from what was submitted.

    An approval covers one snapshot; after any real change there is nothing approved to publish
    until the new content is submitted and reviewed. The live version, if any, stays live.
    """
    article = _lock(article)
    snapshot_hash = content_hash(article.snapshot())
    if snapshot_hash == _last_recorded_hash(article) or _unchanged_since(
        article, article.current_revision, snapshot_hash
    ):
        return article  # saved without changing anything
    ArticleEdit.objects.create(article=article, by=by, content_hash=snapshot_hash)
    if article.state == State.DRAFT or article.current_revision is None:
        return article
    _supersede_pending_reviews(article.current_revision)
    return _move(
        article,
        to=State.DRAFT,
        action="edit",
        by=by,
        comment="Edited after it was submitted; it needs a new review.",
        publish_at=None,
        scheduled_by=None,
    )


def contributors(article, revision=None):
    """Ids of the users who changed `revision` (or the working copy) since the article's last
    approval that still holds, the author included: none of them may review it.

    A change is a saved edit of the article, or the wording of its hero image (alt text,
    credit, focal point): whoever uploaded or edited an image not yet locked by that approval.
    """
    edits = ArticleEdit.objects.filter(article=article)
    if revision is not None:
        edits = edits.filter(revision__number__lte=revision.number)
    since = _last_valid_approval(article, before=revision)
    if since is not None:
        edits = edits.exclude(revision__number__lte=since.revision.number)
    changed_by = {article.author_id, *edits.values_list("by_id", flat=True)}
    image = revision.hero_image if revision is not None else article.hero_image
    if image is not None and (
        image.locked_at is None or since is None or image.locked_at > since.revision.created_at
    ):
        changed_by |= {image.uploaded_by_id, *image.edited_by.values_list("pk", flat=True)}
    return changed_by - {None}


def _last_valid_approval(article, *, before=None):
    """The approval of the article's latest approved revision (before `before`) whose reviewer
    still vouches for it: a lapsed approval marks no point past which changes were reviewed."""
    approvals = Review.objects.filter(
        revision__article=article, decision=ReviewDecision.APPROVED, kind=Review.Kind.REVIEW
    ).select_related("revision", "reviewer__user")
    if before is not None:
        approvals = approvals.filter(revision__number__lt=before.number)
    return next((a for a in approvals.order_by("-revision__number") if _lapsed(a) is None), None)


def _unchanged_since(article, revision, snapshot_hash=None):
    """Whether the working copy is exactly what `revision` froze. `snapshot_hash` is the working
    copy's, if the caller has it; a revision recorded before related topics were named by
    article is compared with the working copy in its own form."""
    if revision is None:
        return False
    if any("slug" in topic for topic in revision.snapshot["related_topics"]):
        snapshot_hash = content_hash(article.snapshot(related_by_slug=True))
    return (snapshot_hash or content_hash(article.snapshot())) == revision.content_hash


def _last_recorded_hash(article):
    """The working copy's hash as last recorded: by the newest edit or submission."""
    edit = ArticleEdit.objects.filter(article=article).order_by("-pk").first()
    revision = article.current_revision
    if edit is None or (revision is not None and revision.created_at > edit.at):
        return revision.content_hash if revision else None
    return edit.content_hash


# Review -------------------------------------------------------------------------------------


@transaction.atomic
def submit(*, article, by, reviewers, comment="", unresolved_reason="", scope_override=""):
    """Freeze the working copy into a revision and ask `reviewers` (profiles) to review it.

    While comments the last reviewer made are unresolved, the writer has to say why they
    resubmit anyway (`unresolved_reason`); the reason is recorded with the move. A reviewer
    outside the article's specialties needs an editor's `scope_override`, recorded likewise.
    """
    article = _lock(article)
    if not (article.author_id == by.pk or is_editor(by)):
        raise NotAllowed("Only the article's author or an editor can submit it for review.")
    if article.state not in SUBMITTABLE:
        raise InvalidTransition(
            f"The article is {article.get_state_display().lower()}; only a draft, an article "
            "with changes requested or an unpublished article can be submitted."
        )
    unresolved = open_comments(article).count()
    if unresolved:
        if not unresolved_reason.strip():
            raise InvalidInput(
                f"{unresolved} of the reviewer's comments {'is' if unresolved == 1 else 'are'} "
                "not resolved. Resolve them, or say why you submit anyway."
            )
        reason = (
            f"Submitted with {unresolved} unresolved comment{'' if unresolved == 1 else 's'} "
            f"because: {unresolved_reason.strip()}"
        )
        comment = _with_note(comment, reason)
    reviewers = list(reviewers)
    _check_reviewers(article, reviewers, contributors(article))
    snapshot = article.snapshot()
    comment = _with_note(comment, _scope_checked(snapshot["tags"], reviewers, by, scope_override))
    live = article.live_revision
    base = _sent_back_since(article, live) or live
    revision = ArticleRevision.objects.create(
        article=article,
        number=(article.revisions.order_by("-number").values_list("number", flat=True).first() or 0)
        + 1,
        snapshot=snapshot,
        created_by=by,
        compared_with=live,
        changed_words=changed_word_count(base.snapshot if base else None, snapshot),
    )
    ArticleEdit.objects.filter(article=article, revision__isnull=True).update(revision=revision)
    # From now on the image's alt text, credit and focal point are part of a reviewed text.
    Image.objects.filter(pk=revision.hero_image_id).lock()
    Review.objects.bulk_create(
        Review(revision=revision, reviewer=reviewer, assigned_by=by) for reviewer in reviewers
    )
    return _move(
        article,
        to=State.IN_REVIEW,
        action="submit",
        by=by,
        revision=revision,
        comment=comment,
        current_revision=revision,
    )


def _sent_back_since(article, live):
    """The latest revision of `article` after `live` that a reviewer sent back, or None: what a
    resubmission's size is counted against, as the review page compares it first."""
    return (
        article.revisions.filter(
            number__gt=live.number if live else 0,
            reviews__decision=Review.Decision.CHANGES_REQUESTED,
        )
        .order_by("-number")
        .first()
    )


@transaction.atomic
def withdraw(*, article, by, comment=""):
    """Take a submitted article back to draft before anyone has reviewed it."""
    article = _lock(article)
    if not (article.author_id == by.pk or is_editor(by)):
        raise NotAllowed("Only the article's author or an editor can withdraw it from review.")
    if article.state != State.IN_REVIEW:
        raise InvalidTransition("Only an article in review can be withdrawn.")
    _supersede_pending_reviews(article.current_revision)
    # A re-certification withdrawn leaves the live version as it was.
    recertifying = article.current_revision_id == article.live_revision_id
    to_state = State.PUBLISHED if recertifying else State.DRAFT
    return _move(article, to=to_state, action="withdraw", by=by, comment=comment)


@transaction.atomic
def recertify(*, article, by, reviewers, comment="", scope_override=""):
    """Ask `reviewers` to review the live revision again, unchanged, as its review comes due.

    No new revision: approving moves the live article's review dates; requesting changes sends
    it back to its author while the live version stays up.
    """
    article = _lock(article)
    if not (article.author_id == by.pk or is_editor(by)):
        raise NotAllowed("Only the article's author or an editor can send it for re-certification.")
    live = article.live_revision
    if live is None:
        raise InvalidTransition("Only a live article can be re-certified; this one is not live.")
    if article.state not in (State.PUBLISHED, State.DRAFT, State.CHANGES_REQUESTED):
        raise InvalidTransition(
            f"The article is {article.get_state_display().lower()}; finish that first."
        )
    if not _unchanged_since(article, live):
        raise InvalidTransition(
            "The working copy differs from the live version; submit it for review instead."
        )
    if open_comments(article).exists():
        raise InvalidInput(
            "The last reviewer's comments are not all resolved: answer them and submit the "
            "article for review instead of re-certifying it unchanged."
        )
    reviewers = list(reviewers)
    _check_reviewers(article, reviewers, contributors(article, live))
    comment = _with_note(
        comment, _scope_checked(live.snapshot["tags"], reviewers, by, scope_override)
    )
    Review.objects.bulk_create(
        Review(revision=live, reviewer=reviewer, assigned_by=by, kind=Review.Kind.RECERTIFICATION)
        for reviewer in reviewers
    )
    return _move(
        article,
        to=State.IN_REVIEW,
        action="recertify",
        by=by,
        revision=live,
        comment=comment,
        current_revision=live,
    )


@transaction.atomic
def approve(*, review, by, comment="", conflict_declared=False, conflict_note=""):
    """Approve the revision `review` is about. Returns the article.

    The approval records the reviewer's and the author's disclosures as they stand, and
    whether the reviewer declares a conflict of interest for this article (`conflict_note`
    says what it is): the article prints them as they were when it was approved."""
    review, article = _open_review(review, by)
    if review.comments.exists():
        # They would stay open forever: only a request for changes sends them to the writer.
        raise InvalidInput(
            "You commented on parts of this revision: request changes to send the comments to "
            "the writer, or take them back first."
        )
    conflict_note = conflict_note.strip()
    if conflict_declared and not conflict_note:
        raise InvalidInput("Say what the conflict of interest is: readers are shown it.")
    if conflict_note and not conflict_declared:
        raise InvalidInput("A conflict note needs the conflict declared too.")
    _check_conflict_note(conflict_note)
    review.conflict_declared, review.conflict_note = conflict_declared, conflict_note
    review.reviewer_disclosure = statement_of(by)
    review.author_disclosure = statement_of(article.author)
    _decide(review, ReviewDecision.APPROVED, comment, by)
    if conflict_declared:  # for the editor who publishes it, in the history and audit trail
        comment = _with_note(comment, f"Declared a conflict of interest: {conflict_note}")
    if review.kind == Review.Kind.RECERTIFICATION:
        return _recertified(article, review, by, comment)
    return _move(
        article,
        to=State.APPROVED,
        action="approve",
        by=by,
        revision=review.revision,
        comment=comment,
    )


@transaction.atomic
def request_changes(*, review, by, comment, comments=()):
    """Send the revision back to its writer with what needs to change. Returns the article.

    `comments` are (target, section anchor, text) triples, each about one part of the
    revision; with at least one (now or added before), the overall comment may be left empty.
    """
    review, article = _open_review(review, by)
    for target, anchor, body in comments:
        _add_comment(review, by, target, anchor, body)
    if not (comment or "").strip() and not review.comments.exists():
        raise InvalidInput(
            "Say what needs to change: a comment is required, on the whole revision or on a part."
        )
    _decide(review, ReviewDecision.CHANGES_REQUESTED, comment or "", by)
    return _move(
        article,
        to=State.CHANGES_REQUESTED,
        action="request_changes",
        by=by,
        revision=review.revision,
        comment=comment,
    )


# Comments on parts of a revision ------------------------------------------------------------

# The longest comment or reply accepted, in characters.
COMMENT_MAX_LENGTH = 5000


@transaction.atomic
def add_comment(*, review, by, target, section_anchor="", body):
    """The assigned reviewer comments on one part of the revision before deciding.

    The comments go to the writer when the reviewer requests changes.
    """
    review, _article = _open_review(review, by)
    return _add_comment(review, by, target, section_anchor, body)


def _add_comment(review, by, target, anchor, body):
    body = (body or "").strip()
    anchor = (anchor or "").strip()
    if not body:
        raise InvalidInput("A comment needs some text.")
    if len(body) > COMMENT_MAX_LENGTH:
        raise InvalidInput(
            f"A comment is at most {COMMENT_MAX_LENGTH} characters; this one has {len(body)}."
        )
    if target not in ReviewComment.Target.values:
        raise InvalidInput(
            f"A comment is about the title, the summary, the intro or a section, not “{target}”."
        )
    headings = {s["anchor"]: s["heading"] for s in review.revision.snapshot["sections"]}
    if target == ReviewComment.Target.SECTION and anchor not in headings:
        raise InvalidInput(
            f"Revision {review.revision.number} has no section with the anchor “{anchor}”."
        )
    if target != ReviewComment.Target.SECTION and anchor:
        raise InvalidInput("Only a comment on a section names a section anchor.")
    return ReviewComment.objects.create(
        review=review,
        target=target,
        section_anchor=anchor,
        section_heading=headings.get(anchor, "") if anchor else "",
        body=body,
        created_by=by,
    )


# A decision sends the review's comments on parts; a review superseded first never sent them.
# (Approving with comments is refused now; approvals from before that still show theirs.)
DECISIONS_THAT_SEND_COMMENTS = (ReviewDecision.CHANGES_REQUESTED, ReviewDecision.APPROVED)


@transaction.atomic
def remove_comment(*, comment, by):
    """The reviewer takes back a comment they made on a review they have not decided yet.

    Until the decision a comment is the reviewer's own note; without this a reviewer who had
    commented could no longer approve (approve refuses a review with comments). The removal
    is recorded as a move of the article that changes nothing, naming the part but not the
    note, which nobody but the reviewer has read.
    """
    review = Review.objects.select_for_update().get(pk=comment.review_id)
    comment = ReviewComment.objects.select_related("created_by").get(pk=comment.pk)
    if comment.created_by_id != by.pk:
        author = comment.created_by.get_full_name() or comment.created_by.get_username()
        raise NotAllowed(f"Only the reviewer who wrote this comment ({author}) can take it back.")
    if review.decision != ReviewDecision.PENDING:
        raise InvalidTransition(
            "This review is decided "
            f"({review.get_decision_display().lower()}): its comments stay as they were sent."
        )
    article = _lock(review.revision.article)
    where = comment.where
    comment.delete()
    Transition.objects.create(
        article=article,
        revision=review.revision,
        action="remove_comment",
        from_state=article.state,
        to_state=article.state,
        by=by,
        comment=f"Took back their comment on the {where} before deciding.",
    )


def comments_shown_to(review, user):
    """Whether `user` may read the comments of `review`: they are the reviewer's own notes,
    which no one else (another reviewer, the writer) should see, until a request for changes
    sends them. A review superseded before its decision never sent them."""
    return review.decision in DECISIONS_THAT_SEND_COMMENTS or review.reviewer.user_id == user.pk


def open_comments(article):
    """The unresolved comments the article's writer still has to answer: those of its latest
    decided review, when that review requested changes."""
    latest = (
        Review.objects.filter(
            revision__article=article,
            decision__in=[ReviewDecision.APPROVED, ReviewDecision.CHANGES_REQUESTED],
        )
        .order_by("-decided_at", "-pk")
        .first()
    )
    if latest is None or latest.decision != ReviewDecision.CHANGES_REQUESTED:
        return ReviewComment.objects.none()
    return latest.comments.filter(resolved_at__isnull=True)


@transaction.atomic
def answer_comment(*, comment, by, reply="", resolve=True):
    """The article's writer (or an editor) replies to a comment and/or marks it resolved."""
    comment = (
        ReviewComment.objects.select_for_update()
        .select_related("review__revision__article")
        .get(pk=comment.pk)
    )
    article = comment.review.revision.article
    if not can_edit(by, article):
        raise NotAllowed("Only the article's author or an editor can answer a reviewer's comment.")
    if comment.review.decision != ReviewDecision.CHANGES_REQUESTED:
        raise InvalidTransition(
            "Only the comments of a review that requested changes are answered; this review is "
            f"{comment.review.get_decision_display().lower()}."
        )
    if comment.is_resolved:
        raise InvalidTransition("This comment is already resolved.")
    reply = (reply or "").strip()
    if len(reply) > COMMENT_MAX_LENGTH:
        raise InvalidInput(
            f"A reply is at most {COMMENT_MAX_LENGTH} characters; this one has {len(reply)}."
        )
    if not resolve and not reply:
        raise InvalidInput("Write a reply, or mark the comment resolved.")
    now = timezone.now()
    if reply:
        comment.reply, comment.replied_by, comment.replied_at = reply, by, now
    if resolve:
        comment.resolved_by, comment.resolved_at = by, now
    comment.save()
    return comment


# Publishing ---------------------------------------------------------------------------------


@transaction.atomic
def publish(*, article, by, at=None, dates=None, rerender_dependents=True):
    """Make the approved revision live now, or at `at` (which must be in the future).

    `dates` (published_at, updated_at) keeps an imported article's own history instead of now.
    The demo loader passes `rerender_dependents=False` and calls
    `publishing.rerender_linking_to` once at the end, rather than once per article (a bulk
    import goes through `publish_many`).
    """
    if not is_editor(by):
        raise NotAllowed("Only editors can publish articles.")
    article = _lock(article)
    if article.state not in (State.APPROVED, State.SCHEDULED):
        raise InvalidTransition(
            f"Only an approved article can be published; this one is "
            f"{article.get_state_display().lower()}."
        )
    if at is not None and at <= timezone.now():
        # Taken as "now" before: an editor who mistyped the year published at once, untold.
        raise InvalidInput(
            "That time has passed. Leave it out to publish now, or choose a later time."
        )
    _refuse_far_ahead(at)
    revision, approval = _approved_revision(article)
    if at is not None:
        return _move(
            article,
            to=State.SCHEDULED,
            action="schedule",
            by=by,
            revision=revision,
            comment=f"To be published at {at.isoformat()}.",
            publish_at=at,
            scheduled_by=by,
        )
    return _go_live(
        article, revision, approval, by=by, dates=dates, rerender_dependents=rerender_dependents
    )


@dataclass(frozen=True)
class NewArticle:
    """One draft for `publish_many`: submitted by its author, approved by `reviewer` (a
    profile), published with `dates` (published_at, updated_at; None for now). `links`, the
    slugs its `article:` links name, may be given by a caller that parsed them already."""

    article: Article
    reviewer: object
    dates: tuple = (None, None)
    links: frozenset | set | None = None


@transaction.atomic
def publish_many(drafts, *, by, approval_comment="", going_live=None, render_all=None):
    """Take many drafts never submitted before through `submit`, `approve` and `publish` at
    once, as a bulk import does: the same checks, and the same revisions, reviews, audit
    trail and read model as the three calls one at a time would write, in bulk inserts.
    Returns the live rows.

    Each document is rendered once, after every article of the batch is known: links between
    them resolve as they would had the linked one been published first. `going_live`
    (slugs) names drafts later calls will publish at once after this one (the rest of an
    import), whose links resolve too; the caller publishes them, or renders again what links
    to those it could not.
    `render_all(jobs, lookups)`, if given, renders `documents.render_document` keyword sets
    with `lookups` in bulk (in a process pool, say); by default they are rendered here. Live
    articles that link to these are not rendered again: call
    `publishing.rerender_linking_to` once at the end.
    """
    if not is_editor(by):
        raise NotAllowed("Only editors can publish articles.")
    drafts = list(drafts)
    locked = {
        article.pk: article
        for article in Article.objects.select_for_update(of=("self",))
        .select_related("hero_image", "author")
        .filter(pk__in=[draft.article.pk for draft in drafts])
    }
    articles = [locked[draft.article.pk] for draft in drafts]
    _check_new_articles(articles, [draft.reviewer for draft in drafts])
    snapshot_of = snapshots(articles)
    revisions = ArticleRevision.objects.bulk_create(
        ArticleRevision(
            article=article,
            number=1,
            snapshot=snapshot_of[article.pk],
            content_hash=content_hash(snapshot_of[article.pk]),
            hero_image_id=article.hero_image_id,
            created_by=article.author,
            changed_words=changed_word_count(None, snapshot_of[article.pk]),
        )
        for article in articles
    )
    _file_edits_under(revisions)
    Image.objects.filter(pk__in=[a.hero_image_id for a in articles if a.hero_image_id]).lock()
    # Each step written after the one before, as the three calls would: the audit trail and
    # the review's dates read in the order things happened.
    _record_moves(articles, revisions, "submit", State.DRAFT, State.IN_REVIEW)
    # Inserted decided, as `assign` then `approve` leave them; only the moment of the decision
    # is written again, once the insert has stamped the assignment (bulk_update's CASE over
    # every row would cost more to build than the rows cost to write).
    approvals = Review.objects.bulk_create(
        Review(
            revision=revision, reviewer=draft.reviewer, assigned_by=revision.created_by,
            decision=ReviewDecision.APPROVED, comment=approval_comment,
            decided_at=timezone.now(), decided_by=draft.reviewer.user,
        )
        for draft, revision in zip(drafts, revisions, strict=True)
    )  # fmt: skip
    decided_at = timezone.now()
    Review.objects.filter(pk__in=[approval.pk for approval in approvals]).update(
        decided_at=decided_at
    )
    for approval in approvals:
        approval.decided_at = decided_at
    reviewers_users = [approval.decided_by for approval in approvals]
    _record_moves(
        articles, revisions, "approve", State.IN_REVIEW, State.APPROVED,
        by=reviewers_users, comment=approval_comment,
    )  # fmt: skip
    lives = _make_live(drafts, articles, revisions, approvals, going_live, render_all)
    _record_moves(
        articles, revisions, "publish", State.APPROVED, State.PUBLISHED, by=[by] * len(articles)
    )
    for article, revision in zip(articles, revisions, strict=True):
        article.state = State.PUBLISHED
        article.current_revision = article.live_revision = revision
    first_revision = _first_revision_of(OuterRef("pk"))
    Article.objects.filter(pk__in=[article.pk for article in articles]).update(
        state=State.PUBLISHED, current_revision=first_revision, live_revision=first_revision
    )
    return lives


def _first_revision_of(article):
    """The id of `article`'s revision number 1, for one UPDATE that sets each row its own."""
    return Subquery(ArticleRevision.objects.filter(article=article, number=1).values("pk"))


def _record_moves(articles, revisions, action, from_state, to_state, *, by=None, comment=""):
    """One Transition per article; `by` (one user per article) defaults to their authors."""
    movers = by or [article.author for article in articles]
    Transition.objects.bulk_create(
        Transition(
            article=article, revision=revision, action=action, from_state=from_state,
            to_state=to_state, by=mover, comment=comment,
        )
        for article, revision, mover in zip(articles, revisions, movers, strict=True)
    )  # fmt: skip


def _check_new_articles(articles, reviewers):
    """What submit, approve and publish would refuse, for a batch of new drafts."""
    for article in articles:
        if article.state != State.DRAFT or article.current_revision_id is not None:
            raise InvalidTransition(
                f"“{article.title}” was submitted before; only new drafts are published in bulk."
            )
    changed_by = _contributors_of(articles)
    for article, reviewer in zip(articles, reviewers, strict=True):
        # The approvals were given in the system the batch comes from, which kept no record
        # of licences: what a reviewer's credentials must be is checked for approvals given here.
        _check_reviewers(article, [reviewer], changed_by[article.pk], credentials_checked=False)
    slugs = [article.slug for article in articles]
    if len(set(slugs)) != len(slugs):
        raise InvalidInput("Two of the articles have the same slug.")
    holder = PublishedArticle.objects.filter(slug__in=slugs).values_list("slug", flat=True).first()
    taken = (
        holder
        or ArticleSlugAlias.objects.filter(slug__in=slugs).values_list("slug", flat=True).first()
    )
    if taken:
        raise InvalidTransition(
            f"The slug “{taken}” already leads readers to another article. Change this "
            "article's slug and submit it again."
        )


def _contributors_of(articles):
    """`contributors()` of each of a batch of new drafts, {article id: user ids}."""
    changed_by = {article.pk: {article.author_id} for article in articles}
    edits = ArticleEdit.objects.filter(article__in=articles).values_list("article_id", "by_id")
    for pk, user_id in edits:
        changed_by[pk].add(user_id)
    images = {a.hero_image_id: a.pk for a in articles if a.hero_image_id}
    for image in Image.objects.filter(pk__in=images).prefetch_related("edited_by"):
        if image.locked_at is None:  # never approved before: whoever worded it changed it
            editors = {image.uploaded_by_id, *(user.pk for user in image.edited_by.all())}
            changed_by[images[image.pk]] |= editors - {None}
    return changed_by


def _file_edits_under(revisions):
    """Each article's unfiled edits belong to its first revision, as `submit` records."""
    ArticleEdit.objects.filter(
        article_id__in=[revision.article_id for revision in revisions], revision__isnull=True
    ).update(revision=_first_revision_of(OuterRef("article_id")))


def _make_live(drafts, articles, revisions, approvals, going_live, render_all):
    """Render every document once, with the whole batch (and `going_live`) known as live,
    and write the read model and the webhooks' deliveries."""
    lookups = BatchLookups(
        [revision.snapshot for revision in revisions],
        going_live=_with_batch(going_live, revisions),
        links=[draft.links for draft in drafts],
    )
    # Documents print reviewers' credentials: read once for the batch's reviewers.
    prefetch_related_objects([approval.reviewer for approval in approvals], "held_credentials")
    now, dated = timezone.now(), []
    for draft, revision in zip(drafts, revisions, strict=True):
        published_at, updated_at = draft.dates
        if original := revision.snapshot.get("first_published_at"):
            published_at = datetime.datetime.fromisoformat(original)
        dated.append((published_at or now, updated_at or now))
    jobs = [
        {
            "snapshot": revision.snapshot,
            "article_id": revision.article_id,
            "revision_number": revision.number,
            # What the document prints of the approval (a light object: jobs may be pickled).
            "approval": SimpleNamespace(
                decided_at=approval.decided_at,
                reviewer=approval.reviewer,
                **{name: getattr(approval, name) for name in DISCLOSED},
            ),
            "published_at": published_at,
            "updated_at": updated_at,
        }
        for revision, approval, (published_at, updated_at) in zip(
            revisions, approvals, dated, strict=True
        )
    ]
    renderings = (render_all or render_here)(jobs, lookups)
    lives = publishing.write_new_read_models(
        [
            (article, revision, approval, published_at, updated_at, rendering)
            for article, revision, approval, (published_at, updated_at), rendering in zip(
                articles, revisions, approvals, dated, renderings, strict=True
            )
        ]
    )
    webhooks.announce_many(
        WebhookEvent.PUBLISHED,
        [
            {"slug": live.slug, "url": live.get_absolute_url(), "title": live.title,
             "revision": revision.number}
            for live, revision in zip(lives, revisions, strict=True)
        ],
    )  # fmt: skip
    return lives


def _with_batch(going_live, revisions):
    """`going_live` with the batch's own slugs (copied only if they are not in it already: an
    import names all of its thousands in it, for every batch)."""
    batch = {revision.snapshot["slug"] for revision in revisions}
    return going_live if going_live and batch <= going_live else batch | (going_live or set())


def render_here(jobs, lookups):
    """`publish_many`'s default `render_all`: each document in turn, in this process."""
    return [render_document(**job, lookups=lookups) for job in jobs]


def publish_due(*, now=None):
    """Publish every scheduled article whose time has come; return how many went live.

    Safe to run repeatedly and concurrently: each article is published in its own transaction,
    and one that another run already published is skipped. One that can no longer go live (its
    approval lapsed, its slug is taken) is taken off the schedule, with the reason recorded.
    """
    now = now or timezone.now()
    published = 0
    for pk in Article.objects.due_for_publication(now).values_list("pk", flat=True):
        try:
            published += _publish_scheduled(pk, now)
        except WorkflowError as error:
            # One article that can no longer go live must not hold up the others.
            logger.error("Scheduled article %s was not published: %s", pk, error)
            _unschedule(pk, now, reason=str(error))
    return published


@transaction.atomic
def _publish_scheduled(pk, now):
    article = _lock(Article(pk=pk))
    if article.state != State.SCHEDULED or article.publish_at > now:
        return 0  # another run got there first, or the schedule changed
    if article.scheduled_by is None or not is_editor(article.scheduled_by):
        raise InvalidTransition("Whoever scheduled it can no longer publish articles.")
    revision, approval = _approved_revision(article)
    _go_live(article, revision, approval, by=article.scheduled_by, action="publish_due")
    return 1


@transaction.atomic
def _unschedule(pk, now, *, reason):
    article = _lock(Article(pk=pk))
    if article.state != State.SCHEDULED or article.publish_at > now:
        return
    _move(
        article,
        to=State.APPROVED,
        action="publish_failed",
        by=article.scheduled_by or article.author,
        comment=f"Not published at the scheduled time: {reason}",
        publish_at=None,
        scheduled_by=None,
    )


@transaction.atomic
def unpublish(*, article, by, comment=""):
    """Take the live version down; readers no longer see the article."""
    if not is_editor(by):
        raise NotAllowed("Only editors can unpublish articles.")
    article = _lock(article)
    live = PublishedArticle.objects.filter(article=article).first()
    if live is None:
        raise InvalidTransition("The article is not live, so there is nothing to unpublish.")
    return _take_down(article, live, by=by, comment=comment, action="unpublish")


@transaction.atomic
def schedule_unpublish(*, article, by, at, comment=""):
    """Set when the live article is taken down (an expiry), or with `at` None, cancel it.

    `unpublish_due` takes it down then, as `unpublish` would, with the webhooks."""
    if not is_editor(by):
        raise NotAllowed("Only editors can set when an article is taken down.")
    article = _lock(article)
    if article.live_revision_id is None:
        raise InvalidTransition("The article is not live, so there is nothing to take down.")
    if at is not None and at <= timezone.now():
        raise InvalidInput("That time has passed. Unpublish now instead, or choose a later time.")
    _refuse_far_ahead(at)
    if at is None and article.unpublish_at is None:
        raise InvalidTransition("No expiry is set, so there is none to cancel.")
    when = f"To be taken down at {at.isoformat()}." if at else "Expiry cancelled."
    return _move(
        article,
        to=article.state,
        action="schedule_unpublish" if at else "cancel_unpublish",
        by=by,
        comment=f"{when} {comment}".strip(),
        unpublish_at=at,
        unpublish_scheduled_by=by if at else None,
    )


def unpublish_due(*, now=None):
    """Take down every live article whose expiry has come; return how many.

    Safe to run repeatedly and concurrently, as `publish_due` is. The expiry holds even if
    whoever set it has since lost the editor's role: taking content down is the safe side."""
    now = now or timezone.now()
    taken_down = 0
    for pk in Article.objects.due_for_withdrawal(now).values_list("pk", flat=True):
        taken_down += _unpublish_scheduled(pk, now)
    return taken_down


@transaction.atomic
def _unpublish_scheduled(pk, now):
    article = _lock(Article(pk=pk))
    live = PublishedArticle.objects.filter(article=article).first()
    if live is None or article.unpublish_at is None or article.unpublish_at > now:
        return 0  # another run got there first, or the expiry changed
    by = article.unpublish_scheduled_by or article.author
    comment = f"Taken down at its expiry, {article.unpublish_at.isoformat()}."
    _take_down(article, live, by=by, comment=comment, action="unpublish_due")
    return 1


def _take_down(article, live, *, by, comment, action):
    slug, url = live.slug, live.get_absolute_url()
    dependents_of = _slugs_of(article, slug)
    publishing.take_down(live)
    purge_articles_on_commit(dependents_of)
    webhooks.announce(WebhookEvent.UNPUBLISHED, slug=slug, url=url)
    to_state = State.ARCHIVED if article.state == State.PUBLISHED else article.state
    if article.state == State.IN_REVIEW and article.current_revision_id == article.live_revision_id:
        # A re-certification of the version taken down has nothing left to certify.
        _supersede_pending_reviews(article.current_revision)
        to_state = State.ARCHIVED
    article = _move(
        article,
        to=to_state,
        action=action,
        by=by,
        comment=comment,
        live_revision=None,
        unpublish_at=None,
        unpublish_scheduled_by=None,
    )
    # In this transaction: once the call returns, no live article still shows a card for it.
    publishing.rerender_linking_to(dependents_of, article=article)
    return article


# Helpers ------------------------------------------------------------------------------------


def _lock(article):
    return (
        Article.objects.select_for_update(of=("self",))
        .select_related("current_revision", "live_revision")
        .get(pk=article.pk)
    )


def _move(article, *, to, action, by, revision=None, comment="", **fields):
    """Change the state from what `article` says it is to `to`, and record it.

    The update only matches while the stored state is still the one this transaction read, so
    two people making a move at the same moment cannot both succeed.
    """
    from_state = article.state
    if not Article.objects.filter(pk=article.pk, state=from_state).update(state=to, **fields):
        raise InvalidTransition("Someone else changed this article just now. Reload it.")
    article.state = to
    for name, value in fields.items():
        setattr(article, name, value)
    Transition.objects.create(
        article=article,
        revision=revision or article.current_revision,
        action=action,
        from_state=from_state,
        to_state=to,
        by=by,
        comment=comment,
    )
    return article


def _check_reviewers(article, reviewers, changed_by, *, credentials_checked=True):
    """Refuse reviewers who cannot review `article`; `changed_by` are the ids of its authors
    and of everyone who changed it since its last approval."""
    if not reviewers:
        raise InvalidInput("Choose at least one reviewer.")
    if len(reviewers) > list_limits.REVIEWERS.maximum:
        raise InvalidInput(list_limits.REVIEWERS.sentence(len(reviewers)))
    for reviewer in reviewers:
        if unfit := reviewer.unfit_to_review(credentials_checked=credentials_checked):
            raise InvalidInput(f"{reviewer.byline} {unfit}.")
        if reviewer.user_id == article.author_id:
            raise InvalidInput(f"{reviewer.byline} wrote this article and cannot review it.")
        if reviewer.user_id in changed_by:
            raise InvalidInput(
                f"{reviewer.byline} changed this article since it was last approved, so they "
                "cannot review it: choose a reviewer who had no hand in the changes."
            )


def _scope_checked(tag_slugs, reviewers, by, override):
    """Refuse reviewers outside the article's specialties unless an editor overrides it with
    a reason; return the note the audit trail keeps of an override ("" when none was needed)."""
    problem = specialty_scope.out_of_scope(tag_slugs, reviewers)
    if problem is None:
        return ""
    if not is_editor(by):
        raise InvalidInput(f"{problem} Choose a reviewer in them, or ask an editor to assign.")
    if not override.strip():
        raise InvalidInput(f"{problem} To assign them anyway, give the reason for the override.")
    return f"Specialty scope overridden: {problem} Reason: {override.strip()}"


def _check_conflict_note(note):
    """Readers are shown the note, in the JSON-LD too: no markup or hidden characters, and no
    longer than its column. Checked here, so the admin, the API and any script are held to it."""
    try:
        validate_plain_text(note)
    except ValidationError as error:
        raise InvalidInput(f"The conflict note: {' '.join(error.messages)}") from None
    limit = Review._meta.get_field("conflict_note").max_length
    if len(note) > limit:
        raise InvalidInput(f"The conflict note is {len(note):,} characters; at most {limit:,}.")


# The furthest ahead a move may be scheduled: later times are typing mistakes, and the
# furthest dates do not survive conversion to every time zone the admin may show them in.
FURTHEST_AHEAD = datetime.timedelta(days=10 * 366)


def _refuse_far_ahead(at):
    if at is not None and at > timezone.now() + FURTHEST_AHEAD:
        raise InvalidInput("Choose a time within the next ten years.")


def _with_note(comment, note):
    return f"{comment.strip()}\n\n{note}" if comment.strip() and note else (comment or note)


def reviewing_barrier(review, user):
    """Why `user` may not decide `review`, as a sentence; None when nothing about who they are
    stands in the way (the review itself may still be closed or out of date)."""
    reviewer = review.reviewer
    if reviewer.user_id != user.pk or not user.is_active:
        return "Only the reviewer assigned to this review can decide it."
    if unfit := reviewer.unfit_to_review():
        return f"You cannot review: your reviewer profile ({reviewer.byline}) {unfit}."
    article = review.revision.article
    if article.author_id == user.pk:
        return "You wrote this article, so you cannot review it."
    if user.pk in contributors(article, review.revision):
        return (
            "You changed this article since it was last approved, so you cannot review this "
            "revision: another reviewer has to approve your changes."
        )
    return None


def _open_review(review, by):
    """Lock the review and its article, and check that `by` may decide it now."""
    review = Review.objects.select_for_update().select_related("reviewer").get(pk=review.pk)
    article = _lock(review.revision.article)
    barrier = reviewing_barrier(review, by)
    if barrier:
        raise NotAllowed(barrier)
    if review.decision != ReviewDecision.PENDING:
        raise InvalidTransition(
            f"This review was already closed ({review.get_decision_display().lower()})."
        )
    if article.state != State.IN_REVIEW or article.current_revision_id != review.revision_id:
        raise InvalidTransition(
            "The article has changed since this revision was submitted; review the new one."
        )
    recertifying = review.kind == Review.Kind.RECERTIFICATION
    if recertifying and article.live_revision_id != review.revision_id:
        raise InvalidTransition("The article is no longer live, so there is nothing to re-certify.")
    if not _unchanged_since(article, review.revision):
        raise InvalidTransition(
            "The working copy no longer matches the submitted revision; it needs resubmitting."
        )
    return review, article


def _decide(review, decision, comment, by):
    review.decision = decision
    review.comment = comment
    review.decided_at = timezone.now()
    review.decided_by = by
    review.save()
    _supersede_pending_reviews(review.revision)


def _supersede_pending_reviews(revision):
    if revision is not None:
        revision.reviews.pending().update(
            decision=ReviewDecision.SUPERSEDED, decided_at=timezone.now()
        )


def _approved_revision(article):
    """The article's current revision and the review that approved it, checked once more."""
    revision = article.current_revision
    approval = revision.approval() if revision else None
    if approval is None:
        raise InvalidTransition("No reviewer has approved the current revision.")
    if not _unchanged_since(article, revision):
        raise InvalidTransition(
            "The working copy changed after it was approved; it needs a new review."
        )
    lapsed = _lapsed(approval)
    if lapsed:
        raise InvalidTransition(
            f"Revision {revision.number} was approved by {approval.reviewer.byline}, who {lapsed}; "
            "it needs a new review before it can be published."
        )
    return revision, approval


def _lapsed(approval):
    """Why `approval` no longer vouches for its revision, or None while it does."""
    reviewer = approval.reviewer
    if not reviewer.is_active:
        return "is no longer an active reviewer"
    if reviewer.user_id is None:
        return "is no longer linked to a user account"
    if approval.decided_by_id is not None and reviewer.user_id != approval.decided_by_id:
        return "is now linked to a different user account than the one that approved"
    if not reviewer.user.is_active:
        return "can no longer sign in"
    if not reviewer.credentials.strip():
        return "has no credentials on record"
    return None


def _slugs_of(article, *slugs):
    """`slugs` and every old slug of `article`: whatever other articles may link to it by."""
    aliases = ArticleSlugAlias.objects.filter(article=article).values_list("slug", flat=True)
    return sorted({*slugs, *aliases} - {None})


def _recertified(article, review, by, comment):
    """The live revision approved again: its read model carries the new review and dates."""
    live = PublishedArticle.objects.get(article=article)
    live = publishing.write_read_model(
        article, review.revision, review, live.published_at, live.updated_at
    )
    webhooks.announce(
        WebhookEvent.UPDATED,
        slug=live.slug,
        url=live.get_absolute_url(),
        title=live.title,
        revision=review.revision.number,
    )
    return _move(
        article,
        to=State.PUBLISHED,
        action="recertified",
        by=by,
        revision=review.revision,
        comment=comment,
    )


def _go_live(
    article, revision, approval, *, by, action="publish", dates=None, rerender_dependents=True
):
    holder = (
        PublishedArticle.objects.filter(slug=revision.snapshot["slug"])
        .exclude(article=article)
        .values_list("title", flat=True)
        .first()
    )
    if holder is not None:
        raise InvalidTransition(
            f"Another live article, “{holder}”, is published under the slug "
            f"“{revision.snapshot['slug']}”. Change this article's slug and submit it again."
        )
    redirecting_to = (
        ArticleSlugAlias.objects.filter(slug=revision.snapshot["slug"])
        .exclude(article=article)
        .values_list("article__title", flat=True)
        .first()
    )
    if redirecting_to is not None:
        raise InvalidTransition(
            f"The slug “{revision.snapshot['slug']}” still leads readers and other articles' "
            f"links to “{redirecting_to}”, which was published under it before. Change this "
            "article's slug and submit it again."
        )
    imported_published_at, updated_at = dates or (None, None)
    now = timezone.now()
    previous = PublishedArticle.objects.filter(article=article).first()
    published_at = previous.published_at if previous else (imported_published_at or now)
    if original := revision.snapshot.get("first_published_at"):
        # An article first published elsewhere is dated, and listed, by that first appearance.
        published_at = datetime.datetime.fromisoformat(original)
    old_slug = previous.slug if previous else None
    new_slug = revision.snapshot["slug"]
    # A slug this article takes back is live again; one it leaves behind keeps redirecting here.
    ArticleSlugAlias.objects.filter(slug=new_slug, article=article).delete()
    if old_slug and old_slug != new_slug:
        ArticleSlugAlias.objects.update_or_create(slug=old_slug, defaults={"article": article})
        purge_articles_on_commit(_slugs_of(article, old_slug))  # each old slug's redirect
    live = publishing.write_read_model(
        article, revision, approval, published_at, updated_at=updated_at or now
    )
    webhooks.announce(
        WebhookEvent.UPDATED if previous else WebhookEvent.PUBLISHED,
        slug=live.slug,
        url=live.get_absolute_url(),
        title=live.title,
        revision=revision.number,
    )
    article = _move(
        article,
        to=State.PUBLISHED,
        action=action,
        by=by,
        revision=revision,
        live_revision=revision,
        publish_at=None,
        scheduled_by=None,
    )
    if rerender_dependents:
        # In this transaction: once the call returns, every card and link to the article, by
        # any slug it ever had, shows it as it now is.
        publishing.rerender_linking_to(
            _slugs_of(article, new_slug, old_slug), article=article, besides=article
        )
    return article
