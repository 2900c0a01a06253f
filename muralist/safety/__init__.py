"""Safety: the prompt pre-filter (stage 3) and the image post-filter (stage 6).

    screen_prompt(text) -> Verdict          before the job is enqueued; a blocked prompt never queues
    screen_image(PIL.Image) -> Verdict      after decode; a blocked image is never delivered
    keep_screened(png, verdict, store)      deliver, hold for a moderator, or withhold (holding.py)

The models load on first use (MiniLM ~0.5 s, NudeNet ~0.3 s), once per process. docs/safety.md
describes the policy, the layers and how they were evaluated.
"""

from typing import Any

from muralist.safety.verdict import Category, Decision, Stage, Verdict, log_record, prompt_hash

__all__ = [
    "Category", "Decision", "Stage", "Verdict", "log_record", "prompt_hash", "screen_prompt", "screen_image",
    "keep_screened",
]  # fmt: skip


def __getattr__(name: str) -> Any:
    # Lazy: importing the package must not load torch or onnxruntime.
    if name == "screen_prompt":
        from muralist.safety.prompt_filter import screen_prompt

        return screen_prompt
    if name == "screen_image":
        from muralist.safety.image_filter import screen_image

        return screen_image
    if name == "keep_screened":
        from muralist.safety.holding import keep_screened

        return keep_screened
    raise AttributeError(f"module 'muralist.safety' has no attribute {name!r}")
