import pytest

from tests.integrations.receiver import start_receiver


@pytest.fixture
def receiver():
    """A chat service on 127.0.0.1 that records what it gets (answers 200 {"errcode": 0} unless told)."""
    state, server = start_receiver()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def _fast_retries(settings):
    # Retries run at once in the test suite's eager mode; the countdown is zero anyway, and two retries suffice.
    settings.CHAT_DELIVERY_RETRIES = 2
    settings.CHAT_RETRY_BASE_SECONDS = 0
    settings.SITE_URL = "https://crm.example.com"
