"""Keeping the read model's derived parts current: reviewer bylines and credentials, tag names
and codes, and image renditions are printed in live documents, so a change to any renders the
affected documents again, in the background once the change commits. Nothing here changes an
article's state or content."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from articles import publishing, tasks
from articles.models import PublishedArticle
from images.tasks import renditions_ready
from reviewers.models import Credential, Reviewer
from tags.models import Tag, TagCode


@receiver(post_save, sender=Reviewer, dispatch_uid="rerender-on-reviewer-change")
def rerender_reviewed_by(sender, instance, raw=False, **kwargs):
    if not raw:
        tasks.enqueue_on_commit(tasks.rerender_reviewed_by, instance.pk)


@receiver(post_save, sender=Credential, dispatch_uid="rerender-on-credential-saved")
@receiver(post_delete, sender=Credential, dispatch_uid="rerender-on-credential-deleted")
def rerender_credentialed(sender, instance, raw=False, **kwargs):
    """A reviewer's verified credentials are printed with their name in the documents."""
    if not raw:
        tasks.enqueue_on_commit(tasks.rerender_reviewed_by, instance.reviewer_id)


@receiver(post_save, sender=Tag, dispatch_uid="rerender-on-tag-change")
def rerender_tagged(sender, instance, raw=False, **kwargs):
    if not raw:
        tasks.enqueue_on_commit(tasks.rerender_tagged, instance.pk)


@receiver(post_save, sender=TagCode, dispatch_uid="rerender-on-tag-code-saved")
@receiver(post_delete, sender=TagCode, dispatch_uid="rerender-on-tag-code-deleted")
def rerender_coded(sender, instance, raw=False, **kwargs):
    """A tag's codes are printed in the structured data of the articles carrying it."""
    if not raw:
        tasks.enqueue_on_commit(tasks.rerender_tagged, instance.tag_id)


@receiver(renditions_ready, dispatch_uid="rerender-on-renditions")
def rerender_showing(sender, image, **kwargs):
    """New renditions change the srcset of the live articles that show the image."""
    publishing.rerender(PublishedArticle.objects.filter(revision__hero_image=image))
