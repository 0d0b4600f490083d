"""Deleting images nothing uses any more, with their renditions and files.

An image is in use while an article's working copy shows it, a revision was reviewed with it
(revisions are the record of what a physician approved, so their images stay), or a reviewer
profile uses it as a photo. Everything else may go.
"""

import datetime

from django.utils import timezone

from articles.models import Article, ArticleRevision
from images.models import Image
from reviewers.models import Reviewer


def unused_images():
    return (
        Image.objects.exclude(
            pk__in=Article.objects.filter(hero_image__isnull=False).values("hero_image")
        )
        .exclude(
            pk__in=ArticleRevision.objects.filter(hero_image__isnull=False).values("hero_image")
        )
        .exclude(pk__in=Reviewer.objects.filter(photo__isnull=False).values("photo"))
    )


def delete_if_unused(image_ids, *, by):
    """Delete those of `image_ids` that `by` uploaded and nothing uses; return how many went.

    Someone else's upload stays: it may be about to be used elsewhere, and `by` may not delete it.
    """
    ids = [pk for pk in image_ids if pk]
    doomed = list(unused_images().filter(pk__in=ids, uploaded_by=by))
    for image in doomed:
        image.delete()
    return len(doomed)


def delete_unused(*, older_than_hours=24):
    """Delete unused images uploaded more than `older_than_hours` ago (fresh uploads are
    often about to be attached); return how many went."""
    cutoff = timezone.now() - datetime.timedelta(hours=older_than_hours)
    doomed = list(unused_images().filter(created_at__lt=cutoff))
    for image in doomed:
        image.delete()
    return len(doomed)
