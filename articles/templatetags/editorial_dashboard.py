from django import template

from articles.dashboard import panels_for

register = template.Library()


@register.inclusion_tag("admin/articles/includes/dashboard.html", takes_context=True)
def editorial_dashboard(context):
    panels = panels_for(context["request"].user)
    return {"panels": panels, "empty_panels": [panel for panel in panels if not panel.rows]}
