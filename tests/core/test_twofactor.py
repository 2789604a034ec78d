"""Two-factor login for admins (issue 11, 等保 level 3): TOTP enrolment with recovery codes, the
login's second step (throttled, no replay), the `[security].admin_two_factor` policy, disabling,
resets by a platform admin and by the CLI, and the audit trail of each."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import os
import re
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator

import httpx
import pyotp
import pytest
from litestar.testing import TestClient

from core import secretbox, twofactor
from core.app import create_app
from core.identity import ensure_user
from core.settings import SettingsError, load_settings
from core.tables import AuditEvent, RecoveryCode, TwoFactor, User
from tests.conftest import OWN, bearer, run

PASSWORD = "admin-password-1"


def _address() -> str:
    n = uuid.uuid4().int
    return f"10.{n % 250}.{(n >> 8) % 250}.{(n >> 16) % 250 + 1}"


def _new_user(role: str = "district_admin") -> str:
    username = f"tf-{role[:4]}-{uuid.uuid4().hex[:8]}"
    grant = {"role": role, "district_code": None if role in ("platform_admin", "city_admin") else OWN,
             "city_code": "430700" if role == "city_admin" else None}
    run(ensure_user(username, PASSWORD, [grant], fast_hash=True))
    return username


class Browser:
    """A cookie-keeping client that comes from one client address (the throttle counts per address)."""

    def __init__(self, app, address: str | None = None) -> None:
        self.app, self.address = app, address or _address()
        self.cookies = httpx.Cookies()
        self.headers: dict[str, str] = {}

    def request(self, method: str, url: str, **kwargs) -> httpx.Response:
        async def go():
            transport = httpx.ASGITransport(app=self.app, client=(self.address, 40000))
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver", cookies=self.cookies,
                                         headers=self.headers) as c:
                response = await c.request(method, url, **kwargs)
                self.cookies = c.cookies
                return response

        return asyncio.run(go())

    def post(self, url: str, **kwargs) -> httpx.Response:
        return self.request("POST", url, **kwargs)

    def get(self, url: str, **kwargs) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def login(self, username: str, password: str = PASSWORD) -> httpx.Response:
        response = self.post("/api/auth/login", json={"username": username, "password": password})
        if response.status_code == 200 and response.json()["csrf_token"]:
            self.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return response

    def code(self, code: str) -> httpx.Response:
        response = self.post("/api/auth/login/code", json={"code": code})
        if response.status_code == 200:
            self.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        return response


def _enrol(app, username: str) -> tuple[str, list[str]]:
    """Enrol through the API; return the secret and the recovery codes."""
    b = Browser(app)
    assert b.login(username).json()["next_step"] is None
    started = b.post("/api/me/two-factor/enrolment")
    assert started.status_code == 200, started.text
    secret = started.json()["secret"]
    assert started.json()["otpauth_uri"].startswith("otpauth://totp/")
    confirmed = b.post("/api/me/two-factor/enrolment/confirm", json={"code": pyotp.TOTP(secret).now()})
    assert confirmed.status_code == 200, confirmed.text
    b.post("/api/auth/logout")
    return secret, confirmed.json()["recovery_codes"]


def _code(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + 30 * offset_steps)


def _actions(username: str) -> list[str]:
    user = run(User.select(User.id).where(User.username == username).first())
    rows = run(AuditEvent.select(AuditEvent.action).where(
        (AuditEvent.entity == "user") & (AuditEvent.entity_id == str(user["id"]))).order_by(AuditEvent.seq))
    return [r["action"] for r in rows]


@pytest.fixture(scope="module")
def required_app(ctx):
    """The app with `[security].admin_two_factor = "required"`."""
    strict = dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, admin_two_factor="required"))
    from tests.contract import check_contract

    application = create_app(ctx=strict)
    check_contract(application)
    return application


@pytest.fixture
def off_app(ctx) -> Iterator:
    yield create_app(ctx=dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings,
                                                                               admin_two_factor="off")))


# --- settings --------------------------------------------------------------------------


def test_the_policy_setting_defaults_to_optional_and_names_a_bad_value(tmp_path):
    assert load_settings().admin_two_factor == "optional"
    assert load_settings({**os.environ, "SANSHE_ADMIN_TWO_FACTOR": "required"}).admin_two_factor == "required"
    (tmp_path / "settings.toml").write_text('[security]\nadmin_two_factor = "sometimes"\n')
    with pytest.raises(SettingsError, match=r"\[security\]\.admin_two_factor"):
        load_settings({**os.environ, "SANSHE_CONFIG_DIR": str(tmp_path)})


def test_the_admin_roles_are_core_builtins():
    from core import builtin

    assert twofactor.ADMIN_ROLES == {builtin.PLATFORM_ADMIN, builtin.CITY_ADMIN, builtin.DISTRICT_ADMIN}
    assert twofactor.PLATFORM_ADMIN == builtin.PLATFORM_ADMIN


# --- enrolment and login ---------------------------------------------------------------


def test_enrol_then_log_in_with_a_code(app):
    username = _new_user()
    secret, codes = _enrol(app, username)
    assert len(codes) == 10 and len(set(codes)) == 10 and all(re.fullmatch(r"[0-9a-f]{5}-[0-9a-f]{5}", c) for c in codes)
    # Only hashes are stored.
    user = run(User.select(User.id).where(User.username == username).first())
    stored = run(RecoveryCode.select(RecoveryCode.code_hash).where(RecoveryCode.user == user["id"]))
    assert len(stored) == 10 and not {c.replace("-", "") for c in codes} & {r["code_hash"] for r in stored}

    b = Browser(app)
    first = b.login(username)
    assert first.status_code == 200
    assert first.json()["next_step"] == "two_factor" and first.json()["csrf_token"] is None
    assert "sanshe_session" not in b.cookies and twofactor.PENDING_COOKIE in b.cookies
    assert b.get("/api/me").status_code == 401  # the password alone opens no session
    wrong = b.code("000000" if _code(secret, 1) != "000000" else "111111")
    assert wrong.status_code == 401 and wrong.json()["code"] == "invalid_code"
    done = b.code(_code(secret, 1))  # the current step was used up by the enrolment
    assert done.status_code == 200 and done.json()["next_step"] is None and done.json()["csrf_token"]
    me = b.get("/api/me")
    assert me.status_code == 200 and me.json()["username"] == username
    assert b.get("/api/me/two-factor").json() | {"enrolled_at": None} == {
        "policy": "optional", "eligible": True, "enrolled": True, "required": False, "enrolled_at": None,
        "enrolment_started": False, "recovery_codes_left": 10}
    assert _actions(username) == ["create", "login", "two_factor_enrolled", "two_factor_failed", "login"]
    last_login = run(AuditEvent.select(AuditEvent.after).where(AuditEvent.action == "login")
                     .order_by(AuditEvent.seq, ascending=False).first())
    assert json.loads(last_login["after"])["second_factor"] == "totp"


def test_a_code_cannot_be_replayed_nor_an_older_one_used(app):
    username = _new_user()
    secret, _ = _enrol(app, username)
    # Codes are named by the step the enrolment used (read back), not by the clock: the clock may
    # cross a 30 s boundary between the enrolment and the login.
    user = run(User.select(User.id).where(User.username == username).first())
    used = run(TwoFactor.select(TwoFactor.last_step).where(TwoFactor.user == user["id"]).first())["last_step"]
    at = pyotp.TOTP(secret).generate_otp
    b = Browser(app)
    b.login(username)
    assert b.code(at(used)).status_code == 401  # the step confirmed at enrolment
    assert b.code(at(used + 1)).status_code == 200  # the next step is within the window
    b.post("/api/auth/logout")
    b.login(username)
    assert b.code(at(used + 1)).status_code == 401  # the same code again
    assert b.code(at(used - 1)).status_code == 401  # an older step
    assert b.code(at(used + 4)).status_code == 401  # outside ±1 step of any time this test runs at


def test_a_recovery_code_logs_in_once(app):
    username = _new_user()
    _, codes = _enrol(app, username)
    b = Browser(app)
    b.login(username)
    assert b.code(codes[3].upper().replace("-", " ")).status_code == 200  # typed loosely, still the code
    assert b.get("/api/me/two-factor").json()["recovery_codes_left"] == 9
    b.post("/api/auth/logout")
    b.login(username)
    assert b.code(codes[3]).status_code == 401
    assert "two_factor_recovery_used" in _actions(username)


def test_wrong_codes_are_throttled_like_passwords(app, ctx):
    username = _new_user()
    secret, _ = _enrol(app, username)
    b = Browser(app)
    assert b.login(username).json()["next_step"] == "two_factor"
    for _ in range(ctx.settings.login_max_failures):
        assert b.code("999999" if _code(secret, 1) != "999999" else "888888").status_code == 401
    # Locked for this address now: even the right code is refused, with the same answer ...
    refused = b.code(_code(secret, 1))
    assert refused.status_code == 401 and refused.json()["code"] == "invalid_code"
    # ... and so is the password step (the 等保 lockout covers both factors).
    assert b.login(username).status_code == 401
    assert "login_locked" in _actions(username)


def test_the_pending_state_expires_and_is_no_session(app, ctx):
    username = _new_user()
    secret, _ = _enrol(app, username)
    user_id = run(User.select(User.id).where(User.username == username).first())["id"]
    value = twofactor.pending_value(ctx, user_id, now=time.time() - twofactor.PENDING_SECONDS - 1)
    assert twofactor.pending_user_id(ctx, value) is None
    assert twofactor.pending_user_id(ctx, twofactor.pending_value(ctx, user_id)) == user_id
    b = Browser(app)
    b.cookies.set(twofactor.PENDING_COOKIE, value)
    expired = b.code(_code(secret, 1))
    assert expired.status_code == 401 and expired.json()["code"] == "two_factor_expired"
    b.cookies.set(twofactor.PENDING_COOKIE, value.rsplit(".", 1)[0] + "." + "0" * 32)  # forged signature
    assert b.code(_code(secret, 1)).json()["code"] == "two_factor_expired"
    # A pending state is never a session cookie.
    b.cookies.set("sanshe_session", twofactor.pending_value(ctx, user_id))
    assert b.get("/api/me").status_code == 401


def test_only_admins_enrol_and_the_off_policy_asks_for_no_code(app, off_app):
    resident = _new_user("resident")
    b = Browser(app)
    b.login(resident)
    refused = b.post("/api/me/two-factor/enrolment")
    assert refused.status_code == 403 and refused.json()["code"] == "not_permitted"
    for role in ("platform_admin", "city_admin"):
        c = Browser(app)
        c.login(_new_user(role))
        assert c.post("/api/me/two-factor/enrolment").status_code == 200
    username = _new_user()
    _enrol(app, username)
    with TestClient(app=off_app):
        answer = Browser(off_app).login(username)
    assert answer.status_code == 200 and answer.json()["next_step"] is None and answer.json()["csrf_token"]


def test_enrolment_needs_the_right_first_code_and_happens_once(app):
    b = Browser(app)
    username = _new_user()
    b.login(username)
    assert b.post("/api/me/two-factor/enrolment/confirm", json={"code": "123456"}).json()["code"] == "no_enrolment"
    secret = b.post("/api/me/two-factor/enrolment").json()["secret"]
    again = b.post("/api/me/two-factor/enrolment").json()["secret"]  # a new key replaces an unconfirmed one
    assert again != secret
    wrong = b.post("/api/me/two-factor/enrolment/confirm", json={"code": _code(secret)})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "code"
    assert b.post("/api/me/two-factor/enrolment/confirm", json={"code": _code(again)}).status_code == 200
    assert b.post("/api/me/two-factor/enrolment").status_code == 409


# --- the required policy ---------------------------------------------------------------


def test_required_policy_confines_an_unenrolled_admin_to_enrolment(required_app, tokens):
    username = _new_user()
    b = Browser(required_app)
    first = b.login(username)
    assert first.status_code == 200 and first.json()["next_step"] == "enrol_two_factor"
    for method, url in (("GET", f"/api/districts/{OWN}/persons"), ("POST", "/api/me/tokens"),
                        ("GET", "/api/me/tokens"), ("GET", "/api/audit")):
        blocked = b.request(method, url, json={"name": "x"} if method == "POST" else None)
        assert blocked.status_code == 403 and blocked.json()["code"] == "two_factor_enrolment_required", url
    me = b.get("/api/me").json()
    assert me["two_factor_enrolment_required"] is True and me["roles"] == []
    # A page sends them to enrolment.
    page = b.get(f"/api/districts/{OWN}/persons", headers={"Accept": "text/html"})
    assert page.status_code == 403  # API paths keep the JSON answer
    page = b.get("/account/security", headers={"Accept": "text/html"})
    assert page.status_code == 200 and 'data-testid="must-enrol"' in page.text
    secret = b.post("/api/me/two-factor/enrolment").json()["secret"]
    assert b.post("/api/me/two-factor/enrolment/confirm", json={"code": _code(secret)}).status_code == 200
    assert b.get(f"/api/districts/{OWN}/persons").status_code == 200  # the same session, now enrolled
    # Others are unaffected: a resident needs no second factor, API tokens keep working.
    assert Browser(required_app).login(_new_user("resident")).json()["next_step"] is None
    with TestClient(app=required_app) as c:
        assert c.get(f"/api/districts/{OWN}/persons", headers=bearer(tokens["platform_admin"])).status_code == 200


def test_required_policy_web_login_goes_to_enrolment(required_app):
    username = _new_user()
    with TestClient(app=required_app) as c:
        form = c.get("/login")
        csrf = re.search(r'name="_csrf" value="([^"]+)"', form.text).group(1)
        done = c.post("/login", data={"username": username, "password": PASSWORD, "_csrf": csrf},
                      follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/account/security"
        blocked = c.get(f"/districts/{OWN}/talent", headers={"Accept": "text/html"}, follow_redirects=False)
        assert blocked.status_code in (302, 303, 307) and blocked.headers["location"] == "/account/security", blocked.text


# --- disabling and resets --------------------------------------------------------------


def test_disabling_needs_the_password_and_a_code(app):
    username = _new_user()
    secret, codes = _enrol(app, username)
    b = Browser(app)
    b.login(username)
    assert b.code(codes[0]).status_code == 200
    wrong = b.post("/api/me/two-factor/disable", json={"password": "not-it", "code": _code(secret, 1)})
    assert wrong.status_code == 422 and wrong.json()["code"] == "invalid_credentials"
    assert b.post("/api/me/two-factor/disable", json={"password": PASSWORD, "code": "000001"}).status_code == 422
    ok = b.post("/api/me/two-factor/disable", json={"password": PASSWORD, "code": _code(secret, 1)})
    assert ok.status_code == 200, ok.text
    assert Browser(app).login(username).json()["next_step"] is None
    assert _actions(username)[-5:] == ["login", "two_factor_disable_failed", "two_factor_disable_failed",
                                       "two_factor_disabled", "login"]


def test_a_platform_admin_resets_another_users_two_factor(app, tokens):
    username = _new_user()
    _enrol(app, username)
    with TestClient(app=app) as c:
        url = f"/api/users/{username}/two-factor/reset"
        denied = c.post(url, headers=bearer(tokens["district_admin"]))
        assert denied.status_code == 403 and denied.json()["code"] == "not_permitted"
        assert c.post(url, headers=bearer(tokens["platform_admin"])).status_code == 200
        assert c.post(url, headers=bearer(tokens["platform_admin"])).json()["code"] == "not_enrolled"
        assert c.post("/api/users/nobody-here/two-factor/reset",
                      headers=bearer(tokens["platform_admin"])).status_code == 404
    user_id = run(User.select(User.id).where(User.username == username).first())["id"]
    assert run(TwoFactor.count().where(TwoFactor.user == user_id)) == 0
    assert run(RecoveryCode.count().where(RecoveryCode.user == user_id)) == 0
    event = run(AuditEvent.select().where(AuditEvent.action == "two_factor_reset")
                .order_by(AuditEvent.seq, ascending=False).first())
    assert event["actor"] == "admin" and event["entity_id"] == str(user_id)
    assert Browser(app).login(username).json()["next_step"] is None


def test_the_cli_resets_two_factor(app, ctx):
    username = _new_user()
    _enrol(app, username)

    def sanshe(*args):
        return subprocess.run([sys.executable, "-m", "core.cli", *args], env=dict(os.environ), capture_output=True,
                              text=True, timeout=120)

    done = sanshe("user", "reset-2fa", username)
    assert done.returncode == 0, done.stderr
    assert "reset" in done.stdout and _actions(username)[-1] == "two_factor_reset"
    again = sanshe("user", "reset-2fa", username)
    assert again.returncode == 1 and "尚未启用两步验证" in again.stderr


# --- pages ------------------------------------------------------------------------------


def test_web_login_asks_for_the_code_then_lands_home(app):
    username = _new_user()
    secret, codes = _enrol(app, username)
    with TestClient(app=app) as c:
        csrf = re.search(r'name="_csrf" value="([^"]+)"', c.get("/login").text).group(1)
        step = c.post("/login", data={"username": username, "password": PASSWORD, "_csrf": csrf,
                                      "next": "/opendata"}, follow_redirects=False)
        assert step.status_code == 303 and step.headers["location"] == "/login/code?next=/opendata"
        page = c.get("/login/code?next=/opendata")
        assert 'data-testid="code-input"' in page.text and "/login/code?recovery=1&amp;next=/opendata" in page.text
        recovery = c.get("/login/code?recovery=1")
        assert 'name="recovery" value="1"' in recovery.text
        bad = c.post("/login/code", data={"code": "12345", "_csrf": csrf, "next": "/opendata"})
        assert bad.status_code == 401 and "验证码错误" in bad.text
        done = c.post("/login/code", data={"code": codes[0], "_csrf": csrf, "next": "/opendata", "recovery": "1"},
                      follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/opendata"
        assert c.get("/api/me").json()["username"] == username
    with TestClient(app=app) as c:  # no pending state: back to the password form
        assert 'name="password"' in c.get("/login/code").text


def test_the_account_page_enrols_and_shows_the_codes_once(app):
    username = _new_user()
    with TestClient(app=app) as c:
        csrf = re.search(r'name="_csrf" value="([^"]+)"', c.get("/login").text).group(1)
        c.post("/login", data={"username": username, "password": PASSWORD, "_csrf": csrf})
        page = c.get("/account/security")
        session_csrf = re.search(r'name="_csrf" value="([^"]+)"', page.text).group(1)
        assert 'data-testid="enrol-start"' in page.text
        started = c.post("/account/security/enrol", data={"_csrf": session_csrf})
        assert started.status_code == 200 and "<svg" in started.text and 'data-testid="secret"' in started.text
        secret = re.search(r'data-testid="secret">([A-Z2-7 ]+)<', started.text).group(1).replace(" ", "")
        wrong = c.post("/account/security/confirm", data={"_csrf": session_csrf, "code": "12"})
        assert wrong.status_code == 422 and 'data-testid="security-error"' in wrong.text
        shown = c.post("/account/security/confirm", data={"_csrf": session_csrf, "code": _code(secret)})
        assert shown.status_code == 200 and shown.text.count("<li><code>") == 10
        assert "/static/twofactor.js" in shown.text
        later = c.get("/account/security")
        assert "<li><code>" not in later.text and 'data-testid="disable-form"' in later.text
        assert "北京时间" in later.text
        off = c.post("/account/security/disable", data={"_csrf": session_csrf, "password": PASSWORD,
                                                        "code": _code(secret, 1)})
        assert off.status_code == 200 and 'data-testid="security-notice"' in off.text
        assert 'data-testid="enrol-start"' in off.text


# --- the secret at rest ------------------------------------------------------------------


def _user_id(username: str) -> int:
    return run(User.select(User.id).where(User.username == username).first())["id"]


def _stored(username: str) -> str:
    return run(TwoFactor.select(TwoFactor.secret).where(TwoFactor.user == _user_id(username)).first())["secret"]


def test_the_secret_is_stored_sealed_and_bound_to_its_user(app):
    alice, bob = _new_user(), _new_user()
    secret_a, _ = _enrol(app, alice)
    secret_b, _ = _enrol(app, bob)
    for username, secret in ((alice, secret_a), (bob, secret_b)):
        assert _stored(username).startswith("v1:") and secret not in _stored(username)
    # Alice's sealed secret copied onto Bob's row opens for nobody: neither code is accepted.
    run(TwoFactor.update({TwoFactor.secret: _stored(alice)}).where(TwoFactor.user == _user_id(bob)))
    b = Browser(app)
    assert b.login(bob).json()["next_step"] == "two_factor"
    assert b.code(_code(secret_a, 1)).status_code == 401
    assert b.code(_code(secret_b, 1)).status_code == 401
    run(twofactor.reset(bob, "test"))


def test_a_new_key_with_the_previous_one_listed_keeps_every_second_factor(app, ctx):
    username = _new_user()
    secret, codes = _enrol(app, username)
    old, new = ctx.settings.secret_key, "rotated-secret-key-" + uuid.uuid4().hex

    def keyed(key: str, *previous: str):
        return dataclasses.replace(ctx, settings=dataclasses.replace(ctx.settings, secret_key=key,
                                                                     previous_secret_keys=previous))

    try:
        # The key changed and the old one is not listed: no code opens, a recovery code still logs in.
        lost = Browser(create_app(ctx=keyed(new)))
        lost.login(username)
        assert lost.code(_code(secret, 1)).status_code == 401
        assert lost.code(codes[0]).status_code == 200
        assert run(twofactor.reseal(keyed(new)))["unreadable"] >= 1
        # Listed as previous: resealed under the new key, once; then the new key alone opens it.
        assert run(twofactor.reseal(keyed(new, old)))["resealed"] >= 1
        assert run(twofactor.reseal(keyed(new, old)))["resealed"] == 0
        assert secretbox.unseal(_stored(username), [new], "totp", f"two_factor:user:{_user_id(username)}")[1] == 0
        rotated = Browser(create_app(ctx=keyed(new)))
        rotated.login(username)
        assert rotated.code(_code(secret, 1)).status_code == 200
    finally:  # every other test's secrets back under the suite's key
        run(twofactor.reseal(keyed(old, new)))
    assert secretbox.unseal(_stored(username), [old], "totp", f"two_factor:user:{_user_id(username)}") == (secret, 0)


def test_a_plaintext_secret_is_resealed_at_start_up(app, ctx):
    username = _new_user()
    secret, _ = _enrol(app, username)
    run(TwoFactor.update({TwoFactor.secret: secret}).where(TwoFactor.user == _user_id(username)))  # as stored before
    with TestClient(app=create_app(ctx=ctx)):  # the start-up reseals
        pass
    assert _stored(username).startswith("v1:")
    assert secretbox.unseal(_stored(username), [ctx.settings.secret_key], "totp",
                            f"two_factor:user:{_user_id(username)}") == (secret, 0)
    b = Browser(app)
    b.login(username)
    assert b.code(_code(secret, 1)).status_code == 200


def test_previous_keys_are_long_and_never_printed():
    env = {**os.environ, "SANSHE_SECRET_KEY": "c" * 40}
    with pytest.raises(SettingsError, match="SANSHE_PREVIOUS_SECRET_KEYS"):
        load_settings({**env, "SANSHE_PREVIOUS_SECRET_KEYS": "short"})
    settings = load_settings({**env, "SANSHE_PREVIOUS_SECRET_KEYS": f"{'p' * 40} {'c' * 40}"})
    assert settings.secret_keys == ("c" * 40, "p" * 40)
    assert "c" * 40 not in repr(settings) and "p" * 40 not in repr(settings)
