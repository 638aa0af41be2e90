"""Customers over the JSON API: for leaders and administrators (agents meet customers through
their own feedback, not the customer list)."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.responses import Status

from everyweek.api import errors
from everyweek.api.auth import require_leader
from everyweek.api.models import TokenScope
from everyweek.api.pagination import paginated
from everyweek.customers import services
from everyweek.customers.models import Customer

router = Router(tags=["customers"])


class CustomerOut(Schema):
    id: int
    name: str
    email: str
    company: str
    locale: str
    time_zone: str
    created_at: dt.datetime


class CustomerIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    email: str = Field("", max_length=254)
    company: str = Field("", max_length=200)
    locale: str = Field("en", max_length=10, description="Any language code the customer uses.")
    time_zone: str = "UTC"


@router.get("", response=list[CustomerOut], summary="List customers (leaders)")
@paginated
def list_customers(request: HttpRequest, q: str = "", locale: str = "") -> QuerySet[Customer]:
    require_leader(request)
    found = Customer.objects.all()
    if q := q.strip():
        found = found.filter(Q(name__icontains=q) | Q(email__icontains=q) | Q(company__icontains=q))
    if locale:
        found = found.filter(locale=locale)
    return found.order_by("name", "pk")


@router.get("/{int:customer_id}", response=CustomerOut, summary="One customer (leaders)")
def get_customer(request: HttpRequest, customer_id: int) -> Customer:
    require_leader(request)
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise errors.not_found()
    return customer


@router.post("", response={201: CustomerOut}, summary="Add a customer (leaders)")
def create_customer(request: HttpRequest, payload: CustomerIn) -> Status[Customer]:
    actor = require_leader(request, TokenScope.WRITE)
    return Status(201, services.create_customer(actor=actor, **payload.model_dump()))
