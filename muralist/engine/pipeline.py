"""Generate images in one process: params in, pixels out (the CLI's path; no queue, no server).

It runs one request through the same `Engine` that serves many, so the CLI gets the same images,
step-level checkpoints (resume after a crash) and progress as the service.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

from muralist.engine.engine import Engine, Event
from muralist.engine.request import Result
from muralist.models.loading import Model
from muralist.storage.objects import ObjectStore
from muralist.types import GenerationParams


@dataclass(frozen=True)
class Progress:
    step: int  # steps done
    total: int
    eta_s: float | None
    resumed: bool = False  # this event reports a resume from a checkpoint at `step`


def generate(
    model: Model,
    params: GenerationParams,
    init_image: Image.Image | None = None,
    mask: Image.Image | None = None,
    on_progress: Callable[[Progress], None] | None = None,
    store: ObjectStore | None = None,
    checkpoint_every: int = 10,
) -> list[Result]:
    """Run a whole request; a sample whose latents go non-finite fails alone, with the step named.

    With a `store`, the request checkpoints every `checkpoint_every` steps under the digest of its
    parameters and resumes from the newest valid checkpoint: the same command after a crash
    continues where it stopped and writes the same image.
    """
    outcome: list[Event] = []

    def listen(event: Event) -> None:
        if event.kind in ("progress", "resumed") and on_progress is not None:
            on_progress(Progress(event.step, event.total, event.eta_s, event.kind == "resumed"))
        elif event.kind in ("finished", "failed", "cancelled"):
            outcome.append(event)

    engine = Engine({params.model: model}, max_batch=params.n, store=store, checkpoint_every=checkpoint_every,
                    preview_every=0, on_event=listen)  # fmt: skip
    request_id = f"generate-{params.digest()[:24]}"
    engine.submit(request_id, params, init_image, mask)
    engine.run_until_idle()
    (end,) = outcome
    if end.results is None:  # every image failed
        return [Result(k, params.for_image(k), None, end.error) for k in range(params.n)]
    return end.results
