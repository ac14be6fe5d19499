# The permission matrix's world (its module-scoped fixture): every role, and rows of every app to write to.
from portal.tests.permission_matrix.conftest import world

__all__ = ["world"]
