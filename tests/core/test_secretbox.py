"""core.secretbox: sealed values open with the key and row they were sealed for and no other,
tampering is caught, legacy plaintext is told apart, and a previous key still opens."""

from __future__ import annotations

import pytest

from core import secretbox

KEY, OLD = "k" * 32 + "-current", "o" * 32 + "-previous"


def test_a_sealed_value_opens_with_its_key_and_row_only():
    sealed = secretbox.seal("JBSWY3DPEHPK3PXP", KEY, "totp", "two_factor:user:1")
    assert sealed.startswith("v1:") and "JBSWY3DPEHPK3PXP" not in sealed and len(sealed) <= 128
    assert secretbox.seal("JBSWY3DPEHPK3PXP", KEY, "totp", "two_factor:user:1") != sealed  # a fresh nonce each time
    assert secretbox.unseal(sealed, [KEY], "totp", "two_factor:user:1") == ("JBSWY3DPEHPK3PXP", 0)
    for keys, purpose, row in (([OLD], "totp", "two_factor:user:1"), ([KEY], "other", "two_factor:user:1"),
                               ([KEY], "totp", "two_factor:user:2")):
        with pytest.raises(secretbox.Unreadable):
            secretbox.unseal(sealed, keys, purpose, row)


def test_tampering_and_garbage_are_unreadable():
    sealed = secretbox.seal("JBSWY3DPEHPK3PXP", KEY, "totp", "r")
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    for bad in (flipped, "v1:", "v1:!!!", "v1:" + sealed[3:10]):
        with pytest.raises(secretbox.Unreadable):
            secretbox.unseal(bad, [KEY], "totp", "r")


def test_legacy_plaintext_and_previous_keys():
    assert secretbox.unseal("JBSWY3DPEHPK3PXP", [KEY], "totp", "r") == ("JBSWY3DPEHPK3PXP", None)
    old = secretbox.seal("JBSWY3DPEHPK3PXP", OLD, "totp", "r")
    assert secretbox.unseal(old, [KEY, OLD], "totp", "r") == ("JBSWY3DPEHPK3PXP", 1)
