"""`muralist verify FILE`: what a delivered image says about itself, checked.

Three independent witnesses: the invisible watermark (survives screenshots, re-encoding, resizing),
the C2PA manifest (cryptographic, but stripped by most re-encoders), and the PNG text chunk (plain
metadata, trivially edited, shown for reference only).
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from muralist.errors import UserError
from muralist.finishing import c2pa, watermark
from muralist.finishing.metadata import PNG_KEY

MIME = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
# What a C2PA failure code means for someone holding the file.
_MEANING = {
    "assertion.dataHash.mismatch": "hash mismatch: the image bytes changed after signing",
    "claimSignature.mismatch": "the signature does not match the manifest",
    "signingCredential.untrusted": "the signer's certificate does not chain to a trusted root",
    "signingCredential.expired": "the signer's certificate had expired when it signed",
}


@dataclass
class Report:
    file: str
    size: tuple[int, int]
    format: str
    watermark: dict[str, Any] = field(default_factory=dict)
    c2pa: dict[str, Any] = field(default_factory=dict)
    metadata_watermark: dict[str, Any] | None = None

    def ok(self) -> bool:
        """A manifest that validates (with or without a trust anchor)."""
        return self.c2pa.get("state") in ("Valid", "Trusted")


def verify_bytes(data: bytes, name: str, trust_anchors_pem: bytes | None = None) -> Report:
    """Check one image file's watermark and C2PA manifest."""
    try:
        image = Image.open(io.BytesIO(data))
    except (UnidentifiedImageError, OSError) as exc:
        raise UserError(f"{name} is not an image this tool can read: {exc}") from None
    with image:
        fmt, size = image.format or "?", image.size
        text = image.info.get(PNG_KEY)  # written before the pixel data, so readable even if that is damaged
        try:
            pixels: np.ndarray | None = np.asarray(image.convert("RGB"))
            damage = None
        except (OSError, ValueError, SyntaxError) as exc:  # e.g. a corrupted compressed stream
            pixels, damage = None, str(exc)
    report = Report(file=name, size=size, format=fmt)

    if pixels is None:
        report.watermark = {"found": False, "error": f"the pixel data cannot be decoded: {damage}"}
    else:
        found = watermark.detect(pixels)
        report.watermark = {"found": found is not None}
        if found is not None:
            report.watermark.update(
                id=found.watermark_id, corrected_bits=found.corrected_bits, read_at=found.decoded_at
            )

    if text is not None:
        import json

        try:
            report.metadata_watermark = json.loads(text).get("watermark")
        except ValueError:
            report.metadata_watermark = None

    checked = c2pa.verify(data, trust_anchors_pem, MIME.get(fmt, "image/png"))
    report.c2pa = {
        "state": checked.state,
        "trust_checked": trust_anchors_pem is not None,
        "signer": checked.signer,
        "failures": [
            {**f, "meaning": _MEANING.get(str(f.get("code")), f.get("explanation", ""))} for f in checked.failures
        ],
        "generation": checked.generation,
        "source_types": sorted({str(a["digitalSourceType"]) for a in checked.actions if "digitalSourceType" in a}),
    }
    return report


def render(report: Report) -> str:
    """The report as the lines `muralist verify` prints."""
    w, h = report.size
    lines = [f"{report.file}: {w}×{h} {report.format}"]
    mark = report.watermark
    if mark["found"]:
        lines.append(f"watermark: found, id {mark['id']} ({mark['corrected_bits']} bit errors corrected)")
    elif "error" in mark:
        lines.append(f"watermark: not checked: {mark['error']}")
    elif report.metadata_watermark and report.metadata_watermark.get("scheme") is None:
        lines.append(f"watermark: {report.metadata_watermark.get('note', 'none')}")
    else:
        lines.append("watermark: none found")
    c = report.c2pa
    if c["state"] == "None":
        lines.append("c2pa: no manifest (never signed, or stripped by a re-encode)")
        return "\n".join(lines)
    trust = "" if c["trust_checked"] else " (no trust anchors configured: --trust PEM or c2pa_trust_anchors)"
    lines.append(f"c2pa: {c['state']}{trust}")
    if c["signer"]:
        lines.append(f"  signed by: {c['signer']}")
    for failure in c["failures"]:
        lines.append(f"  failure: {failure.get('code')}: {failure['meaning']}")
    if c["source_types"]:
        lines.append(f"  digital source type: {', '.join(t.rsplit('/', 1)[-1] for t in c['source_types'])}")
    if c["generation"]:
        lines.append("  " + ", ".join(f"{k} {v}" for k, v in sorted(c["generation"].items())))
    return "\n".join(lines)


def as_dict(report: Report) -> dict[str, Any]:
    return asdict(report)
