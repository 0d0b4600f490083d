"""The public document of a live article, built from the revision a reviewer approved.

Only the approved snapshot supplies the article's own words. What the document adds around
them comes from elsewhere and may change without a new review: tag names, the author's and
reviewer's printed names, and the titles of the live articles it links to. When one of those
changes, the document is rendered again from the same snapshot.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import F, Q

from articles.identifiers import doi_url, pubmed_url
from articles.models import (
    Article,
    ArticleSlugAlias,
    PublishedArticle,
    Section,
    frontend_article_url,
)
from articles.rendering import (
    LinkResolver,
    ParsedMarkdown,
    article_links,
    count_words_in,
    html_text,
    reading_time_minutes,
    render_article_text,
)
from images.models import Image
from reviewers.models import Credential
from tags.models import Tag


def add_months(day, months):
    """The same day `months` later, or the month's last day when it is shorter (Jan 31 → Feb 28)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last_day))


def next_review_due(approved_at, interval_months):
    return add_months(approved_at.date(), interval_months)


@dataclass(frozen=True)
class Rendering:
    """A rendered document and what the read model keeps beside it."""

    document: dict
    search_text: str
    linked_slugs: set  # slugs its inline links name (and related topics, in older revisions)
    related_articles: set  # ids of the articles its related topics name
    problems: list  # sentences naming each `article:` link readers would find broken


def build_document(*, revision, approval, published_at, updated_at, lookups=None):
    """The public document for `revision`, approved by `approval`, as the API serves it."""
    return render_document(
        revision.snapshot,
        article_id=revision.article_id,
        revision_number=revision.number,
        approval=approval,
        published_at=published_at,
        updated_at=updated_at,
        lookups=lookups,
    )


def render_document(
    snapshot, *, article_id, revision_number=None, approval=None, published_at=None,
    updated_at=None, lookups=None,
):  # fmt: skip
    """The detail document of a snapshot, as a Rendering. Without an approval it is a preview:
    no reviewer yet. Each Markdown text is parsed once. `lookups` (BatchLookups) answers what
    the document prints from outside the snapshot; by default they are read for this one."""
    lookups = lookups or BatchLookups([snapshot])
    parsed = [
        ParsedMarkdown(snapshot["intro"]),
        *(ParsedMarkdown(section["body"]) for section in snapshot["sections"]),
    ]
    topics = snapshot["related_topics"]
    related_ids = {topic["article_id"] for topic in topics if "article_id" in topic}
    links = {link.slug for text in parsed for link in text.links}
    links |= {topic["slug"] for topic in topics if "slug" in topic}  # older revisions
    live = lookups.live_targets(links, besides=article_id)
    live_related = lookups.live_articles(related_ids, besides=article_id)
    own_anchors = {section["anchor"] for section in snapshot["sections"]}
    unresolved = links - live.keys() - {snapshot["slug"]}
    resolver = LinkResolver(
        targets={slug: set(row["anchors"]) for slug, row in live.items()}
        | {snapshot["slug"]: own_anchors},
        url_for=lambda slug: frontend_article_url(live[slug]["slug"] if slug in live else slug),
        # Asked only when a link will be dropped, to say why: not live yet, or no such article.
        not_live=lookups.not_live(unresolved) if unresolved else (),
    )
    text = render_article_text(snapshot["intro"], snapshot["sections"], resolver, parsed)
    words = [html_text(text.intro_html), *(html_text(s.html) for s in text.sections)]
    word_count = sum(count_words_in(words_of) for words_of in words)
    reviewed_at = approval.decided_at if approval else None
    document = {
        "slug": snapshot["slug"],
        "url": frontend_article_url(snapshot["slug"]),
        "title": snapshot["title"],
        "summary": snapshot["summary"],
        "intro_html": text.intro_html,
        "author": _author(snapshot, lookups),
        "reviewer": _reviewer(approval.reviewer) if approval else None,
        "disclosures": _disclosures(approval) if approval else None,
        "published_at": snapshot.get("first_published_at") or _iso(published_at),
        "updated_at": _iso(updated_at),
        "last_reviewed_at": _iso(reviewed_at),
        "next_review_due": _iso(
            reviewed_at and next_review_due(reviewed_at, snapshot["review_interval_months"])
        ),
        "word_count": word_count,
        "reading_time_minutes": reading_time_minutes(word_count),
        "hero_image": _hero_image(snapshot["hero_image"], lookups),
        "tags": lookups.tags(snapshot["tags"]),
        "toc": [{"anchor": s.anchor, "heading": s.heading} for s in text.sections],
        "sections": [
            {"anchor": s.anchor, "heading": s.heading, "html": s.html} for s in text.sections
        ],
        "related_topics": related_cards(topics, live, live_related),
        "references": [
            {**reference, "doi": reference.get("doi"), "pmid": reference.get("pmid")}
            for reference in snapshot["references"]
        ],
        "disclaimer": snapshot.get("disclaimer") or settings.SITE_DISCLAIMER,
        "revision": revision_number,
    }
    document["json_ld"] = json_ld(document)
    headings = [section["heading"] for section in snapshot["sections"]]
    search = "\n".join([snapshot["title"], snapshot["summary"], *headings, *words])
    return Rendering(
        document=document,
        search_text=search,
        linked_slugs=links,
        related_articles=related_ids,
        problems=text.problems,
    )


