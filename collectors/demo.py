"""A realistic, seeded demo data set, so the dashboard runs with no credentials.

`generate` returns the mention frame for three brands (Acme, the team's own, against Globex
and Initech) over every collected platform: questions, complaints, praise, chatter and help
requests (some not in English), threads where Acme's own accounts answer after realistic
delays, heavy-tailed follower counts and engagement, a launch spike and an outage spike.
`DemoCollector` (the `demo` source) keeps adding mentions like these, at the same pace and
rhythm, so scheduling shows with no keys.
"""

from __future__ import annotations

import functools
from datetime import UTC, date, datetime, time, timedelta

import numpy as np
import pandas as pd

import frame as frame_module
import platforms
from collectors.base import CollectResult
from frame import conform

#: the seeded set's `source`; the live demo's rows carry LIVE_SOURCE_PREFIX + the source's name.
SEED_SOURCE = frame_module.DEMO_SEED_SOURCE
LIVE_SOURCE_PREFIX = frame_module.DEMO_LIVE_PREFIX
#: the seeded set's pace: seed_demo's default 5,000 rows over 60 days, less the brand's own replies.
SEEDED_PER_DAY = 5000 / 1.06 / 60
#: live days are numbered from here; each day's ids start at LIVE_ID_BASE + day number x LIVE_ID_STEP,
#: above every seeded id (seed % 1000 x 10^9 + serial < 10^12).
LIVE_EPOCH = date(2020, 1, 1)
LIVE_ID_BASE, LIVE_ID_STEP = 10**12, 10**6
#: load mode (`per_run`): ids from here on, apart from both.
LOAD_ID_BASE = 9 * 10**12
#: load mode draws its posts as if on this day, so a run's posts and ids depend on its cursor alone: two
#: sources at the same cursor make the same ids whenever each runs (their times are then set from the run's clock).
LOAD_DRAW_END = datetime(2020, 1, 1, 23, 59, tzinfo=UTC)
#: a live run looks back at most this far (a scheduler stopped for a week does not bring a week at once).
LIVE_CATCH_UP = timedelta(days=1)
#: brand replies come at most 6 days after the mention (see _brand_replies).
REPLY_DAYS = 7


OWN = "Acme"
BRANDS = {"Acme": 0.5, "Globex": 0.3, "Initech": 0.2}
PRODUCTS = {
    "Acme": ["Acme Phone X2", "Acme Buds", "the Acme app", "Acme Cloud", "Acme Watch"],
    "Globex": ["Globex Pad", "Globex One", "the Globex app", "Globex Cloud"],
    "Initech": ["Initech TPS", "Initech Router", "the Initech app"],
}
HANDLES = {"x": "acme", "reddit": "acme_support", "bluesky": "acme.bsky.social", "mastodon": "acme"}
COMPETITOR_OF = {"Acme": "Globex", "Globex": "Acme", "Initech": "Acme"}
PLATFORM_SHARE = {"x": 0.36, "reddit": 0.2, "bluesky": 0.13, "mastodon": 0.08, "hackernews": 0.08, "rss": 0.15}
REPLYING_PLATFORMS = platforms.REPLYING

