"""Google Play reviews and replies: the Play Developer API replayed from tests/cassettes/googleplay (no network).

The service account key is made here (a fresh RSA key per test session): no private key is
committed, and the signed sign-in assertion is checked against the key's public half.
"""

from __future__ import annotations

import base64
import json
import re
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

import pandas as pd
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from sqlalchemy import select

from collectors.base import FatalError, MissingCredentials, RetriableError
from collectors.googleplay import CREDENTIAL, GooglePlayCollector, reply, service_account
from collectors.streams import cursor_id, decode_cursor
from config import Brand, Config, Source
from frame import FRAME_COLUMNS, RATING_OUT_OF_RANGE
from pipeline import replies
from pipeline.runner import run_source
from store.schema import mention_state, mentions
from tests.json_replay import session_for

HERE = Path(__file__).parent / "cassettes" / "googleplay"
NOW = datetime(2026, 11, 17, 13, 0, tzinfo=UTC)
T0 = 1794916800  # 2026-11-17T12:00:00Z, the recordings' newest review (+0.25 s)
ACME = Brand(name="Acme", keywords=("acme",))
PRIVATE = rsa.generate_private_key(public_exponent=65537, key_size=2048)
PEM = PRIVATE.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
).decode()
KEY_JSON = json.dumps(
    {
        "type": "service_account",
        "project_id": "acme-play",
        "private_key_id": "k1",
        "private_key": PEM,
        "client_email": "reviews@acme-play.iam.gserviceaccount.com",
        "client_id": "1",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
)


def source(package: str = "com.acme.notes", max_pages: int = 10) -> Source:
    return Source(
        name="acme-android",
        platform="googleplay",
        brand="Acme",
        every_seconds=3600,
        max_pages=max_pages,
        options={"package_name": package},
    )


def collector(src: Source, *files: Path):  # type: ignore[no-untyped-def]
    session, replay = session_for(*files)
    return GooglePlayCollector(src, ACME, session=session, now=NOW, key=service_account(KEY_JSON)), replay


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def test_sign_in_sends_a_valid_rs256_assertion_then_a_bearer_token() -> None:
    play, replay = collector(source(), HERE / "reviews.json")
    play.collect(None)
    sign_in, first = replay.requests[0], replay.requests[1]
    form = parse_qs(sign_in.body)
    assert form["grant_type"] == ["urn:ietf:params:oauth:grant-type:jwt-bearer"]
    header, claims, signature = form["assertion"][0].split(".")
    assert json.loads(_unb64(header)) == {"alg": "RS256", "typ": "JWT", "kid": "k1"}
    assert json.loads(_unb64(claims)) == {
        "iss": "reviews@acme-play.iam.gserviceaccount.com",
        "scope": "https://www.googleapis.com/auth/androidpublisher",
        "aud": "https://oauth2.googleapis.com/token",
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 3600,
    }
    PRIVATE.public_key().verify(  # raises if the signature is wrong
        _unb64(signature), f"{header}.{claims}".encode(), padding.PKCS1v15(), hashes.SHA256()
    )
    assert first.headers["Authorization"] == "Bearer ya29.test-token"
    assert len([r for r in replay.requests if r.method == "POST"]) == 1  # one sign-in for all pages


def test_reviews_map_to_the_frame_and_a_developer_reply_is_the_brands_own() -> None:
    play, replay = collector(source(), HERE / "reviews.json")
    result = play.collect(None)
    assert [parse_qs(r.path_url.partition("?")[2]).get("token") for r in replay.requests[1:]] == [None, ["page-2"]]
    assert list(result.frame.columns) == FRAME_COLUMNS and not result.skipped
    frame = result.frame.set_index("post_id")
    assert sorted(frame.index) == [
        "gp:AOqpTOE1",
        "gp:AOqpTOE2",
        "gp:AOqpTOE3",
        "gp:AOqpTOE4",
        "gp:AOqpTOE4:reply",
        "gp:AOqpTOE5",
    ]
    crash = frame.loc["gp:AOqpTOE5"]
    assert (crash["platform"], crash["kind"], crash["rating"], crash["app_version"]) == (
        "googleplay",
        "review",
        1,
        "4.2.0",
    )
    assert crash["text"] == "Crashes\n\nCrashes on start since the update, lost my notes"  # "title<TAB>body"
    assert (crash["author_name"], crash["author_handle"], crash["likes"], crash["lang"]) == (
        "Mara K",
        "Mara K",
        5,
        "en",
    )
    assert crash["created_at"] == pd.Timestamp("2026-11-17T12:00:00.25Z")
    assert crash["url"] == "https://play.google.com/store/apps/details?id=com.acme.notes&reviewId=gp%3AAOqpTOE5"
    assert (crash["brand"], crash["source"], crash["matched"], crash["is_own"]) == (
        "Acme",
        "acme-android",
        "com.acme.notes",
        False,
    )
    assert frame.loc["gp:AOqpTOE3", "lang"] == "en_GB"
    answer = frame.loc["gp:AOqpTOE4:reply"]
    assert (answer["kind"], answer["parent_id"], answer["is_own"]) == ("reply", "gp:AOqpTOE4", True)
    assert answer["text"] == "Thanks Jon, glad you like it!" and pd.isna(answer["rating"])
    assert frame["rating"].dropna().astype(int).to_dict() == {
        "gp:AOqpTOE1": 2,
        "gp:AOqpTOE2": 4,
        "gp:AOqpTOE3": 3,
        "gp:AOqpTOE4": 5,
        "gp:AOqpTOE5": 1,
    }
    assert decode_cursor(result.cursor) == {"ids": [cursor_id("googleplay", "gp:AOqpTOE5")], "newest": T0 + 0.25}


def test_the_next_run_keeps_only_reviews_newer_than_the_cursor() -> None:
    play, _ = collector(source(), HERE / "reviews.json")
    # newest: TOE4's last activity, its developer reply (T0 - 900), as a run that saw it would store
    cursor = json.dumps({"newest": T0 - 900, "ids": ["gp:AOqpTOE4"]})
    result = play.collect(cursor)
    assert result.frame["post_id"].tolist() == ["gp:AOqpTOE5"]
    play, replay = collector(source(), HERE / "reviews.json")
    again = play.collect(result.cursor)
    assert again.frame.empty and len(replay.requests) == 2  # sign-in, page 1 (all seen: no page 2)
    assert decode_cursor(again.cursor) == decode_cursor(result.cursor)


def test_an_empty_answer_is_no_reviews() -> None:
    play, _ = collector(source("com.acme.quiet"), HERE / "empty.json")
    result = play.collect(None)
    assert result.frame.empty and result.cursor is None and not result.skipped


def test_malformed_reviews_are_kept_nulled_or_counted_never_crash() -> None:
    play, _ = collector(source("com.acme.odd"), HERE / "errors.json")
    result = play.collect(None)
    frame = result.frame.set_index("post_id")
    assert sorted(frame.index) == ["gp:HTML", "gp:NOSTARS", "gp:SEVEN", "gp:UNICODE"]
    assert pd.isna(frame.loc["gp:NOSTARS", "rating"]) and pd.isna(frame.loc["gp:SEVEN", "rating"])
    odd = frame.loc["gp:UNICODE"]
    assert odd["text"] == "Émoji 🎉\n\nWorks 👍🏽 — ünïcödé ✓ \u202eRTL\u202c zero\u200bwidth NUL"
    assert (odd["author_name"], odd["lang"], odd["rating"]) == ("Zoë 🦄", "fr", 4)
    # Google Play text is plain: markup is kept as written (pages escape it)
    assert frame.loc["gp:HTML", "text"] == "<b>Bold</b> claim <script>alert(1)</script> &amp; more"
    assert result.skipped == Counter(
        {
            "malformed review": 3,
            "review without a rating (kept)": 1,
            RATING_OUT_OF_RANGE: 1,
            "unparseable created_at": 1,
        }
    )


@pytest.mark.parametrize(
    ("package", "error", "words"),
    [
        ("com.acme.rate", RetriableError, "rate limited (429)"),
        ("com.acme.denied", FatalError, "access denied (PERMISSION_DENIED)"),
        ("com.acme.gone", FatalError, "not found (404)"),
    ],
)
def test_http_errors_are_retriable_or_fatal(package: str, error: type, words: str) -> None:
    play, _ = collector(source(package), HERE / "errors.json")
    with pytest.raises(error, match=re.escape(words)) as caught:
        play.collect(None)
    if error is RetriableError:
        assert caught.value.retry_after == 30.0
    assert "ya29" not in str(caught.value) and "PRIVATE" not in str(caught.value)


def test_a_refused_service_account_is_fatal_and_named_not_shown() -> None:
    play, _ = collector(source(), HERE / "token_refused.json")
    with pytest.raises(FatalError) as caught:
        play.collect(None)
    message = str(caught.value)
    assert "GOOGLE_PLAY_SERVICE_ACCOUNT was refused (invalid_grant)" in message
    assert "BEGIN" not in message and "reviews@" not in message


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "missing credentials: GOOGLE_PLAY_SERVICE_ACCOUNT"),
        ("/nowhere/key.json", "names a file that cannot be read"),
        ('{"client_email": "a@b"}', "not a service account key"),
        ('{"client_email": "a@b", "private_key": "x", "token_uri": "http://evil"}', "not an https URL"),
    ],
)
def test_bad_keys_are_refused_in_words_without_their_value(value: str, words: str) -> None:
    with pytest.raises((MissingCredentials, FatalError), match=re.escape(words)) as caught:
        service_account(value)
    assert "/nowhere" not in str(caught.value) and "evil" not in str(caught.value)