class BatchLookups:
    """What the documents of a batch of snapshots print from outside them (the live articles
    they link to, tag names, authors' names, hero images' files), read beforehand in one query
    per kind, as plain data (a process pool can take it). `going_live` (slugs) are drafts
    published with the batch, known as live before they are: links and cards print them as
    their drafts are now.
    `links`, if given, holds the slugs each snapshot's `article:` links name (None for one to
    be parsed here)."""

    def __init__(self, snapshots, *, going_live=None, links=None):
        going_live = going_live or set()
        slugs, related_ids, tag_slugs, authors, images = set(), set(), set(), set(), set()
        for snapshot, linked in zip(snapshots, links or [None] * len(snapshots), strict=True):
            if linked is None:
                texts = [snapshot["intro"], *(section["body"] for section in snapshot["sections"])]
                linked = {link.slug for text in texts for link in article_links(text)}
            slugs |= linked
            topics = snapshot["related_topics"]
            related_ids |= {topic["article_id"] for topic in topics if "article_id" in topic}
            tag_slugs |= set(snapshot["tags"])
            if not snapshot.get("byline"):  # a reviewed byline is printed instead
                authors.add(snapshot["author_id"])
            if snapshot["hero_image"]:
                images.add(snapshot["hero_image"]["id"])
        # Only what the batch names is kept: the lookups may be sent to other processes.
        coming = drafts_going_live(slugs & going_live, related_ids, going_live)
        self._targets = live_targets(slugs - going_live, besides=None) | {
            row["slug"]: row for row in coming.values() if row["slug"] in slugs
        }
        self._articles = live_articles(related_ids - coming.keys(), besides=None) | {
            pk: coming[pk] for pk in related_ids & coming.keys()
        }
        self._not_live = set(Article.objects.link_resolver(slugs - self._targets.keys()).not_live)
        tags = Tag.objects.filter(slug__in=tag_slugs).prefetch_related("codes")
        self._tags = {tag.slug: tag for tag in tags}
        self._tags = {slug: _tag(tag) for slug, tag in self._tags.items()}
        users = get_user_model().objects.filter(pk__in=authors)
        self._authors = {user.pk: user.get_full_name() or user.get_username() for user in users}
        rows = Image.objects.prefetch_related("renditions").filter(pk__in=images)
        self._images = {image.pk: image.as_public() for image in rows}

    def live_targets(self, slugs, *, besides):
        return {
            slug: row
            for slug in slugs
            if (row := self._targets.get(slug)) and row.get("article_id") != besides
        }

    def live_articles(self, article_ids, *, besides):
        return {
            pk: self._articles[pk] for pk in article_ids if pk in self._articles and pk != besides
        }

    def not_live(self, slugs):
        return set(slugs) & self._not_live

    def tags(self, slugs):
        return sorted((self._tags[s] for s in slugs if s in self._tags), key=lambda t: t["name"])

    def author_name(self, user_id):
        return self._authors.get(user_id)

    def image(self, image_id):
        return self._images.get(image_id)


def _tag(tag):
    codes = [code.as_public() for code in tag.codes.all()]
    return {"slug": tag.slug, "name": tag.name, "kind": tag.kind, "codes": codes}


