from django import template

from articles.dashboard import panels_for

register = template.Library()


@register.inclusion_tag("admin/articles/includes/dashboard.html", takes_context=True)
def editorial_dashboard(context):
    return {"panels": panels_for(context["request"].user)}
