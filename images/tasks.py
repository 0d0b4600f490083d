from django.dispatch import Signal
from django_tasks import task

from images.models import Image

# Sent after an image's renditions were written; receivers refresh what shows the image.
renditions_ready = Signal()


@task()
def generate_renditions(image_id):
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return 0  # deleted before its turn came
    renditions = image.generate_renditions()
    renditions_ready.send(sender=Image, image=image)
    return len(renditions)
