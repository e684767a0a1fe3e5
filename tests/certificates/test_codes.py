"""Verification codes are safe to paste into a command line."""

from certify.certificates import issuing


def test_a_code_never_starts_with_a_dash_or_underscore(monkeypatch):
    drawn = iter(["-starts-with-a-dash", "_underscore", "Kx9-fine_code"])
    monkeypatch.setattr(issuing.secrets, "token_urlsafe", lambda n: next(drawn))

    assert issuing.new_code() == "Kx9-fine_code"


def test_codes_carry_192_random_bits():
    codes = {issuing.new_code() for _ in range(200)}

    assert len(codes) == 200
    assert all(len(code) == 32 and code[0].isalnum() for code in codes)
