"""A tag's or a reviewer's own page shows its name, description (and a tag's codes, a reviewer's
credentials) at once: purge it when any is saved. (The articles that print them are rendered again
in the background, and that purges their own pages and every listing.)"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from frontend_cache import keys
from frontend_cache.purge import purge_on_commit
from reviewers.models import Credential, Reviewer
from tags.models import Tag, TagCode


@receiver(post_save, sender=Tag, dispatch_uid="purge-tag-page")
def purge_tag_page(sender, instance, raw=False, **kwargs):
    if not raw:
        purge_on_commit({keys.TAG_LIST, keys.tag(instance.slug)})


@receiver(post_save, sender=TagCode, dispatch_uid="purge-tag-page-code-saved")
@receiver(post_delete, sender=TagCode, dispatch_uid="purge-tag-page-code-deleted")
def purge_coded_tag_page(sender, instance, raw=False, **kwargs):
    if not raw:
        purge_on_commit({keys.TAG_LIST, keys.tag(instance.tag.slug)})


@receiver(post_save, sender=Reviewer, dispatch_uid="purge-reviewer-page")
def purge_reviewer_page(sender, instance, raw=False, **kwargs):
    if not raw:
        purge_on_commit({keys.REVIEWER_LIST, keys.reviewer(instance.slug)})


@receiver(post_save, sender=Credential, dispatch_uid="purge-reviewer-page-credential-saved")
@receiver(post_delete, sender=Credential, dispatch_uid="purge-reviewer-page-credential-deleted")
def purge_credentialed_reviewer_page(sender, instance, raw=False, **kwargs):
    if not raw:
        purge_on_commit({keys.REVIEWER_LIST, keys.reviewer(instance.reviewer.slug)})
