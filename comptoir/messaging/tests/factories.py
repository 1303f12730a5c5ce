import factory
from django.utils import timezone

from comptoir.messaging.models import Channel, Message, MessageStatus


class MessageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Message

    channel = Channel.SMS
    template_code = "booking_confirmed"
    to = "+33612345678"
    body = "Duret Électricité : RDV confirmé le jeu. 20/03 à 8 h 30."
    status = MessageStatus.PENDING
    next_attempt_at = factory.LazyFunction(timezone.now)
