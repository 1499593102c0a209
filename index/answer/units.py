"""The unit a question asks its answer in ("how old": an age, "how cold": degrees, "how big is the
site": an area), and the pattern of a value in that unit in a sentence of either language.

An English question about a Japanese article was answered with sentences that only name its subject
while the one that answers gave the asked value in its unit ("how old is the mayor" and
「森川静香町長(62)」, "How cold did it get" and 「氷点下2.6度」, "How much power did the plant generate"
and 「約110万キロワット時」). Any number is not enough: the article's other sentences have dates and
counts too. A Japanese question asks by a noun (「気温」「面積」「発電量」「名前」) and is answered by an
English sentence as well ("2.6 degrees below zero"); one asked with a counter (「何歳」「何メートル」)
has answer_type.count_cue's unit instead.
"""
from __future__ import annotations

import re

_N = r"\d[\d,.]*\s*(?:万|億|千)?\s*"
# Things measured in length rather than in time: "how long is the bridge" is not "how long did it take".
_LONG_THINGS = (r"\b(?:route|road|line|track|course|bridge|tunnel|trail|river|path|runway|stretch|section|crack|queue|"
                r"wall|pipe|cable|coast(?:line)?)s?\b")
_DURATION_UNITS = (r"(?:時間|分(?!の)|日間|週間|(?:か|カ|ヶ|ヵ|ケ)月|年間|秒|hours?\b|minutes?\b|days\b|weeks?\b|months?\b|"
                   r"years\b|decades?\b)")

# (English asks, Japanese asks, a value in the unit). A Japanese question with a counter (「何歳」「何キロ」
# 「何時間」「何割」) is count_cue's, so the Japanese asks are the nouns and the lengths of time it lacks.
UNITS: tuple[tuple[re.Pattern, re.Pattern, re.Pattern], ...] = (
    # A person's age: 「(62)」「62歳」, "a 62-year-old", "aged 62", "Takaichi, 64". A thing's age is a year ("how
    # old was the oldest bottle": 「1978年に製造」); read as a person's, 「(44)」 of a person beside it answered.
    (re.compile(r"(?:\bhow old\b|\bwhat age\b|\bages?\b)(?!.*\b(?:oldest|built|made|founded|established|dat(?:e|es|ed|ing))\b)",
                re.I),
     re.compile(r"何才|年齢"),
     re.compile(r"\d{1,3}\s*(?:歳|才)|[(（]\d{1,3}[)）]|\b\d{1,3}-year-old|\baged \d{1,3}\b|[A-Z][a-z]+, \d{1,3}\b")),
    (re.compile(r"\bhow (?:cold|hot|warm)\b|\btemperatures?\b", re.I),
     re.compile(r"気温|温度|水温|何度(?!も|目)"),
     re.compile(r"\d[\d.]*\s*(?:度|℃|°|degrees?\b)|氷点下|below (?:zero|freezing)", re.I)),
    (re.compile(r"\bhow (?:big|large)\b.*\b(?:site|area|plot|land|park|farm|field|forest|campus|lot|estate|grounds?)\b|"
                r"\barea\b|\bacreage\b|\bhectares\b|\bsquare (?:metres|meters|feet)\b", re.I),
     re.compile(r"面積|広さ|敷地"),
     re.compile(_N + r"(?:ヘクタール|平方(?:メートル|キロ)|㎡|坪|ha\b|hectares?\b|acres?\b|"
                r"square (?:metres|meters|kilometres|kilometers|miles|feet)\b)", re.I)),
    (re.compile(r"\bhow much (?:power|electricity|energy)\b|\bgenerat(?:e|es|ed|ing)\b|\boutput\b", re.I),
     re.compile(r"発電量|出力|電力量|発電"),
     re.compile(r"(?:キロ|メガ|ギガ)?ワット|\d\s*(?:k|M|G)Wh?\b|\b(?:kilo|mega|giga)?watt", re.I)),
    # "How far has the number dropped" asks no distance.
    (re.compile(r"\bhow far\b(?!.*\b(?:drop|dropped|fall|fallen|fell|rise|risen|rose|grow|grown|grew|shr[iu]nk|"
                r"declined?|increased?|gone|come)\b)|\bdistance\b|\bhow (?:tall|high|deep)\b|\bheight\b|\bdepth\b|"
                r"\bhow long\b.*" + _LONG_THINGS, re.I),
     re.compile(r"距離|長さ|高さ|深さ|全長|標高"),
     re.compile(_N + r"(?:キロ|km\b|メートル|m\b|miles?\b|kilomet(?:re|er)s?\b|met(?:re|er)s?\b|feet\b|ft\b)", re.I)),
    (re.compile(r"\bhow heavy\b|\bweigh(?:s|ed|t)?\b|\btonnes?\b|\btons\b", re.I),
     re.compile(r"重さ|重量"),
     re.compile(_N + r"(?:トン|キロ(?:グラム)?|グラム|kg\b|tonnes?\b|tons?\b|kilograms?\b|grams?\b)", re.I)),
    (re.compile(r"\bhow long\b(?!.*" + _LONG_THINGS + r")|\bhow many (?:hours|minutes|days|weeks|months|years)\b", re.I),
     re.compile(r"何年間|何分|(?:どの|どれ)(?:くらい|ぐらい)(?:の)?(?:時間|期間)|(?:どの|どれ)(?:くらい|ぐらい)かか"),
     re.compile(_N + _DURATION_UNITS, re.I)),
    (re.compile(r"\bwhat (?:share|percentage|proportion|fraction)\b|\bper ?cent\b", re.I),
     re.compile(r"割合|比率|何\s*％|シェア"),  # count_cue reads the half-width "%" only
     re.compile(r"\d\s*(?:%|％|割|パーセント|per ?cent\b)|\b(?:half|a third|two-thirds|a quarter|three-quarters)\b|"
                r"半数|半分", re.I)),
    # A name is mostly written in quotation marks: 無人探査機「みずはII」, the "Mizuha II".
    (re.compile(r"\bwhat(?:'s| is| was| are| were)? (?:the )?names?\b|\bcalled\b|\bnamed\b|\btitled?\b", re.I),
     re.compile(r"名前|名称|何という|なんという|題名|タイトル|愛称|何と呼ばれ"),
     re.compile(r"「[^」]+」|『[^』]+』|\"[^\"]+\"|“[^”]+”")),
    (re.compile(r"\bseating\b|\bcapacity\b|\bhow many (?:seats|people can)\b", re.I),
     re.compile(r"収容|席数|定員|座席数"),
     re.compile(_N + r"(?:人|席|名)|\d[\d,]*\s+(?:seats|spectators|people)\b", re.I)),
)


def units_asked(text: str, lang: str) -> list[re.Pattern]:
    """A value's pattern for each unit a question asks in."""
    return [value for en, ja, value in UNITS if (en if lang == "en" else ja).search(text)]
