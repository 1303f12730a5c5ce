import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Known cities are cached per workspace id; ids are reused between tests.
    cache.clear()
    yield
    cache.clear()
