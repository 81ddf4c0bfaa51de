"""Simulated scans of real text-layer PDFs (issue 12): each page rendered at 200 dpi, rotated
±0.7°, blurred (radius 0.5), grey noise σ 8, saved as JPEG quality 60 into a PDF with no text.
Made in the tests from the real PDFs, so the OCR path is measured on real tables."""

from __future__ import annotations

import io

import numpy as np


def scan(pdf_bytes: bytes, dpi: int = 200, angle: float = 0.7, seed: int = 0) -> bytes:
    import pypdfium2 as pdfium
    from PIL import Image, ImageFilter

    rng = np.random.default_rng(seed)
    pages = []
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        for i in range(len(pdf)):
            img = pdf[i].render(scale=dpi / 72, grayscale=True).to_pil().convert("L")
            img = img.rotate(angle if i % 2 == 0 else -angle, resample=Image.BICUBIC, fillcolor=255)
            img = img.filter(ImageFilter.GaussianBlur(0.5))
            noisy = np.asarray(img, dtype=np.float32) + rng.normal(0, 8, (img.height, img.width))
            img = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8))
            buf = io.BytesIO()
            img.save(buf, "JPEG", quality=60)
            pages.append(Image.open(io.BytesIO(buf.getvalue())))
    finally:
        pdf.close()
    out = io.BytesIO()
    pages[0].save(out, "PDF", resolution=dpi, save_all=True, append_images=pages[1:])
    return out.getvalue()
