"""Coded conditions: a tag carries codes in clinical terminologies (ICD-10-CM, SNOMED CT, MeSH),
which editors keep in the admin, the public API shows, the JSON-LD gives search engines as
MedicalCode, and readers' frontends filter by (?code=SYSTEM:CODE)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from articles.models import PublishedArticle
from tags.models import Tag, TagCode
from tests.factories import ArticleFactory, SectionFactory, TagFactory
from tests.tags.test_tag_admin import codes_formset

pytestmark = pytest.mark.django_db

# The properties schema.org gives each type used (its own and those it inherits from
# MedicalEntity and Thing that we print): the JSON-LD may use no other.
SCHEMA_PROPERTIES = {
    "Thing": {"name"},
    "MedicalCondition": {"name", "code"},
    "MedicalSignOrSymptom": {"name", "code"},
    "MedicalCode": {"codeValue", "codingSystem"},
}


@pytest.fixture
def sciatica():
    tag = TagFactory(name="Sciatica", slug="sciatica", kind=Tag.Kind.CONDITION)
    tag.codes.create(system="ICD-10-CM", code="M54.30", display="Sciatica, unspecified side")
    tag.codes.create(system="MeSH", code="D012585", display="Sciatica")
    return tag


@pytest.fixture
def coded_live(sciatica, writer, publish):
    """A live article tagged with a coded condition, a symptom and a plain topic."""
    article = ArticleFactory(author=writer, slug="pain-down-the-leg")
    SectionFactory(article=article, heading="Causes", body="A pinched nerve.")
    leg_pain = TagFactory(name="Leg Pain", slug="leg-pain", kind=Tag.Kind.SYMPTOM)
    leg_pain.codes.create(system="ICD-10-CM", code="M79.604", display="Pain in right leg")
    article.tags.set([sciatica, leg_pain, TagFactory(name="Sleep", slug="sleep")])
    return publish(article)


@pytest.mark.parametrize(
    ("system", "code", "stored"),
    [
        ("ICD-10-CM", "m79.604", "M79.604"),
        ("ICD-10-CM", " M54.5 ", "M54.5"),
        ("ICD-10-CM", "M17", "M17"),
        ("SNOMED-CT", "202882003", "202882003"),
        ("MeSH", "d017116", "D017116"),
    ],
)
def test_a_well_formed_code_is_kept_as_its_system_writes_it(system, code, stored):
    tag_code = TagCode(tag=TagFactory(), system=system, code=code, display="A term")
    tag_code.full_clean()
    assert tag_code.code == stored


@pytest.mark.parametrize(
    ("system", "code"),
    [
        ("ICD-10-CM", "M79-604"),
        ("ICD-10-CM", "79.604"),
        ("ICD-10-CM", "M79.60456"),
        ("SNOMED-CT", "12345"),
        ("SNOMED-CT", "0202882003"),
        ("MeSH", "Q017116"),
        ("MeSH", "D01"),
    ],
)
def test_a_malformed_code_is_refused_with_an_example(system, code):
    tag_code = TagCode(tag=TagFactory(), system=system, code=code, display="A term")
    with pytest.raises(ValidationError) as refused:
        tag_code.full_clean()
    assert "is not a code of" in refused.value.message_dict["code"][0]
    assert "like" in refused.value.message_dict["code"][0]


def test_an_editor_adds_codes_in_the_admin_and_a_bad_one_is_a_form_error(client, editor):
    tag = TagFactory(name="Sciatica", slug="sciatica", kind=Tag.Kind.CONDITION)
    client.force_login(editor)
    url = reverse("admin:tags_tag_change", args=[tag.pk])
    fields = {"name": tag.name, "kind": tag.kind, "description": ""}
    page = client.get(url).text
    assert "codes-TOTAL_FORMS" in page and "SNOMED CT" in page
    refused = client.post(url, fields | codes_formset(("ICD-10-CM", "sciatica", "Sciatica")))
    assert refused.status_code == 200
    assert "“SCIATICA” is not a code of ICD-10-CM" in refused.text
    assert not tag.codes.exists()
    # The same code in other capitals, beside the one already typed: one code, a form error.
    twice = codes_formset(("MeSH", "D012585", "Sciatica"), ("MeSH", "d012585", "Sciatica"))
    refused = client.post(url, fields | twice)
    assert refused.status_code == 200 and "duplicate" in refused.text.lower()
    assert not tag.codes.exists()
    kept = client.post(
        url,
        fields
        | codes_formset(
            ("ICD-10-CM", "m54.30", "Sciatica, unspecified side"), ("MeSH", "D012585", "Sciatica")
        ),
    )
    assert kept.status_code == 302
    assert sorted(tag.codes.values_list("system", "code")) == [
        ("ICD-10-CM", "M54.30"),
        ("MeSH", "D012585"),
    ]


def test_the_same_code_twice_on_a_tag_is_a_form_error(client, editor):
    tag = TagFactory(name="Sciatica", slug="sciatica", kind=Tag.Kind.CONDITION)
    client.force_login(editor)
    url = reverse("admin:tags_tag_change", args=[tag.pk])
    fields = {"name": tag.name, "kind": tag.kind, "description": ""}
    row = ("MeSH", "D012585", "Sciatica")
    response = client.post(url, fields | codes_formset(row, row))
    assert response.status_code == 200 and "duplicate" in response.text.lower()
    assert not tag.codes.exists()


def test_a_saved_code_typed_again_in_other_capitals_is_a_form_error(client, editor, sciatica):
    client.force_login(editor)
    url = reverse("admin:tags_tag_change", args=[sciatica.pk])
    saved = list(sciatica.codes.all())
    data = {"name": sciatica.name, "kind": sciatica.kind, "description": ""} | codes_formset(
        *[(code.system, code.code, code.display) for code in saved],
        ("ICD-10-CM", "m54.30", "Sciatica again"),
        initial=len(saved),
    )
    for number, code in enumerate(saved):
        data |= {f"codes-{number}-id": code.pk, f"codes-{number}-tag": sciatica.pk}
    response = client.post(url, data)
    assert response.status_code == 200 and "duplicate" in response.text.lower()
    assert sciatica.codes.count() == len(saved)


def test_writers_read_codes_but_do_not_change_them(writer, editor):
    assert writer.has_perm("tags.view_tagcode") and not writer.has_perm("tags.add_tagcode")
    assert editor.has_perm("tags.add_tagcode") and editor.has_perm("tags.delete_tagcode")


def test_the_document_and_its_json_ld_carry_the_codes(coded_live):
    document = coded_live.document
    sciatica = next(tag for tag in document["tags"] if tag["slug"] == "sciatica")
    assert sciatica["codes"] == [
        {"system": "ICD-10-CM", "code": "M54.30", "display": "Sciatica, unspecified side"},
        {"system": "MeSH", "code": "D012585", "display": "Sciatica"},
    ]
    about = {item["name"]: item for item in document["json_ld"]["about"]}
    assert about["Sciatica"] == {
        "@type": "MedicalCondition",
        "name": "Sciatica",
        "code": [
            {"@type": "MedicalCode", "codeValue": "M54.30", "codingSystem": "ICD-10-CM"},
            {"@type": "MedicalCode", "codeValue": "D012585", "codingSystem": "MeSH"},
        ],
    }
    assert about["Leg Pain"]["@type"] == "MedicalSignOrSymptom"
    assert about["Sleep"] == {"@type": "Thing", "name": "Sleep"}


def test_the_json_ld_of_tags_uses_only_properties_schema_org_gives_their_types(coded_live):
    def check(node):
        if isinstance(node, list):
            for item in node:
                check(item)
        elif isinstance(node, dict):
            allowed = SCHEMA_PROPERTIES[node["@type"]]
            assert set(node) - {"@type"} <= allowed, node
            for value in node.values():
                check(value)

    check(coded_live.document["json_ld"]["about"])


def test_a_code_added_later_reaches_the_live_documents_that_carry_the_tag(
    coded_live, sciatica, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sciatica.codes.create(system="SNOMED-CT", code="23056005", display="Sciatica (disorder)")
    document = PublishedArticle.objects.get(pk=coded_live.pk).document
    codes = next(tag["codes"] for tag in document["tags"] if tag["slug"] == "sciatica")
    assert ("SNOMED-CT", "23056005") in {(code["system"], code["code"]) for code in codes}
    with django_capture_on_commit_callbacks(execute=True):
        sciatica.codes.filter(system="MeSH").delete()
    document = PublishedArticle.objects.get(pk=coded_live.pk).document
    codes = next(tag["codes"] for tag in document["tags"] if tag["slug"] == "sciatica")
    assert "MeSH" not in {code["system"] for code in codes}


def test_the_public_tag_shows_its_codes(client, coded_live):
    body = client.get("/api/v1/tags/sciatica/").json()
    assert body["codes"] == [
        {"system": "ICD-10-CM", "code": "M54.30", "display": "Sciatica, unspecified side"},
        {"system": "MeSH", "code": "D012585", "display": "Sciatica"},
    ]


@pytest.mark.parametrize("code", ["ICD-10-CM:M54.30", "icd-10-cm:m54.30", "MeSH:D012585"])
def test_articles_are_filtered_by_code(client, coded_live, code):
    other = ArticleFactory(author=coded_live.article.author, slug="sleep-well")
    other.tags.set([Tag.objects.get(slug="sleep")])
    results = client.get("/api/v1/articles/", {"code": code}).json()["results"]
    assert [card["slug"] for card in results] == ["pain-down-the-leg"]


def test_a_repeated_code_requires_every_one(client, coded_live):
    both = client.get("/api/v1/articles/", {"code": ["MeSH:D012585", "ICD-10-CM:M79.604"]})
    assert [card["slug"] for card in both.json()["results"]] == ["pain-down-the-leg"]
    one_missing = client.get("/api/v1/articles/", {"code": ["MeSH:D012585", "ICD-10-CM:M17.9"]})
    assert one_missing.json()["results"] == []


def test_a_code_no_live_article_carries_gives_an_empty_list(client, coded_live):
    response = client.get("/api/v1/articles/", {"code": "ICD-10-CM:M17.9"})
    assert response.status_code == 200 and response.json()["results"] == []


def test_a_draft_tagged_with_a_code_is_not_found_by_it(client, sciatica, writer):
    draft = ArticleFactory(author=writer, slug="draft-about-sciatica")
    draft.tags.set([sciatica])
    response = client.get("/api/v1/articles/", {"code": "MeSH:D012585"})
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize(
    ("code", "says"),
    [
        ("M54.30", "SYSTEM:CODE"),
        ("LOINC:1234-5", "SYSTEM:CODE"),
        ("ICD-10-CM:", "SYSTEM:CODE"),
        ("ICD-10-CM:not a code", "is not a code of ICD-10-CM"),
        ("SNOMED-CT:1234", "is not a code of SNOMED CT"),
        ("ICD-10-CM:m7\u0131", "is not a code of ICD-10-CM"),
        ("MeSH:" + "D" * 60, "A code is at most 50 characters"),
        ([f"MeSH:D0125{number:02d}" for number in range(11)], "At most 10 different codes"),
    ],
)
def test_a_malformed_code_filter_is_a_400_that_says_why(client, code, says):
    response = client.get("/api/v1/articles/", {"code": code})
    assert response.status_code == 400
    assert says in str(response.json())


@pytest.mark.parametrize("code", ["ICD-10-CM:%", "MeSH:%s", "SNOMED-CT:%(x)s"])
def test_a_percent_sign_in_a_code_is_a_400_not_a_crash(client, code):
    response = client.get("/api/v1/articles/", {"code": code})
    assert response.status_code == 400
    assert "is not a code of" in str(response.json())


def test_writers_see_the_tags_codes_and_specialties_in_the_editorial_api(writer):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    from tags.models import Tag
    from tests.factories import TagFactory

    orthopedics = TagFactory(name="Orthopedics", slug="orthopedics", kind=Tag.Kind.SPECIALTY)
    sciatica = TagFactory(name="Sciatica", slug="sciatica", kind=Tag.Kind.CONDITION)
    sciatica.codes.create(system="ICD-10-CM", code="M54.30", display="Sciatica, unspecified side")
    sciatica.approving_specialties.set([orthopedics])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=writer).key}")
    [listed] = api.get("/api/v1/editorial/tags/", {"kind": "condition"}).json()["results"]
    assert listed["codes"] == [
        {"system": "ICD-10-CM", "code": "M54.30", "display": "Sciatica, unspecified side"}
    ]
    assert listed["approving_specialties"] == ["orthopedics"]
    assert api.get("/api/v1/editorial/tags/sciatica/").json()["slug"] == "sciatica"
    assert api.post("/api/v1/editorial/tags/", {"name": "X"}).status_code == 405
    assert api.get("/api/v1/editorial/tags/", {"kind": ""}).status_code == 400
    assert APIClient().get("/api/v1/editorial/tags/").status_code in (401, 403)
