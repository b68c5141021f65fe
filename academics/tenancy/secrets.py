"""How API client secrets are stored: a keyed HMAC-SHA256, not a password hash.

A password hash is slow on purpose because people choose guessable passwords; client secrets
are 128 random characters, which no amount of guessing finds, so a slow hash only hands every
wrong guess ~0.2 s of the server's CPU. The HMAC key is derived from `SECRET_KEY` (and its
`SECRET_KEY_FALLBACKS`, so a key rotation keeps secrets working): a stolen table alone does not
even allow checking a guess offline. Secrets stored before (PBKDF2) still verify, and are
re-stored with this hasher the first time they are presented correctly
(`oauth.TenantClientValidator._check_secret`).
"""

import hmac

from django.conf import settings
from django.contrib.auth.hashers import BasePasswordHasher, mask_hash
from django.utils.crypto import salted_hmac

ALGORITHM = "hmac_sha256"
_KEY_SALT = "academics.tenancy.secrets.client-secret"


def _digest(secret: str, salt: str, key: str) -> str:
    return salted_hmac(_KEY_SALT + salt, secret, secret=key, algorithm="sha256").hexdigest()


class ClientSecretHasher(BasePasswordHasher):
    algorithm = ALGORITHM

    def encode(self, password: str, salt: str) -> str:
        self._check_encode_args(password, salt)
        return f"{self.algorithm}${salt}${_digest(password, salt, settings.SECRET_KEY)}"

    def decode(self, encoded: str) -> dict:
        algorithm, salt, digest = encoded.split("$", 2)
        assert algorithm == self.algorithm
        return {"algorithm": algorithm, "hash": digest, "salt": salt}

    def verify(self, password: str, encoded: str) -> bool:
        decoded = self.decode(encoded)
        keys = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
        return any(
            hmac.compare_digest(_digest(password, decoded["salt"], key), decoded["hash"])
            for key in keys
        )

    def safe_summary(self, encoded: str) -> dict:
        decoded = self.decode(encoded)
        return {"algorithm": decoded["algorithm"], "hash": mask_hash(decoded["hash"])}

    def harden_runtime(self, password: str, encoded: str) -> None:
        pass  # one HMAC costs the same for every secret: nothing to even out