TEMPLATES: dict[str, list[str]] = {
    "complaint": [
        "Still waiting on my {brand} refund after {n} days. No answer from support.",
        "My {product} arrived broken. Second time this year @{handle}",
        "{brand} cancelled my order without telling me?? Not impressed",
        "Order delayed AGAIN. {brand} what is going on",
        "The latest {product} update drained my battery overnight, this is ridiculous",
        "Lost my package and {brand} support keeps closing my ticket. Terrible service",
        "@{handle} charged twice for the same order, need this fixed",
        "{product} keeps crashing since yesterday. Useless",
        "Worst customer service I have ever dealt with. {brand}, do better",
        "{brand} outage again? Can't log in to {product} for {n} hours",
    ],
    "question": [
        "Does the {product} work with {other}?",
        "@{handle} how do I reset my {product}?",
        "Anyone know when the {brand} sale starts?",
        "Is {brand} support open on weekends?",
        "What's the battery life like on the {product}? Thinking of buying one",
        "Can I move my {product} data to a new account? @{handle}",
        "Is there a student discount for {product}?",
    ],
    "help": [
        "Can someone from {brand} help me with my account? Locked out since yesterday",
        "Need help: {product} won't pair with my laptop. @{handle}",
        "@{handle} please help, my {product} is stuck on the logo screen",
        "Help! {product} says my subscription expired but I paid last week",
    ],
    "praise": [
        "Loving my new {product}, best purchase this year!",
        "Shoutout to @{handle} support, fixed my issue in {n} minutes. Thank you!",
        "{product} battery life is amazing",
        "Honestly {brand} nailed it with the {product}. Great design",
        "Switched from {other} to {product} and I'm so happy I did",
        "Thanks {brand}! Replacement arrived a day early",
    ],
    "chatter": [
        "Just saw the {brand} ad during the game",
        "{brand} vs {other}: which one for a student?",
        "Reading about {brand}'s quarterly results",
        "{brand} announces new {product} lineup",
        "Unboxing the {product} later today",
        "Anyone going to the {brand} event next week",
        "My dad finally got a {product} lol",
        "{brand} stock moving today",
        "Thread: everything announced at the {brand} keynote",
    ],
    "foreign": [
        "¿Alguien sabe si {brand} tiene soporte en español?",
        "Mi {product} llegó roto, qué decepción",
        "Der {product} von {brand} ist wirklich gut",
        "Service client {brand} injoignable depuis {n} jours",
        "{brand}の新しい{product}、最高です",
        "Alguém já usou o {product}? Vale a pena?",
    ],
}
FOREIGN_LANGS = ["es", "es", "de", "fr", "ja", "pt"]
SUFFIXES = ["", "", "", " 🙄", "!!", " #{tag}", " lol", " 😍", " (day {n})", " ...", " 👍", " smh"]
OTHER = ["my Mac", "Android", "Windows 11", "my car", "Alexa", "the old model", "Linux"]
OWN_REPLIES = [
    "Hi @{author}, sorry about this! Please DM us your order number and we'll sort it out today.",
    "Thanks for reaching out @{author}. Our team is on it: check your DMs.",
    "@{author} that's not the experience we want for you. Could you send us a DM with the details?",
    "Hi @{author}! Yes: hold the side button for 10 seconds, then follow the on-screen steps.",
    "@{author} glad you asked! Full details are on our help page, and we're here if you need more.",
]
#: what an author says after the brand's reply (analysis.resolution judges it): some thank the brand,
#: some are still angry, a few just acknowledge; most say nothing (FOLLOW_UP_SHARE).
FOLLOW_UPS: dict[str, list[str]] = {
    "thanks": [
        "@{handle} thank you, all sorted now!",
        "Thanks @{handle}, that fixed it. Great support",
        "@{handle} got it working, thanks so much for the quick help",
        "Replacement is on its way. Thank you @{handle}!",
    ],
    "angry": [
        "@{handle} I sent the DM two days ago and still no answer. Useless",
        "Still waiting on my refund @{handle}. This is ridiculous",
        "@{handle} that did not help, it is still broken",
        "@{handle} same problem again today. Terrible service",
    ],
    "neutral": [
        "@{handle} ok, sent you a DM",
        "@{handle} done, order number is in your inbox",
    ],
}
#: the chance an answered author follows up, by what they say; the rest stay silent.
FOLLOW_UP_SHARE = {"thanks": 0.18, "angry": 0.1, "neutral": 0.06}
#: a follow-up comes this long (lognormal median) after the brand's reply.
FOLLOW_UP_MEDIAN_HOURS = 5.0
CATEGORY_SHARE = {"complaint": 0.15, "question": 0.14, "help": 0.06, "praise": 0.2, "chatter": 0.4, "foreign": 0.05}
ADJECTIVES = ["quiet", "lucky", "rapid", "urban", "sunny", "cosmic", "retro", "salty", "brave", "mellow", "pixel"]
NOUNS = ["otter", "falcon", "maple", "comet", "panda", "river", "byte", "tiger", "cactus", "lantern", "moose"]


