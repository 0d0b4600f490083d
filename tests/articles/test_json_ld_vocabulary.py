"""The JSON-LD of live documents speaks schema.org: every property is one its type has (its own
or inherited), and every object given as a property's value is of a type that property expects.
Checked on every live demo article, which between them use every type the documents print."""

import pytest

from articles.demo import load_demo
from articles.models import PublishedArticle

pytestmark = pytest.mark.django_db

# Properties of the types used, with what each inherits (schema.org's type hierarchy).
THING = {"name", "description", "url", "identifier", "sameAs", "image", "alternateName"}
CREATIVE_WORK = THING | {"headline", "datePublished", "dateModified", "about", "citation",
                         "author", "publisher", "expires", "creditText"}  # fmt: skip
PROPERTIES = {
    "Thing": THING,
    "CreativeWork": CREATIVE_WORK,
    "ScholarlyArticle": CREATIVE_WORK,
    "MedicalWebPage": CREATIVE_WORK | {"lastReviewed", "reviewedBy"},
    "ImageObject": CREATIVE_WORK | {"width", "height", "caption", "contentUrl"},
    "Person": THING | {"honorificSuffix", "jobTitle", "hasCredential"},
    "Organization": THING,
    "AdministrativeArea": THING,
    "EducationalOccupationalCredential": CREATIVE_WORK
    | {"credentialCategory", "recognizedBy", "validIn"},
    "MedicalCondition": THING | {"code"},
    "MedicalSignOrSymptom": THING | {"code"},
    "MedicalCode": THING | {"codeValue", "codingSystem"},
    "PropertyValue": THING | {"propertyID", "value"},
}
# For properties whose value may be an object: the types they expect (with their subtypes).
CREATIVE_WORKS = {"CreativeWork", "ScholarlyArticle", "MedicalWebPage", "ImageObject",
                  "EducationalOccupationalCredential"}  # fmt: skip
EXPECTED = {
    "about": set(PROPERTIES),  # any Thing
    "citation": CREATIVE_WORKS,
    "author": {"Person", "Organization"},
    "reviewedBy": {"Person", "Organization"},
    "publisher": {"Person", "Organization"},
    "image": {"ImageObject"},
    "hasCredential": {"EducationalOccupationalCredential"},
    "recognizedBy": {"Organization"},
    "validIn": {"AdministrativeArea"},
    "code": {"MedicalCode"},
    "identifier": {"PropertyValue"},
}


def problems(node, where="json_ld"):
    """Every way `node` (an object with an @type) strays from the vocabulary, as sentences."""
    kind = node.get("@type")
    if kind not in PROPERTIES:
        return [f"{where}: unknown type {kind!r}"]
    found = []
    for name, value in node.items():
        if name in {"@type", "@context"}:
            continue
        if name not in PROPERTIES[kind]:
            found.append(f"{where}: {kind} has no property {name!r}")
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(item, dict):
                inside = f"{where}.{name}[{index}]"
                if item.get("@type") not in EXPECTED.get(name, set()):
                    found.append(f"{inside}: {name} does not take a {item.get('@type')}")
                found += problems(item, inside)
    return found


def test_every_live_demo_document_speaks_the_vocabulary(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    load_demo()
    used = set()
    for live in PublishedArticle.objects.all():
        json_ld = live.document["json_ld"]
        assert json_ld["@context"] == "https://schema.org"
        assert problems(json_ld) == [], live.slug
        used |= types_in(json_ld)
    # The demo still shows every type the documents can print (a plain Thing, a topic tag, aside).
    assert set(PROPERTIES) - {"Thing"} <= used


def types_in(node):
    found = {node["@type"]}
    for value in node.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                found |= types_in(item)
    return found


def test_the_check_finds_a_stray_property_and_a_wrong_type():
    bad = {
        "@type": "MedicalWebPage",
        "reviewedBy": {"@type": "MedicalCode", "codeValue": "x"},
        "rating": 5,
    }
    assert problems(bad) == [
        "json_ld.reviewedBy[0]: reviewedBy does not take a MedicalCode",
        "json_ld: MedicalWebPage has no property 'rating'",
    ]
