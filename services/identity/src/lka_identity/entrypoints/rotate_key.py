"""Add a new signing key and retire the active one: `python -m lka_identity.entrypoints.rotate_key`.

API processes start signing with the new key within `signing_key_cache_s`; the retired key
stays in the JWKS (and keeps verifying) until the last token it can have signed has expired.
"""

from __future__ import annotations

import asyncio

from lka_common.db import make_engine, make_sessionmaker
from lka_common.uow import UnitOfWork
from lka_identity.adapters.signing import KeySealer
from lka_identity.service_layer.context import utcnow
from lka_identity.service_layer.keys import rotate_signing_key
from lka_identity.settings import IdentitySettings


async def rotate(settings: IdentitySettings) -> str:
    engine = make_engine(settings, pool_size=1, max_overflow=0)
    try:
        uow = UnitOfWork(make_sessionmaker(engine), settings.source)
        sealer = KeySealer(settings.key_encryption_secret.get_secret_value())
        return await rotate_signing_key(uow, sealer, utcnow())
    finally:
        await engine.dispose()


def main() -> None:
    kid = asyncio.run(rotate(IdentitySettings()))
    print(f"Новый ключ подписи {kid} активен; прежний опубликован, пока действуют выданные им токены.")


if __name__ == "__main__":
    main()
