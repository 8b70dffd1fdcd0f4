"""Sign-in that matches usernames the way they are unique: ignoring case (migration 0005)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class CaseInsensitiveModelBackend(ModelBackend):
    """Django's ModelBackend, except that `Alice` signs in as `alice`."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        User = get_user_model()
        if username is None:
            username = kwargs.get(User.USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = User._default_manager.filter(username__iexact=username).first()
        if user is None:
            # As ModelBackend does: hash anyway, so a wrong username costs what a wrong password does.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def lockout_username(request, credentials=None) -> str | None:
    """django-axes counts failures per username + address: `Alice` and `alice` are one username."""
    source = credentials or getattr(request, "data", None) or request.POST
    username = source.get("username") if hasattr(source, "get") else None
    return username.casefold() if isinstance(username, str) else None
