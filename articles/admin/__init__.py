"""The Django admin: where writers write, reviewers review and editors publish."""

from articles.admin import articles, audit, reviews, webhooks  # noqa: F401  (registers the admins)
