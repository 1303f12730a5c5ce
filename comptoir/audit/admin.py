"""Read-only view of the audit trail for superusers."""

from django.contrib import admin

from comptoir.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "workspace", "actor", "action", "object_repr"]
    list_filter = ["action", "workspace"]

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
