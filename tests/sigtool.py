#!/usr/bin/python3
"""An independent RFC 9421 signer for vpointsd's tests.

It shares no code with vpoints: Python's standard library for HTTP and
hashing, the `cryptography` package for Ed25519, keys made by OpenSSL
(`openssl genpkey -algorithm ed25519`). It signs one request per the
vpoints profile and can break the request in one named way, so the tests
can check each refusal; it prints the status line's code and the body.
Other tests import it for sign_request() and keyid_of(), and the tools
that build a data set through the API for Api, a signed client.
"""
import argparse
import base64
import hashlib
import http.client
import json
import os
import sys
import time
import urllib.parse
from decimal import Decimal

from cryptography.hazmat.primitives import serialization


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def keyid_of(public_raw):
    """RFC 7638 thumbprint of an Ed25519 JWK."""
    jwk = '{"crv":"Ed25519","kty":"OKP","x":"%s"}' % b64url(public_raw)
    return b64url(hashlib.sha256(jwk.encode()).digest())


def load_key(path):
    """An OpenSSL PEM Ed25519 private key."""
    with open(path, "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def public_raw(sk):
    return sk.public_key().public_bytes(serialization.Encoding.Raw,
                                        serialization.PublicFormat.Raw)


def sign_request(sk, method, authority, path, query="", body=None, idem=None,
                 created=None, expires=None, nonce=None, keyid=None,
                 alg="ed25519", tag="vpoints", cover_idem=True,
                 bad_signature=False):
    """The headers of one request signed per the vpoints profile.

    body: bytes or None; created and expires: absolute Unix times (created
    defaults to now); nonce: a fresh 128-bit one unless given. Returns a
    dict with Host, and Content-Type, Content-Digest (with a body),
    Idempotency-Key (with idem), Signature-Input and Signature."""
    keyid = keyid or keyid_of(public_raw(sk))
    headers = {"Host": authority}
    components = ["@method", "@authority", "@path", "@query"]
    if body is not None:
        headers["Content-Type"] = "application/json"
        headers["Content-Digest"] = "sha-256=:%s:" % base64.b64encode(
            hashlib.sha256(body).digest()).decode()
        components += ["content-type", "content-digest"]
    if idem is not None:
        headers["Idempotency-Key"] = idem
        if cover_idem:
            components.append("idempotency-key")

    if created is None:
        created = int(time.time())
    nonce = nonce or os.urandom(16).hex()
    params = "(%s);created=%d" % (" ".join('"%s"' % c for c in components), created)
    if expires is not None:
        params += ";expires=%d" % expires
    params += ';nonce="%s";keyid="%s";alg="%s";tag="%s"' % (nonce, keyid, alg, tag)

    values = {
        "@method": method.upper(),
        "@authority": authority,
        "@path": path,
        "@query": "?" + query,
    }
    lines = []
    for c in components:
        v = values[c] if c.startswith("@") else headers[
            {"content-type": "Content-Type", "content-digest": "Content-Digest",
             "idempotency-key": "Idempotency-Key"}[c]]
        lines.append('"%s": %s' % (c, v.strip()))
    lines.append('"@signature-params": %s' % params)
    base = "\n".join(lines).encode()
    sig = sk.sign(base)
    if bad_signature:
        sig = bytes([sig[0] ^ 1]) + sig[1:]
    headers["Signature-Input"] = "sig1=" + params
    headers["Signature"] = "sig1=:%s:" % base64.b64encode(sig).decode()
    return headers


class Abort(Exception):
    """A request a tool needed went wrong: it cannot go on."""


class Api:
    """vpointsd as the tests' tools call it: one keep-alive connection
    (opened again when the daemon closes it), every request signed anew
    with a key (anything with sk, keyid and name). A request whose
    connection dropped is sent once more, signed again: the same signature
    would be a replay."""

    def __init__(self, server, rng, timeout=30):
        url = urllib.parse.urlsplit(server)
        self.host, self.port = url.hostname, url.port or 80
        self.authority = url.netloc.lower()
        self.rng, self.timeout = rng, timeout
        self.conn = None
        self.requests = 0

    def raw(self, key, method, path, query="", body=None, accept=None):
        """The status, the Content-Type and the bytes of the answer. The
        path is percent-encoded as it is sent and signed."""
        data = None
        if body is not None:
            data = json.dumps(body, ensure_ascii=False,
                              separators=(",", ":")).encode()
        idem = None
        if method != "GET":
            idem = "%032x" % self.rng.getrandbits(128)
        path = urllib.parse.quote(path)
        target = path + ("?" + query if query else "")
        for attempt in (1, 2):
            headers = sign_request(key.sk, method, self.authority, path,
                                   query, data, idem, keyid=key.keyid)
            if accept:
                headers["Accept"] = accept
            if self.conn is None:
                self.conn = http.client.HTTPConnection(
                    self.host, self.port, timeout=self.timeout)
            try:
                self.conn.request(method, target, body=data, headers=headers)
                resp = self.conn.getresponse()
                raw = resp.read()
                break
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        self.requests += 1
        if resp.will_close:
            self.conn.close()
            self.conn = None
        return resp.status, resp.getheader("Content-Type", ""), raw

    def call(self, key, method, path, query="", body=None):
        """The status, the answer as JSON (a number with a fraction as a
        Decimal; None if the answer is not JSON) and its bytes."""
        status, _, raw = self.raw(key, method, path, query, body)
        try:
            parsed = json.loads(raw, parse_float=Decimal)
        except ValueError:
            parsed = None
        return status, parsed, raw

    def must(self, key, method, path, body=None, query="", want=(200, 201)):
        """The answer as JSON; Abort unless its status is one of want and
        it is JSON."""
        status, parsed, raw = self.call(key, method, path, query, body)
        if status not in want or parsed is None:
            raise Abort("%s %s%s %s by %s: expected %s, got %d %s" % (
                method, path, "?" + query if query else "",
                json.dumps(body, ensure_ascii=False, default=str)
                if body is not None else "", key.name, want, status,
                raw.decode("utf-8", "replace")[:400]))
        return parsed


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--key", required=True, help="PEM private key (OpenSSL)")
    p.add_argument("--server", required=True)
    p.add_argument("--method", default="GET")
    p.add_argument("--path", required=True)
    p.add_argument("--query", default="")
    p.add_argument("--body")
    p.add_argument("--idem")
    p.add_argument("--created", type=int, help="seconds from now (+/-)", default=0)
    p.add_argument("--expires", type=int, help="seconds from now")
    p.add_argument("--alg", default="ed25519")
    p.add_argument("--tag", default="vpoints")
    p.add_argument("--nonce")
    p.add_argument("--keyid")
    p.add_argument("--break", dest="brk", default="",
                   help="no-signature, no-digest, bad-digest, query, body, "
                        "idem, omit-idem, bad-signature")
    p.add_argument("--tamper-path", help="send to this path instead")
    p.add_argument("--send-to",
                   help="connect to this URL, still signing for --server "
                        "(a request meant for one daemon sent to another)")
    p.add_argument("--authority",
                   help="sign for (and send as Host) this authority, not "
                        "the --server's")
    p.add_argument("--repeat", type=int, default=1,
                   help="send the same signed request N times; print "
                        "how many times each status came back")
    p.add_argument("--keyid-only", action="store_true",
                   help="print the key's RFC 7638 key id and exit")
    a = p.parse_args()

    sk = load_key(a.key)
    keyid = a.keyid or keyid_of(public_raw(sk))
    if a.keyid_only:
        print(keyid)
        return 0

    url = urllib.parse.urlsplit(a.server)
    authority = a.authority or url.netloc.lower()
    body = a.body.encode() if a.body is not None else None
    now = int(time.time())
    headers = sign_request(
        sk, a.method, authority, a.path, a.query, body, a.idem,
        created=now + a.created,
        expires=now + a.expires if a.expires is not None else None,
        nonce=a.nonce, keyid=keyid, alg=a.alg, tag=a.tag,
        cover_idem=a.brk != "omit-idem",
        bad_signature=a.brk == "bad-signature")
    if a.brk == "no-signature":
        del headers["Signature-Input"], headers["Signature"]
    # Changes after signing: what an attacker on the wire would do.
    method, path, query = a.method.upper(), a.path, a.query
    if a.brk == "no-digest":
        del headers["Content-Digest"]
    elif a.brk == "bad-digest":
        headers["Content-Digest"] = "sha-256=:%s:" % base64.b64encode(
            hashlib.sha256(b"other").digest()).decode()
    if a.tamper_path:
        path = a.tamper_path
    elif a.brk == "query":
        query = query + "&x=1"
    elif a.brk == "body":
        body = body.replace(b"1", b"2", 1)
    elif a.brk == "idem":
        headers["Idempotency-Key"] = a.idem + "x"

    target = path + ("?" + query if query else "")
    if a.send_to:
        url = urllib.parse.urlsplit(a.send_to)
    conn = http.client.HTTPConnection(url.hostname, url.port or 80, timeout=10)
    counts = {}
    for _ in range(a.repeat):
        conn.request(method, target, body=body, headers=headers)
        resp = conn.getresponse()
        text = resp.read().decode()
        counts[resp.status] = counts.get(resp.status, 0) + 1
    if a.repeat > 1:
        print(" ".join("%d:%d" % kv for kv in sorted(counts.items())))
    else:
        print(resp.status)
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
