from django.contrib import admin

from comptoir.calls.models import Call, CallEvent, CallSettings

admin.site.register(CallSettings)
admin.site.register(Call)
admin.site.register(CallEvent)
