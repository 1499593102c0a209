"""The synthetic corpus: deterministic Japanese and English news articles from sentence templates,
the question asked of each, and the sizes a run asks for."""
from __future__ import annotations

import random
import string
from dataclasses import dataclass
from functools import lru_cache

DEFAULT_SIZES = "1k,10k"
LARGE_SIZES = "100k,1m"
PASSAGES_PER_DOC = 8
# Topic -> the entities of an article that its passages' synthetic vectors are made of.
FACTOR_KEYS = {"event": ("place", "event", "org"), "price": ("company", "product", "place"),
               "visit": ("person", "place", "org"), "sports": ("team", "team2", "place"),
               "weather": ("place",), "science": ("company", "thing", "place")}

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


def parse_sizes(text: str) -> list[int]:
    out = []
    for part in text.split(","):
        part = part.strip().lower()
        if part:
            mult = 1_000_000 if part.endswith("m") else 1_000 if part.endswith("k") else 1
            out.append(int(float(part.rstrip("km")) * mult))
    return out
