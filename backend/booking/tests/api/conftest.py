import pytest


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """PBKDF2 costs a quarter second a hash; the API tests hash a lot of passwords."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
