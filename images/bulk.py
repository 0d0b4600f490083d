"""Making many images' renditions at once, as after an import.

Decoding, resizing and encoding run in Pillow's C code without Python's global lock, so a
few threads use every core. Nothing is rendered again here: the caller renders the documents
showing these images once, when all are made, instead of once per image.
"""

import logging
from concurrent.futures import ThreadPoolExecutor

from django.db import close_old_connections, connections

from images.models import Image

logger = logging.getLogger(__name__)


def make_renditions(image_ids, *, threads, progress=None):
    """Make the renditions of `image_ids`; return the ids of those that failed (logged).
    `progress`, if given, has `update()` called once per image. With one thread, they are made
    in this one (and this transaction)."""
    if threads <= 1:
        return _report(map(_make, image_ids), progress)
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="renditions") as pool:
        return _report(pool.map(_make_in_thread, image_ids), progress)


def _report(results, progress):
    failed = []
    for image_id, error in results:
        if error is not None:
            logger.error("No renditions for image %s: %s", image_id, error)
            failed.append(image_id)
        if progress is not None:
            progress.update()
    return failed


def _make_in_thread(image_id):
    close_old_connections()
    try:
        return _make(image_id)
    finally:
        connections.close_all()


def _make(image_id):
    try:
        image = Image.objects.filter(pk=image_id).first()
        if image is not None:
            image.generate_renditions()
        return image_id, None
    except (OSError, ValueError) as error:
        return image_id, error