def related_cards(topics, live_by_slug, live_by_article):
    """The "Recommended topics" cards of the live articles among `topics`, in order."""
    cards = []
    for topic in topics:
        if "article_id" in topic:
            target = live_by_article.get(topic["article_id"])
        else:
            target = live_by_slug.get(topic["slug"])
        if target is not None:
            cards.append(
                {
                    "slug": target["slug"],
                    "title": target["title"],
                    "summary": topic["blurb"] or target["summary"],
                    "url": frontend_article_url(target["slug"]),
                }
            )
    return cards


def live_articles(article_ids, *, besides):
    """The live rows of `article_ids` (but `besides`), as {article id: {slug, title, summary}}."""
    if not article_ids:
        return {}
    rows = PublishedArticle.objects.filter(article_id__in=article_ids).exclude(article_id=besides)
    return {row["article_id"]: row for row in rows.values("article_id", "slug", "title", "summary")}


def drafts_going_live(slugs, article_ids, going_live):
    """The drafts that `slugs` name or that have `article_ids`, of those whose slugs are in
    `going_live`, as {article id: {slug, title, summary, anchors, article_id}}: what links
    and cards to them print once they are live. Read here rather than carried by the caller,
    so that an import holds no more of each article than its slug."""
    if not slugs and not article_ids:
        return {}
    drafts = Article.objects.filter(Q(slug__in=slugs) | Q(pk__in=article_ids))
    rows = {
        row["article_id"]: {**row, "anchors": []}
        for row in drafts.values("slug", "title", "summary", article_id=F("pk"))
        if row["slug"] in going_live
    }
    anchors = Section.objects.filter(article_id__in=rows).order_by("article_id", "position")
    for article_id, anchor in anchors.values_list("article_id", "anchor"):
        rows[article_id]["anchors"].append(anchor)
    return rows


def live_targets(slugs, *, besides):
    """The live articles that `slugs` name, by their live slug or an old one they still
    answer to, as {slug named: {slug, title, summary, anchors}}; `besides` (an article id) is
    left out. A renamed article keeps its cards and links in the articles that name it."""
    fields = ("slug", "title", "summary", "anchors", "article_id")
    rows = PublishedArticle.objects.exclude(article_id=besides)
    live = {row["slug"]: row for row in rows.filter(slug__in=slugs).values(*fields)}
    old_slugs = set(slugs) - live.keys()
    if old_slugs:
        aliases = ArticleSlugAlias.objects.filter(
            slug__in=old_slugs, article__published__isnull=False
        ).exclude(article_id=besides)
        for alias in aliases.values("slug", *(f"article__published__{name}" for name in fields)):
            live[alias["slug"]] = {name: alias[f"article__published__{name}"] for name in fields}
    return live


def card(document):
    """The short form of a document that lists, search results and related cards use."""
    return {name: document[name] for name in CARD_FIELDS}


CARD_FIELDS = (
    "slug",
    "url",
    "title",
    "summary",
    "tags",
    "reviewer",
    "published_at",
    "updated_at",
    "reading_time_minutes",
    "hero_image",
)


def json_ld(document):
    """schema.org MedicalWebPage markup for the document, for search engines."""
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "headline": document["title"],
        "description": document["summary"],
        "url": document["url"],
        "datePublished": document["published_at"],
        "dateModified": document["updated_at"],
        "about": [_about(tag) for tag in document["tags"]],
        "citation": [_citation(reference) for reference in document["references"]],
    }
    disclosures = document.get("disclosures") or {}  # none in older documents
    if document["author"]:
        data["author"] = {
            "@type": "Person",
            "name": document["author"]["name"],
            **_description(disclosures.get("author")),
        }
    if document["reviewer"]:
        reviewer = document["reviewer"]
        data["lastReviewed"] = document["last_reviewed_at"][:10]
        data["reviewedBy"] = {
            "@type": "Person",
            "name": reviewer["name"],
            "honorificSuffix": reviewer["credentials"],
            **({"jobTitle": reviewer["specialty"]} if reviewer["specialty"] else {}),
            **_has_credential(reviewer.get("verified_credentials")),
            **_description(reviewer_statement(disclosures)),
        }
    if document["hero_image"]:
        image = document["hero_image"]
        data["image"] = {
            "@type": "ImageObject",
            "url": image["src"],
            "width": image["width"],
            "height": image["height"],
            "caption": image["alt"],
            **({"creditText": image["credit"]} if image["credit"] else {}),
        }
    return data


