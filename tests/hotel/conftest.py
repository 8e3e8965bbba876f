import pytest

from tests.hotel.helpers import build_hotel


@pytest.fixture
def hotel(people):
    return build_hotel(people.manager)
