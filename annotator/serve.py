"""``annotator serve``: a web page to paste an article and see it highlighted, and a JSON API.

One Starlette app around one :class:`~annotator.pipeline.Annotator`. Requests are
micro-batched (:class:`Batcher`): a single worker thread takes whatever articles are
waiting, up to ``max_batch``, and runs them through ``Annotator.pipe`` together, so
concurrent clients share one model instead of each loading one. A full queue answers
503 with ``Retry-After``; a request that waits longer than ``timeout`` answers 504.
Every error is one line of JSON with a 4xx or 5xx status, never a traceback. The page and
its script are served by the package (no CDN), under a Content-Security-Policy that
allows no inline script: what an article contains is escaped by the one renderer.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import os
from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from annotator.errors import InputError
from annotator.intake import check_text, html_to_text
from annotator.pipeline import Annotator
from annotator.render import render_html
from annotator.types import AnnotatedArticle

logger = logging.getLogger(__name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; frame-src 'self'"
)
STATIC = {"app.js": "text/javascript", "app.css": "text/css"}


@dataclass(frozen=True)
class ServeSettings:
    """Limits of the server (``annotator serve --help`` documents each)."""

    max_body_bytes: int = 5 * 1024 * 1024
    max_batch_items: int = 64
    max_batch: int = 16  # articles run through the model together
    queue_size: int = 64  # articles waiting; beyond that, 503
    timeout_s: float = 30.0  # per request
    batch_wait_s: float = 0.005  # how long the worker waits for more articles to join a batch


class QueueFull(Exception):
    """The batcher's queue is full."""


class Batcher:
    """Micro-batching of concurrent requests through one annotator, on one thread."""

    def __init__(self, annotator: Annotator, settings: ServeSettings) -> None:
        self.annotator = annotator
        self.settings = settings
        self.queue: asyncio.Queue[tuple[str, asyncio.Future[AnnotatedArticle]]] | None = None
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="annotator-model")
        self.task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.queue = asyncio.Queue(maxsize=self.settings.queue_size)
        self.task = asyncio.create_task(self._work())

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
        self.executor.shutdown(wait=False, cancel_futures=True)

    def submit(self, texts: Sequence[str]) -> list[asyncio.Future[AnnotatedArticle]]:
        """Queue checked texts; :class:`QueueFull` if they do not all fit."""
        assert self.queue is not None, "Batcher.start() first"
        if self.queue.maxsize - self.queue.qsize() < len(texts):
            raise QueueFull
        loop = asyncio.get_running_loop()
        futures = []
        for text in texts:
            future: asyncio.Future[AnnotatedArticle] = loop.create_future()
            self.queue.put_nowait((text, future))
            futures.append(future)
        return futures

    async def _work(self) -> None:
        assert self.queue is not None
        loop = asyncio.get_running_loop()
        while True:
            batch = [await self.queue.get()]
            deadline = loop.time() + self.settings.batch_wait_s
            # get_nowait and short sleeps, not wait_for(queue.get()): a get cancelled by
            # its timeout just as an item arrives can drop that item on Python 3.11
            while len(batch) < self.settings.max_batch:
                try:
                    batch.append(self.queue.get_nowait())
                except asyncio.QueueEmpty:
                    if loop.time() >= deadline:
                        break
                    await asyncio.sleep(min(0.001, deadline - loop.time()))
            batch = [(t, f) for t, f in batch if not f.cancelled()]
            if not batch:
                continue
            try:
                results = await loop.run_in_executor(self.executor, self._annotate, [t for t, _ in batch])
            except Exception as exc:  # the model failed: every waiting request gets the error
                logger.exception("annotating a batch of %d failed", len(batch))
                results = [exc] * len(batch)
            for (_, future), result in zip(batch, results, strict=True):
                if future.done():
                    continue
                if isinstance(result, BaseException):
                    future.set_exception(result)
                else:
                    future.set_result(result)

    def _annotate(self, texts: list[str]) -> list[AnnotatedArticle | Exception]:
        try:
            return list(self.annotator.pipe(texts))
        except InputError:  # one bad article must not fail the others: one at a time
            out: list[AnnotatedArticle | Exception] = []
            for text in texts:
                try:
                    out.append(self.annotator.annotate(text))
                except InputError as exc:
                    out.append(exc)
            return out


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


