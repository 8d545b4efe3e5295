"""ThreatLocker Portal API client (API key + managed organization headers).

Wire format: docs/vendors.md, "ThreatLocker". Computers page by 1-based page number;
each row carries `totalRows`, which tells when to stop: every page up to
`ceil(totalRows / pageSize)` is read, and a listing that ends with fewer rows
than `totalRows` (a page came back short) raises `ListingShort`. Page-number
paging over a listing that changes between calls can repeat or skip rows, so
the collector restarts the listing when it notices (a repeated id, a changed
total or a short listing).
"""
import math
from collections.abc import Iterator

from django.conf import settings

from collectors.clients.base import VendorAuthError, VendorError, VendorHTTP


class ListingChanged(Exception):
    """The computer listing changed while it was paged (rows moved between pages)."""


class ListingShort(ListingChanged):
    """The listing ended with fewer rows than its `totalRows`."""

    def __init__(self, read: int, total: int):
        self.read, self.total = read, total
        super().__init__(f"read {read} of {total} computers")


class ThreatLockerClient(VendorHTTP):
    vendor = "ThreatLocker"

    def __init__(self, base_url=None, api_key=None, organization_id=None, *, page_size=None, **kwargs):
        super().__init__(base_url or settings.THREATLOCKER_BASE_URL, **kwargs)
        self._api_key = api_key if api_key is not None else settings.THREATLOCKER_API_KEY
        self.organization_id = organization_id if organization_id is not None else settings.THREATLOCKER_ORGANIZATION_ID
        self.page_size = page_size or settings.THREATLOCKER_PAGE_SIZE

    def auth_headers(self) -> dict:
        if not self._api_key or not self.organization_id:
            raise VendorAuthError(
                self.vendor, "authentication", "THREATLOCKER_API_KEY / THREATLOCKER_ORGANIZATION_ID are not set"
            )
        return {"Authorization": self._api_key, "ManagedOrganizationId": self.organization_id}

    def _post(self, path: str, body: dict):
        call = f"POST {path}"
        payload, response = self.request_json("POST", path, call=call, json=body)
        if not isinstance(payload, list):
            raise VendorError(self.vendor, call, f"malformed page: expected a JSON array, got {type(payload).__name__}")
        return payload, response

    def computer_pages(self) -> Iterator[list[dict]]:
        """Pages of computers. Raises ListingChanged when the listing moves under us."""
        path = "Computer/ComputerGetByAllParameters"
        page_number, total, seen, read = 1, None, set(), 0
        while True:
            body = {
                "pageNumber": page_number, "pageSize": self.page_size, "searchText": "",
                "orderBy": "computername", "isAscending": True, "childOrganizations": True,
                "showLastCheckIn": True, "showDeleted": False, "action": "", "threatlockerVersion": "All",
            }
            rows, _ = self._post(path, body)
            if not rows:
                break
            page_total = rows[0].get("totalRows") if isinstance(rows[0], dict) else None
            if total is None:
                total = page_total
            elif page_total is not None and page_total != total:
                raise ListingChanged(f"total went from {total} to {page_total} at page {page_number}")
            ids = [row.get("computerId") for row in rows if isinstance(row, dict)]
            if any(cid in seen for cid in ids):
                raise ListingChanged(f"page {page_number} repeats computers of an earlier page")
            seen.update(ids)
            read += len(rows)
            yield rows
            if not isinstance(total, int):
                if len(rows) < self.page_size:  # no total to check against: a short page ends it
                    return
            elif page_number >= math.ceil(total / self.page_size):
                break
            page_number += 1
        if isinstance(total, int) and read != total:
            raise ListingShort(read, total)

    def child_organizations(self) -> list[dict]:
        path = "Organization/OrganizationGetChildOrganizationsByParameters"
        found, page_number = [], 1
        while True:
            rows, _ = self._post(path, {
                "pageNumber": page_number, "pageSize": self.page_size, "searchText": "",
                "orderBy": "name", "isAscending": True, "includeAllChildren": True,
            })
            found.extend(row for row in rows if isinstance(row, dict))
            if len(rows) < self.page_size:
                return found
            page_number += 1
