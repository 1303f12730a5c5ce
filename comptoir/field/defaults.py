"""French defaults for a new workspace: an electrician's small catalogue and checklists."""

from decimal import Decimal

# reference, label, unit, unit price HT, VAT rate (%)
CATALOGUE: list[tuple[str, str, str, Decimal, Decimal]] = [
    ("MO-H", "Main-d'œuvre électricien", "h", Decimal("55.00"), Decimal("10.00")),
    ("DEP", "Déplacement", "forfait", Decimal("40.83"), Decimal("20.00")),
    ("DJ-16", "Disjoncteur divisionnaire 16 A", "u", Decimal("12.90"), Decimal("20.00")),
    ("DJ-32", "Disjoncteur divisionnaire 32 A", "u", Decimal("14.50"), Decimal("20.00")),
    (
        "ID-40",
        "Interrupteur différentiel 40 A 30 mA type A",
        "u",
        Decimal("68.00"),
        Decimal("20.00"),
    ),
    ("PC-16", "Prise de courant 16 A 2P+T", "u", Decimal("8.40"), Decimal("20.00")),
    ("INT-VV", "Interrupteur va-et-vient", "u", Decimal("7.20"), Decimal("20.00")),
    ("CAB-25", "Câble R2V 3G2,5 mm²", "m", Decimal("1.85"), Decimal("20.00")),
    ("GAINE-20", "Gaine ICTA 20 mm", "m", Decimal("0.65"), Decimal("20.00")),
    ("VMC-BOU", "Bouche d'extraction VMC", "u", Decimal("24.00"), Decimal("20.00")),
    ("VMC-FIL", "Filtre de VMC double flux", "u", Decimal("32.00"), Decimal("20.00")),
    ("IRVE-PROT", "Protection dédiée borne IRVE", "u", Decimal("145.00"), Decimal("20.00")),
]

# service type code → [(label, required)]
CHECKLISTS: dict[str, list[tuple[str, bool]]] = {
    "depannage": [
        ("Couper l'alimentation avant intervention", True),
        ("Vérifier l'absence de tension (VAT)", True),
        ("Identifier la cause de la panne", True),
        ("Tester le différentiel (bouton test)", False),
        ("Remettre sous tension et contrôler", True),
    ],
    "vmc": [
        ("Nettoyer les bouches d'extraction", True),
        ("Contrôler le débit d'air", True),
        ("Vérifier ou remplacer les filtres", False),
        ("Contrôler le bruit du caisson", False),
    ],
    "irve": [
        ("Relever la puissance souscrite", True),
        ("Vérifier la protection différentielle type A ou B", True),
        ("Mesurer la distance tableau → borne", True),
        ("Photographier l'emplacement prévu", False),
    ],
}
