from articles.models.content import (
    PARKING_OFFSET,
    Article,
    ArticleState,
    Reference,
    RelatedTopic,
    Section,
    TaggedArticle,
    frontend_article_url,
    unique_anchor,
)
from articles.models.published import (
    ArticleSlugAlias,
    PublishedArticle,
    PublishedArticleTag,
    PublishedLink,
)
from articles.models.revisions import (
    ArticleRevision,
    ImmutableRowError,
    Review,
    ReviewDecision,
    Transition,
    canonical_json,
    content_hash,
)

__all__ = [
    "PARKING_OFFSET",
    "Article",
    "ArticleRevision",
    "ArticleSlugAlias",
    "ArticleState",
    "ImmutableRowError",
    "PublishedArticle",
    "PublishedArticleTag",
    "PublishedLink",
    "Reference",
    "RelatedTopic",
    "Review",
    "ReviewDecision",
    "Section",
    "TaggedArticle",
    "Transition",
    "canonical_json",
    "content_hash",
    "frontend_article_url",
    "unique_anchor",
]
