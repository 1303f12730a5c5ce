"""French default processes and stages for a new workspace."""

# code, name, colour, private, stages [(name, outcome)]
PROCESSES: list[tuple[str, str, str, bool, list[tuple[str, str]]]] = [
    (
        "vente",
        "Vente",
        "#1f6feb",
        False,
        [
            ("01 Prise de contact", ""),
            ("02 Besoin qualifié", ""),
            ("03 Devis envoyé", ""),
            ("04 Négociation", ""),
            ("Gagnée", "won"),
            ("Perdue", "lost"),
        ],
    ),
    (
        "support",
        "Support",
        "#d1242f",
        False,
        [("Demande reçue", ""), ("Intervention", ""), ("Résolu", "")],
    ),
    ("administratif", "Administratif", "#6e7781", False, []),
    ("achat", "Achat", "#8250df", False, [("Demande de prix", ""), ("Commandé", ""), ("Reçu", "")]),
    (
        "livraison",
        "Livraison",
        "#bc4c00",
        False,
        [("À préparer", ""), ("Expédié", ""), ("Livré", "")],
    ),
    ("marketing", "Marketing", "#bf3989", False, []),
    ("prive", "Privé", "#57606a", True, []),
    ("email", "E-mail", "#0969da", False, []),
    ("appel", "Appel", "#1a7f37", False, []),
]
