"""Identifiers of scholarly sources a reference may carry: a DOI or a PubMed ID. Writers paste
them in any of the usual forms; they are stored bare (10.1056/NEJMoa2034577, 31978945)."""

import re
from urllib.parse import quote

from django.core.exceptions import ValidationError

# The characters Crossref finds in nearly every DOI it has registered; ASCII digits only (\d
# alone takes any script's digits). Nothing that could close a tag or a string in the JSON-LD.
DOI = re.compile(r"10\.\d{4,9}/[-._;()/:A-Za-z0-9]+", re.ASCII)
PMID = re.compile(r"[1-9]\d{0,8}", re.ASCII)
DOI_PREFIXES = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
PMID_PREFIXES = re.compile(
    r"^(?:https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/|"
    r"pmid:\s*)",
    re.IGNORECASE,
)


def normal_doi(value):
    return DOI_PREFIXES.sub("", (value or "").strip())


def normal_pmid(value):
    return PMID_PREFIXES.sub("", (value or "").strip()).rstrip("/")


def validate_doi(value):
    if value and not DOI.fullmatch(normal_doi(value)):
        raise ValidationError(
            "A DOI starts with 10. and a registrant code, then a slash, e.g. "
            "10.1056/NEJMoa2034577 (a https://doi.org/ link is taken too)."
        )


def validate_pmid(value):
    if value and not PMID.fullmatch(normal_pmid(value)):
        raise ValidationError("A PubMed ID is a number of up to 9 digits, e.g. 31978945.")


def doi_url(doi):
    return f"https://doi.org/{quote(doi, safe='/:;()')}"


def pubmed_url(pmid):
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid}/"
