"""What the tokenizer needs to know about writing systems other than plain ASCII English.

Three things: which combining marks belong inside a word (so "नमस्ते" or a vowelled "نَفْط" is
not cut into letters), which letters are CJK (written without spaces, so cut into overlapping
pairs of characters), and how a word is folded for matching (accents off, compatibility forms
to their plain letters, the Arabic spelling variants people type interchangeably).
"""

from __future__ import annotations

import re
import unicodedata

# Combining marks (Unicode categories Mn, Mc, Me) that Python's \w does not match, by block:
# combining diacritics, Cyrillic, Hebrew, Arabic, Syriac, Thaana, NKo, the Indic blocks from
# Devanagari to Sinhala, Thai, Lao, Tibetan, Myanmar, Khmer, the kana voicing marks, half marks.
# A range may span letters and digits (\w anyway); tests/test_analysis.py checks that every
# mark of these blocks is covered and that no punctuation, symbol or space is.
MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7"
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed"
    "\u0711-\u074a\u07a6-\u07b0\u07eb-\u07f3\u07fd\u0816-\u082d\u0859-\u085b"
    "\u0898-\u08e1\u08e3-\u08ff\u0900-\u0963\u0981-\u09e3\u09fe-\u0a75\u0a81-\u0ae3"
    "\u0afa-\u0b63\u0b82-\u0bd7\u0c00-\u0c63\u0c81-\u0c83\u0cbc-\u0d4d\u0d57-\u0d63"
    "\u0d81-\u0df3\u0e31-\u0e3a\u0e47-\u0e4e\u0eb1-\u0ecd\u0f18\u0f19\u0f35\u0f37"
    "\u0f39\u0f3e-\u0f84\u0f86-\u0fbc\u0fc6\u102b-\u103e\u1056-\u109d\u17b4-\u17d3"
    "\u17dd\u1ab0-\u1ace\u1dc0-\u1dff\u20d0-\u20f0\u3099\u309a\ufe20-\ufe2f"
)
# Han (with the iteration marks), Hiragana, Katakana (and its halfwidth forms), Hangul.
CJK = (
    "\u1100-\u11ff\u3005-\u3007\u3040-\u309f\u30a0-\u30ff\u3130-\u318f\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7af\ud7b0-\ud7ff\uf900-\ufaff"
    "\uff66-\uff9f\U00020000-\U0003134f"
)
CJK_RUN = re.compile(f"[{CJK}]+")
# Marks dropped when folding: accents on Latin, Greek and Cyrillic letters (after NFKD), and
# the optional vowel signs of Hebrew and Arabic. Indic, Thai and kana marks change the letter
# they sit on and stay ("が" is not "か").
_FOLDED = re.compile(
    "[\u0300-\u036f\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a"
    "\u0640\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20f0\ufe20-\ufe2f]+"
)
# Letters NFKD leaves whole that readers take for a plain one; and the Arabic letters written
# either way (teh marbuta as heh, alef maksura as yeh), as Arabic search engines fold them.
_LETTERS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ة": "ه",
        "ى": "ي",
    }
)
# Arabic writes "the", "and the", "with the", "for the" joined to the word: "النفط" is the
# oil, "بالنفط" with the oil. The article is cut when at least this many letters remain (so
# "الى", "الا" stay whole).
_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
_ARABIC_STEM = 3
_ARABIC = re.compile("[\u0600-\u06ff]")


def fold(text: str) -> str:
    """A lowercase word without accents or vowel signs, compatibility forms made plain."""
    text = unicodedata.normalize("NFKD", text)
    text = _FOLDED.sub("", text)
    return unicodedata.normalize("NFC", text).lower().translate(_LETTERS)


def is_cjk(word: str) -> bool:
    """True for a token made of CJK characters (a one- or two-character piece of a run)."""
    return bool(word) and CJK_RUN.fullmatch(word) is not None


def arabic_stem(word: str) -> str:
    """An Arabic word without the definite article (and a joined "and", "with", "for")."""
    if not _ARABIC.match(word):
        return word
    for article in _ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= _ARABIC_STEM:
            return word[len(article) :]
    return word


def cjk_pieces(start: int, run: str) -> list[tuple[int, int, str]]:
    """A CJK run as overlapping character pairs (one character alone stays itself)."""
    if len(run) == 1:
        return [(start, start + 1, run)]
    return [(start + i, start + i + 2, run[i : i + 2]) for i in range(len(run) - 1)]
