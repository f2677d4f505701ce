"""HipoPay's own signing routine (document section 2.2), run under Python 3.

The document's `data_sign` is Python 2. Two things differ in Python 3 and are
restored here so the routine means what it meant: `quote` comes from
urllib.parse, and Python 3.7+ leaves `~` unquoted where Python 2 quoted it.

Reads JSON {"key": PEM, "timestamp": "...", "vectors": [{name: value, ...}, ...]}
on stdin, or {"generate": BITS, ...} to sign with a key made the way the
document's users make theirs (`rsa.newkeys(BITS)`, saved with `save_pkcs1()`);
prints JSON {"key": PEM, "signed": [{"string": ..., "signature": ...}, ...]}.
"""
import base64
import json
import sys
from urllib.parse import quote as py3_quote

import rsa


def quote(s, safe=""):
    return py3_quote(s, safe=safe).replace("~", "%7E")


def data_sign(data, timestamp, private_key):
    def format_code(x):
        if isinstance(x, str):
            return quote(x.encode("utf-8"), safe="")
        elif isinstance(x, (float, int)):
            return str(x)
        else:
            return quote(x, safe="")

    signature_str = "&".join(("=".join(map(format_code, i)) for i in sorted(data.items())))
    signature_str = signature_str.encode("utf-8")
    signature_str += b"," + str(timestamp).encode("ascii")
    pri_key = rsa.PrivateKey.load_pkcs1(private_key)
    signature = base64.b64encode(rsa.sign(signature_str, pri_key, "SHA-256"))
    return signature_str.decode("utf-8"), signature.decode("ascii")


def main():
    job = json.load(sys.stdin)
    if "generate" in job:
        _, private = rsa.newkeys(int(job["generate"]))
        key = private.save_pkcs1().decode("ascii")
    else:
        key = job["key"]
    signed = []
    for vector in job["vectors"]:
        string, signature = data_sign(vector, job["timestamp"], key.encode("ascii"))
        signed.append({"string": string, "signature": signature})
    json.dump({"key": key, "signed": signed}, sys.stdout)


if __name__ == "__main__":
    main()
