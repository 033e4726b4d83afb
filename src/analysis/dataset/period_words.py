"""The words of period phrases in Spanish, Portuguese and French, translated to the English the parser reads.

Each language is a word map (to English), the rest of its vocabulary (words
that are removed or rewritten by its phrases) and ordered phrase rewrites,
applied to accent-free lowercase text with French elisions split
("jusqu'à" -> "jusqu a"). :func:`language_of` picks the language whose own
words a phrase uses most (Spanish first where Spanish and Portuguese share every
word, as in "segundo trimestre de 2007", which both read alike).

>>> LANGUAGES["fr"].to_english("deuxieme trimestre 2007")
'second quarter 2007'
>>> LANGUAGES["pt"].to_english("marco ou abril de 2007")
'march or april 2007'
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EN_MONTHS = "january february march april may june july august september october november december".split()
EN_VOCAB = (
    set(_EN_MONTHS)
    | {m[:3] for m in _EN_MONTHS}
    | {"sept", "quarter", "semester", "half", "spring", "summer", "autumn", "fall"}
    | set(
        "first second third fourth winter last final early late of the year years subsequent "
        "following each every annually yearly and or to from since between by in during on toward "
        "towards end".split()
    )
)
_ORDER = ("first", "second", "third", "fourth")


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    words: dict[str, str]
    extra: frozenset[str]
    phrases: tuple[tuple[re.Pattern, str], ...]

    @property
    def vocab(self) -> set[str]:
        return set(self.words) | set(self.extra)

    def to_english(self, s: str) -> str:
        for pattern, repl in self.phrases:
            s = pattern.sub(repl, s)
        return " ".join(w for w in (self.words.get(w, w) for w in s.split()) if w)


def _language(code, name, months, ordinals, units, seasons, others, extra, phrases) -> Language:
    words: dict[str, str] = {}
    for english, native in zip(_EN_MONTHS, months, strict=True):
        for w in native.split("/"):
            words[w] = english
    for english, native in zip(_ORDER, ordinals, strict=True):
        for w in native.split("/"):
            words[w] = english
    words |= units | seasons | others
    month_words = "|".join(w for m in months for w in m.split("/"))
    compiled = tuple(
        (re.compile(p.replace("{MONTHS}", month_words).replace("{SEASON}", "(" + "|".join(seasons) + ")")), r)
        for p, r in phrases
    )
    return Language(code, name, words, frozenset(extra.split()), compiled)


SPANISH = _language(
    "es",
    "Spanish",
    "enero febrero marzo abril mayo junio julio agosto septiembre/setiembre octubre noviembre diciembre".split(),
    ("primer/primero/primera", "segundo/segunda", "tercer/tercero/tercera", "cuarto/cuarta"),
    {"ultimo": "last", "ultima": "last", "trimestre": "quarter", "semestre": "semester", "mitad": "half"},
    {"primavera": "spring", "verano": "summer", "otono": "autumn", "invierno": "winter"},
    {"o": "or", "u": "or", "y": "and", "e": "and", "a": "to", "al": "to", "hasta": "to", "desde": "from"}
    | {"entre": "between", "en": "in", "durante": "during", "el": "the", "la": "the"},
    "de del los ano anos siguientes subsiguientes posteriores cada todos anualmente finales "
    "fines principios inicios comienzos hacia partir",
    (
        (r"\bde (?:todos )?los anos (?:siguientes|subsiguientes|posteriores)\b", "of subsequent years"),
        (r"\b(?:cada ano|todos los anos|anualmente)\b", "each year"),
        (r"\bdel ano\b", "of the year"),
        (r"\bdel ([0-9]{1,2}) al ([0-9]{1,2})\b", r"\1 - \2"),
        (r"\b(?:(?:hacia|a) )?(?:finales|fines) de (?:la )?{SEASON}", r"late \1"),
        (r"\b(?:(?:hacia|a) )?(?:principios|inicios|comienzos) de (?:la )?{SEASON}", r"early \1"),
        (r"^(?:hacia|a) (?:finales|fines) de\b", "toward the end of"),
        (r"\b(?:finales|fines) de (?=[12][0-9]{3}\b)", "end "),
        (r"^(?:a partir de|desde)\b", "from"),
        (r"^hasta\b", "by"),
        (r"\bde (?=(?:{MONTHS}|[12][0-9]{3}|each year)\b)", ""),
    ),
)

PORTUGUESE = _language(
    "pt",
    "Portuguese",
    "janeiro fevereiro marco abril maio junho julho agosto setembro outubro novembro dezembro".split(),
    ("primeiro/primeira", "segundo/segunda", "terceiro/terceira", "quarto/quarta"),
    {"ultimo": "last", "ultima": "last", "trimestre": "quarter", "semestre": "semester", "metade": "half"},
    {"primavera": "spring", "verao": "summer", "outono": "autumn", "inverno": "winter"},
    {"ou": "or", "e": "and", "a": "to", "ao": "to", "ate": "to", "desde": "from", "entre": "between"}
    | {"em": "in", "no": "in", "na": "in", "durante": "during", "o": "the", "os": "the"},
    "de do da dos das ano anos seguintes subsequentes posteriores cada todos anualmente fim final finais "
    "inicio comeco principio partir",
    (
        (r"\bd[oe]s? anos (?:seguintes|subsequentes|posteriores)\b", "of subsequent years"),
        (r"\b(?:cada ano|todos os anos|anualmente)\b", "each year"),
        (r"\bdo ano\b", "of the year"),
        (r"\b(?:de|do|entre) ([0-9]{1,2}) (?:a|ao|e) ([0-9]{1,2})\b", r"\1 - \2"),
        (r"\b(?:(?:no|em|ao) )?(?:fim|final|finais) d[aoe] {SEASON}", r"late \1"),
        (r"\b(?:(?:no|em|ao) )?(?:inicio|comeco|principio) d[aoe] {SEASON}", r"early \1"),
        (r"^(?:no|ao|para o|em) (?:fim|final|finais) de\b", "toward the end of"),
        (r"\b(?:fim|final|finais) de (?=[12][0-9]{3}\b)", "end "),
        (r"^(?:fim|final|finais) de\b", "toward the end of"),
        (r"^(?:a partir de|desde)\b", "from"),
        (r"^ate\b", "by"),
        (r"^(?:o|a) ", ""),
        (r"\b(?:de|do|da) (?=(?:{MONTHS}|[12][0-9]{3}|each year)\b)", ""),
    ),
)

FRENCH = _language(
    "fr",
    "French",
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre".split(),
    ("premier/premiere/1er/1re", "deuxieme/second/seconde/2e/2eme", "troisieme/3e/3eme", "quatrieme/4e/4eme"),
    {"dernier": "last", "derniere": "last", "trimestre": "quarter", "semestre": "semester", "moitie": "half"},
    {"printemps": "spring", "ete": "summer", "automne": "autumn", "hiver": "winter"},
    {"ou": "or", "et": "and", "a": "to", "au": "to", "en": "in", "pendant": "during", "durant": "during"}
    | {"le": "the", "la": "the", "les": "the", "entre": "between", "depuis": "since"},
    "de du d des l annee annees ans suivantes ulterieures subsequentes chaque tous toutes annuellement "
    "fin debut vers jusqu ici partir compter",
    (
        (r"\b(?:des|les) annees (?:suivantes|ulterieures|subsequentes)\b", "of subsequent years"),
        (r"\b(?:chaque annee|tous les ans|toutes les annees|annuellement)\b", "each year"),
        (r"\bde l annee\b", "of the year"),
        (r"\bdu ([0-9]{1,2}) au ([0-9]{1,2})\b", r"\1 - \2"),
        (r"\b(?:(?:vers|a) la )?fin (?:du|de l|de la) {SEASON}", r"late \1"),
        (r"\b(?:au )?debut (?:du|de l|de la) {SEASON}", r"early \1"),
        (r"^(?:vers|a) la fin (?=[12][0-9]{3}\b)", "toward the end of "),
        (r"\bfin (?=[12][0-9]{3}\b)", "end "),
        (r"^(?:vers|a) la fin (?:de|du|d)\b", "toward the end of"),
        (r"^(?:a partir de|a partir d|a compter de|a compter du)\b", "from"),
        (r"^(?:jusqu (?:a|au|en)|d ici)\b", "by"),
        (r"^au\b", "in"),
        (r"\b(?:de|du|d) (?=(?:{MONTHS}|[12][0-9]{3}|each year)\b)", ""),
    ),
)

LANGUAGES = {lang.code: lang for lang in (SPANISH, PORTUGUESE, FRENCH)}


def language_of(words: set[str]) -> str:
    """``en``, ``es``, ``pt`` or ``fr``: the language whose own (non-English) words ``words`` uses."""
    own = {code: words & (lang.vocab - EN_VOCAB) for code, lang in LANGUAGES.items()}
    others = {code: set().union(*(LANGUAGES[c].vocab for c in LANGUAGES if c != code)) for code in LANGUAGES}
    # Most words of its own only, then most words it knows; ties: Spanish, then Portuguese, then French.
    best = max(LANGUAGES, key=lambda code: (len(own[code] - others[code]), len(own[code])))
    return best if own[best] else "en"
