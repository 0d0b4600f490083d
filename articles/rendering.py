"""Markdown to safe HTML, and the `article:` links writers use to point at other articles.

Writers type Markdown; readers get HTML that has been through nh3, so nothing a writer pastes
(a <script>, an onclick, a javascript: URL) reaches a reader. Links written as
`[text](article:some-slug#some-anchor)` are resolved by a `LinkResolver` that knows which
articles and anchors exist; a link that cannot be resolved keeps its text and loses the link.
"""

import html
import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt

ARTICLE_SCHEME = "article:"

# What section bodies may contain once rendered. Headings start at h3: the section heading is
# the page's h2.
ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "code", "pre", "blockquote", "sup", "sub",
    "ul", "ol", "li", "a", "h3", "h4", "h5", "h6", "img",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "th": {"align"},
    "td": {"align"},
}
# Links keep http and https only (article: links are resolved to https before this); mailto,
# tel, data, javascript and every other scheme lose their link and keep their text.
ALLOWED_URL_SCHEMES = {"http", "https"}

WORDS_PER_MINUTE = 200  # a relaxed pace for patients reading about their health


def markdown_parser():
    """A parser configured as the one that renders articles: CommonMark, raw HTML, tables."""
    return MarkdownIt("commonmark", {"html": True}).enable("table")


_markdown = markdown_parser()
_word = re.compile(r"\w+(?:['’-]\w+)*")  # noqa: RUF001 (typographic apostrophes join words)


@dataclass(frozen=True)
class ArticleLink:
    """A link written as `article:SLUG` or `article:SLUG#ANCHOR`."""

    slug: str
    anchor: str = ""

    @classmethod
    def parse(cls, href):
        """Return the link `href` names, or None when it is not an `article:` link."""
        if not href.lower().startswith(ARTICLE_SCHEME):
            return None
        slug, _, anchor = href[len(ARTICLE_SCHEME) :].partition("#")
        return cls(slug=slug.strip().strip("/"), anchor=anchor.strip())

    def __str__(self):
        return f"{ARTICLE_SCHEME}{self.slug}" + (f"#{self.anchor}" if self.anchor else "")


def missing_link_problem(link, *, exists):
    """The sentence a writer, a reviewer and the change form all get for an `article:` link
    readers will not be able to follow: to an article that is not live yet, or to none."""
    if exists:
        return (
            f'{link}: the article "{link.slug}" is not live yet, so readers see this text '
            "without the link until it is published."
        )
    return f'{link}: there is no article with the slug "{link.slug}".'


def link_warning(problem):
    """How the change form, the submit checklist and the review page head a link problem: a
    link to an article that is not live yet is not broken, but readers cannot follow it yet."""
    return f"Link readers cannot follow: {problem}"


@dataclass
class LinkResolver:
    """Turns `article:` links into URLs, given the articles that exist and their anchors.

    `targets` maps each known slug to the anchors of its sections; `url_for(slug)` builds the URL
    a reader follows. Every link that could not be resolved is recorded in `problems`, once.
    """

    targets: Mapping[str, Iterable[str]]
    url_for: object
    problems: list[str] = field(default_factory=list)
    # Slugs of articles that exist but are not live: their links are dropped like the others,
    # but the writer is told the article is coming rather than that it does not exist.
    not_live: Collection[str] = frozenset()

    def resolve(self, link):
        if link.slug not in self.targets:
            self._report(missing_link_problem(link, exists=link.slug in self.not_live))
            return None
        if link.anchor and link.anchor not in self.targets[link.slug]:
            self._report(f'{link}: the article "{link.slug}" has no section "#{link.anchor}".')
            return None
        url = self.url_for(link.slug)
        return f"{url}#{link.anchor}" if link.anchor else url

    def _report(self, problem):
        if problem not in self.problems:
            self.problems.append(problem)


class _UnresolvedLinks:
    """Resolves no `article:` link: the text of each stays, the link goes."""

    problems = ()

    def resolve(self, link):
        return None


@dataclass(frozen=True)
class RenderedSection:
    anchor: str
    heading: str
    html: str


