"""What the subscription tests share: the API's address, and the links of an e-mail as its reader follows them."""

import re

SUBSCRIBE_API = "/api/v1/subscriptions/"
LINK = re.compile(r"https?://\S+/subscriptions/(confirm|unsubscribe)/([^/\s]+)/")


def link(kind: str, body: str) -> str:
    """The path of the confirm or unsubscribe link in an e-mail's text."""
    found = [match for match in LINK.finditer(body) if match.group(1) == kind]
    assert len(found) == 1, body
    return f"/subscriptions/{kind}/{found[0].group(2)}/"