async def _json_body(request: Request, settings: ServeSettings) -> Any:
    """The request's JSON, or an HTTPException: 415 for another content type, 413 over the
    size limit, 400 for bytes that are not UTF-8 JSON."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind != "application/json":
        raise HTTPException(415, "send JSON with Content-Type: application/json")
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > settings.max_body_bytes:
        raise HTTPException(413, f"body over the {settings.max_body_bytes:,}-byte limit")
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > settings.max_body_bytes:
            raise HTTPException(413, f"body over the {settings.max_body_bytes:,}-byte limit")
    try:
        return json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise HTTPException(400, "the body is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise HTTPException(
            400, f"malformed JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None


def _article_text(item: Any) -> str:
    """The article text of one request item: ``{"text": ...}`` or ``{"html": ...}``."""
    if not isinstance(item, dict):
        raise HTTPException(422, 'expected a JSON object with "text" or "html"')
    has_text, has_html = "text" in item, "html" in item
    if has_text == has_html:
        raise HTTPException(422, 'give exactly one of "text" and "html"')
    value = item["text"] if has_text else item["html"]
    if not isinstance(value, str):
        raise HTTPException(422, f'"{"text" if has_text else "html"}" must be a string')
    if "\x00" in value:
        raise HTTPException(422, "the text contains NUL characters: binary data, not an article")
    text = check_text(html_to_text(value) if has_html else value)
    if not text.strip():
        raise HTTPException(422, "the article is empty")
    return text


def _format(payload: dict[str, Any]) -> str:
    fmt = payload.get("format", "json")
    if fmt not in ("json", "html"):
        raise HTTPException(422, '"format" must be "json" or "html"')
    return str(fmt)


class Server:
    """The routes, bound to one batcher."""

    def __init__(self, annotator: Annotator, settings: ServeSettings) -> None:
        self.annotator = annotator
        self.settings = settings
        self.batcher = Batcher(annotator, settings)

    async def _wait(
        self, futures: list[asyncio.Future[AnnotatedArticle]]
    ) -> list[AnnotatedArticle | Exception]:
        try:
            return await asyncio.wait_for(
                asyncio.gather(*futures, return_exceptions=True), self.settings.timeout_s
            )
        except TimeoutError:
            for f in futures:
                f.cancel()
            raise HTTPException(
                504, f"not annotated within {self.settings.timeout_s:g} s; try again"
            ) from None

    def _submit(self, texts: list[str]) -> list[asyncio.Future[AnnotatedArticle]]:
        try:
            return self.batcher.submit(texts)
        except QueueFull:
            raise HTTPException(503, "the server is busy; retry shortly", {"Retry-After": "1"}) from None

    async def annotate(self, request: Request) -> Response:
        payload = await _json_body(request, self.settings)
        if not isinstance(payload, dict):
            raise HTTPException(422, 'expected a JSON object with "text" or "html"')
        fmt = _format(payload)
        text = _article_text(payload)
        (result,) = await self._wait(self._submit([text]))
        if isinstance(result, InputError):
            raise HTTPException(422, str(result))
        if isinstance(result, Exception):
            raise result
        if fmt == "html":
            return HTMLResponse(render_html(result))
        return JSONResponse(result.to_dict())

    async def annotate_batch(self, request: Request) -> Response:
        payload = await _json_body(request, self.settings)
        items = payload.get("items") if isinstance(payload, dict) else None
        if not isinstance(items, list) or not items:
            raise HTTPException(422, 'expected {"items": [{"text": ...}, ...]} with at least one item')
        if len(items) > self.settings.max_batch_items:
            raise HTTPException(
                413, f"at most {self.settings.max_batch_items} items a batch, got {len(items)}"
            )
        fmt = _format(payload)
        texts: list[str | None] = []
        errors: dict[int, str] = {}
        for k, item in enumerate(items):
            try:
                texts.append(_article_text(item))
            except (HTTPException, InputError) as exc:
                texts.append(None)
                errors[k] = exc.detail if isinstance(exc, HTTPException) else str(exc)
        valid = [t for t in texts if t is not None]
        results = iter(await self._wait(self._submit(valid)) if valid else [])
        out = []
        for k, text in enumerate(texts):
            result = next(results) if text is not None else None
            if text is None or isinstance(result, InputError):
                out.append({"index": k, "error": errors.get(k) or str(result)})
            elif isinstance(result, Exception):
                raise result
            else:
                out.append(
                    {"index": k, **({"html": render_html(result)} if fmt == "html" else result.to_dict())}
                )
        return JSONResponse({"results": out})

    async def info(self, request: Request) -> Response:
        from annotator.info import model_info

        info = model_info(self.annotator.info.get("path"), self.annotator.info.get("backend"))
        info["server"] = {
            "max_body_bytes": self.settings.max_body_bytes,
            "max_batch_items": self.settings.max_batch_items,
            "timeout_s": self.settings.timeout_s,
        }
        return JSONResponse(info)

    async def healthz(self, request: Request) -> Response:
        return JSONResponse(
            {"status": "ok", "queued": self.batcher.queue.qsize() if self.batcher.queue else 0}
        )

    async def page(self, request: Request) -> Response:
        return HTMLResponse(_static("index.html"))

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC:
            raise HTTPException(404, "no such file")
        return Response(_static(name), media_type=STATIC[name])

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(OPENAPI)

    async def docs(self, request: Request) -> Response:
        return HTMLResponse(_static("docs.html"))


def _static(name: str) -> str:
    return resources.files("annotator").joinpath("static", name).read_text(encoding="utf-8")


class SecurityHeaders:
    """ASGI middleware: the CSP and friends on every response."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(annotator: Annotator, settings: ServeSettings | None = None) -> Starlette:
    """The ASGI app serving ``annotator``."""
    server = Server(annotator, settings or ServeSettings())

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return _error(exc.status_code, str(exc.detail), dict(exc.headers or {}))

    async def input_error(request: Request, exc: Exception) -> Response:
        return _error(422, str(exc))

    async def server_error(request: Request, exc: Exception) -> Response:
        logger.exception("unexpected error on %s", request.url.path, exc_info=exc)
        return _error(500, "internal error; the server log has the details")

    routes = [
        Route("/", server.page, methods=["GET"]),
        Route("/static/{name}", server.static, methods=["GET"]),
        Route("/healthz", server.healthz, methods=["GET"]),
        Route("/v1/info", server.info, methods=["GET"]),
        Route("/v1/annotate", server.annotate, methods=["POST"]),
        Route("/v1/annotate/batch", server.annotate_batch, methods=["POST"]),
        Route("/openapi.json", server.openapi, methods=["GET"]),
        Route("/docs", server.docs, methods=["GET"]),
    ]
    return Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={HTTPException: http_error, InputError: input_error, Exception: server_error},
        lifespan=_lifespan(server.batcher),
    )


