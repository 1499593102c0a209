"""JSQuAD's test split as citebot question sets in the dev format (../shared/eval/dev/README.md).

    python benchmarks/jsquad.py --part fit|measure --out DIR [--max-questions N] [--seed S] [--force]
                                [--exclude OTHER/questions.jsonl]

writes DIR/corpus/*.txt (plain news files) and DIR/questions.jsonl, for
`citebot eval DIR/questions.jsonl --corpus DIR/corpus` or benchmarks/quality.py.

Data: JSQuAD v1.3 (JGLUE, Yahoo Japan Corporation and Waseda University, CC BY-SA 4.0), read from
../shared/data/jsquad/ at run time and never copied into the project (see its README).

Split, by article and never by question: the 59 titles are ordered by SHA-256 of a salted title and
cut 40% fit / 40% measure / 20% off-library. Off-library articles are never indexed; their questions
are off-library unanswerables, split fit/measure by a second title hash (so by article, too).
Every indexed article leaves one paragraph (seeded per title) out of its file; that paragraph's
questions none of whose gold answers occurs in the file are on-topic unanswerables ("removed").
The kept paragraphs' questions are answerable; their evidence is the first gold answer text.
Every question carries "kind": "answerable", "removed" or "off_library".

--exclude leaves out the questions of another questions.jsonl before sampling: with the same part
and seed (so the same corpus), `--exclude FIT/questions.jsonl --max-questions 5000` gives the fit
articles' questions that a fit did not see, to check a fit on questions it was not made from.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

JSQUAD = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "jsquad" / "jsquad-v1.3-test.json"
PARTS = ("fit", "measure")
SALT = "citebot-jsquad-v1"
SHARES = (0.4, 0.4)  # fit, measure; the rest (20%) is off-library
DEFAULT_MAX = {"answerable": 300, "removed": 100, "off_library": 100}
DEFAULT_SEED = 20240601
SEP = " [SEP] "


def _hash(text: str) -> int:
    return int.from_bytes(hashlib.sha256(f"{SALT}:{text}".encode()).digest()[:8], "big")


def split_titles(titles: Sequence[str]) -> dict[str, str]:
    """title -> "fit" | "measure" | "off_library"; depends on the titles alone, never on a seed."""
    ordered = sorted(titles, key=lambda t: (_hash(t), t))
    n_fit = round(len(ordered) * SHARES[0])
    n_measure = round(len(ordered) * (SHARES[0] + SHARES[1])) - n_fit
    out = {t: "fit" for t in ordered[:n_fit]}
    out.update({t: "measure" for t in ordered[n_fit:n_fit + n_measure]})
    out.update({t: "off_library" for t in ordered[n_fit + n_measure:]})
    return out


def off_library_part(title: str) -> str:
    return PARTS[_hash("off-library:" + title) % 2]


def _squash(text: str) -> str:
    # The scorer's matching: NFKC, all whitespace removed.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def file_name(title: str) -> str:
    stem = re.sub(r"[^\w・ー-]+", "_", title).strip("_") or "article"
    return f"{stem}_{_hash(title) % 0xFFFF:04x}.txt"  # the suffix keeps two sanitised titles apart


def url_of(title: str) -> str:
    return "https://ja.wikipedia.org/wiki/" + title.replace(" ", "_")


def _paragraph_text(title: str, context: str) -> str:
    prefix = title + SEP
    if not context.startswith(prefix):
        raise ValueError(f"{title}: a context does not start with {prefix!r}")
    return context[len(prefix):].strip()


def _article(article: dict, seed: int) -> tuple[str, list[dict], list[dict]]:
    """(file text, answerable questions, removed-paragraph unanswerables) of one indexed article."""
    title = article["title"]
    paragraphs = [(_paragraph_text(title, p["context"]), p["qas"]) for p in article["paragraphs"]]
    dropped = random.Random(f"{seed}:drop:{title}").randrange(len(paragraphs)) if len(paragraphs) > 1 else None
    name, url = file_name(title), url_of(title)
    text = f"{title}\nURL: {url}\n\n"
    kept: list[tuple[int, list[dict]]] = []
    for i, (para, qas) in enumerate(paragraphs):
        if i == dropped:
            continue
        if kept:
            text += "\n\n"
        kept.append((len(text), qas))
        text += para
    text += "\n"
    answerable = []
    for start, qas in kept:
        for qa in qas:
            golds = [a["text"] for a in qa["answers"]]
            if not golds or not golds[0] or golds[0] not in text:
                continue  # the evidence must occur byte for byte in the file
            answerable.append({
                "id": qa["id"], "question": qa["question"], "lang": "ja", "type": "fact", "answerable": True,
                "evidence": [golds[0]], "file": name, "answer": golds[0], "source_url": url,
                "kind": "answerable", "gold_answers": golds, "paragraph_start": start,
            })
    removed = []
    if dropped is not None:
        squashed = _squash(text)
        for qa in paragraphs[dropped][1]:
            if any(_squash(a["text"]) in squashed for a in qa["answers"]):
                continue  # the library still holds an answer: not an unanswerable
            removed.append(_unanswerable(qa, name, "removed"))
    return text, answerable, removed


def _unanswerable(qa: dict, file: str | None, kind: str) -> dict:
    return {"id": qa["id"], "question": qa["question"], "lang": "ja", "type": "unanswerable", "answerable": False,
            "evidence": [], "file": file, "answer": "", "source_url": None, "kind": kind}


def caps(max_questions: int | None) -> dict[str, int]:
    """Per-kind caps: the defaults (300/100/100), or max_questions shared out in the same 3:1:1."""
    if max_questions is None:
        return dict(DEFAULT_MAX)
    total = sum(DEFAULT_MAX.values())
    out = {k: round(max_questions * v / total) for k, v in DEFAULT_MAX.items()}
    out["answerable"] = max(0, max_questions - out["removed"] - out["off_library"])
    return out


def _sample(items: list[dict], cap: int, seed: int, kind: str) -> list[dict]:
    items = sorted(items, key=lambda q: q["id"])
    if len(items) > cap:
        items = sorted(random.Random(f"{seed}:sample:{kind}").sample(items, cap), key=lambda q: q["id"])
    return items


def build(part: str, out: Path, max_questions: int | None = None, seed: int = DEFAULT_SEED,
          source: Path = JSQUAD, force: bool = False, exclude: frozenset[str] = frozenset()) -> dict[str, int]:
    """Write out/corpus/*.txt and out/questions.jsonl for one part, without the questions whose
    ids are in `exclude`; return the counts written."""
    if part not in PARTS:
        raise ValueError(f"part must be one of {PARTS}, not {part!r}")
    data = json.loads(Path(source).read_text(encoding="utf-8"))["data"]
    split = split_titles([a["title"] for a in data])
    corpus = Path(out) / "corpus"
    if corpus.exists() and any(corpus.iterdir()):
        if not force:
            raise FileExistsError(f"{corpus} is not empty (use --force to replace its .txt files)")
        for old in corpus.glob("*.txt"):
            old.unlink()
    corpus.mkdir(parents=True, exist_ok=True)
    found: dict[str, list[dict]] = {"answerable": [], "removed": [], "off_library": []}
    articles = 0
    for article in data:
        title = article["title"]
        if split[title] == "off_library":
            if off_library_part(title) == part:
                found["off_library"] += [_unanswerable(qa, None, "off_library")
                                         for p in article["paragraphs"] for qa in p["qas"]]
            continue
        if split[title] != part:
            continue
        text, answerable, removed = _article(article, seed)
        (corpus / file_name(title)).write_text(text, encoding="utf-8")
        articles += 1
        found["answerable"] += answerable
        found["removed"] += removed
    found = {kind: [q for q in items if q["id"] not in exclude] for kind, items in found.items()}
    limits = caps(max_questions)
    chosen = {kind: _sample(items, limits[kind], seed, kind) for kind, items in found.items()}
    with open(Path(out) / "questions.jsonl", "w", encoding="utf-8") as f:
        for kind in ("answerable", "removed", "off_library"):
            f.writelines(json.dumps(q, ensure_ascii=False) + "\n" for q in chosen[kind])
    counts = {"articles": articles, **{k: len(v) for k, v in chosen.items()},
              **{f"{k}_available": len(v) for k, v in found.items()}}
    return counts


def describe(part: str, out: Path, counts: dict[str, int]) -> str:
    kinds = ("answerable", "removed", "off_library")
    shown = ", ".join(f"{counts[k]} {k} (of {counts[k + '_available']})" for k in kinds)
    return f"jsquad {part}: {counts['articles']} articles in {Path(out) / 'corpus'}; {shown}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=PARTS, required=True, help="fit: tune on it; measure: report on it")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR", help="writes DIR/corpus and DIR/questions.jsonl")
    parser.add_argument("--max-questions", type=int, metavar="N",
                        help="at most N questions, shared 3:1:1 answerable/removed/off-library (default 300/100/100)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="which paragraph is left out, and the sample")
    parser.add_argument("--source", type=Path, default=JSQUAD, help="the JSQuAD json (default: ../shared/data/jsquad)")
    parser.add_argument("--force", action="store_true", help="replace the .txt files of an existing DIR/corpus")
    parser.add_argument("--exclude", type=Path, metavar="JSONL", help="leave out the questions of this questions.jsonl")
    args = parser.parse_args(argv)
    if args.max_questions is not None and args.max_questions < 1:
        parser.error("--max-questions must be at least 1")
    try:
        exclude = frozenset(json.loads(line).get("id") for line in args.exclude.read_text(encoding="utf-8").splitlines()
                            if line.strip()) if args.exclude else frozenset()
        counts = build(args.part, args.out, args.max_questions, args.seed, args.source, args.force, exclude)
    except (OSError, ValueError) as e:
        print(f"jsquad: error: {e}", file=sys.stderr)
        return 2
    print(describe(args.part, args.out, counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
