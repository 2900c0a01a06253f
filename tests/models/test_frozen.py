"""The frozen (TorchScript) UNet gives the eager UNet's numbers, for any batch, and falls back when it must."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch

from muralist.engine.pipeline import generate
from muralist.models.frozen import FrozenUNet
from muralist.models.loading import load_model
from muralist.types import GenerationParams, Sampler


def _inputs(model, batch: int, seed: int = 0):  # noqa: ANN001, ANN202
    g = torch.Generator().manual_seed(seed)
    size = model.unet.config.sample_size
    x = torch.randn(batch, model.latent_channels, size, size, generator=g)
    t = torch.randint(0, 1000, (batch,), generator=g)
    text = model.text_encoder(["a red cube"] * batch)
    return x, t, text


def test_frozen_unet_matches_eager_for_every_batch_size(tiny_sd: Path) -> None:
    eager = load_model(tiny_sd, "tiny")
    frozen = FrozenUNet(eager.unet)
    for batch in (3, 1, 8):  # traced once on the first call (batch 3), then reused
        x, t, text = _inputs(eager, batch, seed=batch)
        want = eager.unet(x, t, encoder_hidden_states=text, return_dict=False)[0]
        got = frozen(x, t, encoder_hidden_states=text, return_dict=False)[0]
        assert got.shape == want.shape
        assert torch.allclose(got, want, atol=1e-4), (batch, (got - want).abs().max())
    assert len(frozen._graphs) == 1
    assert frozen.config.sample_size == eager.unet.config.sample_size  # the rest is the UNet's


def test_a_text_mask_goes_to_the_eager_unet(tiny_sd: Path) -> None:
    eager = load_model(tiny_sd, "tiny")
    frozen = FrozenUNet(eager.unet)
    x, t, text = _inputs(eager, 2)
    mask = torch.ones(2, text.shape[1])
    mask[1, 3:] = 0
    want = eager.unet(x, t, encoder_hidden_states=text, encoder_attention_mask=mask).sample
    got = frozen(x, t, encoder_hidden_states=text, encoder_attention_mask=mask).sample
    assert torch.equal(got, want)
    assert not frozen._graphs


def test_generate_with_a_frozen_unet_gives_the_same_images(tiny_sd: Path) -> None:
    params = GenerationParams(prompt="a red cube", n=2, steps=6, sampler=Sampler.DPMPP_2M, guidance_scale=6.0,
                              seed=11, model="tiny", width=64, height=64)  # fmt: skip
    eager = generate(load_model(tiny_sd, "tiny"), params)
    frozen = generate(load_model(tiny_sd, "tiny", freeze=True), params)
    for a, b in zip(eager, frozen, strict=True):
        assert a.pixels is not None and b.pixels is not None
        assert np.abs(a.pixels.astype(int) - b.pixels.astype(int)).max() <= 1