def _lifespan(batcher: Batcher) -> Any:
    """Start the batcher's worker with the server and stop it after."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await batcher.start()
        try:
            yield
        finally:
            await batcher.stop()

    return lifespan


_ARTICLE_IN = {
    "type": "object",
    "properties": {
        "text": {"type": "string", "description": "the article as plain text"},
        "html": {"type": "string", "description": "or an HTML page (its visible article text is used)"},
        "format": {"type": "string", "enum": ["json", "html"], "default": "json"},
    },
}
OPENAPI: dict[str, Any] = {
    "openapi": "3.1.0",
    "info": {
        "title": "annotator",
        "version": "1",
        "description": "Who is making each claim in a news article: anonymous, on_record or reporter, "
        "with a calibrated sourcing score. The article JSON is the schema of the README "
        '(schema_version 1.0). Errors are {"error": "..."}.',
    },
    "paths": {
        "/v1/annotate": {
            "post": {
                "summary": "Annotate one article",
                "requestBody": {"required": True, "content": {"application/json": {"schema": _ARTICLE_IN}}},
                "responses": {
                    "200": {
                        "description": "the annotated article (JSON), or the highlighted page (format html)"
                    },
                    "400": {"description": "malformed JSON or not UTF-8"},
                    "413": {"description": "body over the size limit"},
                    "415": {"description": "not application/json"},
                    "422": {"description": "empty, binary or otherwise unusable text; bad fields"},
                    "503": {"description": "queue full; see Retry-After"},
                    "504": {"description": "not annotated within the timeout"},
                },
            }
        },
        "/v1/annotate/batch": {
            "post": {
                "summary": "Annotate several articles together (bounded)",
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "properties": {
                                    "items": {"type": "array", "items": _ARTICLE_IN},
                                    "format": {"type": "string", "enum": ["json", "html"]},
                                },
                                "required": ["items"],
                            }
                        }
                    },
                },
                "responses": {
                    "200": {"description": '{"results": [article with "index", or {"index", "error"}]}'}
                },
            }
        },
        "/v1/info": {
            "get": {
                "summary": "Model, training data, test metrics, backend, CPU",
                "responses": {"200": {"description": "info"}},
            }
        },
        "/healthz": {
            "get": {"summary": "Liveness", "responses": {"200": {"description": '{"status": "ok"}'}}}
        },
    },
}


_SETTINGS_ENV = "ANNOTATOR_SERVE_SETTINGS"  # how worker processes receive the settings


def serve(
    annotator_path: str | None = None,
    backend: str | None = None,
    host: str = "127.0.0.1",
    port: int = 8000,
    settings: ServeSettings | None = None,
    workers: int = 1,
) -> None:
    """Load the model once per worker process and serve it with uvicorn until interrupted.

    With one worker (the default on 2 cores) one process holds the model; with more,
    uvicorn starts that many processes, each with its own model and batcher."""
    import uvicorn

    settings = settings or ServeSettings()
    if workers == 1:
        annotator = Annotator(annotator_path, backend=backend)
        uvicorn.run(create_app(annotator, settings), host=host, port=port, log_level="info", access_log=False)
        return
    os.environ[_SETTINGS_ENV] = json.dumps(
        {"model": annotator_path, "backend": backend, "settings": dataclasses.asdict(settings)}
    )
    uvicorn.run(
        "annotator.serve:app_from_env", factory=True, host=host, port=port, workers=workers, log_level="info"
    )


def app_from_env() -> Starlette:
    """The app of one worker process (``serve(workers=N)``), configured by the parent."""
    config = json.loads(os.environ[_SETTINGS_ENV])
    annotator = Annotator(config["model"], backend=config["backend"])
    return create_app(annotator, ServeSettings(**config["settings"]))
