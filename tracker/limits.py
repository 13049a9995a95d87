"""Rate limits (Flask-Limiter), counted per client address: failed sign-ins, and links whose token
is the credential (pledge signing today; a questionnaire or e-mail confirmation link tomorrow).

Counts live in Redis when REDIS_URL is set (shared by every worker), else in each process's
memory. Only failures count, so a member who signs in, or a candidate who opens a good link
several times, never meets the limit; someone guessing passwords or tokens does."""
import math
import time

from flask import current_app
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

limiter = Limiter(key_func=get_remote_address)


def login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def failed_sign_in(response) -> bool:
    """A sign-in (or password check) that did not go through: the form came back instead of a redirect."""
    return response.status_code != 302


def _token_link_limit() -> str:
    return current_app.config["TOKEN_LINK_RATE_LIMIT"]


# One shared budget for every page opened by a token in its URL: put `@token_link` under the route
# decorator. A link that opens nothing (unknown token: 404; used or expired: 410) counts.
token_link = limiter.shared_limit(_token_link_limit, scope="token-links",
                                  deduct_when=lambda response: response.status_code in (404, 410))


def retry_after_seconds() -> int:
    """Seconds until the limit this request broke lets the client try again (at least 1)."""
    current = limiter.current_limit
    if current is None:
        return 60
    return max(1, math.ceil(current.window[0] - time.time()))
