"""C2PA provenance: a signed manifest saying "made by a trained model", and checking one.

The manifest holds one action, `c2pa.created` with digitalSourceType trainedAlgorithmicMedia (the
IPTC term for generative AI output), and a `muralist.generation` assertion with the model id, the
safety policy version, the job id and the watermark id. Never the prompt: a manifest travels with
the image to people the prompt was not meant for.

Signing needs an ES256 certificate chain. Operators configure real ones (`c2pa_cert`,
`c2pa_key`); otherwise the first run creates a local CA and a signing certificate under
`data_dir/c2pa/`. A local root is trusted by nobody else: `muralist verify` reports such an image
"Valid" (intact and signed), and "Trusted" once the root is configured as a trust anchor.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from muralist import __version__
from muralist.errors import UserError

DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
GENERATION_LABEL = "muralist.generation"
LOCAL_DIR = "c2pa"
_OID_C2PA_KP = "1.3.6.1.4.1.62558.2.1"  # C2PA signing extended key usage


@dataclass(frozen=True)
class SigningIdentity:
    """PEM certificate chain (signing certificate first), its private key, optional timestamp URL."""

    chain_pem: bytes
    key_pem: bytes
    tsa_url: str | None = None


@dataclass(frozen=True)
class Provenance:
    """What the manifest says about an image; deliberately no prompt field."""

    model_id: str
    policy_version: str
    job_id: str
    watermark_id: str | None = None


@dataclass
class Verification:
    """What `verify` found: the state C2PA reports and the reasons behind it."""

    state: str  # "Trusted", "Valid", "Invalid" or "None" (no manifest)
    failures: list[dict[str, Any]] = field(default_factory=list)
    generation: dict[str, Any] | None = None
    actions: list[dict[str, Any]] = field(default_factory=list)
    signer: str | None = None


def manifest_definition(provenance: Provenance, title: str) -> dict[str, Any]:
    """The manifest to sign for one image (pure: easy to inspect for what it must not contain)."""
    generation = {
        "model": provenance.model_id,
        "policy_version": provenance.policy_version,
        "job_id": provenance.job_id,
    }
    if provenance.watermark_id is not None:
        generation["watermark_id"] = provenance.watermark_id
    return {
        "claim_generator_info": [{"name": "muralist", "version": __version__}],
        "title": title,
        "format": "image/png",
        "assertions": [
            {
                "label": "c2pa.actions.v2",
                "data": {
                    "actions": [
                        {
                            "action": "c2pa.created",
                            "digitalSourceType": DIGITAL_SOURCE_TYPE,
                            "softwareAgent": {"name": "muralist", "version": __version__},
                            "parameters": {"muralist.model": provenance.model_id, "muralist.job_id": provenance.job_id},
                        }
                    ]
                },
            },
            {"label": GENERATION_LABEL, "data": generation},
        ],
    }


def sign_png(png: bytes, provenance: Provenance, identity: SigningIdentity, title: str = "image.png") -> bytes:
    """PNG bytes → the same PNG with an embedded, signed C2PA manifest."""
    import c2pa

    info = c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, identity.chain_pem, identity.key_pem, identity.tsa_url)
    # No thumbnail: it would be a second copy of the image inside the file (4× the bytes for a PNG).
    settings = c2pa.Settings.from_dict({"builder": {"thumbnail": {"enabled": False}}})
    with (
        c2pa.Context(settings) as context,
        c2pa.Signer.from_info(info) as signer,
        c2pa.Builder.from_json(manifest_definition(provenance, title), context) as builder,
    ):
        out = io.BytesIO()
        builder.sign(signer, "image/png", io.BytesIO(png), out)
        return out.getvalue()


def verify(data: bytes, trust_anchors_pem: bytes | None = None, mime: str = "image/png") -> Verification:
    """Validate the manifest in `data`; with trust anchors, a chain to one of them makes it Trusted."""
    import c2pa

    settings: dict[str, Any] = {"verify": {"verify_trust": trust_anchors_pem is not None}}
    if trust_anchors_pem is not None:
        settings["trust"] = {"trust_anchors": trust_anchors_pem.decode()}
    with c2pa.Context(c2pa.Settings.from_dict(settings)) as context:
        try:
            reader = c2pa.Reader(mime, io.BytesIO(data), context=context)
        except c2pa.C2paError.ManifestNotFound:
            return Verification(state="None")
        except c2pa.C2paError as exc:
            return Verification(state="Invalid", failures=[{"code": "unreadable", "explanation": str(exc)}])
        with reader:
            store = json.loads(reader.json())
    manifest = store.get("manifests", {}).get(store.get("active_manifest"), {})
    results = store.get("validation_results", {}).get("activeManifest", {})
    found = Verification(state=store.get("validation_state", "Invalid"), failures=list(results.get("failure", [])))
    found.signer = (manifest.get("signature_info") or {}).get("common_name")
    for assertion in manifest.get("assertions", []):
        if assertion.get("label") == GENERATION_LABEL:
            found.generation = assertion.get("data")
        elif str(assertion.get("label", "")).startswith("c2pa.actions"):
            found.actions = list(assertion.get("data", {}).get("actions", []))
    return found


def load_identity(cert: Path | None, key: Path | None, data_dir: Path, tsa_url: str | None = None) -> SigningIdentity:
    """The configured certificate and key, or the local ones (created on first use)."""
    if (cert is None) != (key is None):
        raise UserError("c2pa_cert and c2pa_key go together: set both (a real signing identity) or neither")
    if cert is not None and key is not None:
        for what, path in (("c2pa_cert", cert), ("c2pa_key", key)):
            if not path.is_file():
                raise UserError(f"{what} names {path}, which is not a file (expected PEM)")
        return SigningIdentity(cert.read_bytes(), key.read_bytes(), tsa_url)
    folder = ensure_local_ca(data_dir)
    return SigningIdentity((folder / "signer-chain.pem").read_bytes(), (folder / "signer.key").read_bytes(), tsa_url)


def local_root(data_dir: Path) -> Path:
    """Where the local CA's root certificate lives (the trust anchor for `verify --trust`)."""
    return data_dir / LOCAL_DIR / "root.pem"


