"""`emit(event, data)`: one delivery per enabled channel that wants the event and whose filters match."""
from notifications.delivery import enqueue
from notifications.models import Channel, Delivery


def matches(channel: Channel, data: dict) -> bool:
    if channel.exception_types:
        by_type = data.get("by_type")
        if by_type is not None and not any(
                any((by_type.get(kind) or {}).values()) for kind in channel.exception_types):
            return False
    wanted = {org.name for org in channel.organizations.all()}
    if wanted and "organizations" in data and not wanted & set(data["organizations"]):
        return False
    return True


def emit(event: str, data: dict) -> list[Delivery]:
    deliveries = []
    for channel in Channel.objects.filter(enabled=True).prefetch_related("organizations"):
        if event in (channel.events or []) and matches(channel, data):
            delivery = Delivery.objects.create(channel=channel, event=event, payload=data)
            enqueue(delivery)
            deliveries.append(delivery)
    return deliveries
