"""Image URLs in API answers, absolute whatever MEDIA_URL is.

Documents and cards are stored with their image URLs as MEDIA_URL made them. Where MEDIA_URL
is absolute (production: a bucket or CDN), they are served as stored, untouched. Where it is a
path (the default, so that a server answers on any host and port), each answer names the host
it was asked on: exactly the known image fields are rewritten, never text that merely contains
the path, and the JSON is encoded again by the API's encoder.
"""

import json
from urllib.parse import urlsplit

from django.conf import settings

from articles.public_cache import json_bytes

SRCSETS = ("srcset", "srcset_original_format", "square_srcset")


def media_is_path():
    return not urlsplit(settings.MEDIA_URL).netloc


def absolute_url(url, request):
    """`url` from the request's host when MEDIA_URL names it by path."""
    if url and url.startswith(settings.MEDIA_URL) and media_is_path():
        return request.build_absolute_uri(url)
    return url


def absolute_image(image, request):
    """An image as Image.as_public() gives it (or None), with absolute URLs."""
    if not image or not media_is_path():
        return image
    absolute = {**image, "src": absolute_url(image.get("src"), request)}
    for name in SRCSETS:
        if image.get(name):
            absolute[name] = ", ".join(
                _absolute_entry(entry, request) for entry in image[name].split(", ")
            )
    return absolute


def _absolute_entry(entry, request):
    url, _, width = entry.partition(" ")
    return f"{absolute_url(url, request)} {width}"


def absolute_document(document, request):
    """A public document (or a card: the same hero_image field) with absolute image URLs."""
    if not media_is_path():
        return document
    document = {**document}
    if "hero_image" in document:
        document["hero_image"] = absolute_image(document["hero_image"], request)
    image = document.get("json_ld", {}).get("image")
    if image:
        image = {**image, "url": absolute_url(image["url"], request)}
        document["json_ld"] = {**document["json_ld"], "image": image}
    if "related_topics" in document:
        document["related_topics"] = [
            absolute_document(topic, request) for topic in document["related_topics"]
        ]
    return document


def absolute_json(body, request):
    """JSON bytes of a document or of a page of cards, their image URLs made absolute; as
    they are when MEDIA_URL is absolute (no decoding, no encoding)."""
    if not media_is_path():
        return body
    data = json.loads(body)
    if "results" in data:
        data["results"] = [absolute_document(card, request) for card in data["results"]]
    else:
        data = absolute_document(data, request)
    return json_bytes(data)
