"""Every write to customers. Each function is atomic and audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from everyweek.core import audit
from everyweek.customers.models import Customer


@transaction.atomic
def create_customer(*, actor: Any, name: str, **fields: Any) -> Customer:
    customer = Customer(name=name.strip(), **fields)
    if customer.email:
        customer.email = customer.email.strip().lower()
    customer.full_clean()
    customer.save()
    audit.record(actor, "customer.create", customer, {"name": customer.name})
    return customer
