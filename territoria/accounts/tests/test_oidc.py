"""Single sign-on (territoria/accounts/oidc.py) against a local fake OpenID Connect provider (fake_oidc.py)."""

from __future__ import annotations

import html
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY, get_user_model
from django.core.cache import cache
from django.test import Client

from territoria.accounts import oidc
from territoria.accounts.models import AuditEvent, Membership
from territoria.accounts.tests.fake_oidc import FakeProvider, new_key

User = get_user_model()
BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "territoria.accounts.oidc.OidcBackend",
]


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    oidc.forget_provider()
    yield
    oidc.forget_provider()


@pytest.fixture
def provider(settings, org):
    fake = FakeProvider().start()
    settings.OIDC_ENABLED = True
    settings.OIDC_RP_CLIENT_ID = fake.client_id
    settings.OIDC_RP_CLIENT_SECRET = fake.client_secret
    settings.OIDC_ISSUER = fake.issuer
    settings.OIDC_PROVIDER_NAME = "Compte Ville de Test"
    settings.OIDC_ORGANISATION = org.slug
    settings.OIDC_ROLE = "agent"
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    yield fake
    fake.stop()


def start(client: Client, next_url: str | None = None):
    """/oidc/authenticate/ → the provider's authorize endpoint → the callback URL it redirects to."""
    url = "/oidc/authenticate/" + (f"?{urlencode({'next': next_url})}" if next_url else "")
    response = client.get(url)
    assert response.status_code == 302, response
    return response["Location"]


def through_provider(authorize_url: str) -> tuple[str, dict[str, str]]:
    back = requests.get(authorize_url, allow_redirects=False, timeout=10)
    assert back.status_code == 302, back.text
    target = urlsplit(back.headers["Location"])
    assert (target.scheme, target.netloc, target.path) == ("http", "testserver", "/oidc/callback/")
    return target.path, {k: v[-1] for k, v in parse_qs(target.query).items()}


def sign_in(client: Client, next_url: str | None = None, **tamper: str):
    path, query = through_provider(start(client, next_url))
    query.update(tamper)
    return client.get(f"{path}?{urlencode(query)}")


def signed_in_user(client: Client):
    user_id = client.session.get(SESSION_KEY)
    return None if user_id is None else User.objects.get(pk=user_id)


def refused(client: Client, response) -> str:
    """Assert the sign-in was refused politely; return the page the person lands on."""
    assert response.status_code == 302
    assert response["Location"] == "/compte/connexion/"
    assert signed_in_user(client) is None
    page = client.get(response["Location"])
    body = html.unescape(page.content.decode())
    assert "La connexion avec Compte Ville de Test n'a pas abouti" in body
    return body


# --- the flow -----------------------------------------------------------------------------------------------


def test_authenticate_sends_the_browser_to_the_provider_with_state_nonce_and_pkce(client, provider):
    location = urlsplit(start(client))
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{provider.issuer}/authorize"
    params = {k: v[-1] for k, v in parse_qs(location.query).items()}
    assert params["client_id"] == "territoria"
    assert params["response_type"] == "code"
    assert params["scope"].split() == ["openid", "email", "profile"]
    assert params["redirect_uri"] == "http://testserver/oidc/callback/"
    assert params["state"] and params["nonce"] and params["code_challenge_method"] == "S256"


def test_a_new_person_is_signed_in_and_created_with_the_configured_membership(client, provider, org):
    response = sign_in(client)
    assert response.status_code == 302 and response["Location"] == "/"
    user = signed_in_user(client)
    assert user is not None
    assert user.username == "cdupont"
    assert (user.email, user.first_name, user.last_name) == ("camille.dupont@ville-test.fr", "Camille", "Dupont")
    assert not user.has_usable_password()
    assert list(Membership.objects.filter(user=user).values_list("organisation__slug", "role")) == [(org.slug, "agent")]
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN)
    assert event.actor == user and event.detail["method"] == "oidc" and event.ip == "127.0.0.1"
    # The token request carried the client secret and the PKCE verifier.
    assert provider.token_requests[0]["client_secret"] == provider.client_secret
    assert provider.token_requests[0]["code_verifier"]
    # The person reaches the internal space at once: the page shows their name.
    assert "Camille Dupont" in client.get("/").content.decode()


def test_the_page_asked_for_before_signing_in_is_where_one_lands(client, provider):
    response = sign_in(client, next_url="/datasets/")
    assert response["Location"] == "/datasets/"
    assert signed_in_user(client) is not None


def test_an_unsafe_next_is_ignored(client, provider):
    response = sign_in(client, next_url="https://evil.example.com/")
    assert response["Location"] == "/"


def test_the_configured_role_is_given_to_new_people(client, provider, settings, org):
    settings.OIDC_ROLE = "editor"
    sign_in(client)
    assert Membership.objects.get(user__username="cdupont").role == "editor"


def test_an_unknown_organisation_creates_the_account_without_membership(client, provider, settings):
    settings.OIDC_ORGANISATION = "no-such-org"
    sign_in(client)
    user = signed_in_user(client)
    assert user is not None and not Membership.objects.filter(user=user).exists()


