import re

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
    approving_specialties = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="conditions_approved",
        limit_choices_to={"kind": TagKind.SPECIALTY},
        help_text="For a condition: the specialties whose reviewers may approve articles about "
        "it. Empty: any reviewer may.",
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


class CodeSystem(models.TextChoices):
    """Terminologies a condition can be coded in; the values are how `?code=` names them."""

    ICD_10_CM = "ICD-10-CM", "ICD-10-CM"
    SNOMED_CT = "SNOMED-CT", "SNOMED CT"
    MESH = "MeSH", "MeSH"


# What a code of each system looks like (checked when saved, so that a typo never reaches the
# structured data search engines read): ICD-10-CM a letter, two characters and up to four after
# a dot (M79.604); a SNOMED CT concept id 6 to 18 digits; a MeSH descriptor (D) or
# supplementary concept (C) id.
CODE_PATTERNS = {
    CodeSystem.ICD_10_CM: (re.compile(r"[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?"), "like M79.604"),
    CodeSystem.SNOMED_CT: (re.compile(r"[1-9][0-9]{5,17}"), "6 to 18 digits, like 202882003"),
    CodeSystem.MESH: (re.compile(r"[DC][0-9]{6,9}"), "like D017116"),
}


def checked_code(system, code):
    """`code` as `system` (a CodeSystem) writes it: no spaces around, letters in capitals (only
    ASCII: a Turkish dotless i would become an I and pass for a code it is not). Raises
    ValidationError, with an example, when the system has no such code."""
    code = code.strip()
    code = code.upper() if code.isascii() else code
    pattern, example = CODE_PATTERNS[system]
    if not pattern.fullmatch(code):
        # The reader's text goes in params: messages are %-formatted with them later, and a
        # "%" typed into the code would break the formatting (a 500 once).
        raise ValidationError(
            "“%(code)s” is not a code of %(system)s (%(example)s).",
            code="invalid",
            params={"code": code, "system": CodeSystem(system).label, "example": example},
        )
    return code


class TagCode(models.Model):
    """A code for what a tag names in a clinical terminology, so that machines (search engines,
    health record systems) know which condition an article is about."""

    tag = models.ForeignKey(Tag, on_delete=models.CASCADE, related_name="codes")
    system = models.CharField(max_length=20, choices=CodeSystem.choices)
    code = models.CharField(
        max_length=20, help_text="e.g. M54.50 (ICD-10-CM), 23056005 (SNOMED CT), D012585 (MeSH)."
    )
    display = models.CharField(
        validators=[validate_plain_text],
        max_length=200,
        help_text='The term the system gives the code, e.g. "Low back pain, unspecified".',
    )

    class Meta:
        ordering = ["system", "code"]
        constraints = [
            models.UniqueConstraint(fields=["tag", "system", "code"], name="tagcode_unique"),
            models.CheckConstraint(
                condition=models.Q(system__in=CodeSystem.values), name="tagcode_system_valid"
            ),
        ]

    def __str__(self):
        return f"{self.get_system_display()} {self.code}"

    def clean(self):
        super().clean()
        if self.system not in CODE_PATTERNS:
            return  # the field's own choices check says so
        try:
            self.code = checked_code(self.system, self.code)
        except ValidationError as error:
            raise ValidationError({"code": error.messages}) from error

    def as_public(self):
        return {"system": self.system, "code": self.code, "display": self.display}