def test_a_key_file_path_works_and_a_bad_private_key_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "key.json"
    path.write_text(KEY_JSON, encoding="utf-8")
    assert service_account(str(path))["client_email"] == "reviews@acme-play.iam.gserviceaccount.com"
    broken = service_account(json.dumps({"client_email": "a@b", "private_key": "not pem"}))
    play = GooglePlayCollector(source(), ACME, session=session_for(HERE / "reviews.json")[0], now=NOW, key=broken)
    with pytest.raises(FatalError, match="private_key in GOOGLE_PLAY_SERVICE_ACCOUNT is not a PEM RSA key"):
        play.collect(None)


def test_a_source_without_the_credential_is_skipped(engine, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(CREDENTIAL, raising=False)
    src = source()
    config = Config(path=None, brands=(ACME,), sources=(src,))
    summary = run_source(engine, config, src, sleep=lambda s: None)
    assert summary.status == "skipped" and summary.error == "missing credentials: GOOGLE_PLAY_SERVICE_ACCOUNT"


def test_stored_reviews_are_flagged_by_stars_and_the_developer_reply_answers_one(engine) -> None:  # type: ignore[no-untyped-def]
    src = source()
    config = Config(path=None, brands=(ACME,), sources=(src,))
    play, _ = collector(src, HERE / "reviews.json")
    summary = run_source(engine, config, src, sleep=lambda s: None, collector=play)
    assert (summary.status, summary.new) == ("ok", 6)
    with engine.connect() as conn:
        rows = conn.execute(
            select(mentions.c.post_id, mentions.c.rating, mentions.c.needs_reply, mentions.c.app_version)
            .where(mentions.c.kind == "review")
            .order_by(mentions.c.post_id)
        ).all()
        answered = conn.execute(
            select(mentions.c.post_id, mention_state.c.status, mention_state.c.response_post_id).join(
                mention_state, mention_state.c.mention_id == mentions.c.id
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("gp:AOqpTOE1", 2, True, "4.1.8"),  # 2 stars: a reply by default
        ("gp:AOqpTOE2", 4, False, "4.1.9"),
        ("gp:AOqpTOE3", 3, True, "4.2.0"),  # 3 stars and a problem term ("broken")
        ("gp:AOqpTOE4", 5, False, "4.2.0"),
        ("gp:AOqpTOE5", 1, True, "4.2.0"),
    ]
    assert [tuple(r) for r in answered] == [("gp:AOqpTOE4", "replied", "gp:AOqpTOE4:reply")]


# --------------------------------------------------------------------------- replying


def review_mention(post_id: str = "gp:AOqpTOE5") -> dict:
    return {
        "platform": "googleplay",
        "post_id": post_id,
        "kind": "review",
        "url": f"https://play.google.com/store/apps/details?id=com.acme.notes&reviewId={post_id}",
    }


def test_reply_posts_the_text_to_the_review_and_returns_its_id() -> None:
    session, replay = session_for(HERE / "reply.json")
    posted = reply(
        review_mention(), "  Sorry Mara, 4.2.1 fixes the crash.  ", session=session, key=service_account(KEY_JSON)
    )
    assert posted == "gp:AOqpTOE5:reply"
    sent = replay.requests[1]
    assert sent.method == "POST" and sent.path_url.endswith("/applications/com.acme.notes/reviews/gp%3AAOqpTOE5:reply")
    assert json.loads(sent.body) == {"replyText": "Sorry Mara, 4.2.1 fixes the crash."}
    assert sent.headers["Authorization"] == "Bearer ya29.test-token"


@pytest.mark.parametrize(
    ("mention", "text", "words"),
    [
        (review_mention(), "x" * 351, "the reply has 351 characters; Google Play allows 350"),
        (review_mention(), "   ", "the reply is empty"),
        ({**review_mention(), "url": "https://example.com/"}, "thanks", "does not name its app"),
        ({**review_mention("gp:AOqpTOE4:reply"), "kind": "reply"}, "thanks", "only a review can be answered"),
        (review_mention("gp:DELETED"), "thanks", "not found (404)"),
    ],
)
def test_reply_refusals_are_plain_words(mention: dict, text: str, words: str) -> None:
    session, replay = session_for(HERE / "reply.json")
    with pytest.raises(FatalError, match=re.escape(words)):
        reply(mention, text, session=session, key=service_account(KEY_JSON))
    if "351" in words or "empty" in words:
        assert replay.requests == []  # refused before any call


def test_the_platform_table_routes_replies_and_names_the_credential(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv(CREDENTIAL, raising=False)
    assert replies.can_reply("googleplay") and not replies.can_reply("appstore")
    assert replies.missing_credentials("googleplay") == [CREDENTIAL]
    with pytest.raises(MissingCredentials):
        replies.post_reply("googleplay", review_mention(), "thanks")
