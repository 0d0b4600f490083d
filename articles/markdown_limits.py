"""How much Markdown an article may hold, measured the same way for the API, the admin and the
importer, so the three never disagree.

A few KB of Markdown can ask for megabytes of HTML: markdown-it pads every row of a table to
the width of its header row, so a header of a thousand cells followed by a few hundred one-word
lines is a table of hundreds of thousands of cells. What rendering costs follows the number of
tokens the parser makes, not the number of bytes sent, so besides the size of each text and of
the whole article, the limits bound what is dear: the cells of one table, how deep lists and
quotes are nested, the links an article resolves, the Markdown elements of the article, and
its raw HTML tags.

Raw HTML (writers paste `<sup>`, `<br>`, small tables) reaches markdown-it as one token per block,
whatever it holds, and costs nothing there; it costs in the HTML parser that sanitises the
output, which pays for every tag and, for tags nested deep, more than linearly. So its tags are
counted, with a plain count of what the HTML parser takes for one: a `<` followed by a letter,
`/`, `!` (comments, doctypes, CDATA) or `?`.

Tables and nesting are read from markdown-it's token stream (the parse the renderer makes too),
never guessed with regular expressions. Sizes are checked first, without parsing, and a parse
stops as soon as a table is too large or the article has used up its elements, so refusing a
hostile text costs about as much as rendering the largest text that is allowed.
"""

import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from markdown_it.rules_block.table import table as markdown_it_table

from articles.rendering import markdown_parser

# Block tokens that open a level of nesting a writer can see: a list or a quote.
NESTING_OPENERS = {"bullet_list_open", "ordered_list_open", "blockquote_open"}
NESTING_CLOSERS = {"bullet_list_close", "ordered_list_close", "blockquote_close"}
CELL_OPENERS = {"th_open", "td_open"}
LINK_TYPES = {"link_open", "image"}
ELEMENTS_DESCRIPTION = "paragraphs, list items, table cells, links, emphasis, line breaks…"
RAW_HTML_TYPES = {"html_block", "html_inline"}
# What the HTML parser reads as a tag: a start or end tag, a comment, a doctype, CDATA or a
# processing instruction (the last two it turns into comments).
RAW_HTML_TAG = re.compile(r"<[A-Za-z/!?]")
# A formatting start tag (bold, italic…) with an attribute (after a space or a "/"). The HTML
# parser remembers unclosed formatting tags and opens them again in every paragraph that
# follows, so each is copied as often as the text has raw tags that close paragraphs: "<b id=1>"
# to "<b id=1000>" and then "<p>x" a thousand times make a million elements from 20 KB. It keeps
# at most three copies of the same tag with the same attributes, so only tags with attributes
# (which readers never see: the sanitiser drops them) can multiply without end.
FORMATTING_TAG_WITH_ATTRIBUTES = re.compile(
    r"<(?:b|big|code|em|font|i|nobr|s|small|strike|strong|tt|u)[\t\n\f\r /]+[^\t\n\f\r />]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class MarkdownLimits:
    section_kb: int
    article_kb: int
    table_cells: int
    nesting: int
    article_links: int
    article_elements: int
    article_html_tags: int
    article_html_formatting_tags: int

    @classmethod
    def from_settings(cls):
        return cls(
            section_kb=settings.MARKDOWN_SECTION_MAX_KB,
            article_kb=settings.MARKDOWN_ARTICLE_MAX_KB,
            table_cells=settings.MARKDOWN_TABLE_MAX_CELLS,
            nesting=settings.MARKDOWN_MAX_NESTING,
            article_links=settings.MARKDOWN_ARTICLE_MAX_LINKS,
            article_elements=settings.MARKDOWN_ARTICLE_MAX_ELEMENTS,
            article_html_tags=settings.MARKDOWN_ARTICLE_MAX_HTML_TAGS,
            article_html_formatting_tags=settings.MARKDOWN_ARTICLE_MAX_HTML_FORMATTING_TAGS,
        )


@dataclass
class MarkdownProblems:
    """Sentences saying which limits an article's Markdown breaks, by where the writer fixes it.

    `sections` maps a section's index (0-based, in the order given) to its sentence; `article`
    holds the limits of the whole article. When there are none, `tokens` holds the tokens of
    the intro and of each section, parsed as the renderer parses them, for whoever would parse
    them again.
    """

    intro: str | None = None
    sections: dict[int, str] = field(default_factory=dict)
    article: list[str] = field(default_factory=list)
    tokens: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.intro or self.sections or self.article)

    def messages(self):
        """Every sentence, intro first, then the sections in order, then the article's."""
        intro = [self.intro] if self.intro else []
        return [*intro, *(self.sections[index] for index in sorted(self.sections)), *self.article]


