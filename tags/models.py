from django.core.exceptions import ValidationError
from django.db import models
from taggit.models import TagBase

from config.plain_text import validate_plain_text


class TagKind(models.TextChoices):
    SPECIALTY = "specialty", "Specialty"
    CONDITION = "condition", "Condition"
    SYMPTOM = "symptom", "Symptom"
    TOPIC = "topic", "Topic"


class Tag(TagBase):
    """A label readers browse by: a specialty, a condition, a symptom or a general topic."""

    Kind = TagKind

    description = models.TextField(
        validators=[validate_plain_text],
        blank=True,
        help_text="One or two sentences shown on the tag's page in the frontend.",
    )
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        default=Kind.TOPIC,
        help_text="What sort of label this is; frontends may group tags by kind.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=TagKind.values),
                name="tag_kind_valid",
            ),
            models.CheckConstraint(condition=~models.Q(slug=""), name="tag_slug_not_empty"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        # The name field is taggit's, so its rule is checked here rather than on the field.
        try:
            validate_plain_text(self.name)
        except ValidationError as error:
            raise ValidationError({"name": error.messages}) from error
