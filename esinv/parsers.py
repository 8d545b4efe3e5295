"""Request body parsers: DRF's, hardened against bodies that crash the JSON decoder or hold text the database
would refuse."""
from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:  # thousands of nested brackets
            raise ParseError("JSON parse error - the body is nested too deeply.") from None
        from esinv.inputs import check_json  # here: esinv.errors imports DRF, which imports this module

        check_json(data)  # NUL, "\ud800", over-long strings: 400 naming the field
        return data
