from django import forms
from django.contrib import admin, messages
from django.db import models

from esinv.admin_badges import BadgeMedia, status_badge
from notifications.delivery import enqueue, redeliver
from notifications.models import Channel, Delivery, DeliveryAttempt, DeliveryStatus, Event


class ChannelForm(forms.ModelForm):
    """The admin builds its Meta (model, fields) on this: only the events field is declared here."""

    # One checkbox per event of notifications.models.Event: a new event is selectable the day it is declared.
    events = forms.MultipleChoiceField(choices=Event, widget=forms.CheckboxSelectMultiple,
                                       help_text="The events sent to this channel.")


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin):
    form = ChannelForm
    list_display = ("name", "kind", "enabled", "url", "events")
    list_filter = ("kind", "enabled")
    search_fields = ("name", "url")
    filter_horizontal = ("organizations",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    actions = ["send_test"]

    @admin.action(description="Send a test notification")
    def send_test(self, request, queryset):
        for channel in queryset:
            enqueue(Delivery.objects.create(channel=channel, event=Event.TEST, payload={"test": True}))
        messages.success(request, f"Test queued for {queryset.count()} channel(s): see Deliveries.")


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "at", "response_code", "duration_ms", "success", "error")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(BadgeMedia, admin.ModelAdmin):
    list_display = ("created_at", "event", "channel", status_badge(DeliveryStatus), "attempts", "finished_at")
    list_filter = ("status", "event", "channel")
    readonly_fields = ("delivery_id", "channel", "event", "payload", "status", "attempts", "created_at", "finished_at")
    inlines = [AttemptInline]
    actions = ["redeliver_selected"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Redeliver (a new delivery of the same event)")
    def redeliver_selected(self, request, queryset):
        for delivery in queryset.select_related("channel"):
            redeliver(delivery)
        messages.success(request, f"{queryset.count()} delivery(ies) queued again.")

