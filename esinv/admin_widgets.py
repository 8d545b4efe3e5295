"""Admin form widgets the apps' admins share.

`SafeAutocompleteMixin`: Django's autocomplete widget looks the submitted value up in the database to show it again
with the form's errors, so a value that is no id at all (`organization=x`, a 30-digit number) raised a 500 instead
of "Select a valid choice". The mixin's widget drops such values before that lookup; the form field still refuses
them with its own message.
"""
from django.contrib.admin.widgets import AutocompleteSelect

MAX_ID = 2**63 - 1  # the largest value of a 64-bit primary key (SQLite and PostgreSQL bigint)


def is_plain_id(value) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and int(text) <= MAX_ID


class SafeAutocompleteSelect(AutocompleteSelect):
    def optgroups(self, name, value, attr=None):
        return super().optgroups(name, [v for v in value if v in ("", None) or is_plain_id(v)], attr)


class SafeAutocompleteMixin:
    """For a ModelAdmin or inline with `autocomplete_fields` on integer-keyed foreign keys."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = SafeAutocompleteSelect(db_field, self.admin_site, using=kwargs.get("using"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

