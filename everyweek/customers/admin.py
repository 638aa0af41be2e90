from django.contrib import admin

from everyweek.core.admin import AuditedModelAdmin
from everyweek.customers.models import Customer


@admin.register(Customer)
class CustomerAdmin(AuditedModelAdmin):
    list_display = ["name", "email", "company", "locale"]
    list_filter = ["locale"]
    search_fields = ["name", "email", "company"]
