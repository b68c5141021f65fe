"""`{{ enrollment|status_badge }}`: a record's completion status as the admin's badge
(academics/admin/display.py), for the workspace templates."""

from django import template

from academics.admin.display import badge

register = template.Library()


@register.filter
def status_badge(enrollment):
    return badge(enrollment.completion_status, enrollment.get_completion_status_display())
