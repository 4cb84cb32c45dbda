"""ES256 signing keys: generated, sealed for storage, opened, and used to sign access tokens.

The private half is stored only sealed with AES-256-GCM under a key derived (HKDF-SHA256) from
the key-encryption secret in the settings; the key id is the associated data, so a sealed key
cannot be passed off under another id.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import jwt
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from jwt.algorithms import ECAlgorithm

from lka_common.auth import ALGORITHM

_NONCE_BYTES = 12
_HKDF_INFO = b"lka-identity signing-key sealing v1"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: ec.EllipticCurvePrivateKey
    public_jwk: dict[str, Any]
    created_at: datetime
    retired_at: datetime | None


def new_key_pair() -> tuple[str, ec.EllipticCurvePrivateKey, dict[str, Any]]:
    """A fresh P-256 key: its id, private key, and public JWK as the JWKS publishes it."""
    kid = uuid.uuid4().hex
    private_key = ec.generate_private_key(ec.SECP256R1())
    public = ECAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    return kid, private_key, {**public, "kid": kid, "use": "sig", "alg": ALGORITHM}


class KeySealer:
    def __init__(self, secret: str) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(secret.encode())
        self._aead = AESGCM(derived)

    def seal(self, kid: str, private_key: ec.EllipticCurvePrivateKey) -> bytes:
        der = private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        nonce = os.urandom(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, der, kid.encode())

    def open(self, kid: str, sealed: bytes) -> ec.EllipticCurvePrivateKey:
        """Raises `cryptography.exceptions.InvalidTag` under another secret or another kid."""
        der = self._aead.decrypt(sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:], kid.encode())
        key = serialization.load_der_private_key(der, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise TypeError("a signing key must be an EC key")
        return key


def sign(claims: dict[str, Any], key: SigningKey) -> str:
    return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid})