def test_an_existing_account_is_found_by_email_and_keeps_its_memberships(client, provider, member, org):
    provider.claims.update(email="MEMBER@example.org", preferred_username="someone-else", given_name="Marie")
    sign_in(client)
    assert signed_in_user(client) == member
    member.refresh_from_db()
    assert member.first_name == "Marie" and member.has_usable_password()
    assert User.objects.count() == 1
    assert Membership.objects.get(user=member).role == "agent"


def test_a_taken_user_name_gets_a_suffix(client, provider, owner):
    provider.claims["preferred_username"] = "owner"  # taken by another account with another e-mail address
    sign_in(client)
    assert signed_in_user(client).username == "owner-2"


def test_signing_in_again_finds_the_same_account(client, provider):
    sign_in(client)
    first = signed_in_user(client)
    client.post("/compte/deconnexion/")
    assert signed_in_user(client) is None
    sign_in(client)
    assert signed_in_user(client) == first
    assert User.objects.count() == 1


# --- refusals -------------------------------------------------------------------------------------------------


def test_a_wrong_state_is_refused(client, provider):
    body = refused(client, sign_in(client, state="not-the-state-we-sent"))
    assert 'role="status"' in body or "messages" in body
    event = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED)
    assert event.detail["method"] == "oidc" and "state" in event.detail["reason"]
    assert not User.objects.exists()


def test_a_callback_without_a_started_sign_in_is_refused(client, provider):
    response = client.get("/oidc/callback/?code=abc&state=xyz")
    refused(client, response)


def test_a_bad_signature_is_refused(client, provider):
    provider.signing_key = new_key()  # same key id, another key: the signature does not verify
    refused(client, sign_in(client))
    assert "ID token refused" in AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED).detail["reason"]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("override", "why"),
    [
        ({"aud": "another-client"}, "audience"),
        ({"iss": "https://other-provider.example.org"}, "issuer"),
        ({"exp": 1_000_000_000, "iat": 999_999_000}, "expired"),
        ({"nonce": "not-the-nonce"}, "Nonce"),
        ({"aud": ["territoria", "another-client"], "azp": "another-client"}, "azp"),
    ],
)
def test_an_id_token_not_meant_for_us_is_refused(client, provider, override, why):
    provider.id_token_overrides = override
    refused(client, sign_in(client))
    reason = AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED).detail["reason"]
    assert why.lower() in reason.lower(), reason
    assert not User.objects.exists()


def test_an_unverified_email_is_refused(client, provider):
    provider.claims["email_verified"] = False
    refused(client, sign_in(client))
    assert not User.objects.exists()


def test_user_info_about_another_subject_is_refused(client, provider):
    provider.userinfo_overrides = {"sub": "someone-else"}
    refused(client, sign_in(client))
    assert not User.objects.exists()


def test_an_inactive_account_is_refused(client, provider, member):
    member.is_active = False
    member.save()
    provider.claims["email"] = member.email
    refused(client, sign_in(client))


def test_the_provider_saying_no_is_refused(client, provider):
    path, query = through_provider(start(client))
    response = client.get(f"{path}?{urlencode({'error': 'access_denied', 'state': query['state']})}")
    refused(client, response)
    assert AuditEvent.objects.get(action=AuditEvent.Action.SIGN_IN_FAILED).detail["reason"] == "access_denied"


def test_an_unreachable_provider_sends_back_to_the_sign_in_page(client, provider, settings):
    settings.OIDC_ISSUER = "http://127.0.0.1:9"  # discard port: nothing listens
    response = client.get("/oidc/authenticate/")
    assert response["Location"] == "/compte/connexion/"
    body = html.unescape(client.get(response["Location"]).content.decode())
    assert "Compte Ville de Test ne répond pas pour le moment" in body


def test_a_provider_announcing_another_issuer_is_not_used(provider, settings):
    settings.OIDC_ISSUER = provider.issuer + "/realms/other"
    with pytest.raises(oidc.ProviderUnavailable):
        oidc.provider()


def test_discovery_is_cached(provider):
    first = oidc.provider()
    provider.stop()
    assert oidc.provider() is first


# --- configuration -----------------------------------------------------------------------------------------


def test_the_sign_in_page_offers_the_provider_when_configured(client, provider):
    body = client.get("/compte/connexion/?next=/datasets/").content.decode()
    assert "Se connecter avec Compte Ville de Test" in body
    assert 'href="/oidc/authenticate/?next=/datasets/"' in body


def test_without_configuration_there_is_no_button_and_the_urls_lead_back(client, settings):
    assert settings.OIDC_ENABLED is False  # the test settings come from an environment without OIDC
    assert "territoria.accounts.oidc.OidcBackend" not in settings.AUTHENTICATION_BACKENDS
    assert "oidc" not in client.get("/compte/connexion/").content.decode()
    for url in ("/oidc/authenticate/", "/oidc/callback/?code=a&state=b"):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/compte/connexion/"


def test_password_sign_in_still_works_with_oidc_on(client, provider, member):
    response = client.post("/compte/connexion/", {"username": "member", "password": "mot-de-passe-solide-42"})
    assert response.status_code == 302
    assert signed_in_user(client) == member


def test_a_signed_in_sso_person_stays_signed_in_across_requests(client, provider):
    sign_in(client)
    user = signed_in_user(client)
    response = client.get("/compte/mot-de-passe/")
    assert response.status_code == 200
    assert response.wsgi_request.user == user
    assert "n'a pas de mot de passe sur ce portail" in html.unescape(response.content.decode())