def _names(rng: np.random.Generator, n: int) -> np.ndarray:
    adj = rng.choice(ADJECTIVES, n)
    noun = rng.choice(NOUNS, n)
    num = rng.integers(1, 9999, n).astype(str)
    return np.char.add(np.char.add(np.char.add(adj, "_"), noun), num)


def _timestamps(
    rng: np.random.Generator,
    n: int,
    start: pd.Timestamp,
    end: pd.Timestamp,
    days: int,
    brand: np.ndarray,
    category: np.ndarray,
) -> np.ndarray:
    """Posting times with a daily rhythm, a launch day for Acme and an outage day of complaints."""
    hour_weights = np.array([2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 8, 8, 9, 9, 8, 8, 8, 8, 9, 9, 8, 6, 4, 3], float)
    day = rng.integers(0, days, n)
    launch, outage = int(days * 0.55), int(days * 0.8)
    launch_rows = (brand == "Acme") & (rng.random(n) < 0.06)
    day[launch_rows] = launch
    outage_rows = (brand == "Acme") & (category == "complaint") & (rng.random(n) < 0.25)
    day[outage_rows] = outage
    hour = rng.choice(24, n, p=hour_weights / hour_weights.sum())
    seconds = rng.integers(0, 3600, n)
    offsets = day.astype("int64") * 86400 + hour * 3600 + seconds
    stamps = start + pd.to_timedelta(offsets, unit="s")
    future = stamps > end  # today's hours still to come: the same hour yesterday
    return stamps.where(~future, stamps - pd.Timedelta(days=1)).to_numpy()


def _fill(
    templates: np.ndarray,
    brand: np.ndarray,
    product: np.ndarray,
    other: np.ndarray,
    n_values: np.ndarray,
    suffix: np.ndarray,
) -> list[str]:
    out = []
    for t, b, p, o, k, s in zip(templates, brand, product, other, n_values, suffix, strict=True):
        handle = "acme" if b == OWN else b.lower()
        text = (t + s).format(brand=b, product=p, other=o, n=k, handle=handle, tag=b.lower())
        out.append(text[0].upper() + text[1:] if text[0].islower() else text)
    return out


def _ids(
    platform: np.ndarray, kind: np.ndarray, serial: np.ndarray, seed: int, id_base: int | None = None
) -> np.ndarray:
    """Platform-shaped ids: from `seed` (the seeded set) or from `id_base` (the live demo's days)."""
    offset = np.int64(seed % 1000) * 10**9 if id_base is None else np.int64(id_base)
    base = (offset + serial).astype("int64")
    ids = np.empty(len(serial), dtype=object)
    for p in PLATFORM_SHARE:
        rows = platform == p
        num = base[rows]
        if p == "x":
            ids[rows] = (1_860_000_000_000_000_000 + num).astype(str)
        elif p == "reddit":
            prefix = np.where(kind[rows] == "post", "t3_", "t1_")
            ids[rows] = np.char.add(prefix, np.array([np.base_repr(v, 36).lower() for v in num], dtype=str))
        elif p == "bluesky":
            ids[rows] = np.array(
                [f"at://did:plc:demo{v % 997:03d}/app.bsky.feed.post/3l{np.base_repr(v, 32).lower()}" for v in num],
                dtype=object,
            )
        elif p == "mastodon":
            ids[rows] = (113_000_000_000_000_000 + num).astype(str)
        elif p == "hackernews":
            ids[rows] = (42_000_000 + num).astype(str)
        else:
            ids[rows] = np.array([f"https://news.example.com/a/{v}" for v in num], dtype=object)
    return ids


