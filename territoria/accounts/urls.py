from django.urls import path

from territoria.accounts import api, oidc, signin, views

app_name = "accounts"

urlpatterns = [
    path("compte/connexion/", signin.SignInView.as_view(), name="login"),
    path("compte/mot-de-passe/oublie/", signin.PasswordResetView.as_view(), name="password-reset"),
    path("compte/mot-de-passe/oublie/envoye/", signin.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path(
        "compte/mot-de-passe/nouveau/<uidb64>/<token>/",
        signin.PasswordResetConfirmView.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "compte/mot-de-passe/nouveau/enregistre/",
        signin.PasswordResetCompleteView.as_view(),
        name="password-reset-complete",
    ),
    path("compte/mot-de-passe/", signin.PasswordChangeView.as_view(), name="password-change"),
    path("compte/mot-de-passe/modifie/", signin.PasswordChangeDoneView.as_view(), name="password-change-done"),
    path("oidc/authenticate/", oidc.AuthenticateView.as_view(), name="oidc-authenticate"),
    path("oidc/callback/", oidc.CallbackView.as_view(), name="oidc-callback"),
    path("compte/deconnexion/", views.sign_out, name="logout"),
    path("compte/", views.account, name="account"),
    path("compte/cles/", views.api_tokens, name="tokens"),
    path("compte/cles/<int:pk>/revoquer", views.token_revoke, name="token-revoke"),
    path("api/accounts/v1/me", api.me, name="api-me"),
]
