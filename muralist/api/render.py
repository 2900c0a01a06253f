"""Records → wire schemas: a job with its images, an image with its signed URL."""

from __future__ import annotations

import time
from typing import Any

from fastapi import Request

from muralist.api.deps import AppState
from muralist.api.schemas import ImageOut, JobOut, Progress
from muralist.gateway import records
from muralist.gateway.records import ImageRow
from muralist.storage.delivery import signed_url
from muralist.types import JobStatus


def base_url(state: AppState, request: Request) -> str:
    return (state.settings.public_url or str(request.base_url)).rstrip("/")


def image_out(state: AppState, base: str, tenant_id: str, image: ImageRow) -> ImageOut:
    params = image.params
    url = None
    if image.delivered:
        expires = int(time.time()) + state.settings.url_ttl_s
        url = base + signed_url(image.object_key, tenant_id, expires, state.url_secret)
    upscaler = None
    if params.get("kind") == "upscale":
        upscaler = state.catalog.get(params["model"]).upscaler
    return ImageOut(
        id=image.id,
        job_id=image.job_id,
        index=image.index,
        status="delivered" if image.delivered else "held",
        url=url,
        download_url=f"{base}/api/v1/images/{image.id}/download",
        width=int(params["width"]),
        height=int(params["height"]),
        seed=int(params["seed"]),
        kind=str(params.get("kind", "txt2img")),
        parent_image_id=image.parent_image_id,
        upscaler=upscaler,
        created_at=image.created_at,
    )


def job_out(state: AppState, base: str, job: Any) -> JobOut:
    status = JobStatus(job.state)
    images = records.job_images(state.store.engine, job.id)
    return JobOut(
        id=job.id,
        status=status,
        kind=str(job.params.get("kind", "txt2img")),
        tier=job.tier,
        step_budget=job.step_budget,
        progress=Progress(step=job.progress_step, total=job.progress_total or job.params.get("steps", 0)),
        params=job.params,
        images=[image_out(state, base, job.tenant_id, im) for im in images],
        error=job.error,
        created_at=job.created_at,
        started_at=job.started_at,
        finished_at=job.finished_at,
        events_url=f"{base}/api/v1/generations/{job.id}/events",
    )
