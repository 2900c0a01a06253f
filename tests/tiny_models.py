"""Tiny random-weight Stable Diffusion models, built in a test fixture and saved with save_pretrained.

The shapes follow diffusers' own pipeline tests (UNet2DConditionModel with 4/8 channels, a two-block
AutoencoderKL, a 3-layer CLIPTextModel). The CLIP tokenizer's byte-level BPE vocabulary is written
here too, so nothing is downloaded.
"""

from __future__ import annotations

import json
from pathlib import Path

import torch

# SD 1.5's scheduler/scheduler_config.json, key for key. It names no timestep_spacing, so each
# diffusers scheduler falls back to its own default (DDIM: leading; Euler, DPM-Solver: linspace).
SD15_SCHEDULER = {
    "_class_name": "PNDMScheduler",
    "_diffusers_version": "0.6.0",
    "beta_end": 0.012,
    "beta_schedule": "scaled_linear",
    "beta_start": 0.00085,
    "num_train_timesteps": 1000,
    "set_alpha_to_one": False,
    "skip_prk_steps": True,
    "steps_offset": 1,
    "trained_betas": None,
    "clip_sample": False,
}


def _bytes_to_unicode() -> list[str]:
    """GPT-2's reversible byte → printable character table, as CLIP's tokenizer uses."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def clip_tokenizer():  # noqa: ANN201 - a transformers.CLIPTokenizer
    """A small but real CLIP BPE tokenizer: every byte, a few merges, the two special tokens."""
    import tempfile

    from transformers import CLIPTokenizer

    chars = _bytes_to_unicode()
    merges = [("a", "t</w>"), ("c", "at</w>"), ("r", "e"), ("o", "g</w>"), ("t", "h"), ("th", "e</w>")]
    vocab: dict[str, int] = {}
    for token in chars + [c + "</w>" for c in chars] + ["".join(m) for m in merges]:
        vocab.setdefault(token, len(vocab))
    vocab["<|startoftext|>"] = len(vocab)
    vocab["<|endoftext|>"] = len(vocab)
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp)
        (raw / "vocab.json").write_text(json.dumps(vocab))
        (raw / "merges.txt").write_text("#version: 0.2\n" + "\n".join(f"{a} {b}" for a, b in merges) + "\n")
        return CLIPTokenizer(str(raw / "vocab.json"), str(raw / "merges.txt"), model_max_length=77)


def build_tiny_sd(
    directory: Path,
    scheduler_config: dict | None = None,
    seed: int = 0,
    sample_size: int = 16,
    output_gain: float = 5.0,
) -> Path:
    """Save a tiny random SD 1.x-layout pipeline to `directory` and return it.

    `output_gain` scales the UNet's last layer: a freshly initialised UNet predicts so little that
    every deterministic sampler lands on nearly the same image; a stronger prediction makes their
    trajectories, and so any mix-up between them, visible in the pixels.
    """
    from diffusers import AutoencoderKL, DDIMScheduler, StableDiffusionPipeline, UNet2DConditionModel
    from transformers import CLIPTextConfig, CLIPTextModel

    torch.manual_seed(seed)
    unet = UNet2DConditionModel(
        block_out_channels=(4, 8),
        layers_per_block=1,
        sample_size=sample_size,
        in_channels=4,
        out_channels=4,
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"),
        up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=32,
        norm_num_groups=2,
    )
    with torch.no_grad():
        unet.conv_out.weight.mul_(output_gain)
        unet.conv_out.bias.mul_(output_gain)
    vae = AutoencoderKL(
        block_out_channels=[4, 8],
        in_channels=3,
        out_channels=3,
        down_block_types=["DownEncoderBlock2D", "DownEncoderBlock2D"],
        up_block_types=["UpDecoderBlock2D", "UpDecoderBlock2D"],
        latent_channels=4,
        norm_num_groups=2,
    )
    text_config = CLIPTextConfig(
        bos_token_id=0,
        eos_token_id=2,
        hidden_size=32,
        intermediate_size=64,
        layer_norm_eps=1e-05,
        num_attention_heads=4,
        num_hidden_layers=3,
        pad_token_id=1,
        vocab_size=1000,
    )
    text_encoder = CLIPTextModel(text_config)
    tokenizer = clip_tokenizer()
    config = scheduler_config or SD15_SCHEDULER
    scheduler = DDIMScheduler.from_config(config)
    pipe = StableDiffusionPipeline(
        unet=unet,
        vae=vae,
        text_encoder=text_encoder,
        tokenizer=tokenizer,
        scheduler=scheduler,
        safety_checker=None,
        feature_extractor=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(directory)
    # Keep the config exactly as given (save_pretrained would add every DDIM default).
    (directory / "scheduler" / "scheduler_config.json").write_text(json.dumps(config, indent=2))
    return directory
