"""French defaults for a new workspace's reference lists."""

LEGAL_FORMS = [
    "Entreprise individuelle (EI)",
    "Micro-entreprise",
    "EURL",
    "SARL",
    "SAS",
    "SASU",
    "SA",
    "SCI",
    "SNC",
    "Association loi 1901",
    "Collectivité territoriale",
    "Établissement public",
    "Syndicat de copropriété",
]
INDUSTRIES = [
    "Bâtiment et travaux publics",
    "Commerce de détail",
    "Hôtellerie et restauration",
    "Industrie",
    "Immobilier et gestion locative",
    "Santé et action sociale",
    "Enseignement",
    "Administration publique",
    "Agriculture",
    "Services aux entreprises",
    "Transport et logistique",
    "Particulier",
]
DOMAINS = {
    "Électricité": ["Dépannage", "Tableau électrique", "Mise en conformité", "Éclairage"],
    "Énergie": ["Borne de recharge IRVE", "Photovoltaïque", "Pompe à chaleur"],
    "Confort": ["Chauffage électrique", "VMC", "Climatisation"],
    "Courants faibles": ["Alarme", "Contrôle d'accès", "Réseau informatique"],
}
JOB_TITLES = [
    "Gérant(e)",
    "Directeur(rice) général(e)",
    "Responsable technique",
    "Responsable des achats",
    "Comptable",
    "Assistant(e) de direction",
    "Gestionnaire de biens",
    "Syndic",
    "Propriétaire",
    "Locataire",
]
SOURCES = [
    "Bouche-à-oreille",
    "Site web",
    "Réservation en ligne",
    "Appel entrant",
    "Salon professionnel",
    "Prescripteur",
    "Pages Jaunes",
    "Réseaux sociaux",
]
INTERESTS = [
    "Contrat d'entretien",
    "Borne de recharge",
    "Rénovation énergétique",
    "Domotique",
    "Photovoltaïque",
]
