"""Settings: built once (CLI main, create_app, worker main) and passed down, never imported as a global.

Every setting comes from, in order of precedence: a constructor argument, a `MURALIST_*` environment
variable (`MURALIST_DEVICE=cuda`), a TOML config file named by `MURALIST_CONFIG`, then the default.
Models are registered by name: `MURALIST_MODELS='{"sd15": "/models/sd-v1-5"}'` or, in the TOML file,
a `[models]` table.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from muralist.errors import UserError
from muralist.gateway.policy import DEFAULT_TIERS, TierPolicy

Dtype = Literal["float32", "float16", "bfloat16"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MURALIST_", extra="forbid")

    data_dir: Path = Path("data")
    device: str = "cpu"
    # Full precision by default: on the CPU half precision is slow and changes the pixels.
    dtype: Dtype = "float32"
    # Trace and freeze the UNet with TorchScript on the CPU (muralist/models/frozen.py): the same images,
    # each step 4-25 % faster (`muralist bench unet`). False: the eager diffusers module. CUDA always
    # runs the eager module (freezing is measured on the CPU only).
    freeze_unet: bool = True
    default_model: str = "builtin"
    # Step-level checkpoints: every N denoising steps (0 = never), under data_dir/objects.
    checkpoint_every: int = 10
    models: dict[str, Path] = {}
    # The job store and its lanes (muralist/queue). No URL: SQLite (WAL) at data_dir/muralist.db;
    # several machines share one PostgreSQL: postgresql+psycopg://user@host/db.
    database_url: str | None = None
    lease_seconds: float = 30.0  # a worker that stops heartbeating loses its job after this long
    max_attempts: int = 3  # claims of one job before it fails with the last error
    lane_weights: dict[str, int] = {"pro": 4, "paid": 2, "free": 1}
    promote_free_after_s: float = 30.0  # a free job waiting this long moves to the paid lane
    tenant_running_cap: dict[str, int] = {"pro": 8, "paid": 4, "free": 2}  # running jobs per tenant, by tier
    # --- storage, delivery, provenance (muralist/storage, muralist/finishing) ---
    # Objects: "local" (data_dir/objects) or "s3" (any S3-compatible endpoint; credentials from
    # the usual AWS_* variables or ~/.aws, never from here).
    object_store: Literal["local", "s3"] = "local"
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None  # e.g. http://minio:9000; None: AWS
    s3_region: str | None = None
    s3_prefix: str = ""  # keys live under this prefix in the bucket
    # Signed image URLs: HMAC key (None: created once in data_dir/secrets/url-signing.key), lifetime.
    url_signing_key: str | None = None
    url_ttl_s: int = 3600
    # C2PA signing: a real ES256 certificate chain (PEM, signer first) and key; None: a local CA
    # created in data_dir/c2pa. Trust anchors (PEM) make `muralist verify` say Trusted.
    c2pa_cert: Path | None = None
    c2pa_key: Path | None = None
    c2pa_tsa_url: str | None = None
    c2pa_trust_anchors: Path | None = None
    png_prompt: bool = True  # False: the PNG text chunk records a hash of the prompt, not the prompt
    # --- end storage, delivery, provenance ---
    # --- observability (issue 10): logs, metrics, cost ---
    log_format: Literal["json", "text"] = "json"  # json: one object a line, with request/job/tenant ids
    log_level: str = "INFO"
    metrics_port: int | None = None  # `muralist worker` serves /metrics here (9464 is usual); None: off
    # Dollars per device-hour (what one GPU or CPU machine costs): cost_per_image_usd and `muralist plan`.
    device_price_per_hour: float | None = None
    # --- end observability ---
    # --- gateway and HTTP API (issue 6) ---
    # Tier policies (DESIGN.md §6): step budget, images per UTC day (null: unlimited), largest side as a
    # multiple of the model's base size, and the rate limit on requests that create jobs.
    tiers: dict[str, TierPolicy] = dict(DEFAULT_TIERS)
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str | None = None  # e.g. https://muralist.example.com; None: from each request's Host
    serve_slots: int = 4  # jobs the worker inside `muralist serve` runs at once
    webhook_secret: str | None = None  # HMAC key for webhook signatures; None: data_dir/secrets/webhook.key
    webhook_attempts: int = 5  # deliveries tried, with backoff 1, 2, 4, 8 s
    openai_wait_s: float = 300.0  # how long an OpenAI-compatible request waits for its images
    # --- end gateway and HTTP API ---

    @field_validator("tiers")
    @classmethod
    def _every_tier(cls, value: dict[str, TierPolicy]) -> dict[str, TierPolicy]:
        missing = sorted(set(DEFAULT_TIERS) - set(value))
        if missing:
            raise ValueError(f"tiers must configure every tier; missing {missing}")
        return value

    @field_validator("device")
    @classmethod
    def _known_device(cls, value: str) -> str:
        if value.split(":")[0] not in {"cpu", "cuda", "mps"}:
            raise ValueError(f"device must be cpu, cuda, cuda:N or mps, got {value!r}")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = os.environ.get("MURALIST_CONFIG")
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config_file)))
        return tuple(sources)


def load_settings(**overrides: object) -> Settings:
    """Build Settings, turning a bad value or config file into an error that names it."""
    config_file = os.environ.get("MURALIST_CONFIG")
    if config_file and not Path(config_file).is_file():
        raise UserError(f"MURALIST_CONFIG names {config_file!r}, which is not a file")
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValueError as exc:
        raise UserError(f"invalid settings: {exc}") from None
