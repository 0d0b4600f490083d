# Varnish in front of the Health CMS (Debian's varnish 7.1 with varnish-modules for xkey).
#
# It keeps what the application marks public (Cache-Control with s-maxage), for as long as
# s-maxage says, and drops it the moment the application purges one of its surrogate keys:
# the application sends `PURGE /` with an `xkey-purge: key key ...` header to every URL in
# FRONTEND_CACHE_URLS once a publish, unpublish, rename or re-render commits. Signed-in,
# staff and preview traffic always goes to the application. The README's "HTTP cache" says
# how to run it.
vcl 4.1;

import xkey;

# The application server. Change host and port to where gunicorn listens.
backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: the application servers. Add each one's address (or their own subnet) when
# they run on other machines; not a whole private range, since behind a load balancer or TLS
# proxy on such a network every reader's request would come from an allowed address.
acl purgers {
    "localhost";
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Not allowed to purge"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "Name the keys to purge in an xkey-purge header"));
        }
        # A hard purge: the objects go at once, so no reader is served the old version.
        set req.http.purged = xkey.purge(req.http.xkey-purge);
        return (synth(200, "Purged " + req.http.purged + " objects"));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # The admin, the editorial API and previews are per person, and so is anything sent with
    # credentials or a session: never from the cache, never into it.
    if (req.url ~ "^/admin/" || req.url ~ "^/api/v1/editorial/" || req.url ~ "^/api/v1/preview/"
        || req.http.Authorization || req.http.Cookie ~ "(^|;\s*)sessionid=") {
        return (pass);
    }
    # Public responses are the same for everyone, so other cookies (a frontend's, say) must
    # not make each reader's copy a different one; the builtin VCL would pass them all.
    unset req.http.Cookie;
    # Headers by which a client could make the application write another scheme or host into
    # the links and image URLs it answers with (gunicorn believes them from 127.0.0.1, which
    # Varnish is). Only X-Forwarded-Proto is kept, for a TLS proxy in front to set, and it is
    # part of the cache key (vcl_hash): a reader who sends it gets a copy of their own.
    unset req.http.X-Forwarded-Ssl;
    unset req.http.X-Forwarded-Protocol;
    unset req.http.X-Forwarded-Host;
    unset req.http.Forwarded;
    return (hash);
}

sub vcl_hash {
    hash_data(req.http.X-Forwarded-Proto);
    # On to the builtin vcl_hash: the URL and the Host.
}

sub vcl_backend_response {
    # Errors are never kept: a 404 for a slug published a moment later would outlive the
    # publish, since nothing that publishing purges names it.
    if (beresp.status >= 400) {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # Only what the application says shared caches may keep (s-maxage, which Varnish uses as
    # the TTL before max-age); the rest (the health check, the home page) is fetched each time.
    if (beresp.http.Cache-Control !~ "s-maxage") {
        set beresp.uncacheable = true;
        set beresp.ttl = 0s;
        return (deliver);
    }
    # Kept past its TTL only to revalidate with If-None-Match/If-Modified-Since (a 304 from
    # the application costs less than a full answer).
    set beresp.keep = 1h;
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    # The keys are Varnish's own business; Surrogate-Key and Cache-Tag stay for a CDN further out.
    unset resp.http.xkey;
}
