"""Romanise Korean and Chinese script the way DPRK names appear on sanctions lists.

rigour transliterates Hangul by Revised Romanisation (`김정은` → `gimjeong-eun`), but UN and
OFAC lists write DPRK names in the McCune–Reischauer style the DPRK itself uses, without
breves: `Kim Jong Un`, `Chon Ma San`, `Ri Yong Ho`. No maintained PyPI package does
McCune–Reischauer (hangul-romanize and korean-romanizer do Revised Romanisation; `hanja`
pins test tools as run-time dependencies and `hanjadict` ships an empty table), so the
Hangul table is written here: Hangul syllables decompose arithmetically (Unicode §3.12).
Han script goes two ways: Sino-Korean readings (the table below, DPRK style: no initial
sound law, 李 = 리 Ri) and Mandarin pinyin through ICU's `Han-Latin` transform.
"""

from __future__ import annotations

import functools
import re

import icu  # type: ignore[import-untyped]
from rigour.text import ascii_text

from oiltrail.screen.kontsevich import cyrillic_korean_forms, has_cyrillic

# Initial consonants, DPRK list style (ㅈ → j as in "Jong", ㅋ/ㅌ/ㅍ aspirates → kh/th/ph).
_INITIALS = (
    "k", "kk", "n", "t", "tt", "r", "m", "p", "pp", "s", "ss", "", "j", "jj", "ch", "kh", "th",
    "ph", "h",
)  # fmt: skip
# Vowels: McCune–Reischauer without breves (ㅓ and ㅗ both "o", ㅡ and ㅜ both "u").
_VOWELS = (
    "a", "ae", "ya", "yae", "o", "e", "yo", "ye", "o", "wa", "wae", "oe", "yo", "u", "wo", "we",
    "wi", "yu", "u", "ui", "i",
)  # fmt: skip
_FINALS = (
    "", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m", "p",
    "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t",
)  # fmt: skip
_HANGUL_BASE = 0xAC00
_HANGUL_LAST = 0xD7A3

# Sino-Korean readings (Hangul) of Han characters common in DPRK personal, company and
# vessel names; readings as used in the DPRK (no South Korean initial sound law).
_HANJA_PAIRS = (
    "金김李리朴박崔최鄭정姜강趙조尹윤張장林림韓한吳오徐서申신權권黃황安안宋송柳류洪홍全전高고文문孫손梁량白백許허劉류南남沈심盧로河하丁정成성車차具구禹우朱주任임羅라"
    "辛신陳진池지嚴엄元원千천方방玄현廉렴楊량呂려都도石석馬마太태玉옥桂계卓탁正정恩은日일哲철男남勇용永영龍룡浩호鎬호鉉현善선順순淑숙英영姬희熙희秀수洙수植식國국光광"
    "明명春춘虎호鎭진鎮진振진珍진眞진真진進진革혁赫혁峰봉奉봉鳳봉松송泰태澤택德덕民민敏민允윤潤윤雲운云운源원仁인寅인忠충孝효俊준在재載재宰재相상尙상尚상祥상昌창錫석"
    "時시世세洛락承승勝승炳병秉병亨형基기起기吉길奎규圭규均균根근漢한學학鶴학海해化화和화華화花화煥환會회輝휘興흥喜희天천川천泉천山산三삼一일二이五오七칠八팔九구大대"
    "東동西서北북上상新신長장萬만万만福복富부寶보保보湖호江강洋양星성月월銀은鐵철鉄철徹철泳영榮영映영仙선先선鮮선船선京경慶경景경敬경烈렬容용用용性성聖성誠성盛성貞정"
    "政정定정廷정晶정精정井정柱주珠주周주鍾종鐘종宗종種종中중重중主주廣광求구官관寬관武무美미嶺령領령寧녕錦금今금範범賢현顯현協협號호号호好호昊호弘홍紅홍建건健건平평"
    "坪평壤양陽양良량亮량連련蓮련剛강康강强강強강雄웅旭욱勳훈勲훈斗두道도島도同동童동洞동致치治치守수壽수寿수首수水수信신心심甲갑淸청清청靑청青청初초彩채蔡채朝조祖조"
    "潮조照조準준志지智지知지直직秦진晉진津진集집摩마頭두豆두油유有유裕유維유遊유友우宇우羽우牛우飛비碧벽綠록緑록錄록祿록樂락楽락百백柏백伯백鎔용庸용湧용峯봉蓬봉鵬붕"
    "滿만晩만曉효效효彬빈斌빈賓빈炯형衡형兄형馨형哉재才재材재財재鍊련練련律률栗률率률命명名명鳴명貿무易역商상社사公공司사業업產산産산工공行행航항運운輸수出출口구總총"
    "总총局국部부合합營영綜종舶박事사所소團단軍군勞로働동動동黨당党당委위員원院원技기術술研연究구第제"
)
_HANJA_READINGS = dict(zip(_HANJA_PAIRS[::2], _HANJA_PAIRS[1::2], strict=True))
_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_HANGUL_RE = re.compile(r"[\uac00-\ud7a3]")
# "유정2호": 호/號 after a number is "No." in Korean vessel names, not part of the name.
_HO_AFTER_DIGIT_RE = re.compile(r"(\d)\s*(?:호|號|号)")


