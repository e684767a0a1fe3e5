from tests.support.helpers import text


def test_login_page_renders(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert "Sign in" in text(response)


def test_registered_user_can_sign_in(client, make_user, auth):
    user = make_user()
    response = auth.login(user.email)
    assert response.status_code == 302
    assert "Welcome" in text(client.get("/"))
