"""Request body parsers: DRF's, hardened against bodies that crash the JSON decoder."""
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:  # thousands of nested brackets
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