def has_hangul(text: str) -> bool:
    return _HANGUL_RE.search(text) is not None


def has_han(text: str) -> bool:
    return _HAN_RE.search(text) is not None


def hangul_syllable_mr(char: str) -> str:
    """One Hangul syllable in McCune–Reischauer (DPRK list style), e.g. 천 → chon."""
    index = ord(char) - _HANGUL_BASE
    initial, rest = divmod(index, 21 * 28)
    vowel, final = divmod(rest, 28)
    return _INITIALS[initial] + _VOWELS[vowel] + _FINALS[final]


def hangul_to_mr(text: str) -> str:
    """Romanise Hangul syllable by syllable, each syllable a word: 김정은 → kim jong un."""
    text = _HO_AFTER_DIGIT_RE.sub(r"\1", text)
    out: list[str] = []
    for char in text:
        if _HANGUL_BASE <= ord(char) <= _HANGUL_LAST:
            out.append(f" {hangul_syllable_mr(char)} ")
        else:
            out.append(char)
    return " ".join("".join(out).split())


def han_to_hangul(text: str) -> str:
    """Sino-Korean reading of Han characters (unknown ones are kept as they are)."""
    return "".join(_HANJA_READINGS.get(c, c) for c in _HO_AFTER_DIGIT_RE.sub(r"\1", text))


@functools.cache
def _transliterator(spec: str) -> icu.Transliterator:
    return icu.Transliterator.createInstance(spec)


def han_to_pinyin(text: str) -> str:
    """Mandarin reading through ICU (`金正恩` → `jin zheng en`)."""
    return str(_transliterator("Han-Latin; Latin-ASCII").transliterate(text))


def any_to_latin(text: str) -> str:
    """Other scripts: rigour's ASCII folding (Cyrillic `Ч` → `Ch`), else ICU's Any-Latin."""
    folded = str(ascii_text(text))
    if "?" not in folded or "?" in text:
        return folded
    return str(_transliterator("Any-Latin; Latin-ASCII").transliterate(text))


def romanisations(text: str) -> list[str]:
    """All Latin forms of `text` worth matching: itself when Latin, else each reading."""
    forms: list[str] = []
    if has_han(text):
        korean = han_to_hangul(text)
        if has_hangul(korean) and not has_han(korean):
            forms.append(hangul_to_mr(korean))
        forms.append(han_to_pinyin(text))
    elif has_hangul(text):
        forms.append(hangul_to_mr(text))
    if not forms:
        forms.append(text if text.isascii() else any_to_latin(text))
        if has_cyrillic(text):
            forms.extend(f for f in cyrillic_korean_forms(text) if f not in forms)
    return forms


def romanisation_note(original: str, form: str) -> str:
    """How `form` was read from `original`, for a hit's reason ("" when nothing to say)."""
    if has_hangul(original):
        return "Hangul romanised McCune-Reischauer"
    if has_han(original):
        return "Han script read in Korean or pinyin"
    if has_cyrillic(original) and form in cyrillic_korean_forms(original):
        return "Cyrillic read as a Korean name (Kontsevich) in McCune-Reischauer"
    return ""
