from django.urls import path

from territoria.accounts import views

app_name = "accounts"

urlpatterns = [
    path("compte/connexion/", views.SignInView.as_view(), name="login"),
    path("compte/deconnexion/", views.sign_out, name="logout"),
]
