"""Many threads generating and decoding at once."""

import threading
from collections import Counter

from support import IV_ALPHABET, SECRET, open_token

from src import token04

THREADS = 8
TOKENS_PER_THREAD = 600  # five CBC to one GCM: the IV statistics below need CBC tokens
CBC_PER_THREAD = TOKENS_PER_THREAD * 5 // 6
# Chi-square with 35 degrees of freedom: mean 35, standard deviation about 8.4; above 120 has odds
# of about 1e-11 for a uniform source. The modulo bias of `byte % 36` adds about 125 to the expected
# value on the 64,000 CBC IV characters made here (about 160 in all), so such a bias would be caught.
CHI_SQUARE_LIMIT = 120


def worker(index, barrier, shared_tokens, results, errors):
    try:
        user_id = f"user-{index}"
        barrier.wait()
        made = []
        for n in range(TOKENS_PER_THREAD):
            mode = "gcm" if n % 6 == 5 else "cbc"
            info = token04.generate_token04(1000 + index, user_id, SECRET, 3600, f"p{n}", mode=mode)
            assert info.error_code == 0, info.error_message
            contents = token04.decode_token04(info.token, SECRET)
            assert (contents.app_id, contents.user_id, contents.payload, contents.mode) == (
                1000 + index,
                user_id,
                f"p{n}",
                mode,
            )
            # decode what other threads made, too
            other = shared_tokens[(index + n) % len(shared_tokens)]
            assert token04.decode_token04(other, SECRET).user_id == "shared"
            made.append(info.token)
        results[index] = made
    except BaseException as error:  # reported by the main thread
        errors.append(error)


def test_threads_generate_valid_unique_tokens_with_even_iv_characters():
    shared_tokens = [
        token04.generate_token04(1, "shared", SECRET, 3600, "").token for _ in range(16)
    ]
    barrier = threading.Barrier(THREADS)
    results = {}
    errors = []
    threads = [
        threading.Thread(target=worker, args=(index, barrier, shared_tokens, results, errors))
        for index in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors[0]
    tokens = [token for index in range(THREADS) for token in results[index]]
    assert len(tokens) == THREADS * TOKENS_PER_THREAD

    cbc_ivs, gcm_nonces = [], []
    for token in tokens:
        _, frame = open_token(token, SECRET)
        (gcm_nonces if frame["trailer"] == b"\x01" else cbc_ivs).append(frame["iv"])
    assert len(set(cbc_ivs)) == len(cbc_ivs) == THREADS * CBC_PER_THREAD
    assert len(set(gcm_nonces)) == len(gcm_nonces) == THREADS * (TOKENS_PER_THREAD - CBC_PER_THREAD)

    characters = Counter(b"".join(cbc_ivs).decode("ascii"))
    assert set(characters) == set(IV_ALPHABET)
    total = sum(characters.values())
    expected = total / len(IV_ALPHABET)
    chi_square = sum((characters[c] - expected) ** 2 / expected for c in IV_ALPHABET)
    assert chi_square < CHI_SQUARE_LIMIT, (chi_square, characters)


def test_the_chi_square_check_would_catch_modulo_bias():
    """The check above has teeth: `byte % 36` over all 256 byte values fails it."""
    biased = Counter(IV_ALPHABET[byte % 36] for byte in range(256))
    total = THREADS * CBC_PER_THREAD * 16
    expected = total / 36
    chi_square = sum((total * biased[c] / 256 - expected) ** 2 / expected for c in IV_ALPHABET)
    assert chi_square > CHI_SQUARE_LIMIT
