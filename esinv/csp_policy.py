"""The content security policy of every response (django-csp 4).

The pages load their own script and stylesheet from /static/ and fetch JSON from the same origin; no
inline script anywhere (the API docs use drf-spectacular's split view, whose init script is a URL).
Inline *style attributes* are allowed (the server-rendered charts colour their bars and swatches with
them; they cannot run code), inline <style> elements are not, except on the API docs page
(`esinv.urls`), whose template carries one.
"""
from csp.constants import NONE, SELF, UNSAFE_INLINE

from esinv.env import env_str

# Microsoft sign-in posts to our own URL, which redirects to the identity platform: form-action covers it.
_MICROSOFT_LOGIN = env_str("MICROSOFT_LOGIN_URL", "https://login.microsoftonline.com")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF, _MICROSOFT_LOGIN],
        "frame-ancestors": [NONE],
    },
}
