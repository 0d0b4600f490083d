import datetime
import io

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image as PillowImage

from articles.models import Article, Reference, RelatedTopic, Section
from images.models import Image
from reviewers.models import Credential, Reviewer
from tags.models import Tag


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    is_staff = True
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def group(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(Group.objects.get(name=extracted))


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Topic {n}")
    slug = factory.Sequence(lambda n: f"topic-{n}")
    kind = Tag.Kind.TOPIC


class ReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reviewer
        skip_postgeneration_save = True

    name = factory.Faker("name")
    slug = factory.Sequence(lambda n: f"reviewer-{n}")
    credentials = "MD"
    specialty = "Orthopedics"

    @factory.post_generation
    def licence(reviewer, create, extracted, **kwargs):
        """A licence an editor verified, valid for a year; `licence=False` for none."""
        if create and extracted is not False:
            CredentialFactory(reviewer=reviewer, **kwargs)


class CredentialFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Credential

    kind = Credential.Kind.LICENCE
    number = factory.Sequence(lambda n: f"L-{n:06d}")
    issuing_body = "Medical Board of California"
    region = "California"
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))
    verified_by = factory.LazyFunction(
        lambda: UserFactory(username="credential-verifier", group="Editors")
    )
    verified_at = factory.LazyFunction(timezone.now)


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    title = factory.Sequence(lambda n: f"Article number {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    summary = "A short summary of the article."
    intro = "An opening paragraph."
    author = factory.SubFactory(UserFactory)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n + 1)
    heading = factory.Sequence(lambda n: f"Heading {n}")
    body = "Some **bold** advice about resting the leg."


class RelatedTopicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelatedTopic

    from_article = factory.SubFactory(ArticleFactory)
    to_article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n + 1)


class ReferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reference

    article = factory.SubFactory(ArticleFactory)
    position = factory.Sequence(lambda n: n + 1)
    label = "Restless Legs"
    url = "https://medlineplus.gov/restlesslegs.html"
    publisher = "MedlinePlus"


BANDS = ["teal", "orange", "navy", "gold", "crimson"]


def image_bytes(size=(800, 600), image_format="PNG", **save_options):
    """An image of vertical coloured bands, so that different crops differ."""
    picture = PillowImage.new("RGB", size, BANDS[0])
    band = max(1, size[0] // len(BANDS))
    for index, color in enumerate(BANDS):
        picture.paste(PillowImage.new("RGB", (band, size[1]), color), (index * band, 0))
    buffer = io.BytesIO()
    picture.save(buffer, format=image_format, **save_options)
    return buffer.getvalue()


def image_upload(name="photo.png", size=(800, 600), image_format=None, **save_options):
    """A real image file as a browser would upload it."""
    image_format = image_format or {"jpg": "JPEG", "jpeg": "JPEG", "webp": "WEBP"}.get(
        name.rsplit(".", 1)[-1], "PNG"
    )
    content = image_bytes(size, image_format, **save_options)
    return SimpleUploadedFile(name, content, content_type=f"image/{image_format.lower()}")


def stored_image(alt="A runner stretching her calf", size=(800, 600), **fields):
    """An Image that went through the real upload checks, saved, without renditions."""
    image = Image.from_upload(image_upload(size=size), alt=alt, **fields)
    image.save()
    return image


def edit(article, by, **changes):
    """Change the working copy the way the admin and the API do: claim, save, record."""
    from articles import workflow

    workflow.begin_edit(article=article, by=by)
    for name, value in changes.items():
        setattr(article, name, value)
    article.save()
    return workflow.record_edit(article=article, by=by)


def api_client(user):
    """An API client that signs in as `user` with a token, as scripts and frontends do."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client
