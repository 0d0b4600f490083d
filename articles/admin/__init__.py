"""The Django admin: where writers write, reviewers review and editors publish."""

from articles.admin import articles, reviews  # noqa: F401  (registers the model admins)
