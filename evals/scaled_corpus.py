"""A scaled corpus for the benchmark: per-municipality copies of the real PDFs.

Each copy renames every place (municipality, region) to an invented one and changes the
amounts (numbers of 3+ digits, not years), directly inside the PDFs' text strings, so the
layout, headings and tables stay those of the original and pypdf reads the same structure.
Bytes and text differ per copy, so nothing collapses into an alias. The manifest gets one
entry per copy with the renamed title, places and region.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

# ASCII place names of the corpus, longest first where one contains another. Parts joined by
# hyphens ("Zuid-Kennemerland") follow their named part.
PLACES = [
    "Gooi en Vechtstreek",
    "Dijk en Waard",
    "Gooise Meren",
    "Haarlemmermeer",
    "Kennemerland",
    "Heerhugowaard",
    "Bloemendaal",
    "Wijdemeren",
    "Hilversum",
    "Heemskerk",
    "Beverwijk",
    "Heemstede",
    "Zandvoort",
    "Blaricum",
    "Langedijk",
    "Alkmaar",
    "Haarlem",
    "Eemnes",
    "Velsen",
    "Huizen",
    "Laren",
    "IJmond",
]
_HEAD = [
    "Vel",
    "Hol",
    "Wes",
    "Ber",
    "Dor",
    "Mar",
    "Lin",
    "Ros",
    "Zel",
    "Kra",
    "Bre",
    "Ool",
    "Ter",
    "Ald",
    "Num",
    "Hav",
    "Sle",
    "Tol",
    "Wer",
    "Gra",
    "Fle",
    "Dun",
    "Rij",
    "Osk",
]
_MID = ["", "en", "er", "el", "ing", "s", "ter", "ke"]
_TAIL = [
    "dam",
    "dijk",
    "veen",
    "horst",
    "hoven",
    "broek",
    "wijk",
    "meer",
    "zand",
    "wolde",
    "rade",
    "lo",
    "gum",
    "sum",
    "erk",
    "um",
    "hout",
    "laar",
    "stede",
    "beek",
]

# Inside a PDF literal string: amounts like 6.820, 25.000 or 1234 (not a year, not an octal escape).
_AMOUNT = re.compile(rb"(?<![\d.,\\])(?:\d{1,3}(?:\.\d{3})+|\d{3,})(?![\d])")
_LITERAL = re.compile(rb"\((?:[^\\()]|\\.)*\)", re.DOTALL)


@dataclass
class CopyPlan:
    """How copy ``n`` renames places: original phrase → invented phrase (same number of words)."""

    n: int
    names: dict[str, str]

    def rename(self, text: str) -> str:
        return _replace_all(text, self.names)

    def rename_slug(self, slug: str) -> str:
        return _replace_all(slug, {_slug(k): _slug(v) for k, v in self.names.items()})


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _replace_all(text: str, mapping: dict[str, str]) -> str:
    if not mapping:
        return text
    keys = sorted(mapping, key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keys) + r")\b")
    return pattern.sub(lambda m: mapping[m.group(0)], text)


def invented_words(taken: set[str]) -> Callable[[], str]:
    """A generator of place-like words that occur nowhere in the corpus and never twice."""
    state = {"i": 0}

    def next_word() -> str:
        while True:
            i = state["i"]
            state["i"] += 1
            word = _HEAD[i % len(_HEAD)] + _MID[(i // len(_HEAD)) % len(_MID)]
            word += _TAIL[(i // (len(_HEAD) * len(_MID))) % len(_TAIL)]
            if i >= len(_HEAD) * len(_MID) * len(_TAIL):
                word += "a" * (i // (len(_HEAD) * len(_MID) * len(_TAIL)))
            if word.lower() not in taken:
                taken.add(word.lower())
                return word

    return next_word


def plan_copies(count: int, vocabulary: set[str]) -> list[CopyPlan]:
    """Copy 0 is the original; copies 1..count-1 each get their own invented places."""
    next_word = invented_words(set(vocabulary))
    plans = [CopyPlan(0, {})]
    for n in range(1, count):
        names = {}
        for place in PLACES:
            # Keep the number of words (chunk boundaries stay put) and the small connectors.
            names[place] = " ".join(w if w.islower() else next_word() for w in place.split(" "))
        plans.append(CopyPlan(n, names))
    return plans


def _vary_amount(copy: int, raw: bytes) -> bytes:
    digits = raw.replace(b".", b"")
    if len(digits) == 4 and digits[:2] in (b"19", b"20"):
        return raw  # a year: the timeline stays the document's
    h = hashlib.sha256(b"%d:" % copy + raw).digest()
    out = bytearray()
    for i, ch in enumerate(raw):
        if chr(ch).isdigit():
            d = h[i % len(h)] % 10
            out.append(ord(str(max(d, 1) if i == 0 else d)))
        else:
            out.append(ch)
    return bytes(out)


def vary_content(data: bytes, plan: CopyPlan) -> bytes:
    """Rename places and change amounts in the text strings of one content stream."""
    names = {k.encode(): v.encode() for k, v in plan.names.items()}
    name_re = re.compile(rb"\b(?:" + b"|".join(re.escape(k) for k in sorted(names, key=len, reverse=True)) + rb")\b")

    def literal(m: re.Match[bytes]) -> bytes:
        s = name_re.sub(lambda n: names[n.group(0)], m.group(0))
        return _AMOUNT.sub(lambda a: _vary_amount(plan.n, a.group(0)), s)

    return _LITERAL.sub(literal, data)


def _reference_line(data: bytes, plan: CopyPlan) -> bytes:
    """A "Kenmerk" line at the foot of page 1: a document without places or amounts (the
    national handreiking) still gets text of its own and is not taken for a duplicate."""
    font = re.search(rb"(/\S+)\s+[\d.]+\s+Tf", data)
    if font is None:
        return b""
    return b"\nBT 1 0 0 1 50 24 Tm %s 7 Tf (Kenmerk WZ-%03d) Tj ET\n" % (font.group(1), plan.n)


def write_copy(src: Path, dest: Path, plan: CopyPlan, title: str) -> int:
    reader = PdfReader(src)
    writer = PdfWriter(clone_from=reader)
    for i, page in enumerate(writer.pages):
        data = vary_content(page.get_contents().get_data(), plan)  # type: ignore[union-attr]
        if i == 0:
            data += _reference_line(data, plan)
        stream = DecodedStreamObject()
        stream.set_data(data)
        page[NameObject("/Contents")] = writer._add_object(stream)
        page.compress_content_streams()
    author = str(reader.metadata.get("/Author", "")) if reader.metadata else ""
    writer.add_metadata({"/Title": title, "/Author": plan.rename(author)})
    with dest.open("wb") as fh:
        writer.write(fh)
    return len(reader.pages)


def _rename_entry(entry: dict[str, Any], plan: CopyPlan, file: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in entry.items():
        if key == "sha256":
            continue  # the copy has its own bytes; it is found by file name
        if isinstance(value, str):
            out[key] = plan.rename(value)
        elif isinstance(value, list):
            out[key] = [plan.rename(v) if isinstance(v, str) else v for v in value]
        else:
            out[key] = value
    out["file"] = file
    return out


@dataclass
class PoolFile:
    file: str
    copy: int
    pages: int


class ScaledCorpus:
    """A folder of copies (grown on demand) with one manifest; selections by page count."""

    def __init__(self, corpus_dir: Path, pool_dir: Path) -> None:
        self.corpus_dir = corpus_dir
        self.pool_dir = pool_dir
        manifest = json.loads((corpus_dir / "manifest.json").read_text(encoding="utf-8"))
        self.originals: list[dict[str, Any]] = sorted(
            [e for e in manifest["documents"] if (corpus_dir / e["file"]).is_file()],
            key=lambda e: (int(e.get("page_count") or len(PdfReader(corpus_dir / e["file"]).pages)), e["file"]),
        )
        self.index_path = pool_dir / "pool.json"
        self.files: list[PoolFile] = []
        self.entries: list[dict[str, Any]] = []
        if self.index_path.is_file():
            saved = json.loads(self.index_path.read_text(encoding="utf-8"))
            self.files = [PoolFile(**f) for f in saved["files"]]
            self.entries = saved["entries"]

    def vocabulary(self) -> set[str]:
        words: set[str] = set()
        for e in self.originals:
            for page in PdfReader(self.corpus_dir / e["file"]).pages:
                words.update(w.lower() for w in re.findall(r"\w+", page.extract_text() or ""))
        return words

    def ensure(self, copies: int) -> None:
        """At least ``copies`` copies (copy 0 = the originals) in the pool."""
        have = max((f.copy for f in self.files), default=-1) + 1
        if have >= copies:
            return
        self.pool_dir.mkdir(parents=True, exist_ok=True)
        plans = plan_copies(copies, self.vocabulary())  # deterministic: earlier copies get the same names
        for plan in plans[have:]:
            for entry in self.originals:
                src = self.corpus_dir / entry["file"]
                if plan.n == 0:
                    name = entry["file"]
                    shutil.copyfile(src, self.pool_dir / name)
                    pages, renamed = int(entry.get("page_count") or len(PdfReader(src).pages)), dict(entry)
                else:
                    name = f"{plan.rename_slug(Path(entry['file']).stem)}-k{plan.n:03d}.pdf"
                    renamed = _rename_entry(entry, plan, name)
                    pages = write_copy(src, self.pool_dir / name, plan, str(renamed.get("title", name)))
                self.files.append(PoolFile(name, plan.n, pages))
                self.entries.append(renamed)
        (self.pool_dir / "manifest.json").write_text(
            json.dumps({"documents": self.entries}, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        self.index_path.write_text(
            json.dumps({"files": [f.__dict__ for f in self.files], "entries": self.entries}, ensure_ascii=False),
            encoding="utf-8",
        )

    def select(self, pages: int) -> list[PoolFile]:
        """Whole documents, originals first (smallest first), until ``pages`` is reached."""
        per_copy = sum(int(e.get("page_count") or 0) for e in self.originals) or 1
        self.ensure(max(1, -(-pages // per_copy)))
        chosen: list[PoolFile] = []
        total = 0
        for f in self.files:
            if total >= pages:
                break
            chosen.append(f)
            total += f.pages
        return chosen

    def inverse_names(self) -> dict[str, str]:
        """Invented phrase → original phrase, over every copy in the pool."""
        plans = plan_copies(max((f.copy for f in self.files), default=0) + 1, self.vocabulary())
        return {v: k for p in plans for k, v in p.names.items()}