def ensure_local_ca(data_dir: Path) -> Path:
    """Create, once, a local root CA and an ES256 signing certificate it issued; return the folder."""
    folder = data_dir / LOCAL_DIR
    if (folder / "signer-chain.pem").is_file() and (folder / "signer.key").is_file():
        return folder
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    root_key = ec.generate_private_key(ec.SECP256R1())

    def name(common_name: str) -> x509.Name:
        organization = x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Muralist (self-hosted)")
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name), organization])

    root_name = name("Muralist local root CA")
    root = (
        x509.CertificateBuilder()
        .subject_name(root_name)
        .issuer_name(root_name)
        .public_key(root_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_usage(cert_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    leaf = (
        x509.CertificateBuilder()
        .subject_name(name("Muralist local signer"))
        .issuer_name(root_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_usage(cert_sign=False), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION, x509.ObjectIdentifier(_OID_C2PA_KP)]),
            critical=False,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(root_key.public_key()), critical=False)
        .sign(root_key, hashes.SHA256())
    )
    pem = serialization.Encoding.PEM
    folder.mkdir(parents=True, exist_ok=True)
    _write(folder / "root.pem", root.public_bytes(pem))
    _write(folder / "root.key", _private_pem(root_key), secret=True)
    _write(folder / "signer.key", _private_pem(key), secret=True)
    # Written last: its presence means the set is complete.
    _write(folder / "signer-chain.pem", leaf.public_bytes(pem) + root.public_bytes(pem))
    return folder


def _usage(cert_sign: bool) -> Any:
    from cryptography import x509

    return x509.KeyUsage(
        digital_signature=not cert_sign,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=cert_sign,
        crl_sign=cert_sign,
        encipher_only=False,
        decipher_only=False,
    )


def _private_pem(key: Any) -> bytes:
    from cryptography.hazmat.primitives import serialization

    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write(path: Path, data: bytes, secret: bool = False) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if secret else 0o644)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    os.replace(tmp, path)
