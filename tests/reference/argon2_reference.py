#!/usr/bin/env python3
"""Keys derived from a passphrase, by the reference Argon2 implementation (argon2-cffi, which
binds the C code of the Argon2 authors), for `core/tests/key.rs` to compare with Prisme's
`Secret::from_passphrase`. Run once, commit the output; CI never runs this.

Requirements: pip install argon2-cffi
Parameters: Argon2id, version 0x13, 64 MiB, 3 passes, 4 lanes, 32-byte output (RFC 9106,
section 4, second recommended option). Fingerprints and pseudonyms follow Prisme's
definitions (module docs of core/src/key.rs and core/src/anonymize.rs), computed here with
Python's hashlib and hmac.
"""
import hashlib
import hmac
import json
import os

from argon2.low_level import Type, hash_secret_raw

CASES = [
    ("correct horse battery staple", "0123456789abcdef0123456789abcdef"),
    ("mot de passe très long, avec accents", "f0e1d2c3b4a5968778695a4b3c2d1e0f"),
]


def main():
    out = []
    for passphrase, salt in CASES:
        key = hash_secret_raw(
            secret=passphrase.encode("utf-8"),
            salt=bytes.fromhex(salt),
            time_cost=3,
            memory_cost=64 * 1024,
            parallelism=4,
            hash_len=32,
            type=Type.ID,
            version=0x13,
        )
        hex_key = key.hex()
        fingerprint = hashlib.sha256(b"prisme key fingerprint\0" + key).hexdigest()[:8]
        pseudonym = hmac.new(hex_key.encode("ascii"), b"C001", hashlib.sha256).hexdigest()[:20]
        out.append(
            {
                "passphrase": passphrase,
                "salt": salt,
                "key": hex_key,
                "fingerprint": fingerprint,
                "pseudonym_C001": pseudonym,
            }
        )
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "argon2_reference.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
