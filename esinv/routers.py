"""The API's router: DRF's SimpleRouter without trailing slashes, with `path()` patterns (metrics and logs label a
request by its route, e.g. `api/organizations/<str:pk>`), plus a route for singleton resources.

A viewset with a `show` method answers GET on its prefix itself (`/api/health`, `/api/status`,
`/api/collectors/status`-style resources have no list and no ids); `@action`s add the sub-paths.
"""
from rest_framework.routers import Route, SimpleRouter


class HubRouter(SimpleRouter):
    routes = [
        Route(url=r"^{prefix}{trailing_slash}$", mapping={"get": "show"}, name="{basename}",
              detail=False, initkwargs={"suffix": "Instance"}),
        *SimpleRouter.routes,
    ]

    def __init__(self):
        super().__init__(trailing_slash=False, use_regex_path=False)
