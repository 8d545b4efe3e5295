"""Content negotiation for endpoints that answer with a file."""
from rest_framework.negotiation import BaseContentNegotiation


class IgnoreAccept(BaseContentNegotiation):
    """Files are files whatever the Accept header says (`Accept: text/csv` must not be a 406);
    errors are JSON."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None
