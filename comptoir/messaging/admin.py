"""Technical administration of message templates and the outbox."""

from django.contrib import admin

from comptoir.messaging.models import Message, MessageTemplate


@admin.register(MessageTemplate)
class MessageTemplateAdmin(admin.ModelAdmin):
    list_display = ("code", "channel", "workspace", "is_active", "updated_at")
    list_filter = ("channel", "is_active")


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "to", "template_code", "status", "attempts")
    list_filter = ("channel", "status")
    search_fields = ("to", "subject", "dedupe_key")
    raw_id_fields = ("interaction",)
