"""The session cookie is sent again only when the session changes (issue 15): its server-side row expires a fixed
time after sign-in, so re-signing the cookie on every response extended nothing and cost every request."""

from __future__ import annotations


def _session_cookies(response) -> list[str]:
    return [h for h in response.headers.getlist("Set-Cookie") if h.startswith("certify_session=")]


def test_pages_read_with_an_unchanged_session_set_no_cookie(client, make_user, auth):
    user = make_user(roles=("candidate",))
    signed_in = auth.login(user.email)  # the sign-in form: a permanent session, as a browser gets
    assert signed_in.status_code == 302 and _session_cookies(signed_in)
    client.get("/")
    again = client.get("/")
    assert again.status_code == 200
    assert _session_cookies(again) == []


def test_a_change_to_the_session_still_sends_the_cookie(client, make_user, auth):
    user = make_user(roles=("candidate",))
    auth.login(user.email)
    signed_out = auth.logout()
    assert _session_cookies(signed_out), signed_out.headers  # signing out changes (empties) the session