# schema.org types of the tags an article is about, by kind; coded ones carry their codes.
ABOUT_TYPES = {"condition": "MedicalCondition", "symptom": "MedicalSignOrSymptom"}


def _about(tag):
    if tag["kind"] not in ABOUT_TYPES:
        return {"@type": "Thing", "name": tag["name"]}
    about = {"@type": ABOUT_TYPES[tag["kind"]], "name": tag["name"]}
    if tag.get("codes"):  # documents rendered before tags had codes have none
        about["code"] = [
            {"@type": "MedicalCode", "codeValue": code["code"], "codingSystem": code["system"]}
            for code in tag["codes"]
        ]
    return about


def _citation(reference):
    """A reference as schema.org markup: a paper with a DOI or a PubMed ID is a
    ScholarlyArticle naming them as identifiers, with their canonical pages as sameAs."""
    cited = {
        "@type": "CreativeWork",
        "name": reference["label"],
        "url": reference["url"],
        **(
            {"publisher": {"@type": "Organization", "name": reference["publisher"]}}
            if reference["publisher"]
            else {}
        ),
    }
    identifiers = [
        (system, value, url_of(value))
        for system, value, url_of in [
            ("DOI", reference.get("doi"), doi_url),
            ("PMID", reference.get("pmid"), pubmed_url),
        ]
        if value
    ]
    if identifiers:
        cited["@type"] = "ScholarlyArticle"
        cited["identifier"] = [
            {"@type": "PropertyValue", "propertyID": system, "value": value}
            for system, value, _ in identifiers
        ]
        cited["sameAs"] = [url for *_, url in identifiers]
    return cited


def _disclosures(approval):
    """The disclosures the approval recorded, as they stood when it was given."""
    return {
        "reviewer": approval.reviewer_disclosure,
        "author": approval.author_disclosure,
        "conflict_declared": approval.conflict_declared,
        "conflict": approval.conflict_note,
    }


def reviewer_statement(disclosures):
    """The reviewer's disclosure as one text, with a conflict declared for the article."""
    parts = [disclosures.get("reviewer", "")]
    if disclosures.get("conflict_declared"):
        parts.append(f"Declared a conflict of interest for this article: {disclosures['conflict']}")
    return " ".join(part for part in parts if part)


def _description(statement):
    """A person's disclosure as schema.org `description`, when there is one."""
    return {"description": statement} if statement else {}


def _has_credential(credentials):
    """A reviewer's verified credentials as schema.org `hasCredential` (absent from documents
    rendered before credentials were recorded)."""
    if not credentials:
        return {}
    return {"hasCredential": [_credential(credential) for credential in credentials]}


def _credential(credential):
    marked_up = {
        "@type": "EducationalOccupationalCredential",
        "name": credential["name"],
        "credentialCategory": Credential.CATEGORIES[credential["kind"]],
        "recognizedBy": {"@type": "Organization", "name": credential["issuing_body"]},
    }
    if credential["region"]:
        marked_up["validIn"] = {"@type": "AdministrativeArea", "name": credential["region"]}
    if credential["valid_until"]:
        marked_up["expires"] = credential["valid_until"]
    if credential["number"]:
        marked_up["identifier"] = credential["number"]
    return marked_up


def _iso(value):
    return value.isoformat() if value else None


def _reviewer(reviewer):
    return {
        "slug": reviewer.slug,
        "name": reviewer.name,
        "credentials": reviewer.credentials,
        "specialty": reviewer.specialty,
        "byline": reviewer.byline,
        "verified_credentials": reviewer.public_credentials(),
    }


def _author(snapshot, lookups):
    """The name in the byline: the reviewed byline if the revision has one, else the writer
    account's name as it is now."""
    if snapshot.get("byline"):
        return {"name": snapshot["byline"]}
    name = lookups.author_name(snapshot["author_id"])
    return {"name": name} if name is not None else None


def _hero_image(reviewed, lookups):
    """The image the revision was reviewed with, with the alt text and credit reviewed."""
    if not reviewed:
        return None
    image = lookups.image(reviewed["id"])
    if image is None:
        return None
    alt, credit = reviewed["alt"], reviewed["credit"]
    return {
        **image,
        "alt": image["alt"] if alt is None else alt,
        "credit": image["credit"] if credit is None else credit,
    }
