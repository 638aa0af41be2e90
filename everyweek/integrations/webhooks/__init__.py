"""One handler per vendor: `verify` the signature, `parse` the body into a Delivery."""

from __future__ import annotations

from types import ModuleType

from everyweek.integrations.models import Vendor
from everyweek.integrations.webhooks import chatwoot, delighted, formbricks, typeform

HANDLERS: dict[str, ModuleType] = {
    Vendor.DELIGHTED: delighted,
    Vendor.TYPEFORM: typeform,
    Vendor.FORMBRICKS: formbricks,
    Vendor.CHATWOOT: chatwoot,
}
