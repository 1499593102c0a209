"""Citation lookup's verdicts: does `cite` mark a passage that states a true claim "supports", and
does it keep "supports" off every passage for a false one?

    python benchmarks/cite.py [--claims benchmarks/claims/claims.jsonl] [-k 5] [--details]

The claims (benchmarks/claims/README.md) are about the articles of some news sets, each corpus
ingested into a temporary index. For a supported claim: `found` = a "supports" citation whose
passage holds the claim's evidence string; `first` = the first citation does. For an unsupported
one: `wrongly supported` = any citation marked "supports". Each is given for claims in the
article's language and across languages, and unsupported claims by how they are false.
"""
from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "2")

import argparse  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from collections import defaultdict  # noqa: E402
from pathlib import Path  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from index.engine import Engine  # noqa: E402
from index.evaluation.scoring import comparable  # noqa: E402

CLAIMS = REPO / "benchmarks" / "claims" / "claims.jsonl"


def verdicts(claims: list[dict], k: int) -> list[dict]:
    """Each claim with what cite said of it: the citations' roles and whether the evidence is among the supports."""
    out = []
    by_corpus: dict[str, list[dict]] = defaultdict(list)
    for c in claims:
        by_corpus[c["corpus"]].append(c)
    for corpus, group in sorted(by_corpus.items()):
        with tempfile.TemporaryDirectory(prefix="citebot-cite-") as tmp:
            engine = Engine.open(Path(tmp) / "index")
            try:
                engine.ingest([str(REPO / "benchmarks" / corpus / "corpus")])
                for c in group:
                    cites = engine.cite(c["claim"], k)
                    evidence = comparable(c["evidence"]) if c.get("evidence") else None
                    holds = [bool(evidence) and evidence in comparable(x.passage) for x in cites]
                    out.append({**c, "roles": [x.role for x in cites], "holds": holds,
                                "quotes": [x.quote for x in cites]})
            finally:
                engine.close()
    return out


def found(r: dict) -> bool:
    """A true claim: a passage holding its evidence is marked "supports"."""
    return any(h and role == "supports" for h, role in zip(r["holds"], r["roles"]))


def right(r: dict) -> bool:
    """A true claim found, or a false one that no passage is said to support."""
    return found(r) if r["supported"] else "supports" not in r["roles"]


def summary(rows: list[dict]) -> list[str]:
    def rate(xs: list[bool]) -> str:
        return f"{sum(xs) / len(xs):.3f} ({sum(xs)}/{len(xs)})" if xs else "-"

    lines = [f"{'claims':34s} {'n':>4s}  {'found':>14s}  {'first':>14s}  {'wrongly supported':>18s}"]
    groups = {"all": rows,
              "same language": [r for r in rows if not r["cross_lingual"]],
              "across languages": [r for r in rows if r["cross_lingual"]]}
    for why in sorted({r["why_false"] for r in rows if r["why_false"]}):
        groups[f"false: {why}"] = [r for r in rows if r["why_false"] == why]
    for name, group in groups.items():
        true = [r for r in group if r["supported"]]
        false = [r for r in group if not r["supported"]]
        first = [bool(r["roles"]) and r["roles"][0] == "supports" and r["holds"][0] for r in true]
        wrong = [not right(r) for r in false]
        lines.append(f"{name:34s} {len(group):4d}  {rate([found(r) for r in true]):>14s}  {rate(first):>14s}  "
                     f"{rate(wrong):>18s}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=Path, default=CLAIMS)
    parser.add_argument("-k", type=int, default=5, help="citations per claim, as `citebot cite -k`")
    parser.add_argument("--details", action="store_true", help="every claim cite got wrong")
    parser.add_argument("--json", type=Path, help="write every claim's verdicts here")
    args = parser.parse_args(argv)
    claims = [json.loads(line) for line in args.claims.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows = verdicts(claims, args.k)
    print("\n".join(summary(rows)))
    if args.details:
        for r in rows:
            if not right(r):
                print(f"\n{r['id']} {'true' if r['supported'] else 'false (' + r['why_false'] + ')'}: {r['claim']}")
                for role, quote in zip(r["roles"], r["quotes"]):
                    print(f"   {role:9s} {(quote or '')[:90]}")
    if args.json:
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
