"""Personal data: how we recognise it, keep it out, and show outside text safely.

Clinics' and pharmacies' conversion files come from booking and phone systems and carry
patients' names, e-mails, phone numbers and notes (Québec's Law 25: health-related
personal information). Loaders keep only their allow-listed columns; this module names
the dropped ones that look personal, hides personal-looking values wherever we would
otherwise echo a file's text (quarantine reasons, logs), and makes outside text
(file names, captions) safe to print on one line.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
from pathlib import Path

PERSONAL_HEADER = re.compile(
    r"\b(?:"
    r"name|names|nom|noms|prenom|first|last|full ?name|surname|patient|patiente|customer|"
    r"e ?mail|courriel|mail|phone|telephone|tel|cell|cellulaire|mobile|fax|"
    r"address|adresse|street|rue|city|ville|postal|zip|code postal|"
    r"birth|birthday|dob|naissance|age|sex|sexe|gender|genre|"
    r"health|sante|ramq|nam|card|carte|insurance|assurance|sin|nas|ssn|"
    r"symptom|symptoms|symptome|symptomes|diagnosis|diagnostic|medication|medicament|"
    r"ip address|user agent|posted by|author|auteur|publie par"
    r")\b"
)
# Names of the client's own page, account, campaign or ad: business, not personal.
BUSINESS_HEADER = re.compile(
    r"^(?:page|account|campaign|ad|ad set|adset|compte|campagne|publicite|ensemble de "
    r"publicites|nom (?:de la|du|de l) (?:page|compte|campagne|publicite))\b"
)
# Free text (where notes about a patient end up), but not Meta's metric and remark columns
# such as "Comments" counts or "Commentaire des données".
FREE_TEXT_HEADER = re.compile(
    r"^(?:(?:patient|client|customer|internal|staff|agent|booking|private|appointment) )?"
    r"(?:notes?|comments?|commentaires?|remarques?|messages?|motif|raison|reason)"
    r"(?: (?:internes?|prive|privee|privees|du patient|du client|de l agent|de visite))?$"
)
# A value that is an e-mail, a phone number or a long number (health card, SIN...).
PERSONAL_VALUE = re.compile(
    r"[^\s@]+@[^\s@]+\.[^\s@]+"  # e-mail
    r"|(?:\+?\d[\s().-]*){7,}"  # phone numbers, card and account numbers
)


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


def looks_personal_header(header: str) -> bool:
    """A column name that says it holds personal data (en or fr)."""
    folded = _folded(header)
    if BUSINESS_HEADER.match(folded):
        return False
    return bool(PERSONAL_HEADER.search(folded) or FREE_TEXT_HEADER.match(folded))


def redact_value(text: str) -> str:
    """Text from a file, with e-mails and phone-like numbers hidden."""
    return PERSONAL_VALUE.sub("<hidden>", text)


def one_line(text: str, limit: int = 200) -> str:
    """Outside text (a file name, a header) made safe to print: control characters
    (newlines, terminal escapes) shown as escapes, length bounded."""
    shown = "".join(
        ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in text
    )
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"


def salt_file() -> Path:
    """Where the conversion-key salt lives: outside the repository and the data dir."""
    override = os.environ.get("SOCIALWH_SALT_FILE")
    if override:
        return Path(override).expanduser().resolve()
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return (config / "socialwh" / "salt").resolve()


def conversion_salt(forbidden: list[Path]) -> str:
    """The secret mixed into the hash that identifies a conversion without an id, so the
    hash cannot be reversed by trying likely rows. Created on first use (mode 0600)."""
    path = salt_file()
    for place in forbidden:
        if path.is_relative_to(place.resolve()):
            raise RuntimeError(
                f"the salt file {path} is inside {place}; keep it outside the repository "
                "and the data dir (set SOCIALWH_SALT_FILE, e.g. ~/.config/socialwh/salt)"
            )
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_hex(32) + "\n")
    salt = path.read_text(encoding="utf-8").strip()
    if len(salt) < 32:
        raise RuntimeError(f"the salt file {path} holds fewer than 32 characters")
    return salt
