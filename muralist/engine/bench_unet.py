"""`muralist bench unet`: what one UNet row costs at each batch size, eager and frozen.

Continuous batching can only raise throughput as far as a bigger batch lowers the cost of a row.
A 4-image request with classifier-free guidance is already a batch of 8 rows, so the ceiling on
its gain from batching is cost per row at 8 / cost per row at the largest batch. This measures
both UNet modes on this machine, after two warm-up calls per size.
"""

from __future__ import annotations

import time
from typing import Any

import torch

from muralist.models.frozen import FrozenUNet
from muralist.models.loading import Model

BATCHES = (1, 2, 4, 8, 16, 32)


@torch.no_grad()
def bench_unet(model: Model, batches: tuple[int, ...] = BATCHES, rows_per_size: int = 96) -> dict[str, Any]:
    eager = model.unet.unet if isinstance(model.unet, FrozenUNet) else model.unet
    modes = {"eager": eager, "frozen": FrozenUNet(eager)}
    size = int(eager.config.sample_size)
    text = model.text_encoder(["two apples left of a rocket on a purple background"])
    table: dict[str, dict[str, float]] = {}
    for batch in batches:
        x = torch.randn(batch, model.latent_channels, size, size, device=model.device, dtype=model.dtype)
        t = torch.full((batch,), 500, device=model.device)
        emb = text.expand(batch, -1, -1).contiguous().to(model.device, model.dtype)
        calls = max(3, rows_per_size // batch)
        row: dict[str, float] = {}
        for name, unet in modes.items():
            for _ in range(2):
                unet(x, t, encoder_hidden_states=emb, return_dict=False)
            started = time.perf_counter()
            for _ in range(calls):
                unet(x, t, encoder_hidden_states=emb, return_dict=False)
            call_ms = (time.perf_counter() - started) / calls * 1000
            row[f"{name}_call_ms"] = round(call_ms, 2)
            row[f"{name}_ms_per_row"] = round(call_ms / batch, 2)
        table[str(batch)] = row
    per_row_at_8 = table["8"]["frozen_ms_per_row"] if "8" in table else None
    best = min(r["frozen_ms_per_row"] for r in table.values())
    return {
        "model": model.name,
        "latent": [model.latent_channels, size, size],
        "threads": torch.get_num_threads(),
        "batches": table,
        # A 4-image request with guidance is 8 rows: batching can make it at most this much cheaper.
        "batching_ceiling_vs_one_request": None if per_row_at_8 is None else round(per_row_at_8 / best, 2),
    }
