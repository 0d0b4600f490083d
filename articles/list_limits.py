"""How many sections, references, related topics and tags an article may have, and how many
reviewers one submission may name: the one source of these numbers for the editorial API, the
admin and the importer.

Each item is cheap to send (a reference is about 80 bytes of JSON) and dear to keep: it is a
row to write, a part of every revision's snapshot and hash, and a part of every preview and
editorial read. Unbounded, 100,000 references in a 7.8 MB body were stored, and the article's
preview then weighed 18 MB.

The limits are far above what a real article needs. The reference page (DESIGN.md §1) has five
sections, three tags, one citation and six "Recommended topics" cards; the demo articles have
at most five sections and three tags. So:

- sections: 50, ten times the reference page; a table of contents of 50 entries is already a
  book chapter, and a longer text reads better as several articles.
- references: 200; patient articles cite a handful to a few dozen sources, and even a
  systematic review rarely cites more than 150.
- related topics: 12, two rows of the six cards the page shows; the public document leaves
  out targets that are not live, so a writer may list a few spares.
- tags: 30, ten times the reference page; tags are labels to browse by, not keywords.
- reviewers of one submission: 10; the first decision counts, so one or two are usual.

They are constants rather than settings: they describe the shape of an article, which does not
change from one deployment to another, and a change would go with the admin and the frontends.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class ListLimit:
    items: str  # what the list holds, in the plural: "references"
    maximum: int
    holder: str = "An article"

    def sentence(self, count=None):
        """The refusal, naming the limit, and the count sent when it is known."""
        limit = f"{self.holder} may have at most {self.maximum:,} {self.items}"
        return f"{limit}; this one has {count:,}." if count is not None else f"{limit}."

    def refusal(self, items):
        """The sentence if `items` is a list longer than the limit, else None."""
        if isinstance(items, list) and len(items) > self.maximum:
            return self.sentence(len(items))
        return None


SECTIONS = ListLimit("sections", 50)
REFERENCES = ListLimit("references", 200)
RELATED_TOPICS = ListLimit("related topics", 12)
TAGS = ListLimit("tags", 30)
REVIEWERS = ListLimit("reviewers", 10, holder="A request for review")
