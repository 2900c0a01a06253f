"""`muralist` command line.

    muralist generate PROMPT [options]     write PNGs, print their paths one per line

A mistake in what was asked (bad size, unknown model, unreadable image) prints one line that says
what was expected and exits with status 2; a sample that fails while sampling exits with status 1
after writing the images that succeeded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import secrets
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image, UnidentifiedImageError

from muralist import __version__
from muralist.errors import UserError
from muralist.storage.objects import LocalStore, ObjectStore
from muralist.types import MAX_IMAGES, MAX_SEED, GenerationParams, Kind, Sampler, parse_sampler

if TYPE_CHECKING:
    from muralist.config import Settings
    from muralist.engine.pipeline import Progress
    from muralist.models.loading import Model

EXIT_USER_ERROR = 2
EXIT_FAILED = 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except UserError as exc:
        print(f"muralist: error: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="muralist", description="Self-hosted text-to-image.")
    parser.add_argument("--version", action="version", version=f"muralist {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    gen = commands.add_parser("generate", help="generate images from a prompt into a folder")
    gen.add_argument("prompt")
    gen.add_argument("--negative", default="", help="negative prompt (what to steer away from)")
    gen.add_argument("--model", default=None, help="registered model name or model directory")
    gen.add_argument("-n", type=int, default=1, help=f"number of images, 1..{MAX_IMAGES} (default 1)")
    gen.add_argument("--seed", type=int, default=None, help="image i uses seed+i (default: random, printed)")
    gen.add_argument("--steps", type=int, default=30)
    gen.add_argument(
        "--sampler", type=_sampler, default=Sampler.DDIM, help="ddim|euler|euler_a|dpmpp_2m|dpmpp_2m_karras"
    )
    gen.add_argument("--guidance", type=float, default=7.5, help="classifier-free guidance scale (<= 1: off)")
    gen.add_argument("--eta", type=float, default=0.0, help="DDIM eta: 0 deterministic, 1 DDPM-like")
    gen.add_argument("--width", type=int, default=None, help="default: the model's native size or the init image's")
    gen.add_argument("--height", type=int, default=None)
    gen.add_argument("--init", type=Path, default=None, help="init image (img2img; with --mask, inpaint)")
    gen.add_argument("--strength", type=float, default=None, help="how much of the init to redraw (0..1]")
    gen.add_argument("--mask", type=Path, default=None, help="mask image, white = repaint, same size as --init")
    gen.add_argument("--out", type=Path, default=Path("out"), help="output folder (default ./out)")
    gen.add_argument("--data-dir", type=Path, default=None, help="where checkpoints live (default from settings)")
    gen.add_argument("--progress", choices=["auto", "json", "none"], default="auto",
                     help="auto: a bar on a terminal; json: one JSON line per step on stderr")  # fmt: skip
    gen.add_argument("--device", default=None, help="cpu, cuda, cuda:N (default from settings)")
    gen.add_argument("--dtype", default=None, choices=["float32", "float16", "bfloat16"])
    gen.set_defaults(handler=_generate)

    train = commands.add_parser("train", help="train a part of the built-in model (resumable)", add_help=False)
    train.add_argument("what", choices=["vae", "unet", "upscaler", "oracle"])
    train.add_argument("rest", nargs=argparse.REMAINDER, help="the part's own options (--help lists them)")
    train.set_defaults(handler=_train)

    ev = commands.add_parser(
        "eval", help="quality: judge a model's images with the oracle; safety: the content filter; sheet: a picture"
    )
    ev.add_argument("what", choices=["quality", "safety", "sheet"])
    ev.add_argument("--model", default=None, help="registered model name or directory (default: settings)")
    ev.add_argument("--prompts", type=Path, default=None, help="one prompt per line (default: the held-out suite)")
    ev.add_argument("--paraphrase", action="store_true", help="the suite's paraphrased twins instead")
    ev.add_argument("--steps", type=int, default=30)
    ev.add_argument("--guidance", type=float, default=5.0)
    ev.add_argument("--sampler", type=_sampler, default=Sampler.DDIM)
    ev.add_argument("--seed", type=int, default=0)
    ev.add_argument("--oracle", type=Path, default=None, help="oracle folder (default: the shipped one)")
    ev.add_argument("--json", type=Path, default=None, help="also write the report here")
    ev.add_argument("--save-images", type=Path, default=None, help="quality: also keep the images (.npz)")
    ev.add_argument("--out", type=Path, default=Path("docs/images/builtin-contact-sheet.png"), help="sheet: the PNG")
    # --- eval safety (issue 7) ---
    ev.add_argument("--set", type=Path, action="append", default=[], dest="sets", metavar="FILE",
                    help="safety: a JSON Lines prompt set (repeatable; default: the project's sets)")  # fmt: skip
    ev.add_argument("--split", choices=["dev", "test"], default="test", help="safety: which split of our own sets")
    ev.add_argument("--limit", type=int, default=None, help="at most this many prompts (per set, for safety)")
    ev.add_argument("--policy", type=Path, default=None, help="safety: policy folder (default: the shipped one)")
    ev.add_argument("--no-embedding", action="store_true", help="safety: lexical layers only")
    ev.add_argument("--threads", type=int, default=1, help="safety: torch threads for the embedding (default 1)")
    # --- end eval safety ---
    ev.set_defaults(handler=_eval)

    bench = commands.add_parser("bench", help="measure the engine on this machine")
    bench.add_argument("what", choices=["engine", "generate", "unet", "queue", "watermark"],
                       help="engine: batching on this machine; generate: one request's latency; unet: cost per row "
                            "by batch size; queue: the lane policy; watermark: recovery and PSNR")  # fmt: skip
    bench.add_argument("--model", default=None, help="registered model name or directory (default: settings)")
    bench.add_argument("--requests", type=int, default=12, help="requests per run (each of --images images)")
    bench.add_argument("--images", type=int, default=4)
    bench.add_argument("--steps", type=int, default=30)
    bench.add_argument("--max-batch", type=int, default=16, help="samples per UNet call (continuous, static)")
    bench.add_argument("--loads", default="0.5,0.8", help="arrival rates as fractions of sequential capacity")
    bench.add_argument("--json", type=Path, default=None, help="also write the figures here")
    bench.set_defaults(handler=_bench)

    # --- queue worker (issue 5) ---
    work = commands.add_parser("worker", help="claim jobs from the job store and run them")
    work.add_argument("--database-url", default=None, help="default: settings (SQLite in the data dir)")
    work.add_argument("--data-dir", type=Path, default=None, help="objects and the SQLite file (default: settings)")
    work.add_argument("--slots", type=int, default=4, help="jobs in the engine at once")
    work.add_argument("--max-batch", type=int, default=8, help="samples per UNet call")
    work.add_argument("--lease-seconds", type=float, default=None, help="default: settings (30)")
    work.add_argument("--until-idle", action="store_true", help="exit when no job is queued or running")
    work.add_argument("--device", default=None, help="cpu, cuda, cuda:N (default from settings)")
    work.add_argument("--dtype", default=None, choices=["float32", "float16", "bfloat16"])
    work.set_defaults(handler=_worker)
    # --- end queue worker ---
    # --- verify and bench watermark (issue 8) ---
    bench.add_argument("--samples", type=int, default=200, help="watermark: images to measure (default 200)")
    ver = commands.add_parser("verify", help="check an image's invisible watermark and C2PA manifest")
    ver.add_argument("file", type=Path)
    ver.add_argument("--trust", type=Path, default=None,
                     help="trust anchors (PEM), e.g. data/c2pa/root.pem (default: c2pa_trust_anchors)")  # fmt: skip
    ver.add_argument("--json", action="store_true", help="print the report as JSON")
    ver.set_defaults(handler=_verify)
    # --- end verify and bench watermark ---
    # --- capacity plan (issue 10) ---
    pl = commands.add_parser("plan", help="fleet size, $/image and $/month from measured device-seconds per image")
    pl.add_argument("--qps", type=float, required=True, help="requests per second at peak")
    pl.add_argument("--steps", type=int, required=True, help="denoising steps per image")
    pl.add_argument("--cache-hit", type=float, default=0.0, help="fraction of requests served from cache (0..1)")
    pl.add_argument("--headroom", type=float, default=None, help="spare capacity over the peak (default 0.3)")
    pl.add_argument("--price", type=float, default=None, help="$ per device-hour (default: device_price_per_hour)")
    pl.add_argument("--images", type=int, default=1, help="images per request (default 1)")
    pl.add_argument("--bench", type=Path, default=None, help="the JSON of `muralist bench engine --json FILE`")
    pl.add_argument("--device-seconds", type=float, default=None, help="device-seconds per image, if not --bench")
    pl.add_argument("--at-steps", type=int, default=None, help="steps it was measured at (default --steps)")
    pl.add_argument("--json", action="store_true", help="print the plan as JSON")
    pl.set_defaults(handler=_plan)
    # --- end capacity plan ---
    # --- serve and tenants (issue 6) ---
    srv = commands.add_parser("serve", help="the HTTP API (native + OpenAI Images API) with a worker in-process")
    srv.add_argument("--host", default=None, help="default: settings (127.0.0.1)")
    srv.add_argument("--port", type=int, default=None, help="default: settings (8000)")
    srv.add_argument("--data-dir", type=Path, default=None, help="database, objects, secrets (default: settings)")
    srv.add_argument("--database-url", default=None, help="default: SQLite in the data dir")
    srv.add_argument("--no-worker", action="store_true", help="API only; run `muralist worker` processes instead")
    srv.set_defaults(handler=_serve)
    ten = commands.add_parser("tenants", help="create and list tenants, change tiers, revoke keys")
    ten_commands = ten.add_subparsers(dest="tenants_command", required=True, metavar="ACTION")
    ten_create = ten_commands.add_parser("create", help="a new tenant; prints its API key (shown once) last")
    ten_create.add_argument("name")
    ten_create.add_argument("--tier", choices=["free", "paid", "pro"], required=True)
    ten_create.add_argument("--admin", action="store_true", help="may moderate held images")
    ten_list = ten_commands.add_parser("list", help="tenants, tiers and live keys")
    ten_tier = ten_commands.add_parser("set-tier", help="move a tenant to another tier")
    ten_tier.add_argument("name")
    ten_tier.add_argument("tier", choices=["free", "paid", "pro"])
    ten_revoke = ten_commands.add_parser("revoke-key", help="revoke one key (give the key) or all of a tenant's")
    ten_revoke.add_argument("name_or_key", help="a key (mur_…) revokes that key; a tenant name revokes all its keys")
    ten_revoke.add_argument("--new-key", action="store_true", help="then issue the tenant a new key, printed last")
    for sub in (ten_create, ten_list, ten_tier, ten_revoke):
        sub.add_argument("--data-dir", type=Path, default=None, help="default: settings")
        sub.add_argument("--database-url", default=None, help="default: SQLite in the data dir")
        sub.set_defaults(handler=_tenants)
    # --- end serve and tenants ---
    return parser


def _sampler(name: str) -> Sampler:
    try:
        return parse_sampler(name)
    except UserError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _generate(args: argparse.Namespace) -> int:
    from muralist.config import load_settings

    overrides = {
        k: v for k, v in (("device", args.device), ("dtype", args.dtype), ("data_dir", args.data_dir)) if v is not None
    }
    settings = load_settings(**overrides)

    init = mask = None
    if args.init is not None:
        init = _read_image(args.init, "init image")
    if args.mask is not None:
        if init is None:
            raise UserError("--mask needs --init: the mask says which part of the init image to redraw")
        mask = _read_image(args.mask, "mask")
        if mask.size != init.size:
            raise UserError(
                f"the mask is {mask.size[0]}x{mask.size[1]} but the init image is {init.size[0]}x{init.size[1]}"
            )
    if args.strength is not None and init is None:
        raise UserError("--strength needs --init (it says how much of the init image to redraw)")
    if args.steps < 1:
        raise UserError(f"--steps must be at least 1, got {args.steps}")

    # Load the model only once the cheap checks have passed.
    from muralist.models.registry import load_configured

    model_name = args.model or settings.default_model
    model = load_configured(model_name, settings)
    kind = Kind.TXT2IMG if init is None else Kind.INPAINT if mask is not None else Kind.IMG2IMG
    width = args.width or (init.size[0] if init is not None else model.default_size)
    height = args.height or (init.size[1] if init is not None else model.default_size)
    strength = args.strength
    if strength is None and kind != Kind.TXT2IMG:
        strength = 1.0 if kind == Kind.INPAINT else 0.8  # diffusers' defaults
    seed = args.seed if args.seed is not None else secrets.randbelow(MAX_SEED - MAX_IMAGES)
    if args.seed is None:
        print(f"seed: {seed}", file=sys.stderr)
    read_as = model.text_encoder.read(args.prompt)
    if read_as != args.prompt:
        print(f"the model knows a closed vocabulary and reads the prompt as: {read_as}", file=sys.stderr)
    params = GenerationParams(
        prompt=args.prompt,
        negative_prompt=args.negative,
        model=model_name,
        seed=seed,
        n=args.n,
        width=width,
        height=height,
        steps=args.steps,
        sampler=args.sampler,
        guidance_scale=args.guidance,
        eta=args.eta,
        kind=kind,
        strength=strength,
        init_image=_file_digest(args.init) if args.init else None,
        mask=_file_digest(args.mask) if args.mask else None,
    )
    store = LocalStore(settings.data_dir / "objects") if settings.checkpoint_every else None
    return _run(model, params, init, mask, args.out, args.progress, store, settings.checkpoint_every)


def _train(args: argparse.Namespace) -> int:
    import importlib

    importlib.import_module(f"muralist.train.{args.what}").main(args.rest)
    return 0


def _eval(args: argparse.Namespace) -> int:
    if args.what == "safety":
        return _eval_safety(args)
    if args.what == "sheet":
        return _eval_sheet(args)
    from muralist.eval.run_quality import run_quality

    model = _load_named_model(args.model)
    report = run_quality(model, args.prompts, args.steps, args.guidance, args.sampler, args.seed, args.paraphrase,
                         args.oracle, args.limit, args.save_images)  # fmt: skip
    text = json.dumps(report, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


def _eval_sheet(args: argparse.Namespace) -> int:
    from muralist.eval.contact_sheet import write_sheet
    from muralist.finishing.upscale import load_upscaler

    model = _load_named_model(args.model)
    upscaler = load_upscaler(model.directory / "upscaler") if (model.directory / "upscaler").is_dir() else None
    print(write_sheet(model, args.out, upscaler))
    return 0


# --- eval safety (issue 7) ---
def _eval_safety(args: argparse.Namespace) -> int:
    from muralist.eval.safety import format_report, run_safety_eval

    report = run_safety_eval(args.sets, args.split, args.limit, args.policy, not args.no_embedding, args.threads)
    print(format_report(report))
    load = report["load_average_1min"]
    print(f"policy {report['policy_version']}; load average {load['before']:.2f} -> {load['after']:.2f}"
          f" on {load['cpus']} CPUs")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(report, indent=2) + "\n")
    return 0


# --- end eval safety ---


def _load_named_model(name: str | None) -> Model:
    from muralist.config import load_settings
    from muralist.models.registry import load_configured

    settings = load_settings()
    return load_configured(name or settings.default_model, settings)


def _bench(args: argparse.Namespace) -> int:
    from muralist.engine.bench import run_bench

    if args.what == "queue":
        return _bench_queue(args)
    if args.what == "watermark":
        return _bench_watermark(args)
    if args.what == "generate":
        return _bench_generate(args)
    if args.what == "unet":
        return _bench_unet(args)
    try:
        loads = tuple(float(x) for x in args.loads.split(","))
    except ValueError:
        raise UserError(f"--loads must be comma-separated numbers, got {args.loads!r}") from None
    model = _load_named_model(args.model)
    figures = run_bench(model, args.requests, loads, args.steps, args.images, args.max_batch)
    text = json.dumps(figures, indent=2)
    print(text)
    _remember_bench(text)  # `muralist plan` reads it (issue 10)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


def _bench_unet(args: argparse.Namespace) -> int:
    from muralist.engine.bench_unet import bench_unet

    text = json.dumps(bench_unet(_load_named_model(args.model)), indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


def _bench_generate(args: argparse.Namespace) -> int:
    from muralist.engine.bench_generate import bench_generate
    from muralist.finishing.upscale import load_upscaler

    model = _load_named_model(args.model)
    upscaler = load_upscaler(model.directory / "upscaler") if (model.directory / "upscaler").is_dir() else None
    figures = bench_generate(model, upscaler, args.images, args.steps)
    text = json.dumps(figures, indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


# --- queue worker and bench (issue 5) ---
def _worker(args: argparse.Namespace) -> int:
    import signal

    from muralist.config import load_settings
    from muralist.engine.worker import Worker
    from muralist.models.registry import load_configured
    from muralist.queue.db import database_url
    from muralist.queue.lanes import LaneConfig
    from muralist.queue.store import JobStore

    overrides = {k: v for k, v in (("device", args.device), ("dtype", args.dtype), ("data_dir", args.data_dir),
                                   ("database_url", args.database_url), ("lease_seconds", args.lease_seconds))
                 if v is not None}  # fmt: skip
    settings = load_settings(**overrides)
    lane_config = LaneConfig.from_settings(settings.lane_weights, settings.promote_free_after_s,
                                           settings.tenant_running_cap)  # fmt: skip
    store = JobStore.open(database_url(settings.database_url, settings.data_dir), lane_config=lane_config,
                          lease_s=settings.lease_seconds, max_attempts=settings.max_attempts)  # fmt: skip

    def load(name: str) -> Model:
        return load_configured(name, settings)

    # Safety post-filter, watermark and C2PA, as in `muralist serve` (issue 6): the same store, the same images.
    from muralist.engine.worker import Finishing
    from muralist.finishing.finish import identity_from_settings
    from muralist.safety.image_filter import screen_image
    from muralist.storage.objects import open_store

    finishing = Finishing(identity_from_settings(settings), screen_image, settings.png_prompt)
    worker = Worker(store, open_store(settings), load, slots=args.slots, max_batch=args.max_batch,
                    checkpoint_every=settings.checkpoint_every, finishing=finishing, previews=True)  # fmt: skip
    signal.signal(signal.SIGTERM, worker.stop)
    signal.signal(signal.SIGINT, worker.stop)
    from muralist.observability.wiring import observe_worker  # logs, cost, queue depth, /metrics (issue 10)

    observe_worker(worker, store, settings)
    done = worker.run(until_idle=args.until_idle)
    print(f"worker {worker.worker_id}: {done} job(s) completed", file=sys.stderr)
    return 0


def _bench_queue(args: argparse.Namespace) -> int:
    from muralist.queue.bench import format_table, run_queue_bench

    figures = run_queue_bench()
    print(format_table(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


# --- end queue worker and bench ---


# --- verify and bench watermark (issue 8) ---
def _verify(args: argparse.Namespace) -> int:
    """Exit 0 when the C2PA manifest validates, 1 when it is missing or invalid."""
    from muralist.config import load_settings
    from muralist.finishing.verify import as_dict, render, verify_bytes

    trust = args.trust or load_settings().c2pa_trust_anchors
    if trust is not None and not trust.is_file():
        raise UserError(f"trust anchors {trust} is not a file (expected PEM certificates)")
    if not args.file.is_file():
        raise UserError(f"cannot verify {args.file}: no such file")
    report = verify_bytes(args.file.read_bytes(), str(args.file), trust.read_bytes() if trust else None)
    print(json.dumps(as_dict(report), indent=2) if args.json else render(report))
    return 0 if report.ok() else EXIT_FAILED


def _bench_watermark(args: argparse.Namespace) -> int:
    from muralist.finishing.bench_watermark import run_watermark_bench

    if args.samples < 1:
        raise UserError(f"--samples must be at least 1, got {args.samples}")
    text = json.dumps(run_watermark_bench(args.samples), indent=2)
    print(text)
    if args.json:
        args.json.write_text(text + "\n")
    return 0


# --- end verify and bench watermark ---


# --- capacity plan (issue 10) ---
def _plan(args: argparse.Namespace) -> int:
    from muralist.config import load_settings
    from muralist.plan import DEFAULT_HEADROOM, PlanInput, from_bench, given, plan

    if args.bench is not None and args.device_seconds is not None:
        raise UserError("give the device-seconds per image one way: --bench FILE or --device-seconds D, not both")
    if args.bench is None and args.device_seconds is None:
        args.bench = _bench_file()
        if not args.bench.is_file():
            raise UserError(
                f"no measurement: run `muralist bench engine` on the target device first (it saves {args.bench}), "
                "or give --bench FILE or --device-seconds D [--at-steps N]"
            )
    if args.bench is not None:
        if not args.bench.is_file():
            raise UserError(f"--bench {args.bench}: no such file (write it with `muralist bench engine --json FILE`)")
        try:
            measured = from_bench(json.loads(args.bench.read_text()))
        except json.JSONDecodeError as exc:
            raise UserError(f"--bench {args.bench} is not JSON: {exc}") from None
    else:
        measured = given(args.device_seconds, args.at_steps or args.steps)
    price = args.price if args.price is not None else load_settings().device_price_per_hour
    headroom = DEFAULT_HEADROOM if args.headroom is None else args.headroom
    result = plan(PlanInput(args.qps, args.steps, measured, args.images, args.cache_hit, headroom, price))
    if args.json:
        print(json.dumps({k: v for k, v in result.__dict__.items()}, indent=2))
    else:
        print("\n".join(result.lines))
    return 0


def _bench_file() -> Path:
    from muralist.config import load_settings

    return load_settings().data_dir / "bench" / "engine.json"


def _remember_bench(text: str) -> None:
    """Keep the newest `bench engine` figures where `muralist plan` looks by default."""
    path = _bench_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, (text + "\n").encode())


# --- end capacity plan ---


# --- serve and tenants (issue 6) ---
def _settings_from(args: argparse.Namespace, **more: object) -> Settings:
    from muralist.config import load_settings

    pairs = {"data_dir": args.data_dir, "database_url": args.database_url, **more}
    return load_settings(**{k: v for k, v in pairs.items() if v is not None})


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from muralist.api.app import create_app
    from muralist.queue.db import database_url
    from muralist.queue.store import JobStore
    from muralist.queue.tenants import add_api_key, create_tenant, list_tenants
    from muralist.types import Tier

    settings = _settings_from(args, host=args.host, port=args.port)
    store = JobStore.open(database_url(settings.database_url, settings.data_dir))
    key = None
    if not list_tenants(store.engine):  # a fresh database: a local Pro tenant to start with
        key = add_api_key(store.engine, create_tenant(store.engine, "local", Tier.PRO, admin=True))
        print("muralist: created tenant 'local' (pro, admin); its API key is shown this once:", file=sys.stderr)
        print(key, file=sys.stderr)
    store.engine.dispose()
    app = create_app(settings, run_worker=not args.no_worker)
    url = f"http://{settings.host}:{settings.port}"
    ready = f"muralist: ready at {url}/" + (
        f"#key={key}" if key else "  (keys: muralist tenants create NAME --tier pro)"
    )

    class Server(uvicorn.Server):
        async def startup(self, sockets: Any = None) -> None:
            await super().startup(sockets)
            if self.started:
                print(ready, file=sys.stderr, flush=True)
                print(f"muralist: API {url}/docs, OpenAI-compatible base_url {url}/v1", file=sys.stderr, flush=True)

    Server(uvicorn.Config(app, host=settings.host, port=settings.port, log_level="warning")).run()
    return 0


def _tenants(args: argparse.Namespace) -> int:
    from muralist.queue import tenants
    from muralist.queue.db import connect, database_url, migrate
    from muralist.types import Tier

    settings = _settings_from(args)
    engine = connect(database_url(settings.database_url, settings.data_dir))
    migrate(engine)
    action = args.tenants_command
    if action == "create":
        tenant_id = tenants.create_tenant(engine, args.name, Tier(args.tier), admin=args.admin)
        print(f"created tenant {args.name!r} ({args.tier}{', admin' if args.admin else ''}), id {tenant_id}")
        print("its API key, shown this once:")
        print(tenants.add_api_key(engine, tenant_id))
    elif action == "list":
        print(f"{'name':<24} {'tier':<5} {'admin':<5} {'keys':>4}  id")
        for t in tenants.list_tenants(engine):
            print(f"{t.name:<24} {t.tier.value:<5} {'yes' if t.admin else 'no':<5} {t.active_keys:>4}  {t.id}")
    elif action == "set-tier":
        tenants.set_tier(engine, tenants.tenant_id_by_name(engine, args.name), Tier(args.tier))
        print(f"tenant {args.name!r} is now {args.tier}")
    elif args.name_or_key.startswith("mur_"):
        if args.new_key:
            raise UserError("--new-key goes with a tenant name, not a key")
        if not tenants.revoke_key(engine, args.name_or_key):
            raise UserError("that key is unknown or already revoked")
        print("revoked 1 key")
    else:
        tenant_id = tenants.tenant_id_by_name(engine, args.name_or_key)
        print(f"revoked {tenants.revoke_keys(engine, tenant_id)} key(s) of tenant {args.name_or_key!r}")
        if args.new_key:
            print("its new API key, shown this once:")
            print(tenants.add_api_key(engine, tenant_id))
    return 0


# --- end serve and tenants ---


def _run(
    model: Model,
    params: GenerationParams,
    init: Image.Image | None,
    mask: Image.Image | None,
    out: Path,
    progress: str,
    store: ObjectStore | None,
    checkpoint_every: int,
) -> int:
    from muralist.engine.pipeline import generate
    from muralist.finishing.metadata import png_bytes

    with ProgressBar(params, progress) as on_progress:
        results = generate(model, params, init, mask, on_progress, store, checkpoint_every)
    out.mkdir(parents=True, exist_ok=True)
    status = 0
    for result in results:
        if result.pixels is None:
            print(
                f"muralist: image {result.index} (seed {result.params.seed}) failed: {result.error}",
                file=sys.stderr,
            )
            status = EXIT_FAILED
            continue
        metadata = {
            "params": result.params.to_dict(),
            "request_seed": params.seed,
            "index": result.index,
            "muralist": __version__,
        }
        path = out / f"{result.params.seed}-{result.params.digest()[:12]}.png"
        _write_atomic(path, png_bytes(result.pixels, metadata))
        print(path)
    return status


class ProgressBar:
    """Steps on stderr: a tqdm bar on a terminal ("auto"), JSON lines ("json"), or nothing."""

    def __init__(self, params: GenerationParams, mode: str = "auto"):
        self.params = params
        self.mode = mode
        self.bar = None

    def __enter__(self) -> Callable[[Progress], None]:
        from tqdm import tqdm

        if self.mode == "auto" and sys.stderr.isatty():
            label = f"{self.params.n} image{'s' if self.params.n > 1 else ''}"
            self.bar = tqdm(total=None, desc=label, unit="step", file=sys.stderr)
        return self.update

    def update(self, progress: Progress) -> None:
        if progress.resumed:
            print(f"resumed from the checkpoint at step {progress.step} of {progress.total}", file=sys.stderr)
        if self.mode == "json":
            record = {"step": progress.step, "total": progress.total, "resumed": progress.resumed}
            print(json.dumps(record), file=sys.stderr, flush=True)
        elif self.bar is not None:
            self.bar.total = progress.total
            self.bar.n = progress.step
            self.bar.refresh()

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()


def _read_image(path: Path, what: str) -> Image.Image:
    try:
        with Image.open(path) as image:
            image.load()
            return image.copy()
    except FileNotFoundError:
        raise UserError(f"cannot read the {what} {path}: no such file") from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise UserError(f"cannot read the {what} {path}: {exc}") from None


def _file_digest(path: Path) -> str:
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
