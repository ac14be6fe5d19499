import factory
from knox.models import AuthToken

from portal.models import User

# Every factory user logs in with this password.
PASSWORD = "Balkhash-slag-1938"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.kz")
    role = User.Role.ENTERPRISE_STAFF
    password = factory.django.Password(PASSWORD)

    class Params:
        inspector = factory.Trait(role=User.Role.INSPECTOR)
        administrator = factory.Trait(role=User.Role.ADMINISTRATOR)


def api_token(user: User) -> str:
    """A new API token of `user` (django-rest-knox), as the token endpoint would issue it: the key, for
    `Authorization: Token <key>`."""
    return AuthToken.objects.create(user=user)[1]
