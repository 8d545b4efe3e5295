"""Microsoft's product-names CSV from a file or a URL: refresh the imported names, or rewrite the shipped table.

    refresh_product_names("https://download.microsoft.com/.../licensing.csv")   # -> {"created", "updated", ...}
    write_shipped("~/Downloads/Product names ... licensing.csv")                 # rewrites the shipped CSV

A URL (`http://` or `https://`) is downloaded with the vendor clients' HTTP policy (`collectors.clients.base`:
the COLLECTORS_* connect and read timeouts, retries with backoff on timeouts, lost connections, 429 and 5xx),
streamed into a temporary file and capped at `sku_names.MAX_BYTES` (a file's cap too, one constant). Nothing is
imported or written until the whole file is read and parsed: a network error, an answer other than 200, an HTML
page instead of the CSV, a file too large or a CSV without the columns raises (DownloadError naming the URL and
the cause, or ValueError) and changes nothing.
"""
import tempfile
import time
from pathlib import Path

import requests

from billing.m365 import sku_names
from billing.m365.sku_names import import_names, read_product_names, write_shipped_names
from collectors.clients.base import VendorError, VendorHTTP

CHUNK = 64 * 1024


class DownloadError(Exception):
    """The download failed; the message names the URL and the cause."""


def is_url(source: str) -> bool:
    return str(source).strip().lower().startswith(("http://", "https://"))


class _Download(VendorHTTP):
    vendor = "Product names download"

    def __init__(self, url: str, **kwargs):
        super().__init__(url, **kwargs)
        self.base_url = url  # the whole address, trailing slash included

    def url(self, path: str) -> str:
        return self.base_url


def _looks_like_html(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return text.startswith((b"<!doctype", b"<html", b"<head", b"<body", b"<?xml", b"<!--"))


def download(url: str, destination: str | Path, *, max_bytes: int | None = None, session=None,
             sleep=time.sleep) -> int:
    """Stream `url` into `destination`; the bytes written. Raises DownloadError naming the URL and the cause."""
    limit = sku_names.MAX_BYTES if max_bytes is None else max_bytes
    url = url.strip()
    if not is_url(url):
        raise DownloadError(f"{url}: not an http(s) address")

    def too_large(size: str) -> DownloadError:
        return DownloadError(f"{url}: the answer is larger than {limit:,} bytes ({size}); not a product-names CSV")

    def read(response) -> int:
        declared = (response.headers.get("Content-Length") or "").strip()
        if declared.isdigit() and int(declared) > limit:
            raise too_large(f"{int(declared):,} bytes announced")
        size = 0
        with open(destination, "wb") as out:  # a retried attempt starts the file again
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise too_large("stopped reading there")
                out.write(chunk)
        return size

    client = _Download(url, session=session, sleep=sleep)
    try:
        size, response = client.request_json(
            "GET", "", call="GET", authenticated=False, read=read, stream=True,
            headers={"Accept": "text/csv, application/octet-stream;q=0.9, */*;q=0.5"})
    except VendorError as exc:
        raise DownloadError(f"{url}: {exc.cause}") from None
    except requests.RequestException as exc:  # an address requests refuses, a body cut short
        raise DownloadError(f"{url}: {exc.__class__.__name__}: {exc}"[:400]) from None
    finally:
        client.close()
    if response.status_code != 200:
        raise DownloadError(f"{url}: HTTP {response.status_code} instead of 200")
    content_type = (response.headers.get("Content-Type") or "").lower()
    with open(destination, "rb") as handle:
        head = handle.read(512)
    if "html" in content_type or _looks_like_html(head):
        raise DownloadError(f"{url}: an HTML page ({content_type or 'no Content-Type'}), not the CSV; "
                            "use the address of the .csv file itself")
    if not size:
        raise DownloadError(f"{url}: the answer is empty")
    return size


def read_names(source: str, warnings: list[str] | None = None) -> tuple[dict[str, tuple[str, str]], str]:
    """(parsed names, the source's label) of a file or an http(s) URL: the label is the URL, or the file's name.
    Raises DownloadError, OSError, UnicodeDecodeError or ValueError (no columns, no rows, too large)."""
    source = str(source).strip()
    if not is_url(source):
        return read_product_names(Path(source).expanduser(), warnings), Path(source).name
    with tempfile.TemporaryDirectory(prefix="esinv-m365-names-") as directory:
        path = Path(directory) / "product-names.csv"
        download(source, path)
        try:
            return read_product_names(path, warnings), source
        except (ValueError, UnicodeDecodeError) as exc:
            raise DownloadError(f"{source}: not a product-names CSV: {exc}") from None


def refresh_product_names(source: str, warnings: list[str] | None = None) -> dict[str, int]:
    """Import the names of a file or URL into M365ProductName (`import_names`): all of them or none."""
    names, label = read_names(source, warnings)
    return import_names(names, label, warnings)


def write_shipped(source: str, path: str | Path | None = None,
                  warnings: list[str] | None = None) -> tuple[int, Path]:
    """Rewrite the shipped table (`path`, default billing/data/m365_product_names.csv) from a file or URL in
    Microsoft's format; (products written, the path)."""
    names, label = read_names(source, warnings)
    path = Path(path or sku_names.SHIPPED)
    return write_shipped_names({code: name for code, (name, _guid) in names.items()}, path, label), path
