"""Keep the cached list of a workspace's cities fresh when a customer or site changes."""

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from comptoir.contacts.models import Company, Person, Site
from comptoir.search.selectors import forget_cities


@receiver(post_save, sender=Person)
@receiver(post_save, sender=Company)
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Person)
@receiver(post_delete, sender=Company)
@receiver(post_delete, sender=Site)
def customer_city_changed(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_cities(instance.workspace_id)
