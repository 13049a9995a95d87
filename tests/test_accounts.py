"""Sign in/out, roles on every protected page, CSRF, and the create-admin command."""
import pytest

from tests.factories import PASSWORD, make_member
from tracker.extensions import db
from tracker.models import AuditEvent, Member

ADMIN_PAGES = ["/admin/members", "/admin/audit"]  # imports and the review queue: the committee's too


def test_sign_in_and_out(client, org):
    member = make_member(org, role="member")
    page = client.get("/login")
    assert b'<label for="email">E-mail</label>' in page.data
    response = client.post("/login", data={"email": member.email.upper(), "password": PASSWORD},
                           follow_redirects=True)
    assert f"Signed in as {member.name}".encode() in response.data
    assert b"Sign out" in response.data
    response = client.post("/logout", follow_redirects=True)
    assert b"Signed out." in response.data and b"Sign in" in response.data


def test_sign_in_in_spanish_labels_and_messages(client, org):
    member = make_member(org, role="member")
    client.get("/language/es")
    page = client.get("/login").get_data(as_text=True)
    assert '<label for="email">Correo electrónico</label>' in page and "Contraseña" in page
    assert "Mantener la sesión iniciada en este dispositivo" in page
    refused = client.post("/login", data={"email": member.email, "password": "wrong password!"})
    assert "Ese correo y esa contraseña no coinciden" in refused.get_data(as_text=True)
    response = client.post("/login", data={"email": member.email, "password": PASSWORD}, follow_redirects=True)
    assert f"Sesión iniciada como {member.name}." in response.get_data(as_text=True)
    assert "Lo que te necesita" in response.get_data(as_text=True)  # the member's own page, in Spanish


def test_wrong_password_and_inactive_account_refused(client, org):
    member = make_member(org)
    response = client.post("/login", data={"email": member.email, "password": "wrong password!"})
    assert response.status_code == 200 and b"do not match an active account" in response.data
    member.active = False
    db.session.commit()
    response = client.post("/login", data={"email": member.email, "password": PASSWORD})
    assert b"do not match an active account" in response.data


def test_login_never_redirects_off_site(client, org):
    member = make_member(org)
    response = client.post("/login?next=https://evil.example/", data={"email": member.email, "password": PASSWORD})
    assert response.headers["Location"] == "/me"
    response = client.post("/logout")
    response = client.post("/login?next=//evil.example/x", data={"email": member.email, "password": PASSWORD})
    assert response.headers["Location"] == "/me"


def test_passwords_are_hashed(org):
    member = make_member(org, password="a long enough secret")
    assert "a long enough secret" not in member.password_hash
    assert member.check_password("a long enough secret") and not member.check_password("other")


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_send_anonymous_visitors_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["member", "committee"])
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_forbidden_to_weaker_roles(client, login, role, url):
    login(role)
    response = client.get(url)
    assert response.status_code == 403
    assert b"You are not allowed to do that" in response.data


@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_open_to_admins(client, login, url):
    login("admin")
    assert client.get(url).status_code == 200


def test_role_writes_are_checked(client, login, org):
    target = make_member(org)
    login("committee")
    response = client.post(f"/admin/members/{target.id}/role", data={"role": "admin"})
    assert response.status_code == 403
    assert db.session.get(Member, target.id).role == "member"
    response = client.post("/admin/members", data={"name": "X", "email": "x@example.org", "role": "admin",
                                                   "password": "0123456789", "confirm": "0123456789"})
    assert response.status_code == 403


def test_admin_adds_member_and_changes_role_with_audit(client, login, org):
    admin = login("admin")
    response = client.post("/admin/members", data={"name": "Rosa Parks", "email": "Rosa@Example.org",
                                                   "role": "committee", "password": "0123456789",
                                                   "confirm": "0123456789"}, follow_redirects=True)
    assert b"Added Rosa Parks as committee." in response.data
    rosa = db.session.execute(db.select(Member).filter_by(email="rosa@example.org")).scalar_one()
    assert rosa.role == "committee" and rosa.check_password("0123456789")
    client.post(f"/admin/members/{rosa.id}/role", data={"role": "member"})
    db.session.expire_all()
    assert db.session.get(Member, rosa.id).role == "member"
    actions = [e.action for e in db.session.execute(db.select(AuditEvent).order_by(AuditEvent.id)).scalars()]
    assert actions == ["member.create", "member.role"]
    events = db.session.execute(db.select(AuditEvent)).scalars().all()
    assert {e.actor_label for e in events} == {admin.email}


def test_duplicate_member_and_short_password_explained(client, login, org):
    admin = login("admin")
    response = client.post("/admin/members", data={"name": "Dup", "email": admin.email, "role": "member",
                                                   "password": "0123456789", "confirm": "0123456789"})
    assert b"There is already a member with the e-mail" in response.data
    response = client.post("/admin/members", data={"name": "Short", "email": "s@example.org", "role": "member",
                                                   "password": "short", "confirm": "short"})
    assert b"at least 10" in response.data


def test_admin_cannot_demote_self(client, login):
    admin = login("admin")
    response = client.post(f"/admin/members/{admin.id}/role", data={"role": "member"}, follow_redirects=True)
    assert b"cannot take the admin role from yourself" in response.data
    assert db.session.get(Member, admin.id).role == "admin"


def test_csrf_rejects_forms_without_token(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        from tests.factories import make_org
        member = make_member(make_org())
        email = member.email
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 400 and b"could not be accepted" in response.data
    with client.session_transaction() as session:
        assert "_user_id" not in session
    page = client.get("/login").data.decode()
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302
    response = client.post("/logout")  # no token: the plain form handler refuses with 400
    assert response.status_code == 400 and b"could not be accepted" in response.data


def test_create_admin_command(runner, app):
    result = runner.invoke(args=["create-admin", "boss@example.org", "--organization", "Richmond Alliance"],
                           input="a very long password\na very long password\n")
    assert result.exit_code == 0, result.output
    assert "Created admin boss@example.org in Richmond Alliance." in result.output
    boss = db.session.execute(db.select(Member).filter_by(email="boss@example.org")).scalar_one()
    assert boss.role == "admin" and boss.check_password("a very long password")
    assert boss.organization.slug == "richmond-alliance"
    again = runner.invoke(args=["create-admin", "boss@example.org"], input="a very long password\na very long password\n")
    assert again.exit_code != 0 and "already a member" in again.output


def test_a_service_error_on_a_page_reads_in_spanish(client, login):
    """AccountError messages come from the service, translated at raise time for the visitor."""
    login("member")
    refused = {"current": "not my password", "password": "a new password!", "confirm": "a new password!"}
    english = client.post("/account/password", data=refused).get_data(as_text=True)
    assert "The current password is not right." in english and "La contraseña actual" not in english
    client.get("/language/es")
    spanish = client.post("/account/password", data=refused).get_data(as_text=True)
    assert "La contraseña actual no es correcta." in spanish and "The current password is not right." not in spanish


def test_a_service_error_with_a_value_reads_in_spanish(client, login):
    admin = login("admin")
    duplicate = {"name": "Dup", "email": admin.email, "role": "member", "password": "0123456789", "confirm": "0123456789"}
    english = client.post("/admin/members", data=duplicate).get_data(as_text=True)
    assert f"There is already a member with the e-mail {admin.email}." in english
    client.get("/language/es")
    spanish = client.post("/admin/members", data=duplicate).get_data(as_text=True)
    assert f"Ya hay un miembro con el correo {admin.email}." in spanish and "There is already" not in spanish
