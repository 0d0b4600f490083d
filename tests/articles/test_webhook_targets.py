"""Webhooks go only to public addresses over https: checked at save and again at each attempt.

Names are resolved through a stand-in for socket.getaddrinfo (the one our code and
socket.create_connection both call), so no test needs the network: listed names answer with
the addresses given, and anything else (IP literals, localhost) is resolved as usual.
"""

import html
import socket

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from articles import webhooks
from articles.models import WebhookDelivery, WebhookEndpoint
from tests.articles.test_webhooks import Receiver

pytestmark = pytest.mark.django_db
PUBLIC = "93.184.216.34"
REAL_GETADDRINFO = socket.getaddrinfo


@pytest.fixture
def dns(monkeypatch):
    """`dns["name"] = "address"` (or a list of them) makes `name` resolve there; an exception
    is raised instead, and a function is called at each lookup for its answer."""
    answers = {}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            found = answers[host]
            if isinstance(found, Exception):
                raise found
            addresses = found() if callable(found) else found
            addresses = [addresses] if isinstance(addresses, str) else addresses
            return [info for a in addresses for info in REAL_GETADDRINFO(a, port, *args, **kwargs)]
        return REAL_GETADDRINFO(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return answers


def url_error(url):
    """The message full_clean() gives for `url`, or None if it is accepted."""
    try:
        WebhookEndpoint(url=url, secret="s", events=["article.published"]).full_clean()
    except ValidationError as error:
        return " ".join(error.message_dict["url"])
    return None


# The list, and more of the same kind; with DEBUG on, so http is allowed and the
# address rule is what refuses them.
REFUSED = [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a cloud metadata service"),
    ("http://127.0.0.1:6379/", "127.0.0.1 is a loopback address"),
    ("http://localhost:5432/", "localhost resolves to"),
    ("http://10.0.0.1/", "10.0.0.1 is an address inside a private network"),
    ("http://[::1]/", "::1 is a loopback address"),
    ("http://2130706433/", "2130706433 resolves to 127.0.0.1, a loopback address"),
    ("ftp://files.example/hooks", "must start with https://, not ftp://"),
    ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 is a loopback address"),
    ("https://[2002:7f00:1::]/", "2002:7f00:1:: is a loopback address"),
    ("https://0.0.0.0/", "0.0.0.0 is the unspecified address"),
    ("https://192.168.1.20/", "192.168.1.20 is an address inside a private network"),
    ("https://172.16.5.4/", "172.16.5.4 is an address inside a private network"),
    ("https://[fd12:3456::1]/", "fd12:3456::1 is an address inside a private network"),
    ("https://[fe80::1]/", "fe80::1 is a link-local address"),
    ("https://[fec0::1]/", "fec0::1 is an address inside a private network"),  # site-local
    ("https://169.254.10.10/", "169.254.10.10 is a link-local address"),
    ("https://[fd00:ec2::254]/", "fd00:ec2::254 is a cloud metadata service"),
    ("https://100.100.100.200/", "100.100.100.200 is a cloud metadata service"),
    ("https://192.0.0.192/", "192.0.0.192 is a cloud metadata service"),
    ("https://100.64.1.1/", "100.64.1.1 is an address reserved for special use"),
    ("https://224.0.1.1/", "224.0.1.1 is a multicast address"),
    ("https://[ff0e::1]/", "ff0e::1 is a multicast address"),
    ("https://240.0.0.1/", "240.0.0.1 is an address reserved for special use"),
    ("https://192.0.2.7/", "192.0.2.7 is an address reserved for special use"),
    ("https://intranet.example/", "intranet.example resolves to 10.1.2.3, an address inside"),
    ("https://mixed.example/", "mixed.example resolves to 127.0.0.1, a loopback address"),
    ("https://nowhere.example/", "No address could be found for nowhere.example"),
]


@pytest.mark.parametrize("url, message", REFUSED)
def test_urls_into_the_network_are_refused_at_save_with_the_reason(settings, dns, url, message):
    settings.DEBUG = True
    dns["intranet.example"] = "10.1.2.3"
    dns["mixed.example"] = [PUBLIC, "127.0.0.1"]  # one bad answer is enough
    dns["nowhere.example"] = socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    error = url_error(url)
    assert error is not None and message in error
    if "resolves to" in message or " is " in message:
        assert "webhooks go only to public addresses" in error


def test_a_public_https_url_is_accepted(dns):
    dns["hooks.example"] = [PUBLIC, "2606:2800:220:1:248:1893:25c8:1946"]
    assert url_error("https://hooks.example/cms?site=1") is None
    assert url_error(f"https://{PUBLIC}:8443/cms") is None


def test_plain_http_needs_debug_or_a_listed_host(settings, dns):
    dns["hooks.example"] = PUBLIC
    assert "must use https://" in url_error("http://hooks.example/cms")
    settings.DEBUG = True
    assert url_error("http://hooks.example/cms") is None
    settings.DEBUG = False
    settings.WEBHOOK_ALLOWED_HOSTS = ["Hooks.Example"]
    assert url_error("http://hooks.example:8080/cms") is None
    assert "must use https://" in url_error("http://other.example/cms")


def test_a_listed_host_may_be_private_and_debug_alone_does_not_allow_that(settings, dns):
    dns["hooks.internal"] = "10.0.4.7"
    settings.DEBUG = True
    assert "resolves to 10.0.4.7" in url_error("http://hooks.internal/cms")
    settings.WEBHOOK_ALLOWED_HOSTS = ["hooks.internal", "[fd00::7]", "127.0.0.1"]
    assert url_error("http://hooks.internal/cms") is None
    assert url_error("http://[fd00::7]:9000/") is None
    assert url_error("http://127.0.0.1:6379/") is None  # the operator's own choice
    assert "10.0.0.1 is an address inside" in url_error("http://10.0.0.1/")


ADMIN_REFUSED = [
    # As an operator sees them with DEBUG off: http is refused before any address is looked at.
    ("http://169.254.169.254/latest/meta-data/", "must use https://"),
    ("http://127.0.0.1:6379/", "must use https://"),
    ("http://localhost:5432/", "must use https://"),
    ("http://10.0.0.1/", "must use https://"),
    ("http://[::1]/", "must use https://"),
    # Django's URL validation already refuses a bare number as a host.
    ("http://2130706433/", "Enter a valid URL"),
    ("ftp://files.example/hooks", "must start with https://, not ftp://"),
    ("https://169.254.169.254/latest/meta-data/", "is a cloud metadata service's address"),
    ("https://127.0.0.1:6379/", "127.0.0.1 is a loopback address"),
    ("https://localhost:5432/", "localhost resolves to"),
    ("https://10.0.0.1/", "10.0.0.1 is an address inside a private network"),
    ("https://[::1]/", "::1 is a loopback address"),
]


@pytest.mark.parametrize("url, message", ADMIN_REFUSED)
def test_the_admin_add_form_refuses_them_with_the_reason(client, editor, url, message):
    client.force_login(editor)
    response = client.post(
        "/admin/articles/webhookendpoint/add/",
        {"url": url, "secret": "s3cret", "description": "", "is_active": "on"},
    )
    assert response.status_code == 200  # the form again, with its error
    assert message in html.unescape(response.content.decode())
    assert not WebhookEndpoint.objects.exists()


def test_the_admin_add_form_saves_a_public_https_url(client, editor, dns):
    dns["hooks.example"] = PUBLIC
    client.force_login(editor)
    response = client.post(
        "/admin/articles/webhookendpoint/add/",
        {"url": "https://hooks.example/cms", "secret": "s3cret", "is_active": "on"},
    )
    assert response.status_code == 302
    assert WebhookEndpoint.objects.get().url == "https://hooks.example/cms"


@pytest.fixture
def local_receiver():
    receiver = Receiver()
    yield receiver
    receiver.close()


def delivery_to(url):
    # objects.create() skips clean(), as a restored backup does: the send-time check holds alone.
    endpoint = WebhookEndpoint.objects.create(url=url, secret="s3cret")
    return WebhookDelivery.objects.create(
        endpoint=endpoint, event="article.published", body="{}", next_attempt_at=timezone.now()
    )


def test_a_name_that_resolves_elsewhere_at_send_time_gets_nothing(settings, dns, local_receiver):
    settings.DEBUG = True  # plain http to a name that is not listed
    port = local_receiver.server.server_address[1]
    url = f"http://rebind.example:{port}/hooks"
    dns["rebind.example"] = PUBLIC
    assert url_error(url) is None  # public when saved
    delivery = delivery_to(url)
    dns["rebind.example"] = "127.0.0.1"  # private when sent
    webhooks.attempt(delivery)
    assert local_receiver.requests == []
    delivery.refresh_from_db()
    attempt = delivery.attempt_log.get()
    assert attempt.status_code is None
    assert attempt.error == (
        "Not sent: rebind.example resolves to 127.0.0.1, a loopback address (this machine "
        "itself); webhooks go only to public addresses. For a receiver inside your own network, "
        "ask whoever runs the CMS to list its host in WEBHOOK_ALLOWED_HOSTS."
    )
    assert delivery.status == WebhookDelivery.Status.PENDING and delivery.attempts == 1


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_the_address_actually_connected_to_is_checked(settings, dns, local_receiver, scheme):
    """DNS rebinding: a public answer to the check, then a private one to the connection.

    Over https the refusal comes before the TLS handshake: were it after, the handshake with
    this plain-http receiver would fail first, with an SSL error instead of the refusal."""
    settings.DEBUG = True
    port = local_receiver.server.server_address[1]
    answers = iter([PUBLIC])
    dns["rebind.example"] = lambda: next(answers, "127.0.0.1")
    delivery = delivery_to(f"{scheme}://rebind.example:{port}/hooks")
    webhooks.attempt(delivery)
    assert local_receiver.requests == []
    assert delivery.attempt_log.get().error.startswith(
        "Not sent: rebind.example resolves to 127.0.0.1, a loopback address"
    )


@pytest.mark.parametrize(
    "url, message",
    [
        ("ftp://files.example/hooks", "Not sent: Webhook URLs must start with https://, not ftp"),
        ("http://hooks.example/cms", "Not sent: Webhook URLs must use https://"),
        ("https://10.0.0.1/", "Not sent: 10.0.0.1 is an address inside a private network"),
        ("https://169.254.169.254/", "Not sent: 169.254.169.254 is a cloud metadata service"),
    ],
)
def test_a_stored_url_that_is_now_refused_is_never_connected_to(monkeypatch, url, message):
    def no_connection(*args, **kwargs):
        raise AssertionError("a connection was opened")

    monkeypatch.setattr(socket, "create_connection", no_connection)
    delivery = delivery_to(url)
    webhooks.attempt(delivery)
    assert delivery.attempt_log.get().error.startswith(message)
