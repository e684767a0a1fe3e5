from certify.core.passwords import MAX_LENGTH, MIN_LENGTH, password_problems


def test_strong_password_has_no_problems():
    assert password_problems("Quiet-Harbour-Lamp-91", email="ana@example.org", name="Ana Lima") == []


def test_short_password_is_rejected():
    assert password_problems("a" * (MIN_LENGTH - 1)) == [f"Use at least {MIN_LENGTH} characters."]


def test_over_long_password_is_rejected():
    assert password_problems("x1-" * 50) == [f"Use at most {MAX_LENGTH} characters."]


def test_common_password_is_rejected():
    assert any("most common" in p for p in password_problems("Password1234"))


def test_repeated_characters_are_rejected():
    assert any("different characters" in p for p in password_problems("abababababab"))


def test_password_containing_email_or_name_is_rejected():
    assert any("email" in p for p in password_problems("my-morgan-secret", email="morgan@example.org"))
    assert any("name" in p for p in password_problems("okafor-is-my-pass", name="Dana Okafor"))
