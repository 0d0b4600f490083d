"""Where webhooks may go: public addresses over https, never into the network the CMS runs in.
(The reference checker reaches out under the same address rule, with its own connections.)

A URL is checked when an endpoint is saved (`WebhookEndpoint.clean()`) and again at every
attempt: before connecting, every address the host resolves to must be public, and once
connected, so must the address actually reached. The second check is what stops DNS
rebinding, where a name answers with a public address to the check and a private one to the
connection. Hosts listed in WEBHOOK_ALLOWED_HOSTS (an operator's own receiver inside the
network) skip the address rule and may use plain http.
"""

import http.client
import ipaddress
import socket
import ssl
from urllib.parse import urlsplit

from django.conf import settings

# Cloud metadata services hand out credentials to whoever asks from inside the instance. Most
# sit on link-local or private addresses, which the rule refuses anyway; these are named so the
# message says what they are, and Oracle's is listed because Python counts it as global.
METADATA_ADDRESSES = {
    ipaddress.ip_address("169.254.169.254"),  # AWS, GCP, Azure, DigitalOcean, OpenStack
    ipaddress.ip_address("fd00:ec2::254"),  # AWS over IPv6
    ipaddress.ip_address("100.100.100.200"),  # Alibaba Cloud
    ipaddress.ip_address("192.0.0.192"),  # Oracle Cloud
}

# Only for the wording: Python's is_private also covers documentation, benchmarking and other
# special-purpose ranges, which are not "a private network" to the person reading the message.
PRIVATE_NETWORKS = [
    ipaddress.ip_network(network)
    # fec0::/10 is IPv6's old site-local range: deprecated, still routed inside networks that
    # use it, and counted as global by Python.
    for network in ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7", "fec0::/10"]
]

PUBLIC_ONLY = (
    "webhooks go only to public addresses. For a receiver inside your own network, ask whoever "
    "runs the CMS to list its host in WEBHOOK_ALLOWED_HOSTS"
)


class RefusedTarget(Exception):
    """A webhook URL or address the CMS will not send to; the message says why."""


class UnresolvedHost(RefusedTarget):
    """A host no address could be found for: nothing can be sent to it, nor its addresses
    checked."""


def allowed_hosts(setting="WEBHOOK_ALLOWED_HOSTS"):
    """The hosts a setting lists, lower-cased, IPv6 literals without their brackets."""
    return {host.strip("[]").lower() for host in getattr(settings, setting)}


def is_allowed_host(host, setting="WEBHOOK_ALLOWED_HOSTS"):
    return host.lower() in allowed_hosts(setting)


def address_problem(address):
    """Why `address` (a string from getaddrinfo or getpeername) is not public, or None."""
    ip = ipaddress.ip_address(address)
    # An IPv6 address can carry an IPv4 one that the network delivers to: ::ffff:127.0.0.1
    # reaches this machine, 2002:7f00:1:: (6to4) is routed to 127.0.0.1.
    embedded = ip.version == 6 and (ip.ipv4_mapped or ip.sixtofour)
    if embedded:
        ip = embedded
    if ip in METADATA_ADDRESSES:
        return "a cloud metadata service's address"
    if ip.is_loopback:
        return "a loopback address (this machine itself)"
    if ip.is_unspecified:
        return "the unspecified address (which reaches this machine)"
    if ip.is_link_local:
        return "a link-local address"
    if any(ip in network for network in PRIVATE_NETWORKS):
        return "an address inside a private network"
    # Checked before is_global, which is true of some multicast and reserved addresses.
    if ip.is_multicast:
        return "a multicast address"
    if ip.is_private or ip.is_reserved or not ip.is_global:
        return "an address reserved for special use, not a public one"
    return None


def refuse_address(host, address, rule=PUBLIC_ONLY):
    problem = address_problem(address)
    if problem is None:
        return
    if ipaddress.ip_address(address) == _literal(host):
        raise RefusedTarget(f"{address} is {problem}; {rule}.")
    raise RefusedTarget(f"{host} resolves to {address}, {problem}; {rule}.")


def check_url(url):
    """Raise RefusedTarget unless `url` is one the CMS may send to now.

    Resolves the host: a name that does not resolve is refused too, since nothing could be
    delivered to it and its addresses cannot be checked.
    """
    _, host, port = _parts(url)
    if not is_allowed_host(host):
        refuse_unless_public(host, port)


def refuse_unless_public(host, port, rule=PUBLIC_ONLY):
    """Raise RefusedTarget unless every address `host` resolves to is public."""
    for address in _resolve(host, port):
        refuse_address(host, address, rule)


def connection_for(url, timeout):
    """An HTTP(S) connection to `url`'s host that refuses non-public peers, and the path to
    request. The scheme rules are checked here; addresses when it connects."""
    scheme, host, port = _parts(url)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    if scheme == "https":
        return PublicHTTPSConnection(host, port, timeout=timeout), path
    return PublicHTTPConnection(host, port, timeout=timeout), path


class PublicHTTPConnection(http.client.HTTPConnection):
    """Checks the addresses a host resolves to before connecting, and the address reached
    once connected, before a byte is sent. A subclass names the setting that lists the
    hosts exempt from the rule, and the rule as its refusals state it."""

    allowed_setting = "WEBHOOK_ALLOWED_HOSTS"
    rule = PUBLIC_ONLY

    def connect(self):
        exempt = is_allowed_host(self.host, self.allowed_setting)
        if not exempt:
            refuse_unless_public(self.host, self.port, self.rule)
        super().connect()
        if not exempt:
            try:
                refuse_address(self.host, self.sock.getpeername()[0], self.rule)
            except RefusedTarget:
                self.sock.close()
                raise


class PublicHTTPSConnection(http.client.HTTPSConnection, PublicHTTPConnection):
    """The same over TLS, with the certificate verified. In this class order the check runs
    between the TCP connection and the TLS handshake (HTTPSConnection.connect calls
    PublicHTTPConnection.connect through super()), so not even a ClientHello reaches a
    refused peer."""

    def __init__(self, host, port, *, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())


def _parts(url):
    """The URL's scheme, host and port, if its scheme may be used for its host."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"}:
        shown = f"{scheme}://" if scheme else "a URL without a scheme"
        raise RefusedTarget(f"Webhook URLs must start with https://, not {shown}.")
    host = parts.hostname
    if not host:
        raise RefusedTarget("The webhook URL has no host.")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as bad_port:
        raise RefusedTarget(f"The webhook URL's port is not valid ({bad_port}).") from None
    if scheme == "http" and not (settings.DEBUG or is_allowed_host(host)):
        raise RefusedTarget(
            "Webhook URLs must use https://, so events and signatures are not sent in the "
            "clear; plain http:// is accepted only with DJANGO_DEBUG on or for a host listed "
            "in WEBHOOK_ALLOWED_HOSTS."
        )
    return scheme, host, port


def _resolve(host, port):
    """Every address `host` resolves to (numeric forms such as 2130706433 included)."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        # The resolver's own words ("[Errno -2] Name or service not known") help nobody.
        raise UnresolvedHost(
            f"No address could be found for {host}; check the spelling of the host name."
        ) from None
    return [sockaddr[0] for *_, sockaddr in found]


def _literal(host):
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None