def _urls(platform: pd.Series, post_id: pd.Series, handle: pd.Series) -> pd.Series:
    url = pd.Series(index=platform.index, dtype="object")
    for p, rows in platform.groupby(platform).groups.items():
        ids, users = post_id[rows], handle[rows]
        if p == "x":
            url[rows] = "https://x.com/" + users + "/status/" + ids
        elif p == "reddit":
            url[rows] = "https://www.reddit.com/comments/" + ids.str.slice(3)
        elif p == "bluesky":
            url[rows] = "https://bsky.app/profile/" + users + "/post/" + ids.str.rsplit("/", n=1).str[-1]
        elif p == "mastodon":
            url[rows] = "https://mastodon.social/@" + users + "/" + ids
        elif p == "hackernews":
            url[rows] = "https://news.ycombinator.com/item?id=" + ids
        else:
            url[rows] = ids
    return url


def generate(
    mentions: int = 5000,
    days: int = 60,
    seed: int = 7,
    end: datetime | None = None,
    *,
    id_base: int | None = None,
    replies_until: datetime | None = None,
    source: str = SEED_SOURCE,
    follow_ups: bool = True,
) -> pd.DataFrame:
    """`mentions` rows (about; own replies and follow-ups included) over the `days` before `end`, as the
    mention frame.

    `id_base` gives ids of its own (the live demo's days, apart from the seeded set's); brand replies
    and the authors' follow-ups to them are kept up to `replies_until` (default `end`). Without
    `follow_ups`, nobody answers the brand's replies.
    """
    rng = np.random.default_rng(seed)
    end_ts = pd.Timestamp(end or datetime.now(UTC)).tz_convert("UTC").floor("min")
    start = end_ts.floor("D") - pd.Timedelta(days=days - 1)  # days run midnight to midnight UTC; the last is today
    n = max(int(mentions / 1.06), 1)  # leave room for the brand's own replies

    brand = rng.choice(list(BRANDS), n, p=list(BRANDS.values()))
    category = rng.choice(list(CATEGORY_SHARE), n, p=list(CATEGORY_SHARE.values()))
    platform = rng.choice(list(PLATFORM_SHARE), n, p=list(PLATFORM_SHARE.values()))
    category[(platform == "rss") & (category != "praise")] = "chatter"  # feeds carry articles
    created = _timestamps(rng, n, start, end_ts, days, brand, category)

    template = np.empty(n, dtype=object)
    lang = np.full(n, "en", dtype=object)
    for cat, texts in TEMPLATES.items():
        rows = category == cat
        pick = rng.integers(0, len(texts), rows.sum())
        template[rows] = np.array(texts, dtype=object)[pick]
        if cat == "foreign":
            lang[rows] = np.array(FOREIGN_LANGS, dtype=object)[pick]
    product = np.empty(n, dtype=object)
    for b, items in PRODUCTS.items():
        rows = brand == b
        product[rows] = rng.choice(items, rows.sum())
    other = np.where(rng.random(n) < 0.5, rng.choice(OTHER, n), [COMPETITOR_OF[b] for b in brand])
    suffix = rng.choice(SUFFIXES, n)
    text = _fill(template, brand, product, other, rng.integers(2, 30, n), suffix)

    # authors: a pool with heavy-tailed reach; a few news accounts with very large audiences
    pool = max(n // 4, 10)
    names = _names(rng, pool)
    followers_pool = np.minimum(rng.lognormal(5.0, 1.9, pool), 4_000_000).astype("int64")
    followers_pool[rng.random(pool) < 0.003] *= 200
    activity = rng.pareto(2.0, pool) + 1  # a few regulars post a lot, most post once or twice
    author = rng.choice(pool, n, p=activity / activity.sum())
    followers = followers_pool[author]

    kind = np.full(n, "post", dtype=object)
    kind[np.isin(platform, ["reddit", "hackernews"]) & (rng.random(n) < 0.55)] = "comment"
    kind[np.isin(platform, ["x", "bluesky", "mastodon"]) & (rng.random(n) < 0.25)] = "reply"
    kind[np.isin(platform, ["x", "bluesky"]) & (rng.random(n) < 0.04)] = "quote"
    kind[platform == "rss"] = "article"  # feed entries are articles: never flagged (frame.KINDS)

    # engagement grows with reach and with how charged a post is
    boost = np.select([category == "complaint", category == "praise"], [1.6, 1.3], 1.0)
    base = 0.01 * np.power(followers + 20, 0.8) * boost * rng.lognormal(0, 1.0, n)
    likes = rng.poisson(base)
    replies = rng.poisson(base * 0.12)
    reposts = rng.poisson(base * 0.18)
    quotes = rng.poisson(base * 0.03)
    views = (followers * rng.uniform(0.05, 0.6, n) + likes * 25).astype("int64")

    frame = pd.DataFrame(
        {
            "platform": platform,
            "kind": kind,
            "author_id": author.astype(str),
            "author_handle": names[author],
            "author_name": np.char.title(np.char.replace(names[author].astype(str), "_", " ")),
            "author_followers": followers,
            "text": text,
            "lang": lang,
            "created_at": created,
            "likes": likes,
            "replies": replies,
            "reposts": reposts,
            "quotes": quotes,
            "views": views,
            "brand": brand,
            "matched": np.char.lower(brand.astype(str)),
            "is_own": False,
            "category": category,
        }
    )
    # Ids and every random draw below are tied to a row's place in generation order (`serial`),
    # never to its place in time order: time order depends on `end` (today's hours still to come
    # move to yesterday), so a rerun a minute later would shift the ids (see `_threads`).
    frame["serial"] = np.arange(n)
    frame = frame.sort_values(["created_at", "serial"], ignore_index=True)
    _platform_facts(frame)
    parent = _threads(frame, rng.random(n))
    serial = frame["serial"].to_numpy()
    frame["post_id"] = _ids(frame["platform"].to_numpy(), frame["kind"].to_numpy(), serial, seed, id_base)
    answers = parent >= 0
    frame.loc[answers, "parent_id"] = frame["post_id"].to_numpy()[parent[answers]]
    frame["thread_id"] = frame["parent_id"]
    until = end_ts if replies_until is None else pd.Timestamp(replies_until).tz_convert("UTC")
    own = _brand_replies(frame, rng, until, id_base)
    later = _follow_ups(frame, own, seed, until, id_base) if follow_ups else own.iloc[0:0]
    frame = frame.drop(columns=["serial"])
    parts = [frame, own.drop(columns=["serial"]), later.drop(columns=["serial"])]
    frame = pd.concat([p for p in parts if len(p)], ignore_index=True).sort_values("created_at", ignore_index=True)
    frame["url"] = _urls(frame["platform"], frame["post_id"], frame["author_handle"])
    frame["source"] = source
    frame["retrieved_at"] = end_ts
    return conform(frame.drop(columns=["category"]))


def _platform_facts(frame: pd.DataFrame) -> None:
    """Null what each platform does not report (Reddit score is likes; RSS has no counts)."""
    p = frame["platform"]
    for col in ("views",):
        frame[col] = frame[col].astype("Int64").mask(p != "x")
    frame["reposts"] = frame["reposts"].astype("Int64").mask(p.isin(["reddit", "hackernews", "rss"]))
    frame["quotes"] = frame["quotes"].astype("Int64").mask(~p.isin(["x", "bluesky"]))
    frame["author_followers"] = frame["author_followers"].astype("Int64").mask(p.isin(["reddit", "hackernews", "rss"]))
    for col in ("likes", "replies"):
        frame[col] = frame[col].astype("Int64").mask(p == "rss")
    frame.loc[p.isin(["hackernews", "rss"]), "lang"] = None


def _threads(frame: pd.DataFrame, draws: np.ndarray) -> np.ndarray:
    """Give comments and replies a parent: an earlier post on the same platform (frame in time order).

    Returns each row's parent position (-1: none); an answer with no earlier post becomes a post.
    `draws` holds one uniform number per row in generation order (indexed by `serial`).
    """
    frame["parent_id"] = None
    frame["thread_id"] = None
    parent = np.full(len(frame), -1, dtype="int64")
    serial = frame["serial"].to_numpy()
    for _, rows in frame.groupby("platform").groups.items():
        index = np.asarray(rows)
        kinds = frame["kind"].to_numpy()[index]
        posts = np.flatnonzero(kinds == "post")
        answers = np.flatnonzero(kinds != "post")
        if len(posts) == 0:
            continue
        upto = np.searchsorted(posts, answers)  # posts before each answer
        ok = upto > 0
        pick = posts[(draws[serial[index[answers[ok]]]] * upto[ok]).astype(int)]
        parent[index[answers[ok]]] = index[pick]
        frame.loc[index[answers[~ok]], "kind"] = "post"
    return parent


def _brand_replies(
    frame: pd.DataFrame, rng: np.random.Generator, end: pd.Timestamp, id_base: int | None = None
) -> pd.DataFrame:
    """Acme's own accounts answer most questions, complaints and help requests, hours later.

    Which mentions get an answer, its delay and counts are drawn per mention in generation
    order, and a reply's id derives from its mention's `serial`, all before replies still to
    come at `end` are dropped: so a later `end` only adds the replies that fell due meanwhile.
    """
    n = int(frame["serial"].max()) + 1
    chance, delays = rng.random(n), rng.lognormal(np.log(2.5 * 3600), 1.1, n)
    likes, replies = rng.poisson(2, n), rng.poisson(0.3, n)
    id_seed = int(rng.integers(0, 1000))
    wants = (
        (frame["brand"] == OWN)
        & frame["category"].isin(["complaint", "question", "help"])
        & frame["platform"].isin(REPLYING_PLATFORMS)
    )
    answered = frame[wants & (chance[frame["serial"].to_numpy()] < 0.62)]
    serial = answered["serial"].to_numpy()
    delay = pd.to_timedelta(np.minimum(delays[serial], 6 * 86400), unit="s")
    own = pd.DataFrame(
        {
            "platform": answered["platform"].to_numpy(),
            "kind": np.where(answered["platform"] == "reddit", "comment", "reply"),
            "parent_id": answered["post_id"].to_numpy(),
            "thread_id": answered["thread_id"].fillna(answered["post_id"]).to_numpy(),
            "author_id": "brand",
            "author_handle": answered["platform"].map(HANDLES).to_numpy(),
            "author_name": "Acme Support",
            "author_followers": pd.array(
                [None if platform == "reddit" else 250_000 for platform in answered["platform"]], dtype="Int64"
            ),
            "text": [
                OWN_REPLIES[s % len(OWN_REPLIES)].format(author=a)
                for s, a in zip(serial, answered["author_handle"], strict=True)
            ],
            "lang": "en",
            "created_at": (answered["created_at"] + delay).to_numpy(),
            "likes": likes[serial],
            "replies": replies[serial],
            "brand": OWN,
            "matched": "own account",
            "is_own": True,
            "category": "own",
            "serial": serial,
        }
    )
    if id_base is None:
        own["post_id"] = _ids(own["platform"].to_numpy(), own["kind"].to_numpy(), serial + 500_000_000, id_seed)
    else:
        own["post_id"] = _ids(own["platform"].to_numpy(), own["kind"].to_numpy(), serial + 500_000, 0, id_base)
    return own[own["created_at"] <= end].reset_index(drop=True)


def _follow_ups(
    frame: pd.DataFrame, own: pd.DataFrame, seed: int, end: pd.Timestamp, id_base: int | None = None
) -> pd.DataFrame:
    """Some authors the brand answered say something more in that thread, hours later: thanks, still
    angry, or a plain acknowledgement; most say nothing.

    Drawn per answered mention from a generator of its own (`seed`, then the mention's `serial`
    decides), so the rows before it never change; a follow-up comes within REPLY_DAYS of its mention
    (what the live demo looks back over) and only up to `end`.
    """
    if own.empty:
        return own.iloc[0:0].assign(category=pd.Series(dtype=object))
    n = int(frame["serial"].max()) + 1
    rng = np.random.default_rng([seed, 18])
    chance, delays, pick = rng.random(n), rng.lognormal(np.log(FOLLOW_UP_MEDIAN_HOURS * 3600), 1.0, n), rng.random(n)
    serial = own["serial"].to_numpy()
    bounds = np.cumsum(list(FOLLOW_UP_SHARE.values()))
    kind_of = np.searchsorted(bounds, chance[serial], side="right")  # len(bounds): silent
    says = kind_of < len(bounds)
    if not says.any():
        return own.iloc[0:0]
    replied = own[says].reset_index(drop=True)
    serial = serial[says]
    what = np.array(list(FOLLOW_UP_SHARE), dtype=object)[kind_of[says]]
    original = frame.set_index("serial").loc[serial]
    latest = pd.Series(original["created_at"].to_numpy(), index=replied.index) + pd.Timedelta(
        seconds=REPLY_DAYS * 86400 - 3600
    )
    created = (replied["created_at"] + pd.to_timedelta(delays[serial], unit="s")).where(lambda t: t <= latest, latest)
    text = [
        FOLLOW_UPS[w][int(p * len(FOLLOW_UPS[w]))].format(handle=h)
        for w, p, h in zip(what, pick[serial], replied["platform"].map(HANDLES), strict=True)
    ]
    later = pd.DataFrame(
        {
            "platform": replied["platform"].to_numpy(),
            "kind": np.where(replied["platform"] == "reddit", "comment", "reply"),
            "parent_id": replied["post_id"].to_numpy(),
            "thread_id": replied["thread_id"].to_numpy(),
            "author_id": original["author_id"].to_numpy(),
            "author_handle": original["author_handle"].to_numpy(),
            "author_name": original["author_name"].to_numpy(),
            "author_followers": original["author_followers"].to_numpy(),
            "text": text,
            "lang": "en",
            "created_at": created.to_numpy(),
            "likes": rng.poisson(1, n)[serial],
            "replies": 0,
            "brand": OWN,
            "matched": OWN.lower(),
            "is_own": False,
            "category": "follow_up",
            "serial": serial,
        }
    )
    kinds = later["kind"].to_numpy()
    if id_base is None:
        offset = int(seed % 1000)
        later["post_id"] = _ids(later["platform"].to_numpy(), kinds, serial + 750_000_000, offset)
    else:
        later["post_id"] = _ids(later["platform"].to_numpy(), kinds, serial + 750_000, 0, id_base)
    return later[later["created_at"] <= end].reset_index(drop=True)


@functools.lru_cache(maxsize=2 * REPLY_DAYS + 2)
def live_day(day: date) -> pd.DataFrame:
    """The live demo's mentions of one UTC day (and the brand's replies to them, up to a week later).

    The same day always gives the same rows: like the seeded set (its hour-of-day rhythm,
    platforms, brands, vocabulary, authors and reply habits) at its pace (SEEDED_PER_DAY, drawn
    per day), with ids of its own. Kept for the process (a run builds a new collector): callers
    must not change the frame.
    """
    number = (day - LIVE_EPOCH).days
    rng = np.random.default_rng([LIVE_ID_BASE, number])
    count = max(int(rng.poisson(SEEDED_PER_DAY) * 1.06), 1)
    end = datetime.combine(day, time(23, 59), tzinfo=UTC)
    return generate(
        count,
        days=1,
        seed=1_000_000 + number,
        end=end,
        id_base=LIVE_ID_BASE + number * LIVE_ID_STEP,
        replies_until=end + timedelta(days=REPLY_DAYS),
    )


class DemoCollector:
    """The `demo` source: mentions that look like the seeded demo set, on the platforms it imitates.

    Without `per_run` (the default), each run adds what the live demo "posted" since the last run
    (the cursor is that time): the seeded set's pace and hour-of-day rhythm, so a running demo
    never makes today a spike nor fills the queue faster than the seeded weeks did. With
    `per_run`, each run adds exactly that many fresh posts (a load test; the cursor counts them).
    """

    platform = "demo"

    def __init__(
        self,
        brand: str = OWN,
        per_run: int | None = None,
        now: datetime | None = None,
        *,
        every_seconds: float = 60.0,
        name: str = "demo-live",
    ) -> None:
        self.brand, self.per_run, self.now = brand, per_run, now
        self.every_seconds, self.name = every_seconds, name

    def _finish(self, fresh: pd.DataFrame, now: datetime) -> pd.DataFrame:
        if self.brand not in BRANDS:  # a config without the demo brands: everything under the source's brand
            fresh["brand"] = self.brand
        fresh["source"] = LIVE_SOURCE_PREFIX + self.name
        fresh["retrieved_at"] = now
        return conform(fresh)

    def collect(self, cursor: str | None) -> CollectResult:
        now = pd.Timestamp(self.now or datetime.now(UTC)).tz_convert("UTC")
        if self.per_run is not None:
            return self._load(cursor, now.to_pydatetime())
        since = _since(cursor, now, self.every_seconds)
        days = pd.date_range(since.floor("D") - pd.Timedelta(days=REPLY_DAYS), now.floor("D"), freq="D")
        parts = []
        for day in days:
            world = live_day(day.date())
            stamps = world["created_at"]
            parts.append(world[(stamps > since) & (stamps <= now)])
        fresh = pd.concat(parts, ignore_index=True).sort_values("created_at", ignore_index=True)
        return CollectResult(frame=self._finish(fresh.copy(), now.to_pydatetime()), cursor=now.isoformat())

    def _load(self, cursor: str | None, now: datetime) -> CollectResult:
        per_run = self.per_run or 0
        done = int(cursor) if cursor and cursor.isdigit() else 0
        made = generate(per_run * 2 + 2, days=1, seed=10_000 + done, end=LOAD_DRAW_END, follow_ups=False)
        fresh = made[~made["is_own"]].head(per_run).reset_index(drop=True)
        if self.brand in BRANDS:
            fresh["brand"] = self.brand
        fresh["created_at"] = [now - timedelta(seconds=30 * (i + 1)) for i in range(len(fresh))]
        fresh["kind"] = "post"
        fresh["parent_id"] = None
        fresh["thread_id"] = None
        serial = np.arange(done, done + len(fresh), dtype="int64")
        fresh["post_id"] = _ids(fresh["platform"].to_numpy(), fresh["kind"].to_numpy(), serial, 0, LOAD_ID_BASE)
        fresh["url"] = _urls(fresh["platform"], fresh["post_id"], fresh["author_handle"])
        return CollectResult(frame=self._finish(fresh, now), cursor=str(done + len(fresh)))


def _since(cursor: str | None, now: pd.Timestamp, every_seconds: float) -> pd.Timestamp:
    """Where a live run starts: the last run's end, else one interval ago; never more than LIVE_CATCH_UP ago."""
    start = now - pd.Timedelta(seconds=every_seconds)
    if cursor and not cursor.isdigit():  # a count is the cursor of a load-mode run (or an older version)
        try:
            start = pd.Timestamp(cursor)
            start = start.tz_localize("UTC") if start.tzinfo is None else start.tz_convert("UTC")
        except ValueError:
            pass
    return min(max(start, now - pd.Timedelta(LIVE_CATCH_UP)), now)


def from_source(source, config) -> DemoCollector:
    """Build the demo collector for a configured `platform = "demo"` source."""
    per_run = source.options.get("per_run")
    return DemoCollector(
        brand=source.brand,
        per_run=int(per_run) if per_run is not None else None,
        every_seconds=float(source.every_seconds),
        name=source.name,
    )
