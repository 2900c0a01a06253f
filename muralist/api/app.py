"""The HTTP application: `create_app(settings)` builds everything once and passes it down.

    app = create_app(load_settings(), run_worker=True)   # what `muralist serve` runs under uvicorn

Routes: the native jobs API (/api/v1/generations, /api/v1/images), the OpenAI Images API
(/v1/images/*), moderation (/api/v1/admin/reviews), signed file delivery (/files), /healthz,
/readyz, /metrics and the OpenAPI document (/openapi.json, /docs). With `run_worker` a worker
thread in this process runs the jobs (the embedded default); `muralist worker` adds more
processes against the same database and object store.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from muralist import __version__
from muralist.api import problems
from muralist.api.deps import AppState, optional_tenant
from muralist.api.routes import account, admin, generations, health, images, openai_images
from muralist.config import Settings
from muralist.gateway.admit import Gateway
from muralist.gateway.models import Catalog
from muralist.gateway.webhooks import WebhookSender
from muralist.queue.db import database_url
from muralist.queue.lanes import LaneConfig
from muralist.queue.store import JobStore
from muralist.safety.verdict import Verdict
from muralist.storage.delivery import delivery_router, requesting_tenant, signing_key
from muralist.storage.objects import open_store

log = logging.getLogger(__name__)
WEB = Path(__file__).parent / "web"


def create_app(
    settings: Settings,
    *,
    run_worker: bool = False,
    screen_prompt: Callable[[str], Verdict] | None = None,
) -> FastAPI:
    """The app; `run_worker` starts a worker thread with the app (and stops it at shutdown)."""
    if screen_prompt is None:
        from muralist.safety.prompt_filter import screen_prompt as default_screen

        screen_prompt = default_screen
    lanes = LaneConfig.from_settings(settings.lane_weights, settings.promote_free_after_s, settings.tenant_running_cap)
    store = JobStore.open(
        database_url(settings.database_url, settings.data_dir),
        lane_config=lanes,
        lease_s=settings.lease_seconds,
        max_attempts=settings.max_attempts,
    )
    objects = open_store(settings)
    catalog = Catalog(settings)
    secret = signing_key(settings.url_signing_key, settings.data_dir)
    state = AppState(settings, store, objects, secret, Gateway(settings, store, catalog, screen_prompt), catalog)
    state.slots = settings.serve_slots

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        async with AsyncExitStack() as stack:
            if store.postgres:  # hear the changes that workers on other machines make
                from muralist.queue.events import PostgresListener, psycopg_conninfo

                listener = PostgresListener(psycopg_conninfo(store.engine.url), store.events).start()
                stack.callback(listener.stop)
            sender = WebhookSender(state)
            stack.callback(sender.start())
            if run_worker:
                stack.callback(_start_worker(state))
            yield

    app = FastAPI(
        title="Muralist",
        version=__version__,
        description="Self-hosted, multi-tenant text-to-image: a native async jobs API and the OpenAI Images API.",
        lifespan=lifespan,
    )
    app.state.muralist = state
    problems.install(app)
    for module in (health, generations, images, openai_images, admin, account):
        app.include_router(module.router)
    app.include_router(delivery_router(objects, secret))
    app.dependency_overrides[requesting_tenant] = optional_tenant
    from muralist.observability.wiring import observe_api  # logs, queue depth, GET /metrics (issue 10)

    observe_api(app, store, settings)
    if (WEB / "index.html").is_file():  # the web page (issue 9), if this checkout has it
        from fastapi.staticfiles import StaticFiles

        app.mount("/", StaticFiles(directory=WEB, html=True), name="web")
    return app


def _start_worker(state: AppState) -> Callable[[], None]:
    """A worker thread on this process's store (its events reach SSE directly); returns its stop."""
    from muralist.engine.worker import Finishing, Worker
    from muralist.finishing.finish import identity_from_settings
    from muralist.models.loading import Model
    from muralist.models.registry import load_configured
    from muralist.safety.image_filter import screen_image

    settings = state.settings

    def load(name: str) -> Model:
        return load_configured(name, settings)

    finishing = Finishing(identity_from_settings(settings), screen_image, settings.png_prompt)
    worker = Worker(state.store, state.objects, load, slots=settings.serve_slots, poll_s=0.2,
                    checkpoint_every=settings.checkpoint_every, finishing=finishing, previews=True,
                    say=log.info)  # fmt: skip
    worker.engine.price_per_device_hour = settings.device_price_per_hour  # cost_per_image_usd
    thread = threading.Thread(target=worker.run, name="muralist-worker", daemon=True)
    thread.start()
    state.worker = thread

    def stop() -> None:
        worker.stop()
        thread.join(timeout=30)

    return stop
