"""Coloured status badges in the admin's change lists, from the colour each choice set declares.

    class CollectorBatchAdmin(BadgeMedia, admin.ModelAdmin):
        list_display = (status_badge(BatchStatus), ...)

The badge is the label in the choice set's colour (`static/esinv/badges.css`, the pages' own badges).
"""
from django.contrib import admin
from django.utils.html import format_html


def badge(choices, value) -> str:
    """`value` of choice set `choices` as a coloured badge (its label; unknown values in grey, as they are)."""
    if value in (None, ""):
        return "–"
    return format_html('<span class="badge {}">{}</span>', choices.colour(value), choices.label(value))


def status_badge(choices, field: str = "status", description: str | None = None):
    """A change-list column showing `field` as a badge, sortable by the field."""

    @admin.display(description=description or field.replace("_", " "), ordering=field)
    def column(obj):
        return badge(choices, getattr(obj, field))

    column.__name__ = f"{field}_badge"
    return column


class BadgeMedia:
    """Mix into a ModelAdmin whose change list shows badges: loads the badge stylesheet."""

    class Media:
        css = {"all": ["esinv/badges.css"]}