def section_name(heading, index):
    """How a sentence names a section: by its heading, or by its position when it has none."""
    return f'Section "{heading}"' if heading else f"Section {index + 1}"


def check_article(intro, sections, limits=None):
    """Measure an intro and its sections ((heading, body) pairs) against the limits.

    Returns MarkdownProblems, empty (falsy) when everything is within the limits.
    """
    limits = limits or MarkdownLimits.from_settings()
    texts = [("The intro", intro or "")]
    texts += [
        (section_name(heading, index), body or "") for index, (heading, body) in enumerate(sections)
    ]
    problems = MarkdownProblems()

    sizes = [len(text.encode()) for _, text in texts]
    for index, ((name, _), size) in enumerate(zip(texts, sizes, strict=True)):
        if size > limits.section_kb * 1000:
            what = "an intro" if index == 0 else "a section"
            _record(
                problems,
                index,
                f"{name} is {_kb(size)} KB of Markdown; {what} may have at most "
                f"{limits.section_kb:,} KB.",
            )
    if sum(sizes) > limits.article_kb * 1000:
        largest = max(range(len(texts)), key=sizes.__getitem__)
        problems.article.append(
            f"The article is {_kb(sum(sizes))} KB of Markdown (intro and sections together); an "
            f"article may have at most {limits.article_kb:,} KB. The largest part is "
            f"{texts[largest][0][0].lower()}{texts[largest][0][1:]} ({_kb(sizes[largest])} KB)."
        )
    # The parser tries every "[" as the start of a link or an image and looks for its end: a
    # text of unclosed brackets is cheap to send and makes no tokens to count, yet costs more
    # to parse per KB than anything else. Links need one each; twice the links allowed is more
    # than any article uses.
    brackets = sum(text.count("[") for _, text in texts)
    if brackets > 2 * limits.article_links:
        problems.article.append(
            f'The article has {brackets:,} square brackets "[", each of which Markdown reads as '
            f"the start of a link; an article may have at most {2 * limits.article_links:,}."
        )
    # Likewise every "_" and "*" is tried as emphasis, and the pieces of text it leaves are
    # joined again before the tokens can be counted.
    emphasis_marks = sum(text.count("_") + text.count("*") for _, text in texts)
    if emphasis_marks > limits.article_elements:
        problems.article.append(
            f'The article has {emphasis_marks:,} emphasis marks ("_" and "*"); an article may '
            f"have at most {limits.article_elements:,}."
        )
    if problems:
        return problems  # not worth parsing

    elements = links = html_tags = html_formatting_tags = 0
    for index, (name, text) in enumerate(texts):
        budget = limits.article_elements - elements
        try:
            measure = _measure(text, limits=limits, element_budget=budget)
        except _TableTooLarge as error:
            _record(
                problems,
                index,
                f"{name} has a table of {error.cells:,} cells (its header row included); a "
                f"table may have at most {limits.table_cells:,}.",
            )
            continue
        except _OutOfElements:
            measure = None
        if measure is None or elements + measure.elements > limits.article_elements:
            problems.article.append(
                f"The article has more than {limits.article_elements:,} Markdown elements "
                f"({ELEMENTS_DESCRIPTION}); it goes over in {name[0].lower()}{name[1:]}. "
                "Split it into shorter articles or simplify its formatting."
            )
            break
        if measure.nesting > limits.nesting:
            _record(
                problems,
                index,
                f"{name} has lists and quotes nested {measure.nesting} deep; at most "
                f"{limits.nesting} levels are allowed.",
            )
        problems.tokens.append(measure.tokens)
        elements += measure.elements
        links += measure.links
        html_tags += measure.html_tags
        html_formatting_tags += measure.html_formatting_tags
    if links > limits.article_links:
        problems.article.append(
            f"The article has {links:,} links and images; an article may have at most "
            f"{limits.article_links:,}."
        )
    if html_tags > limits.article_html_tags:
        problems.article.append(
            f"The article has {html_tags:,} raw HTML tags (HTML typed into its text: each "
            f"opening and closing tag, such as <b> and </b>, counts); an article may have at most "
            f"{limits.article_html_tags:,}. Write its formatting in Markdown or simplify the HTML."
        )
    if html_formatting_tags > limits.article_html_formatting_tags:
        problems.article.append(
            f"The article has {html_formatting_tags:,} raw HTML formatting tags with attributes "
            f'(such as <b id="…"> or <i class="…">); an article may have at most '
            f"{limits.article_html_formatting_tags:,}. Remove their attributes: readers never "
            "see them."
        )
    if problems:
        problems.tokens = []
    return problems


