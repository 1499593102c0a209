"""A question set in the dev set's format (`questions.jsonl`): reading and checking it."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from index.errors import CitebotError

_REQUIRED_KEYS = ("id", "question", "lang", "type", "answerable")


class QuestionFileError(CitebotError, ValueError):
    """A questions file line is not a valid question; the message names the line."""

    def __init__(self, path: str, line: int, reason: str):
        super().__init__(f"{path}:{line}: {reason}" if line else f"{path}: {reason}")
        self.path = path
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    lang: str
    type: str
    answerable: bool
    evidence: list[str] = field(default_factory=list)
    file: list[str] = field(default_factory=list)  # aligned with evidence when it spans files
    answer: str = ""
    source_url: list[str] = field(default_factory=list)  # empty: no gold URL, skip source_url@5


def _as_list(value: object, key: str) -> list[str]:
    # The jsonl writes a single value as a string and several as a list; callers want one shape.
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    # A null inside a list is an evidence string from a file with no URL: nothing to require.
    if isinstance(value, list) and all(v is None or isinstance(v, str) for v in value):
        return [v for v in value if v is not None]
    raise ValueError(f"'{key}' must be a string, a list of strings or null, not {value!r}")


def _parse_question(obj: object) -> Question:
    if not isinstance(obj, dict):
        raise ValueError("expected a JSON object")
    missing = [k for k in _REQUIRED_KEYS if k not in obj]
    if missing:
        raise ValueError(f"missing key(s): {', '.join(missing)}")
    if not isinstance(obj["answerable"], bool):
        raise ValueError(f"'answerable' must be true or false, not {obj['answerable']!r}")
    for key in ("id", "question", "lang", "type"):
        if not isinstance(obj[key], str):
            raise ValueError(f"'{key}' must be a string, not {obj[key]!r}")
    evidence = _as_list(obj.get("evidence"), "evidence")
    if obj["answerable"] and not evidence:
        raise ValueError("an answerable question needs at least one evidence string")
    return Question(
        id=obj["id"],
        question=obj["question"],
        lang=obj["lang"],
        type=obj["type"],
        answerable=obj["answerable"],
        evidence=evidence,
        file=_as_list(obj.get("file"), "file"),
        answer=obj.get("answer") or "",
        source_url=_as_list(obj.get("source_url"), "source_url"),
    )


def load_questions(path: str | Path) -> list[Question]:
    """Read a questions.jsonl; blank lines are skipped, a bad line raises QuestionFileError."""
    questions: list[Question] = []
    try:
        f = open(path, encoding="utf-8")
    except OSError as e:
        raise QuestionFileError(str(path), 0, f"cannot be read ({e.strerror or e})") from None
    with f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                questions.append(_parse_question(json.loads(line)))
            except json.JSONDecodeError as e:
                raise QuestionFileError(str(path), number, f"not valid JSON ({e.msg})") from e
            except ValueError as e:
                raise QuestionFileError(str(path), number, str(e)) from e
    return questions
