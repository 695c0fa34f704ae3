"""ZEGO's SDK rules for user, room and stream IDs: check_user_id, check_room_id, check_stream_id."""

import pytest
from support import LyingStr

from src import check_room_id, check_stream_id, check_user_id


@pytest.mark.parametrize(
    ("function", "good", "bad"),
    [
        (
            check_user_id,
            ["u", "a" * 64, "~!@#$%^&*()_+=-`;',.<>\\", "0"],
            ["", "a" * 65, "a b", "é", "a:b", "a\n", "a/b"],
        ),
        (
            check_room_id,
            ["r", "r" * 128, "~!@#$%^&*()_+=-`;,.<>\\"],
            ["", "r" * 129, "r/1", "r'1", "房间", "r?"],
        ),
        (check_stream_id, ["s", "s" * 256, "a-b_c"], ["", "s" * 257, "s.1", "s 1", "s/1", "流"]),
    ],
    ids=["user", "room", "stream"],
)
def test_id_rules(function, good, bad):
    for value in good:
        assert function(value) is None, value
    for value in bad:
        assert isinstance(function(value), str), value


def test_user_id_rules_depend_on_the_product():
    assert check_user_id("u" * 32, "zim") is None
    assert "at most 32" in check_user_id("u" * 33, "zim")
    assert check_user_id("u" * 33, "rtc") is None
    with pytest.raises(ValueError, match="product"):
        check_user_id("u", "express")


def test_id_rule_messages_say_what_is_wrong():
    assert check_user_id("a b!é") == (
        "user_id has characters the SDK refuses (' ' 'é'); it takes ASCII letters, digits and ~!@#$%^&*()_+=-`;',.<>\\"
    )


def test_where_the_platforms_differ_the_rule_is_what_all_take_and_the_message_names_who_refuses():
    # Express web's own loginRoom check refuses "/" in a user ID; the native SDKs refuse "'" in a room ID.
    assert "the web SDK refuses '/'" in check_user_id("a/b")
    assert "the native SDKs refuse" in check_room_id("a'b")
    assert check_user_id("a'b") is None and "web SDK" not in check_room_id("a/b")
    assert check_room_id(5) == "room_id must be a str, not int"
    assert check_stream_id("s" * 300) == "stream_id is 300 bytes; the SDK takes at most 256"
    assert "bytes" in check_user_id("é" * 40)


@pytest.mark.parametrize("value", ["user_1", "user 1", "ü" * 40, "", "s-1", "r" * 300])
@pytest.mark.parametrize("product", ["rtc", "zim"])
def test_id_rules_read_lying_subclasses_by_their_plain_values(value, product):
    assert check_user_id(LyingStr(value), LyingStr(product)) == check_user_id(value, product)
    assert check_room_id(LyingStr(value)) == check_room_id(value)
    assert check_stream_id(LyingStr(value)) == check_stream_id(value)


@pytest.mark.parametrize(
    ("product", "error"), [("express", ValueError), (None, TypeError), (b"rtc", TypeError)]
)
def test_an_unknown_product_is_the_callers_error(product, error):
    with pytest.raises(error, match="product"):
        check_user_id("u", product)
