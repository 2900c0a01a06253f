"""Capacity planning: devices, $/image and $/month from measured device-seconds per image. Pure arithmetic.

    measured = from_bench(json.load(open("bench.json")))     # `muralist bench engine --json bench.json`
    result = plan(PlanInput(qps=50, steps=50, measured=measured, price_per_device_hour=2.0))
    print("\n".join(result.lines))

The unit of work of a diffusion model is a denoising step over a whole image, and its cost is set by
the resolution, the step count and the batch the engine fills, not by the prompt's length: a
10-word and a 70-word prompt cost the same. So the plan starts from device-seconds per image, measured
by `muralist bench engine` on the device you will buy (with continuous batching, as the service
runs), scales it linearly with the step count, and multiplies by the image rate. docs/operations.md
explains why token-based (LLM) calculators get this wrong.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from muralist.errors import UserError

HOURS_PER_MONTH = 730.0  # 8760 h / 12
DEFAULT_HEADROOM = 0.3  # 30 % spare: queue waits climb steeply as utilisation nears 100 %


@dataclass(frozen=True)
class Measurement:
    """Device-seconds one image took, at a step count, and where the figure came from."""

    device_seconds_per_image: float
    steps: int
    source: str


@dataclass(frozen=True)
class PlanInput:
    qps: float  # requests per second at peak
    steps: int  # denoising steps per image
    measured: Measurement
    images_per_request: int = 1
    cache_hit: float = 0.0  # fraction of requests served from the result cache (no device time)
    headroom: float = DEFAULT_HEADROOM  # spare capacity over the peak, as a fraction
    price_per_device_hour: float | None = None
    hours_per_month: float = HOURS_PER_MONTH


@dataclass(frozen=True)
class FleetPlan:
    device_seconds_per_image: float  # at the planned step count
    images_per_s: float  # generated on devices (cache hits excluded)
    devices_before_headroom: float
    devices: int  # with headroom, whole devices
    cost_per_image_usd: float | None  # device time only (a fully busy device)
    cost_per_month_usd: float | None  # the whole fleet, all month
    fleet_cost_per_image_usd: float | None  # the month's cost over every image delivered (idle headroom included)
    lines: tuple[str, ...]  # the arithmetic, one step a line


def from_bench(figures: dict[str, Any]) -> Measurement:
    """Device-seconds per image from `muralist bench engine --json`: continuous batching at saturation."""
    try:
        continuous = figures["modes"]["continuous"]
        per_min = float(continuous["throughput_images_per_min"])
        steps = int(figures["steps"])
    except (KeyError, TypeError, ValueError) as exc:
        raise UserError(
            f"the bench file lacks {exc}: expected the JSON of `muralist bench engine --json FILE` "
            "(modes.continuous.throughput_images_per_min and steps)"
        ) from None
    if per_min <= 0:
        raise UserError(f"the bench file says {per_min} images/min; a measured throughput must be positive")
    source = (
        f"measured by `muralist bench engine`: {per_min:g} images/min at {steps} steps, continuous batching "
        f"(max batch {figures.get('max_batch', '?')}, model {figures.get('model', '?')})"
    )
    return Measurement(60.0 / per_min, steps, source)


def given(device_seconds_per_image: float, steps: int) -> Measurement:
    return Measurement(device_seconds_per_image, steps, "given")


def plan(p: PlanInput) -> FleetPlan:
    _check(p)
    m = p.measured
    lines = [f"device-seconds per image: {m.device_seconds_per_image:.4g} s at {m.steps} steps ({m.source})"]
    per_image = m.device_seconds_per_image * p.steps / m.steps
    if p.steps != m.steps:
        lines.append(
            f"  at {p.steps} steps: {m.device_seconds_per_image:.4g} s x {p.steps}/{m.steps} = {per_image:.4g} s "
            "(cost is linear in steps)"
        )
    images_per_s = p.qps * p.images_per_request * (1 - p.cache_hit)
    lines.append(
        f"images per second on devices: {p.qps:g} req/s x {p.images_per_request} image(s) x (1 - {p.cache_hit:g} "
        f"cache hits) = {images_per_s:.4g}"
    )
    base = images_per_s * per_image
    lines.append(
        f"devices before headroom: {images_per_s:.4g} images/s x {per_image:.4g} device-s/image = {base:.4g} "
        f"devices busy every second -> {math.ceil(base - 1e-9)}"
    )
    devices = max(1, math.ceil(base * (1 + p.headroom) - 1e-9))
    lines.append(
        f"devices with {p.headroom:.0%} headroom: {base:.4g} x {1 + p.headroom:g} = {base * (1 + p.headroom):.4g} "
        f"-> {devices}"
    )
    cost_image = cost_month = fleet_image = None
    price = p.price_per_device_hour
    if price is None:
        lines.append("no price per device-hour: pass --price or set MURALIST_DEVICE_PRICE_PER_HOUR for $ figures")
    else:
        cost_image = per_image * price / 3600
        cost_month = devices * price * p.hours_per_month
        delivered = p.qps * p.images_per_request * 3600 * p.hours_per_month
        fleet_image = cost_month / delivered
        lines += [
            f"$/image (device time): {per_image:.4g} s x ${price:g}/h / 3600 s = {_usd(cost_image)}",
            f"$/month: {devices} devices x ${price:g}/h x {p.hours_per_month:g} h = ${cost_month:,.0f}",
            f"$/image (fleet, headroom and idle included): ${cost_month:,.0f} / ({p.qps:g} x {p.images_per_request} "
            f"x 3600 x {p.hours_per_month:g} = {delivered:,.0f} images) = {_usd(fleet_image)}",
        ]
    return FleetPlan(per_image, images_per_s, base, devices, cost_image, cost_month, fleet_image, tuple(lines))


def _usd(x: float) -> str:
    """Three significant digits in fixed notation: $0.00278, $0.0000436, $1.50."""
    decimals = 2 if x <= 0 else max(2, 2 - math.floor(math.log10(x)))
    return f"${x:.{decimals}f}"


def _check(p: PlanInput) -> None:
    problems = []
    if not p.qps > 0:
        problems.append(f"--qps must be positive (requests per second at peak), got {p.qps}")
    if p.steps < 1:
        problems.append(f"--steps must be at least 1, got {p.steps}")
    if p.images_per_request < 1:
        problems.append(f"--images must be at least 1, got {p.images_per_request}")
    if not 0 <= p.cache_hit < 1:
        problems.append(f"--cache-hit is a fraction of requests in [0, 1), got {p.cache_hit}")
    if p.headroom < 0:
        problems.append(f"--headroom is spare capacity as a fraction (0.3 = 30 %), got {p.headroom}")
    if p.price_per_device_hour is not None and p.price_per_device_hour < 0:
        problems.append(f"--price is dollars per device-hour, got {p.price_per_device_hour}")
    if not p.measured.device_seconds_per_image > 0 or p.measured.steps < 1:
        problems.append(
            f"device-seconds per image must be positive at >= 1 step, got {p.measured.device_seconds_per_image} "
            f"at {p.measured.steps}"
        )
    if problems:
        raise UserError("; ".join(problems))
