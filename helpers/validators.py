"""Swiss company identification number (UID, "CHE-123.456.788").

Nine digits; the last is a check digit: weights 5 4 3 2 7 6 5 4 over the first eight, then
11 - (sum mod 11), where 11 becomes 0 and 10 never occurs in a valid number.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

UID_PATTERN = re.compile(r"^CHE-?(\d{3})\.?(\d{3})\.?(\d{3})(?:\s*(?:MWST|TVA|IVA|VAT))?$")
WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4)


def uid_check_digit(first_eight: str) -> int | None:
    check = 11 - sum(int(d) * w for d, w in zip(first_eight, WEIGHTS, strict=True)) % 11
    if check == 10:
        return None
    return 0 if check == 11 else check


def normalise_uid(value: str) -> str:
    """'che 123 456 788 mwst' → 'CHE-123.456.788'; raises ValidationError if not a valid UID."""
    compact = re.sub(r"\s+", "", str(value).upper())
    compact = re.sub(r"(MWST|TVA|IVA|VAT)$", "", compact)
    match = UID_PATTERN.match(compact)
    if not match:
        raise ValidationError(_("Please enter the UID like CHE-123.456.789."), code="uid_format")
    digits = "".join(match.groups())
    if uid_check_digit(digits[:8]) != int(digits[8]):
        raise ValidationError(
            _("This UID number does not exist – please check the digits."), code="uid_checksum"
        )
    return f"CHE-{digits[:3]}.{digits[3:6]}.{digits[6:]}"
