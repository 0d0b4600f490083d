"""Keeping the read model's derived parts current: reviewer bylines and tag names are printed in
live documents, so a change to either renders the affected documents again. Nothing here changes
an article's state or content."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from articles import workflow
from articles.models import PublishedArticle
from reviewers.models import Reviewer
from tags.models import Tag


@receiver(post_save, sender=Reviewer, dispatch_uid="rerender-on-reviewer-change")
def rerender_reviewed_by(sender, instance, raw=False, **kwargs):
    if not raw:
        workflow.rerender(PublishedArticle.objects.filter(reviewer=instance))


@receiver(post_save, sender=Tag, dispatch_uid="rerender-on-tag-change")
def rerender_tagged(sender, instance, raw=False, **kwargs):
    if not raw:
        workflow.rerender(PublishedArticle.objects.filter(tags=instance))
