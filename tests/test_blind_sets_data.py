"""The blind sets of issue 12 (tests/data/flags_fresh2.csv, flags_fresh3.csv, ...): their shape only.

Each set was written blind to the flag rules by a helper that read none of them, then scored once as
held-out. These tests check each file (columns, values, no duplicates, no overlap with the sets
written before it, brands, the in-thread replies where the set has that convention, the counts in
its notes); they deliberately do not score the rules (tests/test_flags.py does, as development data
once a set has been scored)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest

import platforms
from tests.blind_notes import brands_table

DATA = Path(__file__).parent / "data"
LABELS = {"question", "help", "complaint", "praise", "chatter"}
KINDS = {"post", "reply", "comment"}
COLUMNS = [
    "id",
    "platform",
    "post_id",
    "kind",
    "brand",
    "is_own",
    "author_handle",
    "author_followers",
    "lang",
    "url",
    "thread_id",
    "text",
    "label",
    "group",
    "split",
    "expect_reply",
]
# Brands named in the notes of the earlier sets besides their `brand` columns (which are read too).
USED_BEFORE = {"Acme", "Globex", "Initech"}


@dataclass(frozen=True)
class BlindSet:
    """One blind set: its name (the `split` value and the file's stem after `flags_`), its first id,
    the files written before it, and whether it follows the in-thread replies convention (every `post`
    names its brand, no `reply` does; flags_fresh3.md "In-thread replies"), and whether it has the brand's own posts
    (`is_own` True, never needing a reply) and non-English posts with their `lang` code (from fresh39 on)."""

    name: str
    first_id: int
    earlier: tuple[str, ...]
    thread_convention: bool
    #: the set holds the brand's own posts (`is_own` True, never needing a reply) and posts in other languages (`lang`)
    own_and_other_languages: bool = False

    @property
    def path(self) -> Path:
        return DATA / f"flags_{self.name}.csv"

    @property
    def notes(self) -> str:
        return (DATA / f"flags_{self.name}.md").read_text(encoding="utf-8")


FIRST_SETS = ("flags_labelled.csv", "flags_dev_extra.csv", "flags_fresh.csv")
#: the sets written before flags_fresh6.csv (each later set was written after every earlier one)
FRESH6_EARLIER = (
    *FIRST_SETS,
    "flags_fresh2.csv",
    "flags_dev_extra2.csv",
    "flags_fresh3.csv",
    "flags_fresh4.csv",
    "flags_fresh5.csv",
)
#: the sets written before session 11's two (fresh12 and fresh13 were written at the same time, each blind to the other).
SESSION11_EARLIER = (
    *FRESH6_EARLIER,
    "flags_fresh6.csv",
    "flags_fresh7.csv",
    "flags_fresh8.csv",
    "flags_fresh9.csv",
    "flags_fresh10.csv",
    "flags_fresh11.csv",
)
#: the sets written before session 12's two (fresh14 and fresh15 were written at the same time, each blind to the other).
SESSION12_EARLIER = (*SESSION11_EARLIER, "flags_fresh12.csv", "flags_fresh13.csv")
#: the sets written before session 12's second two (fresh16 and fresh17 were written at the same time, each blind to the
#: other).
FRESH16_EARLIER = (*SESSION12_EARLIER, "flags_fresh14.csv", "flags_fresh15.csv")
#: the sets written before session 13's two (fresh18 and fresh19 were written at the same time, each blind to the
#: other).
FRESH18_EARLIER = (*FRESH16_EARLIER, "flags_fresh16.csv", "flags_fresh17.csv")
#: the sets written before session 13's second two (fresh20 and fresh21 were written at the same time, each blind to the
#: other).
FRESH20_EARLIER = (*FRESH18_EARLIER, "flags_fresh18.csv", "flags_fresh19.csv")
#: the sets written before session 13's third two (fresh22 and fresh23 were written at the same time, each blind to the
#: other).
FRESH22_EARLIER = (*FRESH20_EARLIER, "flags_fresh20.csv", "flags_fresh21.csv")
#: the sets written before session 14's two (fresh24 and fresh25 were written at the same time, each blind to the
#: other).
FRESH24_EARLIER = (*FRESH22_EARLIER, "flags_fresh22.csv", "flags_fresh23.csv")
#: the sets written before session 15's four (fresh26 to fresh29 were written at the same time, each blind to the
#: others).
FRESH26_EARLIER = (*FRESH24_EARLIER, "flags_fresh24.csv", "flags_fresh25.csv")
#: the sets written before session 15's last two (fresh30 and fresh31 were written at the same time, each blind to the
#: other, after fresh26 to fresh29 were scored).
FRESH30_EARLIER = (*FRESH26_EARLIER, "flags_fresh26.csv", "flags_fresh27.csv", "flags_fresh28.csv", "flags_fresh29.csv")
#: the sets written before session 16's four (fresh32 to fresh35 were written at the same time, each blind to the
#: others, in a new shape: no fixed slots, uneven brands and platforms).
FRESH32_EARLIER = (*FRESH30_EARLIER, "flags_fresh30.csv", "flags_fresh31.csv")
#: the sets written before session 16's last two (fresh36 and fresh37 were written at the same time, each blind to the
#: other, after fresh32 to fresh35 were scored; the same new shape).
FRESH36_EARLIER = (*FRESH32_EARLIER, "flags_fresh32.csv", "flags_fresh33.csv", "flags_fresh34.csv", "flags_fresh35.csv")
#: the sets written before fresh38 and fresh39 (written at the same time, each blind to the other, after fresh36 and
#: fresh37 were scored).
FRESH38_EARLIER = (*FRESH36_EARLIER, "flags_fresh36.csv", "flags_fresh37.csv")
#: the sets written before fresh40 and fresh41 (written at the same time, each blind to the rules and to the other,
#: after fresh38 and fresh39 were scored), so the tests check neither set's ids or texts against the other's.
FRESH40_EARLIER = (*FRESH38_EARLIER, "flags_fresh38.csv", "flags_fresh39.csv")
#: the sets written before fresh42 and fresh43 (written blind to the rules at the same time, each in its own worktree,
#: after fresh40 and fresh41 were scored), so the tests check neither set's ids or texts against the other's.
FRESH42_EARLIER = (*FRESH40_EARLIER, "flags_fresh40.csv", "flags_fresh41.csv")
#: the sets written before fresh44 and fresh45 (written blind to the rules at the same time, each in its own worktree,
#: after fresh42 and fresh43 were scored), so the tests check neither set's ids or texts against the other's.
FRESH44_EARLIER = (*FRESH42_EARLIER, "flags_fresh42.csv", "flags_fresh43.csv")
#: the sets written before fresh46 and fresh47 (written blind to the rules at the same time, each in its own worktree,
#: after fresh44 and fresh45 were scored), so the tests check neither set's ids or texts against the other's.
FRESH46_EARLIER = (*FRESH44_EARLIER, "flags_fresh44.csv", "flags_fresh45.csv")
#: the sets written before fresh48 and fresh49 (written blind to the rules at the same time, each in its own worktree,
#: after fresh46 and fresh47 were scored), so the tests check neither set's ids or texts against the other's.
FRESH48_EARLIER = (*FRESH46_EARLIER, "flags_fresh46.csv", "flags_fresh47.csv")
#: the sets written before fresh50 and fresh51 (written blind to the rules at the same time, each in its own worktree,
#: after fresh48 and fresh49 were scored), so the tests check neither set's ids or texts against the other's.
FRESH50_EARLIER = (*FRESH48_EARLIER, "flags_fresh48.csv", "flags_fresh49.csv")
#: the sets written before fresh52 and fresh53 (written blind to the rules at the same time, each in its own worktree,
#: after fresh50 and fresh51 were scored), so the tests check neither set's ids or texts against the other's.
FRESH52_EARLIER = (*FRESH50_EARLIER, "flags_fresh50.csv", "flags_fresh51.csv")
#: the sets written before fresh54 and fresh55 (written blind to the rules at the same time, each in its own worktree,
#: after fresh52 and fresh53 were scored), so the tests check neither set's ids or texts against the other's.
FRESH54_EARLIER = (*FRESH52_EARLIER, "flags_fresh52.csv", "flags_fresh53.csv")
#: the sets written before fresh56 and fresh57 (written blind to the rules at the same time, each in its own worktree,
#: after fresh54 and fresh55 were scored), so the tests check neither set's ids or texts against the other's.
FRESH56_EARLIER = (*FRESH54_EARLIER, "flags_fresh54.csv", "flags_fresh55.csv")
#: the sets written before fresh58 and fresh59 (written blind to the rules at the same time, each in its own worktree,
#: after fresh56 and fresh57 were scored), so the tests check neither set's ids or texts against the other's.
FRESH58_EARLIER = (*FRESH56_EARLIER, "flags_fresh56.csv", "flags_fresh57.csv")
#: the sets written before fresh60 and fresh61 (written blind to the rules at the same time, each in its own worktree,
#: after fresh58 and fresh59 were scored), so the tests check neither set's ids or texts against the other's.
FRESH60_EARLIER = (*FRESH58_EARLIER, "flags_fresh58.csv", "flags_fresh59.csv")
#: the sets written before fresh62 and fresh63 (written blind to the rules at the same time, each in its own worktree,
#: after fresh60 and fresh61 were scored), so the tests check neither set's ids or texts against the other's.
FRESH62_EARLIER = (*FRESH60_EARLIER, "flags_fresh60.csv", "flags_fresh61.csv")
#: the sets written before fresh64 and fresh65 (written blind to the rules at the same time, each in its own worktree,
#: after fresh62 and fresh63 were scored), so the tests check neither set's ids or texts against the other's.
FRESH64_EARLIER = (*FRESH62_EARLIER, "flags_fresh62.csv", "flags_fresh63.csv")
#: the sets written before fresh66 and fresh67 (written blind to the rules at the same time, each in its own worktree,
#: after fresh64 and fresh65 were scored), so the tests check neither set's ids or texts against the other's.
FRESH66_EARLIER = (*FRESH64_EARLIER, "flags_fresh64.csv", "flags_fresh65.csv")
#: the sets written before fresh68 and fresh69 (written blind to the rules at the same time, each in its own worktree,
#: after fresh66 and fresh67 were scored), so the tests check neither set's ids or texts against the other's.
FRESH68_EARLIER = (*FRESH66_EARLIER, "flags_fresh66.csv", "flags_fresh67.csv")
#: the sets written before fresh70 and fresh71 (written blind to the rules at the same time, each in its own worktree,
#: after fresh68 and fresh69 were scored), so the tests check neither set's ids or texts against the other's.
FRESH70_EARLIER = (*FRESH68_EARLIER, "flags_fresh68.csv", "flags_fresh69.csv")
#: the sets written before fresh72 and fresh73 (written blind to the rules at the same time, each in its own worktree,
#: after fresh70 and fresh71 were scored), so the tests check neither set's ids or texts against the other's.
FRESH72_EARLIER = (*FRESH70_EARLIER, "flags_fresh70.csv", "flags_fresh71.csv")
#: the sets written before fresh74 and fresh75 (written blind to the rules at the same time, each in its own worktree,
#: after fresh72 and fresh73 were scored), so the tests check neither set's ids or texts against the other's.
FRESH74_EARLIER = (*FRESH72_EARLIER, "flags_fresh72.csv", "flags_fresh73.csv")
SETS = [
    BlindSet("fresh2", 3001, FIRST_SETS, thread_convention=False),
    BlindSet("fresh3", 5001, (*FIRST_SETS, "flags_fresh2.csv", "flags_dev_extra2.csv"), thread_convention=True),
    BlindSet(
        "fresh4",
        6001,
        (*FIRST_SETS, "flags_fresh2.csv", "flags_dev_extra2.csv", "flags_fresh3.csv"),
        thread_convention=True,
    ),
    BlindSet(
        "fresh5",
        7001,
        (*FIRST_SETS, "flags_fresh2.csv", "flags_dev_extra2.csv", "flags_fresh3.csv", "flags_fresh4.csv"),
        thread_convention=True,
    ),
    BlindSet("fresh6", 8001, FRESH6_EARLIER, thread_convention=True),
    BlindSet("fresh7", 9001, (*FRESH6_EARLIER, "flags_fresh6.csv"), thread_convention=True),
    BlindSet("fresh8", 10001, (*FRESH6_EARLIER, "flags_fresh6.csv", "flags_fresh7.csv"), thread_convention=True),
    BlindSet(
        "fresh9",
        11001,
        (*FRESH6_EARLIER, "flags_fresh6.csv", "flags_fresh7.csv", "flags_fresh8.csv"),
        thread_convention=True,
    ),
    BlindSet(
        "fresh10",
        12001,
        (*FRESH6_EARLIER, "flags_fresh6.csv", "flags_fresh7.csv", "flags_fresh8.csv", "flags_fresh9.csv"),
        thread_convention=True,
    ),
    BlindSet(
        "fresh11",
        13001,
        (
            *FRESH6_EARLIER,
            "flags_fresh6.csv",
            "flags_fresh7.csv",
            "flags_fresh8.csv",
            "flags_fresh9.csv",
            "flags_fresh10.csv",
        ),
        thread_convention=True,
    ),
    BlindSet(
        "fresh12",
        14001,
        SESSION11_EARLIER,
        thread_convention=True,
    ),
    # written at the same time as fresh12, in another worktree, neither writer seeing the other's set: three brands are
    # in both (Calm, Bugaboo, Angling Direct; no text is shared). Both sets were scored once with the same frozen rules
    # (session 11, judge8), so neither was development data for the other's score.
    BlindSet(
        "fresh13",
        15001,
        SESSION11_EARLIER,
        thread_convention=True,
    ),
    # fresh14 and fresh15 were written at the same time, in two worktrees, neither writer seeing the other's set (different
    # industries), so the tests check neither set's ids or texts against the other's.
    BlindSet("fresh14", 16001, SESSION12_EARLIER, thread_convention=True),
    BlindSet("fresh15", 17001, SESSION12_EARLIER, thread_convention=True),
    # fresh16 and fresh17 were written at the same time, in two worktrees, neither writer seeing the other's set (different
    # industries), so the tests check neither set's ids or texts against the other's.
    BlindSet("fresh16", 18001, FRESH16_EARLIER, thread_convention=True),
    BlindSet("fresh17", 19001, FRESH16_EARLIER, thread_convention=True),
    # fresh18 and fresh19 were written at the same time, in two worktrees, neither writer seeing the other's set (different
    # industries), so the tests check neither set's ids or texts against the other's.
    BlindSet("fresh18", 20001, FRESH18_EARLIER, thread_convention=True),
    BlindSet("fresh19", 21001, FRESH18_EARLIER, thread_convention=True),
    # fresh20 and fresh21 were written at the same time, in two worktrees, neither writer seeing the other's set (different
    # industries), so the tests check neither set's ids or texts against the other's.
    BlindSet("fresh20", 22001, FRESH20_EARLIER, thread_convention=True),
    BlindSet("fresh21", 23001, FRESH20_EARLIER, thread_convention=True),
    # fresh22 and fresh23 were written at the same time, in two worktrees, neither writer seeing the other's set (different
    # industries), so the tests check neither set's ids or texts against the other's.
    BlindSet("fresh22", 24001, FRESH22_EARLIER, thread_convention=True),
    BlindSet("fresh23", 25001, FRESH22_EARLIER, thread_convention=True),
    # fresh24 and fresh25 were written in session 14 at the same time, from different industry pools in two worktrees,
    # neither writer seeing the other's set, so the tests check neither set's ids or texts against the other's.
    BlindSet("fresh24", 26001, FRESH24_EARLIER, thread_convention=True),
    BlindSet("fresh25", 27001, FRESH24_EARLIER, thread_convention=True),
    # fresh26 to fresh29 were written at the same time, each from a different industry pool in another worktree, no
    # writer seeing another's set, so the tests check no set's ids or texts against another's of the four.
    BlindSet("fresh26", 28001, FRESH26_EARLIER, thread_convention=True),
    BlindSet("fresh27", 29001, FRESH26_EARLIER, thread_convention=True),
    BlindSet("fresh28", 30001, FRESH26_EARLIER, thread_convention=True),
    BlindSet("fresh29", 31001, FRESH26_EARLIER, thread_convention=True),
    # fresh30 and fresh31 were written at the same time, each from a different industry pool in another worktree, neither
    # writer seeing the other's set, so the tests check neither set's ids or texts against the other's.
    BlindSet("fresh30", 32001, FRESH30_EARLIER, thread_convention=True),
    BlindSet("fresh31", 33001, FRESH30_EARLIER, thread_convention=True),
    # fresh32 to fresh35 were written at the same time, each from a different industry pool in another worktree, no
    # writer seeing another's set, so the tests check no set's ids or texts against another's of the four. They are
    # shaped unlike the sets before them (no fixed slots per brand: 15-45 rows a brand, platforms mixed per brand).
    BlindSet("fresh32", 34001, FRESH32_EARLIER, thread_convention=True),
    BlindSet("fresh33", 35001, FRESH32_EARLIER, thread_convention=True),
    BlindSet("fresh34", 36001, FRESH32_EARLIER, thread_convention=True),
    BlindSet("fresh35", 37001, FRESH32_EARLIER, thread_convention=True),
    # fresh36 and fresh37 were written at the same time, each from a different pool in another worktree, neither writer
    # seeing the other's set, so the tests check neither set's ids or texts against the other's; shaped as fresh32-35.
    BlindSet("fresh36", 38001, FRESH36_EARLIER, thread_convention=True),
    BlindSet("fresh37", 39001, FRESH36_EARLIER, thread_convention=True),
    # fresh38: shaped as fresh32-37, and also holding the brands' own posts and some posts in other languages.
    BlindSet("fresh38", 40001, FRESH38_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh39 was written blind to the rules and to any set written at the same time; shaped as fresh32-37, with the
    # brands' own posts (is_own True) and some non-English posts (their `lang`).
    BlindSet("fresh39", 41001, FRESH38_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh40 was written blind to the rules and to any set written at the same time (homes and everyday life: home
    # insurance, furniture, DIY stores, cleaning products, pet food, childcare, laundry, broadband installers, removals,
    # appliance repair, garden centres); shaped as fresh32-39, with the brands' own posts and some non-English posts.
    BlindSet("fresh40", 42001, FRESH40_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh41 was written blind to the rules and to any set written at the same time (another worktree's set was not
    # looked for or read); shaped as fresh39, with the brands' own posts (is_own True) and some non-English posts.
    BlindSet("fresh41", 43001, FRESH40_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh42 and fresh43 were written blind to the rules, at the same time, each in its own worktree (neither looked for
    # or read the other); shaped as fresh40 and fresh41.
    BlindSet("fresh42", 44001, FRESH42_EARLIER, thread_convention=True, own_and_other_languages=True),
    BlindSet("fresh43", 45001, FRESH42_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh44 and fresh45 were written blind to the rules, at the same time, each in its own worktree (neither looked for
    # or read the other); shaped as fresh42 and fresh43.
    BlindSet("fresh44", 46001, FRESH44_EARLIER, thread_convention=True, own_and_other_languages=True),
    BlindSet("fresh45", 47001, FRESH44_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh46 (home and living brands) and fresh47 (health, beauty and fitness brands) were written blind to the rules
    # and to each other (neither worktree looked for or read the other); shaped as fresh44 and fresh45, with more praise
    # spoken to the brand and in-thread me-too replies whose case the brand already put right.
    BlindSet("fresh46", 48001, FRESH46_EARLIER, thread_convention=True, own_and_other_languages=True),
    BlindSet("fresh47", 49001, FRESH46_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh48 (transport and mobility brands) and fresh49 (kids, pets and learning brands) were written blind to the
    # rules and to each other (neither worktree looked for or read the other); shaped as fresh46 and fresh47, with praise
    # spoken to the brand, me-too replies put right beside open ones, and sarcasm about the writer's own case.
    BlindSet("fresh48", 50001, FRESH48_EARLIER, thread_convention=True, own_and_other_languages=True),
    BlindSet("fresh49", 51001, FRESH48_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh50 (media, entertainment and events brands) and fresh51 (fashion and electronics retail brands) were written
    # blind to the rules and to each other (neither worktree looked for or read the other); shaped as fresh48 and fresh49.
    BlindSet("fresh50", 52001, FRESH50_EARLIER, thread_convention=True, own_and_other_languages=True),
    BlindSet("fresh51", 53001, FRESH50_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh52 (home, garden, DIY and household services brands) and fresh53 (health, beauty, fitness and wellbeing
    # brands) were written blind to the rules and to each other (neither worktree looked for or read the other); shaped
    # as fresh50 and fresh51.
    BlindSet("fresh52", 54001, FRESH52_EARLIER, thread_convention=True, own_and_other_languages=True),
    BlindSet("fresh53", 55001, FRESH52_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh54 (outdoor, hobby and making brands) and fresh55 (business and public services brands) were written blind to
    # the rules and to each other (neither worktree looked for or read the other); shaped as fresh52 and fresh53.
    BlindSet("fresh54", 56001, FRESH54_EARLIER, thread_convention=True, own_and_other_languages=True),
    BlindSet("fresh55", 57001, FRESH54_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh56 (food, drink and hospitality brands) and fresh57 (money, telecoms and software brands) were written blind
    # to the rules and to each other (neither worktree looked for or read the other): an ordinary week of each brand's
    # mentions, no kind asked for more than another; shaped as fresh54 and fresh55.
    BlindSet("fresh56", 58001, FRESH56_EARLIER, thread_convention=True, own_and_other_languages=True),
    BlindSet("fresh57", 59001, FRESH56_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh58 (travel and tourism brands) and fresh59 (games, apps and online communities) were written blind to the
    # rules and to each other (neither worktree looked for or read the other): an ordinary week of each brand's
    # mentions, no kind asked for more than another; shaped as fresh56 and fresh57.
    BlindSet("fresh58", 60001, FRESH58_EARLIER, thread_convention=True, own_and_other_languages=True),
    BlindSet("fresh59", 61001, FRESH58_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh60 (cars, fuel and energy on the road) and fresh61 (news, publishing and causes) were written blind to the
    # rules and to each other (neither worktree looked for or read the other): an ordinary week of each brand's
    # mentions, no kind asked for more than another; shaped as fresh58 and fresh59.
    BlindSet("fresh60", 62001, FRESH60_EARLIER, thread_convention=True, own_and_other_languages=True),
    BlindSet("fresh61", 63001, FRESH60_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh62 (consumer technology and telecoms: phone and laptop makers, mobile carriers, home broadband and fibre,
    # smart-home and wearable makers, streaming boxes, consumer apps with paid plans) was written blind to the rules and
    # to the set written at the same time in another worktree (not looked for or read): an ordinary week of each brand's
    # mentions, no kind asked for more than another; shaped as fresh60 and fresh61.
    BlindSet("fresh62", 64001, FRESH62_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh63 (everyday retail and services in Spain, Italy, the Netherlands, Poland, Mexico, Brazil, Japan, the
    # Philippines and Turkey: supermarkets, pharmacies, fashion and shoe chains, DIY, gyms, cinemas, couriers, banks,
    # mobile wallets, bakeries) was written blind to the rules and to the set written at the same time in another
    # worktree (not looked for or read, and not in FRESH62_EARLIER): an ordinary week of each brand's mentions, no kind
    # asked for more than another; shaped as fresh60 and fresh61.
    BlindSet("fresh63", 65001, FRESH62_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh64 (health, care, home and public services in the US, Canada, the UK, Australia, New Zealand, Singapore,
    # Kenya and Ghana: clinic chains, an online pharmacy, health and pet insurers, vets, home care and cleaning, water
    # and power utilities, transit agencies, a postal service, a council's online services) was written blind to the
    # rules and to the set written at the same time in another worktree (not looked for or read, and not in
    # FRESH64_EARLIER): an ordinary week of each brand's mentions, no kind asked for more than another; shaped as
    # fresh62 and fresh63.
    BlindSet("fresh64", 66001, FRESH64_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh65 (travel, food and entertainment from Germany, France, Sweden, Norway, Finland, South Korea, India,
    # Indonesia, Argentina and Egypt: airlines, hotels, rail, ride-hailing, food delivery, fast food, ticketing,
    # streaming, video games, a theme park and a museum) was written blind to the rules and to the set written at the
    # same time in another worktree (not looked for or read, and not in FRESH64_EARLIER): an ordinary week of each
    # brand's mentions, no kind asked for more than another; shaped as fresh62 and fresh63.
    BlindSet("fresh65", 67001, FRESH64_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh66 (finance, insurance, education and work in the US, the UK, Ireland, Germany, Poland, Brazil, Mexico and
    # South Africa: a credit union, neobanks, payment apps, car and home insurers, payroll software, an exam board, a
    # student grant service, a language school, a job board and a coworking space) was written blind to the rules and
    # to the set written at the same time in another worktree (not looked for or read, and not in FRESH66_EARLIER): an
    # ordinary week of each brand's mentions, no kind asked for more than another; shaped as fresh64 and fresh65.
    BlindSet("fresh66", 68001, FRESH66_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh67 (home, garden, hobbies and local trades in Canada, Australia, the Netherlands, Belgium, Italy, Japan,
    # Vietnam and Chile: furniture and appliance makers, a kitchen fitter, bathroom showrooms, a garden centre, a model
    # maker, bike shops and an e-bike maker, a music-instrument store, pet food and grooming, self-storage, a bakery
    # chain and two breweries) was written blind to the rules and to the set written at the same time in another
    # worktree (not looked for or read, and not in FRESH66_EARLIER): an ordinary week of each brand's mentions, no
    # kind asked for more than another; shaped as fresh64 and fresh65.
    BlindSet("fresh67", 69001, FRESH66_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh68 (travel, transport, food and leisure in Spain, Portugal, France, India, Indonesia, Turkey, Egypt and New
    # Zealand: a regional airline, a ferry line, a coach operator, a rail pass, a hostel chain, car hire, a tour
    # operator, an airport, a theme park, a ski resort, a food-delivery app, a restaurant chain, a coffee chain, a
    # cinema chain and a gym chain) was written blind to the rules and to the set written at the same time in another
    # worktree (not looked for or read, and not in FRESH68_EARLIER): an ordinary week of each brand's mentions, no kind
    # asked for more than another; shaped as fresh66 and fresh67.
    BlindSet("fresh68", 70001, FRESH68_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh69 (technology, telecoms and media in the US, the UK, Sweden, Finland, South Korea, Taiwan, Nigeria and
    # Argentina: a mobile carrier, a fibre broadband provider, a streaming service, a podcast app, a game studio, a
    # console-accessory maker, a smart-home brand, a password manager, a VPN, a cloud host, a developer tool, a phone
    # maker, a laptop maker, a newspaper subscription and a print-on-demand shop) was written blind to the rules and to
    # the set written at the same time in another worktree (not looked for or read, and not in FRESH68_EARLIER): an
    # ordinary week of each brand's mentions, no kind asked for more than another; shaped as fresh66 and fresh67.
    BlindSet("fresh69", 71001, FRESH68_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh70 (finance, insurance, utilities, health and public services in Canada, Ireland, Germany, Poland, Brazil,
    # Mexico, Japan, the Philippines and South Africa: a neobank, a credit union, a card issuer, a buy-now-pay-later
    # app, a car insurer, a pet insurer, an energy supplier, a water utility, a pension provider, a telehealth app, a
    # pharmacy chain, a dental chain, an optician chain, a parcel carrier and a postal service) was written blind to the
    # rules and to the set written at the same time in another worktree (not looked for or read, and not in
    # FRESH70_EARLIER): an ordinary week of each brand's mentions, no kind asked for more than another; shaped as
    # fresh68 and fresh69.
    BlindSet("fresh70", 72001, FRESH70_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh71 (retail, home, beauty, fashion, automotive and hobbies in Australia, Italy, the Netherlands, Denmark,
    # Kenya, Vietnam, Chile, Scotland and Canada: a furniture retailer, a mattress brand, a kitchen-appliance maker, a
    # paint brand, a cosmetics brand, a sneaker brand, a fashion marketplace, a second-hand clothes app, a car dealer
    # group, an EV charging network, a tyre chain, a board-game publisher, a craft-supplies shop, a toy maker and a
    # garden centre) was written blind to the rules and to the set written at the same time in another worktree (not
    # looked for or read, and not in FRESH70_EARLIER): an ordinary week of each brand's mentions, no kind asked for
    # more than another; shaped as fresh68 and fresh69.
    BlindSet("fresh71", 73001, FRESH70_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh72 (travel, hospitality, restaurants, food delivery and groceries in Mexico, Argentina, Vietnam, the
    # Philippines, Greece, Morocco, Kenya and Norway: two airlines, a bus line, a ferry operator, a coastal voyage
    # line, a hotel chain, a resort and theme-park group, eco parks, a restaurant chain, a pizza chain, a tea and
    # coffee chain, an alfajor and café chain, a food-delivery app and two grocery chains) was written blind to the
    # rules and to the set written at the same time in another worktree (not looked for or read, and not in
    # FRESH72_EARLIER): an ordinary week of each brand's mentions, no kind asked for more than another; shaped as
    # fresh70 and fresh71.
    BlindSet("fresh72", 74001, FRESH72_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh73 (software, games, telecoms, streaming, education and fitness in Japan, Chile, Colombia, Belgium, Austria,
    # Romania, Pakistan and South Africa: two mobile carriers, two broadband providers, a streaming service, a game
    # studio, a security and password-manager maker, a cloud host, an online learning platform, a distance-learning
    # university, an online English-lesson service, a running app, a gym chain, a football club and a ticketing site)
    # was written blind to the rules and to the set written at the same time in another worktree (not looked for or
    # read, and not in FRESH72_EARLIER): an ordinary week of each brand's mentions, no kind asked for more than
    # another; shaped as fresh70 and fresh71.
    BlindSet("fresh73", 75001, FRESH72_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh74 (banking, insurance, fintech and payment apps, energy and water utilities, public transport and rail in
    # Poland, Turkey, Indonesia, Egypt, Portugal, Ireland, Nigeria and Thailand: two banks, five payment apps and
    # wallets, a health insurer, two electricity distributors, a water utility, two rail operators, a commuter rail
    # line and a city bus and tram operator) was written blind to the rules and to the set written at the same time in
    # another worktree (not looked for or read, and not in FRESH74_EARLIER): an ordinary week of each brand's mentions,
    # no kind asked for more than another; shaped as fresh72 and fresh73.
    BlindSet("fresh74", 76001, FRESH74_EARLIER, thread_convention=True, own_and_other_languages=True),
    # fresh75 (fashion and clothing retail, beauty and cosmetics, consumer electronics and home appliances, car makers,
    # and furniture and DIY stores in Brazil, Peru, Malaysia, Sweden, the Czech Republic, Hungary, the United Arab
    # Emirates and New Zealand: a cosmetics maker, a beauty e-shop, a fashion chain, two department stores, a shoe
    # brand, five electronics and appliance retailers, two car makers and two DIY chains) was written blind to the
    # rules and to the set written at the same time in another worktree (not looked for or read, and not in
    # FRESH74_EARLIER): an ordinary week of each brand's mentions, no kind asked for more than another; shaped as
    # fresh72 and fresh73.
    BlindSet("fresh75", 77001, FRESH74_EARLIER, thread_convention=True, own_and_other_languages=True),
]


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def same_text(text: str) -> str:
    """Texts compared case-blind with whitespace collapsed."""
    return re.sub(r"\s+", " ", text).strip().casefold()


def names_brand(text: str, words: list[str]) -> bool:
    low = text.casefold()
    return any(word.casefold() in low for word in words)


@pytest.fixture(scope="module", params=SETS, ids=[s.name for s in SETS])
def blind(request: pytest.FixtureRequest) -> tuple[BlindSet, pd.DataFrame, pd.DataFrame]:
    """A blind set, its rows, and the rows of every set written before it."""
    spec: BlindSet = request.param
    earlier = pd.concat([read(DATA / name) for name in spec.earlier], ignore_index=True)
    return spec, read(spec.path), earlier


THREADED = [s for s in SETS if s.thread_convention]


@pytest.fixture(scope="module", params=THREADED, ids=[s.name for s in THREADED])
def threaded(request: pytest.FixtureRequest) -> tuple[BlindSet, pd.DataFrame]:
    """A blind set that follows the in-thread replies convention, and its rows."""
    spec: BlindSet = request.param
    return spec, read(spec.path)


def test_columns_are_those_of_the_other_sets(blind: tuple[BlindSet, pd.DataFrame, pd.DataFrame]) -> None:
    spec = blind[0]
    for path in (spec.path, *(DATA / name for name in spec.earlier)):
        with path.open(encoding="utf-8", newline="") as f:
            assert next(csv.reader(f)) == COLUMNS, path.name


def test_fixed_columns(blind: tuple[BlindSet, pd.DataFrame, pd.DataFrame]) -> None:
    spec, rows, _ = blind
    assert 400 <= len(rows) <= 500
    assert set(rows["split"]) == {spec.name}
    assert set(rows["group"]) == {"main"}
    if spec.own_and_other_languages:
        assert set(rows["is_own"]) == {"True", "False"}
        own = rows[rows["is_own"] == "True"]
        assert (own["expect_reply"] == "False").all() and (own["kind"] == "post").all()
        assert rows["lang"].str.fullmatch(r"[a-z]{2}").all() and (rows["lang"] == "en").mean() >= 0.9
    else:
        assert set(rows["is_own"]) == {"False"}
        assert set(rows["lang"]) == {"en"}
    assert (rows["author_handle"] == f"{spec.name}_" + rows["id"]).all()


def test_values_are_in_their_allowed_sets(blind: tuple[BlindSet, pd.DataFrame, pd.DataFrame]) -> None:
    rows = blind[1]
    assert set(rows["label"]) == LABELS
    assert set(rows["expect_reply"]) == {"True", "False"}
    assert set(rows["kind"]) == KINDS
    assert set(rows["platform"]) == {"x", "reddit", "bluesky", "mastodon", "hackernews"}
    assert set(rows["platform"]) <= set(platforms.COLLECTED)
    assert rows["author_followers"].str.fullmatch(r"\d+").all()
    assert (rows["text"].str.strip() != "").all()
    assert (rows["brand"].str.strip() != "").all()
    hn = rows[rows["platform"] == "hackernews"]
    assert (hn["kind"] == "comment").all() and (hn["thread_id"] != "").all()
    assert (rows.loc[rows["platform"] != "hackernews", "thread_id"] == "").all()


def test_ids_are_unique_and_apart_from_the_earlier_sets(blind: tuple[BlindSet, pd.DataFrame, pd.DataFrame]) -> None:
    spec, rows, earlier = blind
    assert rows["id"].is_unique and rows["post_id"].is_unique
    assert rows["id"].astype(int).min() >= spec.first_id
    assert not set(rows["id"]) & set(earlier["id"])
    assert not set(rows["post_id"]) & set(earlier["post_id"])
    assert (rows["post_id"] == rows["platform"] + "-" + rows["id"]).all()


def test_labels_agree_with_expect_reply(blind: tuple[BlindSet, pd.DataFrame, pd.DataFrame]) -> None:
    """praise and chatter never need a reply, help always does (the labelling guide)."""
    rows = blind[1]
    by_label = rows.groupby("label")["expect_reply"].agg(set).to_dict()
    assert by_label["praise"] == {"False"} and by_label["chatter"] == {"False"}
    assert by_label["help"] == {"True"}
    assert by_label["complaint"] == {"True", "False"}
    assert by_label["question"] == {"True", "False"}
    share = (rows["expect_reply"] == "True").mean()
    assert 0.45 <= share <= 0.55, share


def test_no_duplicate_texts(blind: tuple[BlindSet, pd.DataFrame, pd.DataFrame]) -> None:
    texts = blind[1]["text"].map(same_text)
    assert texts[texts.duplicated()].tolist() == []


def test_no_text_shared_with_the_earlier_sets(blind: tuple[BlindSet, pd.DataFrame, pd.DataFrame]) -> None:
    _, rows, earlier = blind
    seen = set(earlier["text"].map(same_text))
    assert [t for t in rows["text"] if same_text(t) in seen] == []


def test_new_brands_only(blind: tuple[BlindSet, pd.DataFrame, pd.DataFrame]) -> None:
    _, rows, earlier = blind
    per_brand = rows["brand"].value_counts()
    assert 15 <= len(per_brand) <= 20
    assert per_brand.min() >= 15
    assert not (USED_BEFORE | set(earlier["brand"])) & set(per_brand.index)
    assert (rows.groupby("brand")["expect_reply"].agg(set).map(len) == 2).all()


def test_every_platform_has_both_answers(blind: tuple[BlindSet, pd.DataFrame, pd.DataFrame]) -> None:
    assert (blind[1].groupby("platform")["expect_reply"].agg(set).map(len) == 2).all()


def test_every_brand_is_in_the_brands_table(blind: tuple[BlindSet, pd.DataFrame, pd.DataFrame]) -> None:
    spec, rows, _ = blind
    assert set(brands_table(spec.notes)) == set(rows["brand"])


def test_posts_name_their_brand_and_replies_in_its_thread_do_not(threaded: tuple[BlindSet, pd.DataFrame]) -> None:
    """A post is collected because it names the brand; a reply is collected from the brand's thread.

    Every `post` names its brand (name, handle or another spelling in the notes' table), no `reply`
    does, and the replies are at least 15% of the set."""
    spec, rows = threaded
    words = brands_table(spec.notes)
    named = rows.apply(lambda row: names_brand(row["text"], words[row["brand"]]), axis=1)
    posts, replies = rows["kind"] == "post", rows["kind"] == "reply"
    assert rows.loc[posts & ~named, "id"].tolist() == []
    assert rows.loc[replies & named, "id"].tolist() == []
    assert replies.mean() >= 0.15
    assert set(rows.loc[replies, "platform"]) <= {"x", "bluesky", "mastodon"}


def test_reddit_comments_sit_under_a_post_of_the_set(threaded: tuple[BlindSet, pd.DataFrame]) -> None:
    rows = threaded[1]
    reddit = rows[rows["platform"] == "reddit"]
    posts = reddit[reddit["kind"] == "post"]
    assert (reddit["kind"] != "reply").all()
    for _, row in reddit[reddit["kind"] == "comment"].iterrows():
        parent = posts[posts["brand"] == row["brand"]]
        assert any(row["url"].startswith(url) and row["url"] != url for url in parent["url"]), row["id"]


def table_rows(rows: pd.DataFrame, column: str) -> list[str]:
    return [
        f"| {value} | {len(part)} | {(part['expect_reply'] == 'True').sum()} |" for value, part in rows.groupby(column)
    ]


def test_counts_in_the_notes_match_the_file(blind: tuple[BlindSet, pd.DataFrame, pd.DataFrame]) -> None:
    spec, rows, _ = blind
    notes = spec.notes
    true = int((rows["expect_reply"] == "True").sum())
    assert (
        f"Rows: {len(rows)}; expect_reply True: {true}; expect_reply False: {len(rows) - true}; "
        f"brands: {rows['brand'].nunique()}"
    ) in notes
    lines = set(notes.splitlines())
    for column in ("label", "platform", "kind", "brand"):
        missing = [row for row in table_rows(rows, column) if row not in lines]
        assert missing == [], column
    for (label, answer), part in rows.groupby(["label", "expect_reply"]):
        assert f"| {label} | {answer} | {len(part)} |" in lines
    assert f"{rows['brand'].nunique()} brands from industries" in notes
    if spec.thread_convention:
        replies = rows[rows["kind"] == "reply"]
        true_replies = int((replies["expect_reply"] == "True").sum())
        assert (
            f"In-thread replies naming neither the brand nor its handle: {len(replies)} of {len(rows)} "
            f"({len(replies) / len(rows):.1%}); expect_reply True: {true_replies}"
        ) in notes
