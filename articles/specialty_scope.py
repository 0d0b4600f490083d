"""Which reviewers an article's subject calls for. A condition tag names the specialties whose
reviewers may approve articles about it; those of an article's conditions are what it calls for.
Without them, its specialty tags are (each names its own specialty). A reviewer is in scope
when they hold one of the specialties the article calls for; an article that calls for none may
go to any reviewer. Outside that, only an editor assigns
them, giving a reason that the audit trail keeps (see `workflow.submit`)."""

from tags.models import Tag


def specialties_called_for(tag_slugs):
    """{specialty tag id: name} that the tags `tag_slugs` call for."""
    tags = Tag.objects.filter(
        slug__in=tag_slugs, kind__in=[Tag.Kind.SPECIALTY, Tag.Kind.CONDITION]
    ).prefetch_related("approving_specialties")
    by_conditions, by_specialty_tags = {}, {}
    for tag in tags:
        if tag.kind == Tag.Kind.SPECIALTY:
            by_specialty_tags[tag.pk] = tag.name
        else:
            by_conditions |= {s.pk: s.name for s in tag.approving_specialties.all()}
    # What the conditions call for binds: a specialty tag the writer adds does not widen it.
    return by_conditions or by_specialty_tags


def out_of_scope(tag_slugs, reviewers):
    """A sentence naming the reviewers outside the specialties the tags call for, or None."""
    called_for = specialties_called_for(tag_slugs)
    if not called_for:
        return None
    outside = [
        reviewer.byline
        for reviewer in reviewers
        if not set(reviewer.specialties.values_list("pk", flat=True)) & called_for.keys()
    ]
    if not outside:
        return None
    names = ", ".join(sorted(called_for.values()))
    who, are = " and ".join(outside), "is" if len(outside) == 1 else "are"
    return f"{who} {are} outside this article's specialties ({names})."
