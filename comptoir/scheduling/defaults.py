"""French default skills and service types for a new workspace (an electrician's trade)."""

SKILLS: list[tuple[str, str]] = [
    ("depannage", "Dépannage"),
    ("tableau", "Tableau électrique"),
    ("vmc", "VMC"),
    ("irve", "Borne de recharge IRVE"),
    ("chauffage", "Chauffage"),
    ("conformite", "Mise en conformité"),
]

# code, name, minutes, skill, bookable online, price indication, urgent
SERVICE_TYPES: list[tuple[str, str, int, str, bool, str, bool]] = [
    ("depannage", "Dépannage électrique", 60, "depannage", True, "Déplacement 49,00 € TTC", True),
    ("diagnostic", "Diagnostic installation", 90, "conformite", True, "120,00 € TTC", False),
    ("tableau", "Remplacement de tableau électrique", 240, "tableau", False, "Sur devis", False),
    ("vmc", "Entretien VMC", 60, "vmc", True, "89,00 € TTC", False),
    ("irve", "Visite technique borne de recharge", 60, "irve", True, "Gratuit", False),
    ("chauffage", "Entretien chauffage électrique", 60, "chauffage", True, "79,00 € TTC", False),
    ("conformite", "Mise en conformité", 180, "conformite", False, "Sur devis", False),
]
