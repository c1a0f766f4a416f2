#!/usr/bin/python3
"""Writes testdata/ordinary_names_faker.csv: several thousand ordinary
names on no list in each non-Latin script (Arabic, Cyrillic, Chinese,
Japanese, Korean, Thai), for TestOrdinaryNamesFlagged.

    /usr/bin/python3 ordinary_names_faker.py > ordinary_names_faker.csv

The names are combined from the name data of three faker libraries, each
MIT-licensed and each with name lists of its own for these locales, the way
each library's own name generator combines them (its name formats: given
and family names, Russian and Ukrainian patronymics, the titles and
prefixes it puts before some names):

python-faker  the Python package Faker 0.9.3 (Debian package
              python3-fake-factory 0.9.3-2), run itself: Faker(locale)
              with a fixed seed per locale, name() and, one name in five,
              company() (not for fa_IR, whose company names are real
              listed firms, some of them sanctioned).
php-faker     the PHP library fzaninotto/Faker 1.20.0 (Debian package
              php-faker 1.20.0+dfsg-1): the name arrays and name formats of
              Provider/<locale>/Person.php, read as data and combined by
              this script (Python has no PHP interpreter here).
ruby-faker    the Ruby gem faker 2.21.0 (Debian package ruby-faker
              2.21.0-1): the name section of lib/locales/<locale>.yml,
              combined by its "name" formats (or "first_name last_name"
              where the locale gives none).

Names already in ordinary_names.csv or ordinary_names_public.csv are left
out, and each name appears once. The seed is fixed and the inputs are
fixed package versions, so the output does not change from run to run.
Standard library plus the Faker package and PyYAML (python3-yaml) only.
"""
import csv
import os
import random
import re
import sys

import yaml
from faker import Faker

HERE = os.path.dirname(os.path.abspath(__file__))
PHP_DIR = "/usr/share/php/Faker/Provider"
RUBY_DIR = "/usr/share/rubygems-integration/all/gems/faker-2.21.0/lib/locales"
PER_LIBRARY = 1500  # distinct names each library contributes to a script

# script -> locales of each library
LOCALES = {
    "arabic": {"python-faker": ["ar_AA", "ar_PS", "ar_SA", "fa_IR"],
               "php-faker": ["ar_EG", "ar_JO", "ar_SA", "fa_IR"],
               "ruby-faker": ["ar", "fa"]},
    "cyrillic": {"python-faker": ["ru_RU", "uk_UA", "bg_BG"],
                 "php-faker": ["ru_RU", "uk_UA", "bg_BG", "kk_KZ", "sr_Cyrl_RS"],
                 "ruby-faker": ["ru", "uk", "bg"]},
    "han": {"python-faker": ["zh_CN", "zh_TW"],
            "php-faker": ["zh_CN"],
            "ruby-faker": ["zh-CN", "zh-TW"]},
    "japanese": {"python-faker": ["ja_JP"], "php-faker": ["ja_JP"], "ruby-faker": ["ja"]},
    "hangul": {"python-faker": ["ko_KR"], "php-faker": ["ko_KR"], "ruby-faker": ["ko"]},
    "thai": {"python-faker": ["th_TH"], "php-faker": ["th_TH"], "ruby-faker": ["th"]},
}


def python_faker(locale, seed):
    f = Faker(locale)
    f.seed_instance(seed)
    i = 0
    while True:
        i += 1
        # fa_IR's company names are not made up: they are the firms of the
        # Tehran Stock Exchange (banks, refineries, steel and petrochemical
        # works), several of them on the SDN list, so they are not names
        # on no list. fa_IR gives people only.
        yield f.company() if i % 5 == 0 and locale != "fa_IR" else f.name()


PHP_ARRAY = re.compile(r"protected static \$(\w+)\s*=\s*(?:array\(|\[)(.*?)(?:\)|\]);", re.S)
PHP_STRING = re.compile(r"'((?:[^'\\]|\\.)*)'")


def php_faker(locale, seed):
    """Names as Faker\\Provider\\<locale>\\Person::name() makes them: a
    random gender's format, each {{field}} a random element of the array of
    that name (lastName() of ru_RU appends a random one of lastNameSuffix)."""
    src = open(os.path.join(PHP_DIR, locale, "Person.php"), encoding="utf-8").read()
    arrays = {m.group(1): [s.replace("\\'", "'") for s in PHP_STRING.findall(m.group(2))]
              for m in PHP_ARRAY.finditer(src)}
    formats = arrays.get("maleNameFormats", []) + arrays.get("femaleNameFormats", [])
    fields = {k: v for k, v in arrays.items() if v and not k.endswith("Formats")}
    usable = [f for f in formats if all(p in fields for p in re.findall(r"{{(\w+)}}", f))]
    if not usable:  # sr_Cyrl_RS gives arrays and no formats: the base class's "first last"
        usable = ["{{firstNameMale}} {{lastName}}", "{{firstNameFemale}} {{lastName}}"]
    rng = random.Random(seed)

    def field(name):
        v = rng.choice(fields[name])
        if name == "lastName" and "lastNameSuffix" in fields:
            v += rng.choice(fields["lastNameSuffix"])
        return v

    while True:
        f = rng.choice(usable)
        yield re.sub(r"{{(\w+)}}", lambda m: field(m.group(1)), f)


def ruby_faker(locale, seed):
    """Names as Faker::Name.name makes them: one of the locale's name
    formats, each #{key} a random element of that key (resolved again when
    the element is itself a #{...} reference)."""
    path = os.path.join(RUBY_DIR, locale + ".yml")
    if not os.path.exists(path):
        path = os.path.join(RUBY_DIR, locale, "name.yml")
    section = yaml.safe_load(open(path, encoding="utf-8"))[locale]["faker"]["name"]
    formats = section.get("name") or ["#{first_name} #{last_name}"]
    rng = random.Random(seed)

    def resolve(text, depth=0):
        def one(m):
            key = m.group(1).split(".")[-1]
            return resolve(str(rng.choice(section[key])), depth + 1)
        return re.sub(r"#\{([\w.]+)\}", one, text) if depth < 5 else text

    while True:
        yield " ".join(resolve(rng.choice(formats)).split())


def main():
    known = set()
    for name in ("ordinary_names.csv", "ordinary_names_public.csv"):
        with open(os.path.join(HERE, name), encoding="utf-8") as f:
            for r in csv.reader(f):
                known.add(r[-1])
    makers = {"python-faker": python_faker, "php-faker": php_faker, "ruby-faker": ruby_faker}
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["script", "source", "name"])
    seed = 2100
    seen = set()
    for script, libraries in LOCALES.items():
        for library, locales in libraries.items():
            gens = []
            for loc in locales:
                seed += 1
                gens.append(makers[library](loc, seed))
            quota = PER_LIBRARY // len(locales)
            for g in gens:
                got = 0
                for _ in range(quota * 30):
                    name = " ".join(next(g).split())
                    if not name or name in seen or name in known:
                        continue
                    seen.add(name)
                    out.writerow([script, library, name])
                    got += 1
                    if got == quota:
                        break


if __name__ == "__main__":
    main()
