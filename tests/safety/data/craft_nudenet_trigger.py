"""How crafted_nudenet_trigger.png was made: a black-box search against NudeNet's own detector.

No photograph can ship with the tests, yet the image post-filter must be proven with a real NudeNet
call that fires. So a 16x16 colour field, upsampled to the detector's 320x320 input, is tuned by
natural evolution strategies (Wierstra et al. 2014; antithetic sampling, 12 pairs, sigma 0.08) to
raise the detector's best score for FEMALE_BREAST_EXPOSED. About 40 iterations (a minute on one
CPU core) reach 0.70; the result is an abstract pattern, not a picture of anything.

    .venv/bin/python tests/safety/data/craft_nudenet_trigger.py  # rewrites the PNG
"""

from __future__ import annotations

from pathlib import Path

import cv2
import nudenet
import numpy as np
import onnxruntime
from PIL import Image

LABEL_INDEX = 3  # FEMALE_BREAST_EXPOSED in NudeNet 3.4's label list
GRID, SIGMA, LR, PAIRS, TARGET = 16, 0.08, 0.05, 12, 0.7


def main() -> None:
    session = onnxruntime.InferenceSession(str(Path(nudenet.__file__).parent / "320n.onnx"))
    name = session.get_inputs()[0].name

    def render(theta: np.ndarray) -> np.ndarray:  # [3, G, G] in 0..1 → [3, 320, 320]
        image = cv2.resize(np.clip(theta, 0, 1).transpose(1, 2, 0), (320, 320), interpolation=cv2.INTER_CUBIC)
        return np.clip(image, 0, 1).transpose(2, 0, 1)

    def score(batch: np.ndarray) -> np.ndarray:
        return session.run(None, {name: batch.astype(np.float32)})[0][:, 4 + LABEL_INDEX, :].max(1)

    rng = np.random.default_rng(0)
    theta = rng.uniform(0.3, 0.7, size=(3, GRID, GRID))
    best, best_theta = 0.0, theta
    for step in range(400):
        eps = rng.normal(size=(PAIRS, 3, GRID, GRID))
        s = score(np.stack([render(c) for c in np.concatenate([theta + SIGMA * eps, theta - SIGMA * eps])]))
        theta = np.clip(
            theta + LR / (2 * PAIRS * SIGMA) * ((s[:PAIRS] - s[PAIRS:])[:, None, None, None] * eps).sum(0), 0, 1
        )
        current = float(score(render(theta)[None])[0])
        if current > best:
            best, best_theta = current, theta
        print(f"step {step}: {current:.3f}", flush=True)
        if best > TARGET:
            break
    rgb = (render(best_theta).transpose(1, 2, 0) * 255).round().astype(np.uint8)
    Image.fromarray(rgb).save(Path(__file__).with_name("crafted_nudenet_trigger.png"), optimize=True)


if __name__ == "__main__":
    main()
