"""Reads for the API, always through the tenant: another tenant's job or image simply does not exist.

Every lookup takes the asking tenant's id and filters on it in SQL, so a route cannot forget the
check: a job or image of another tenant comes back as None (HTTP 404, never 403, which would confirm
that the id exists).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, and_, func, or_, select

from muralist.queue.tables import Image, Job, ReviewItem


@dataclass(frozen=True)
class ImageRow:
    id: str
    job_id: str
    index: int
    content_hash: str
    object_key: str
    params: dict[str, Any]
    verdict: dict[str, Any] | None
    parent_image_id: str | None
    created_at: float

    @property
    def delivered(self) -> bool:
        return self.object_key.startswith("images/")


_IMAGE_COLUMNS = (
    Image.id,
    Image.job_id,
    Image.index,
    Image.content_hash,
    Image.object_key,
    Image.params,
    Image.verdict,
    Image.parent_image_id,
    Image.created_at,
)


def _image(row: Any) -> ImageRow:
    return ImageRow(*row)


def job_row(engine: Engine, tenant_id: str, job_id: str) -> Any | None:
    with engine.connect() as c:
        return c.execute(select(Job.__table__).where(Job.id == job_id, Job.tenant_id == tenant_id)).first()


def job_images(engine: Engine, job_id: str) -> list[ImageRow]:
    with engine.connect() as c:
        rows = c.execute(select(*_IMAGE_COLUMNS).where(Image.job_id == job_id).order_by(Image.index))
        return [_image(r) for r in rows]


def image_row(engine: Engine, tenant_id: str, image_id: str) -> ImageRow | None:
    query = select(*_IMAGE_COLUMNS).join(Job, Job.id == Image.job_id)
    with engine.connect() as c:
        row = c.execute(query.where(Image.id == image_id, Job.tenant_id == tenant_id)).first()
    return None if row is None else _image(row)


def gallery(engine: Engine, tenant_id: str, limit: int, after: tuple[float, str] | None) -> list[ImageRow]:
    """The tenant's delivered images, newest first; `after` is the (created_at, id) of the last one seen."""
    query = (
        select(*_IMAGE_COLUMNS)
        .join(Job, Job.id == Image.job_id)
        .where(Job.tenant_id == tenant_id, Image.object_key.like("images/%"))
    )
    if after is not None:
        at, last_id = after
        query = query.where(or_(Image.created_at < at, and_(Image.created_at == at, Image.id < last_id)))
    with engine.connect() as c:
        rows = c.execute(query.order_by(Image.created_at.desc(), Image.id.desc()).limit(limit))
        return [_image(r) for r in rows]


def mean_job_seconds(engine: Engine, default: float = 10.0, recent: int = 20) -> float:
    """How long recent jobs took from start to finish: the basis of a queued job's ETA."""
    took = (Job.finished_at - Job.started_at).label("took")
    recent_jobs = (
        select(took)
        .where(Job.state == "succeeded", Job.started_at.is_not(None), Job.finished_at.is_not(None))
        .order_by(Job.finished_at.desc())
        .limit(recent)
        .subquery()
    )
    with engine.connect() as c:
        mean = c.scalar(select(func.avg(recent_jobs.c.took)))
    return float(mean) if mean and mean > 0 else default


def review_items(engine: Engine, state: str = "open") -> list[Any]:
    query = (
        select(ReviewItem.__table__, Image.object_key, Job.tenant_id)
        .join(Image, Image.id == ReviewItem.image_id)
        .join(Job, Job.id == ReviewItem.job_id)
        .where(ReviewItem.state == state)
        .order_by(ReviewItem.created_at)
    )
    with engine.connect() as c:
        return list(c.execute(query).all())


def review_item(engine: Engine, item_id: str) -> Any | None:
    query = select(ReviewItem.__table__, Image.object_key).join(Image, Image.id == ReviewItem.image_id)
    with engine.connect() as c:
        return c.execute(query.where(ReviewItem.id == item_id)).first()
