"""Structured logs: one JSON object per line, carrying the request, job and tenant ids in scope.

    configure_logging("json")                       # once, in `muralist serve` / `muralist worker`
    with log_context(request_id=rid, tenant_id=t):  # the API, per request
        log.info("job accepted", extra={"job_id": job_id, "prompt": params.prompt})

A field named `prompt` or `negative_prompt` (in `extra` or in the context) is never written: the
line carries `prompt_hash` (the same digest `safety.verdict.log_record` uses) and `prompt_chars`
instead, so logs can correlate repeats of a blocked prompt without holding its words. Put prompts in
`extra`, never in the message text: the message is written as it is.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TextIO

from muralist.errors import UserError
from muralist.safety.verdict import prompt_hash

ID_FIELDS = ("request_id", "job_id", "tenant_id")
PROMPT_FIELDS = ("prompt", "negative_prompt")
FORMATS = ("json", "text")

_context: ContextVar[dict[str, Any]] = ContextVar("muralist_log_context", default={})  # noqa: B039 - never mutated
# Attributes every LogRecord has; anything else on a record came from `extra`.
_RECORD_ATTRS = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


@contextmanager
def log_context(**fields: Any) -> Iterator[None]:
    """Add fields (request_id, job_id, tenant_id, ...) to every log line written inside the block."""
    token = _context.set({**_context.get(), **{k: v for k, v in fields.items() if v is not None}})
    try:
        yield
    finally:
        _context.reset(token)


def redact(fields: dict[str, Any]) -> dict[str, Any]:
    """Replace prompt text by its hash and length; everything else as it is."""
    out: dict[str, Any] = {}
    for key, value in fields.items():
        if key in PROMPT_FIELDS:
            text = str(value)
            out[f"{key}_hash"] = prompt_hash(text)
            out[f"{key}_chars"] = len(text)
        else:
            out[key] = value
    return out


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, context ids, extras (prompts hashed)."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        extras = {k: v for k, v in vars(record).items() if k not in _RECORD_ATTRS and not k.startswith("_")}
        line.update(redact({**_context.get(), **extras}))
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    """For a terminal: `time level logger: message [ids]`, prompts hashed as in JSON."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        extras = {k: v for k, v in vars(record).items() if k not in _RECORD_ATTRS and not k.startswith("_")}
        fields = redact({**_context.get(), **extras})
        return text + ("  " + " ".join(f"{k}={v}" for k, v in fields.items()) if fields else "")


def configure_logging(fmt: str = "json", level: str = "INFO", stream: TextIO | None = None) -> logging.Handler:
    """Send every logger's records to `stream` (stderr) as JSON lines or text; returns the handler."""
    if fmt not in FORMATS:
        raise UserError(f"log format must be one of {FORMATS}, got {fmt!r}")
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        raise UserError(f"log level must be DEBUG, INFO, WARNING or ERROR, got {level!r}")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "_muralist", False)]:
        root.removeHandler(old)
    handler._muralist = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(numeric)
    return handler