@dataclass(frozen=True)
class RenderedArticle:
    """An article's text as readers see it, and the `article:` links that could not be resolved."""

    intro_html: str
    sections: list[RenderedSection]
    problems: list[str]


class ParsedMarkdown:
    """A Markdown text parsed once: its tokens, and the `article:` links among them.

    Rendering consumes the tokens (links are resolved in place), so render a parse once.
    """

    def __init__(self, markdown_text):
        self.tokens = _markdown.parse(markdown_text or "")
        self.links = links_in(self.tokens)

    def render(self, resolver=None):
        """Sanitized HTML, with `article:` links resolved by `resolver` (or dropped)."""
        resolver = resolver or _UnresolvedLinks()
        for token in self.tokens:
            if token.children:
                token.children = _resolve_article_links(token.children, resolver)
        return sanitize_html(_markdown.renderer.render(self.tokens, _markdown.options, {}))


def links_in(tokens):
    """The `article:` links among parsed Markdown tokens, in order."""
    return [
        link
        for token in tokens
        for child in token.children or ()
        if child.type == "link_open"
        for link in [ArticleLink.parse(str(child.attrGet("href") or ""))]
        if link
    ]


def render_article_text(intro, sections, resolver, parsed=None):
    """Render an intro and its sections (dicts with anchor, heading and body) for readers.

    `parsed`, if given, holds the intro's and sections' ParsedMarkdown, in that order.
    """
    parsed = parsed or [ParsedMarkdown(intro), *(ParsedMarkdown(s["body"]) for s in sections)]
    rendered_sections = [
        RenderedSection(
            anchor=section["anchor"], heading=section["heading"], html=text.render(resolver)
        )
        for section, text in zip(sections, parsed[1:], strict=True)
    ]
    intro_html = parsed[0].render(resolver)
    return RenderedArticle(
        intro_html=intro_html, sections=rendered_sections, problems=list(resolver.problems)
    )


# A text holds a link only if it has one of these: an inline link, a reference definition or
# an autolink. Most texts have none, and are then not parsed to find out.
LINK_MARKS = ("](", "]:", "<")


def article_links(markdown_text):
    """Return the `article:` links in a Markdown text, in order of appearance."""
    if not any(mark in (markdown_text or "") for mark in LINK_MARKS):
        return []
    return ParsedMarkdown(markdown_text).links


def render_markdown(markdown_text, resolver=None):
    """Render Markdown to sanitized HTML, resolving `article:` links with `resolver`."""
    return ParsedMarkdown(markdown_text).render(resolver)


def html_text(sanitized_html):
    """The words of rendered HTML, without tags or entities."""
    return html.unescape(nh3.clean(sanitized_html, tags=set()))


def sanitize_html(unsafe_html):
    """Keep the tags and URL schemes an article may use; drop everything else, scripts whole."""
    return nh3.clean(
        unsafe_html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def _resolve_article_links(children, resolver):
    kept = []
    dropped_opens = []  # one flag per open link: True when its closing token must go too
    for token in children:
        if token.type == "link_open":
            link = ArticleLink.parse(str(token.attrGet("href") or ""))
            url = resolver.resolve(link) if link else None
            if link and url is None:
                dropped_opens.append(True)
                continue
            if url is not None:
                token.attrSet("href", url)
            dropped_opens.append(False)
        elif token.type == "link_close" and dropped_opens and dropped_opens.pop():
            continue
        kept.append(token)
    return kept


def plain_text(markdown_text, tokens=None):
    """The words a reader sees, without markup or link targets. `tokens`, if given, are the
    text's, parsed already (markdown_limits.check_article keeps them)."""
    if tokens is None:
        tokens = _markdown.parse(markdown_text or "")
    rendered = _markdown.renderer.render(tokens, _markdown.options, {})
    return html.unescape(nh3.clean(rendered, tags=set()))


def count_words(markdown_text, tokens=None):
    return count_words_in(plain_text(markdown_text, tokens))


def count_words_in(text):
    return len(_word.findall(text))


def reading_time_minutes(word_count):
    """Minutes to read `word_count` words, rounded up; never less than one."""
    return max(1, math.ceil(word_count / WORDS_PER_MINUTE))
