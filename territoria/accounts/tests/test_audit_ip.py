"""accounts.audit.client_ip: the address written to the audit log, behind a proxy or not."""

import pytest
from django.test import RequestFactory

from territoria.accounts.audit import client_ip


@pytest.mark.parametrize(
    ("behind_proxy", "meta", "expected"),
    [
        (False, {"REMOTE_ADDR": "203.0.113.7"}, "203.0.113.7"),
        (False, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "198.51.100.1"}, "127.0.0.1"),
        (True, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "10.0.0.1, 198.51.100.1"}, "198.51.100.1"),
        (True, {"REMOTE_ADDR": "127.0.0.1"}, "127.0.0.1"),
        (True, {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "2001:db8::1"}, "2001:db8::1"),
        (False, {"REMOTE_ADDR": "pas-une-adresse"}, None),
    ],
)
def test_the_address_recorded(behind_proxy, meta, expected, settings):
    settings.BEHIND_TLS_PROXY = behind_proxy
    request = RequestFactory().get("/", **meta)
    request.META.pop("REMOTE_ADDR", None) if "REMOTE_ADDR" not in meta else None
    assert client_ip(request) == expected


def test_no_request_no_address():
    assert client_ip(None) is None
