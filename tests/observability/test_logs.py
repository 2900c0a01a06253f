"""JSON logs: one object a line, the ids in scope on every line, a blocked prompt's words on none."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from muralist.errors import UserError
from muralist.observability.logs import configure_logging, log_context
from muralist.safety.prompt_filter import PromptFilter
from muralist.safety.verdict import log_record, prompt_hash

log = logging.getLogger("muralist.test")


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    root = logging.getLogger()
    level = root.level
    handler = configure_logging("json", "INFO", stream)
    yield stream
    root.removeHandler(handler)
    root.setLevel(level)


def records(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_every_line_carries_the_ids_in_scope(lines: io.StringIO) -> None:
    with log_context(request_id="req-1", tenant_id="acme"):
        log.info("job accepted", extra={"job_id": "job-9", "steps": 30})
        with log_context(job_id="job-10"):
            log.warning("claimed %s", "twice")
    log.info("outside")

    first, second, third = records(lines)
    assert first["message"] == "job accepted" and first["level"] == "info" and first["logger"] == "muralist.test"
    assert (first["request_id"], first["tenant_id"], first["job_id"], first["steps"]) == ("req-1", "acme", "job-9", 30)
    assert (second["message"], second["job_id"], second["request_id"]) == ("claimed twice", "job-10", "req-1")
    assert "request_id" not in third and "job_id" not in third
    assert first["ts"].endswith("Z")


def test_a_blocked_prompt_is_logged_as_a_hash_never_as_text(lines: io.StringIO) -> None:
    text = "a nude woman on a bed"
    verdict = PromptFilter.load(embedding=False).screen(text)
    assert verdict.blocked
    with log_context(request_id="req-2", tenant_id="acme", prompt=text):
        log.warning("prompt blocked", extra={"prompt": text, "negative_prompt": "clothes", **log_record(verdict, text)})

    output = lines.getvalue()
    assert "nude" not in output and "clothes" not in output
    (line,) = records(lines)
    assert line["prompt_hash"] == prompt_hash(text) and line["prompt_chars"] == len(text)
    assert line["negative_prompt_hash"] == prompt_hash("clothes")
    assert (line["decision"], line["stage"], line["request_id"]) == ("block", "prompt", "req-2")


def test_an_exception_is_one_line_too(lines: io.StringIO) -> None:
    try:
        raise ValueError("bad latents")
    except ValueError:
        log.exception("step failed", extra={"job_id": "job-3"})
    (line,) = records(lines)
    assert "ValueError: bad latents" in line["error"] and line["job_id"] == "job-3"


def test_a_wrong_format_or_level_says_what_is_allowed() -> None:
    with pytest.raises(UserError, match="one of"):
        configure_logging("xml")
    with pytest.raises(UserError, match="DEBUG, INFO"):
        configure_logging("json", "LOUD")


def test_the_text_format_hashes_prompts_too() -> None:
    stream = io.StringIO()
    root, level = logging.getLogger(), logging.getLogger().level
    handler = configure_logging("text", "INFO", stream)
    try:
        with log_context(job_id="job-4"):
            log.info("prompt blocked", extra={"prompt": "a nude woman on a bed"})
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
    line = stream.getvalue()
    assert "prompt blocked" in line and "job_id=job-4" in line and "nude" not in line
    assert f"prompt_hash={prompt_hash('a nude woman on a bed')}" in line