def _record(problems, index, sentence):
    if index == 0:
        problems.intro = problems.intro or sentence
    else:
        problems.sections.setdefault(index - 1, sentence)


def _kb(size):
    # Rounded up: a text one byte over 100 KB must not read "101 KB" on one side and "100" on
    # the other, nor "100 KB; at most 100 KB".
    return f"{math.ceil(size / 1000):,}"


@dataclass(frozen=True)
class _Measure:
    elements: int
    nesting: int
    links: int
    html_tags: int
    html_formatting_tags: int
    tokens: list


class _TableTooLarge(Exception):
    def __init__(self, cells):
        self.cells = cells


class _OutOfElements(Exception):
    pass


def _measure(text, *, limits, element_budget):
    env = {"table_cells": limits.table_cells, "element_budget": element_budget}
    tokens = _parser.parse(text, env)
    elements = len(tokens) + sum(len(token.children or ()) for token in tokens)
    depth = deepest = links = 0
    raw_html = []
    for token in tokens:
        if token.type in NESTING_OPENERS:
            depth += 1
            deepest = max(deepest, depth)
        elif token.type in NESTING_CLOSERS:
            depth -= 1
        elif token.type in RAW_HTML_TYPES:
            raw_html.append(token.content)
        for child in token.children or ():
            if child.type in LINK_TYPES:
                links += 1
            elif child.type in RAW_HTML_TYPES:
                raw_html.append(child.content)
    raw_html = "\n".join(raw_html)
    return _Measure(
        elements=elements,
        nesting=deepest,
        links=links,
        html_tags=len(RAW_HTML_TAG.findall(raw_html)),
        html_formatting_tags=len(FORMATTING_TAG_WITH_ATTRIBUTES.findall(raw_html)),
        tokens=tokens,
    )


def _table_within_limits(state, start_line, end_line, silent):
    """markdown-it's own table rule, stopping the parse once a table or the article is too
    large: the rule pads short rows to the header's width, so the parse of a hostile table
    costs far more than its bytes suggest, and only counting as it goes keeps refusing cheap."""
    first = len(state.tokens)
    matched = markdown_it_table(state, start_line, end_line, silent)
    if silent or not matched:
        return matched
    cells = sum(1 for token in state.tokens[first:] if token.type in CELL_OPENERS)
    if cells > state.env["table_cells"]:
        raise _TableTooLarge(cells)
    if len(state.tokens) > state.env["element_budget"]:
        raise _OutOfElements
    return True


# The same parser the renderer uses, with its table rule guarded; only measuring uses it, so
# rendering content saved before these limits never stops half-way. Its last step, which joins
# adjacent pieces of text into one token, is left out: "_a _a _a…" or "&amp; &amp;…" make a
# token for each underscore or entity that the parser and the renderer pay for, and joining
# them would hide that cost from the count.
_parser = markdown_parser().disable("text_join")
_parser.block.ruler.at("table", _table_within_limits, {"alt": ["paragraph", "reference"]})
