"""Check that the external URLs of sources still answer (`timeline check --links`)."""

from __future__ import annotations

import http.client
import logging
import socket
import ssl
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import urljoin, urlsplit

from timeline import __version__
from timeline.errors import Diagnostic, Severity

log = logging.getLogger(__name__)

# Names the tool, its version and why it asks; add a +URL once the project has a home page.
USER_AGENT = f"timeline/{__version__} (link check of a timeline's cited sources)"
WORKERS = 8  # requests in flight at once, in all
PER_HOST = 2  # requests in flight at once to one host
MAX_REDIRECTS = 5
# A server that refuses HEAD answers one of these: ask again with GET.
HEAD_REFUSED = (403, 405, 501)
DEAD = (404, 410)  # gone for good: an error; any other failing status is a warning


@dataclass(frozen=True)
class Link:
    """One source's external URL, where the source is declared."""

    path: str
    line: int
    source_id: str
    url: str
    archive: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What requesting a URL gave: nothing wrong (severity None), or what and how bad."""

    severity: Severity | None = None
    problem: str = ""


Fetch = Callable[[str], Outcome]


def check_links(links: Iterable[Link], fetch: Fetch | None = None, *, timeout: float = 10.0,
                workers: int = WORKERS, per_host: int = PER_HOST) -> list[Diagnostic]:
    """Request every http(s) URL once and return a diagnostic per source whose URL fails.

    At most `workers` requests are in flight, and at most `per_host` to one host.
    """
    links = list(links)
    urls = list(dict.fromkeys(link.url for link in links if _checkable(link.url)))
    if fetch is None:
        def fetch(url: str) -> Outcome:
            return request(url, timeout=timeout)
    limits = {_host(url): threading.BoundedSemaphore(per_host) for url in urls}

    def one(url: str) -> Outcome:
        with limits[_host(url)]:
            return fetch(url)

    order = _interleaved(urls)
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        outcomes = dict(zip(order, pool.map(one, order), strict=True))
    diagnostics = []
    for link in links:
        outcome = outcomes.get(link.url)
        if outcome is None or outcome.severity is None:
            continue
        if link.archive:
            advice = f"readers can use its archive copy {link.archive}"
        else:
            advice = "add an archived copy with 'archive' so readers can still check it"
        diagnostics.append(Diagnostic(
            link.path, link.line,
            f"source '{link.source_id}': {link.url} {outcome.problem}; {advice}",
            outcome.severity))
    return diagnostics


def _checkable(url: str) -> bool:
    """Tell whether a URL is http(s) with a host: others are skipped."""
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def _host(url: str) -> str:
    """Return the host (and port) a URL is requested from."""
    return urlsplit(url).netloc.lower()


def _interleaved(urls: list[str]) -> list[str]:
    """Order URLs host by host in turn, so one busy host does not hold every worker."""
    by_host: dict[str, list[str]] = {}
    for url in urls:
        by_host.setdefault(_host(url), []).append(url)
    queues = list(by_host.values())
    order = []
    for index in range(max((len(queue) for queue in queues), default=0)):
        order += [queue[index] for queue in queues if index < len(queue)]
    return order


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Leave redirects to `request`, which counts them and checks where they go."""

    def redirect_request(self, req: urllib.request.Request, fp: object, code: int, msg: str,
                         headers: object, newurl: str) -> None:
        return None


def request(url: str, *, timeout: float, user_agent: str = USER_AGENT) -> Outcome:
    """Request a URL with HEAD (GET if HEAD is refused), following up to 5 redirects."""
    opener = urllib.request.build_opener(_NoRedirects())
    method = "HEAD"
    redirects = 0
    while True:
        try:
            req = urllib.request.Request(url, method=method,
                                         headers={"User-Agent": user_agent})
            with opener.open(req, timeout=timeout):
                return Outcome()
        except urllib.error.HTTPError as error:
            error.close()
            if method == "HEAD" and error.code in HEAD_REFUSED:
                method = "GET"
                continue
            location = error.headers.get("Location") if 300 <= error.code < 400 else None
            if location is None:
                return _status(error.code, error.reason)
            redirects += 1
            if redirects > MAX_REDIRECTS:
                return Outcome(Severity.ERROR, f"redirects more than {MAX_REDIRECTS} times")
            url = urljoin(url, location)
            if not _checkable(url):
                return Outcome(Severity.ERROR, f"redirects to {url}, which is not an "
                                               "http(s) address")
        except (urllib.error.URLError, OSError, http.client.HTTPException) as error:
            return outcome_of_failure(error, timeout)
        except ValueError as error:  # a URL urllib cannot send (a bad port, say)
            return Outcome(Severity.WARNING, f"cannot be requested: {error}")


def _status(code: int, reason: object) -> Outcome:
    """Return the outcome of a failing HTTP status."""
    try:
        phrase = HTTPStatus(code).phrase
    except ValueError:
        phrase = str(reason)
    return Outcome(Severity.ERROR if code in DEAD else Severity.WARNING,
                   f"answers {code} {phrase}")


def outcome_of_failure(error: BaseException, timeout: float) -> Outcome:
    """Return the outcome of a request that got no HTTP answer."""
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return Outcome(Severity.WARNING, f"did not answer within {timeout:g} s")
    if isinstance(reason, socket.gaierror):
        return Outcome(Severity.ERROR, "cannot be reached: its host name is not known (DNS)")
    if isinstance(reason, ConnectionRefusedError):
        return Outcome(Severity.ERROR, "cannot be reached: the connection is refused")
    if isinstance(reason, ssl.SSLCertVerificationError):
        return Outcome(Severity.ERROR, f"cannot be reached: TLS error "
                                       f"({reason.verify_message})")
    if isinstance(reason, ssl.SSLError):
        return Outcome(Severity.ERROR, f"cannot be reached: TLS error "
                                       f"({reason.reason or reason})")
    log.debug("link check failed", exc_info=error)
    return Outcome(Severity.WARNING, f"cannot be reached: {reason}")
