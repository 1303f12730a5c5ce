"""French names, places and phrases for the demo workspace and the benchmark generator."""

from __future__ import annotations

import random

from stdnum import luhn

from comptoir.lib.text import fold

PASSWORD = "comptoir-demo"

WORKSPACE = {
    "name": "Duret Électricité",
    "slug": "duret",
    "street": "18 avenue de la Plaine",
    "postcode": "74000",
    "city": "Annecy",
    "phone": "04 50 27 18 40",
}

# email, first name, last name, role, colour
USERS: list[tuple[str, str, str, str, str]] = [
    ("claire@duret.example", "Claire", "Lambert", "agent", "#1f6feb"),
    ("gaetan@duret.example", "Gaëtan", "Perrin", "technician", "#bc4c00"),
    ("karim@duret.example", "Karim", "Benali", "technician", "#1a7f37"),
    ("sophie@duret.example", "Sophie", "Duret", "admin", "#8250df"),
    ("marc@duret.example", "Marc", "Vuillet", "agent", "#bf3989"),
]
# Skills of the two technicians (codes of the scheduling defaults).
TECHNICIAN_SKILLS: dict[str, list[str]] = {
    "Gaëtan": ["depannage", "tableau", "conformite", "irve"],
    "Karim": ["depannage", "vmc", "chauffage", "irve"],
}
# Marc sells: he only sees these processes.
MARC_PROCESSES = ["vente", "prive", "email"]

# fmt: off
MALE_FIRST_NAMES = [
    "Pierre", "Jean", "Michel", "Philippe", "Alain", "Nicolas", "Christophe", "Patrick",
    "Laurent", "Frédéric", "Stéphane", "David", "Éric", "Julien", "Sébastien", "Olivier",
    "Thierry", "Bruno", "Guillaume", "Thomas", "Antoine", "Mathieu", "Jérôme", "François",
    "Romain", "Vincent", "Maxime", "Hugo", "Lucas", "Bernard", "Gérard", "Daniel", "Yves",
    "Didier", "Pascal", "Cédric", "Benoît", "Arnaud", "Fabrice", "Loïc", "Damien", "Xavier",
    "Joël", "Rémi", "Baptiste", "Florian", "Kévin", "Anthony", "Yannick", "Gilles", "Serge",
    "Denis", "Marcel", "Roger", "André", "Henri", "Louis", "Paul", "Gabriel", "Arthur",
    "Mehdi", "Karim", "Rachid", "Mohamed", "Nuno", "João", "Luca", "Marco", "Stefan", "Killian",
]
FEMALE_FIRST_NAMES = [
    "Marie", "Nathalie", "Isabelle", "Sylvie", "Catherine", "Françoise", "Valérie", "Christine",
    "Sandrine", "Véronique", "Céline", "Sophie", "Stéphanie", "Julie", "Aurélie", "Émilie",
    "Camille", "Laura", "Manon", "Chloé", "Léa", "Anne", "Monique", "Martine", "Brigitte",
    "Nicole", "Hélène", "Agnès", "Caroline", "Delphine", "Virginie", "Laurence", "Patricia",
    "Corinne", "Karine", "Élodie", "Audrey", "Mélanie", "Pauline", "Claire", "Jeanne", "Odile",
    "Geneviève", "Josiane", "Danielle", "Colette", "Mireille", "Lucie", "Inès", "Sarah",
    "Fatima", "Samia", "Ana", "Giulia", "Maëlle", "Océane", "Noémie", "Justine", "Margaux",
]
LAST_NAMES = [
    # Savoyard names first: the Annecy phone book.
    "Favre", "Mermillod", "Dupraz", "Bouvier", "Pollet", "Baud", "Duparc", "Perrissin",
    "Gaillard", "Métral", "Cochet", "Curt", "Burnier", "Tissot", "Veyrat", "Bétemps", "Mugnier",
    "Dunand", "Jacquet", "Berthet", "Déage", "Rey", "Ducret", "Vulliet", "Bochet", "Chatel",
    "Pernet", "Excoffier", "Lathuille", "Bosson", "Gallay", "Dépollier", "Missillier", "Sallaz",
    "Avet", "Carrier", "Chevallier", "Fontaine", "Ruphy", "Guillot", "Jolivet", "Marin",
    "Mossuz", "Paccard", "Revillard", "Thabuis", "Vindret", "Lachenal", "Pasquier", "Rosset",
    # and the rest of France.
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefèvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Marchand",
    "Duval", "Denis", "Dumont", "Marie", "Lemaire", "Noël", "Meyer", "Dufour", "Meunier",
    "Brun", "Blanchard", "Giraud", "Joly", "Rivière", "Lucas", "Brunet", "Gaillard", "Barbier",
    "Arnaud", "Martinez", "Gérard", "Roche", "Renard", "Schmitt", "Roy", "Leroux", "Colin",
    "Vidal", "Caron", "Picard", "Roger", "Fabre", "Aubert", "Lemoine", "Renaud", "Dumas",
    "Lacroix", "Olivier", "Philippe", "Bourgeois", "Pierre", "Benoît", "Rey", "Leclerc",
    "Payet", "Rolland", "Lecomte", "Collet", "Da Silva", "Ferreira", "Pereira", "Rossi",
    "Bianchi", "Benali", "Haddad", "Nguyen", "Le Gall", "Le Goff", "N'Diaye", "D'Almeida",
]

# postcode, town, weight (Annecy itself is where most customers live).
TOWNS: list[tuple[str, str, int]] = [
    ("74000", "Annecy", 30),
    ("74960", "Cran-Gevrier", 9),
    ("74940", "Annecy-le-Vieux", 9),
    ("74370", "Pringy", 5),
    ("74600", "Seynod", 8),
    ("74290", "Talloires-Montmin", 3),
    ("74290", "Menthon-Saint-Bernard", 2),
    ("74210", "Faverges-Seythenex", 3),
    ("74150", "Rumilly", 5),
    ("74320", "Sévrier", 3),
    ("74410", "Saint-Jorioz", 3),
    ("74330", "Poisy", 3),
    ("74650", "Chavanod", 2),
    ("74960", "Meythet", 4),
    ("74370", "Argonay", 2),
    ("74230", "Thônes", 3),
    ("74350", "Cruseilles", 2),
    ("74570", "Groisy", 2),
    ("74540", "Alby-sur-Chéran", 2),
    ("74370", "Metz-Tessy", 3),
]
STREETS = [
    "rue Carnot", "rue Sommeiller", "avenue de Genève", "avenue de Brogny", "rue de la Paix",
    "avenue du Rhône", "chemin des Fins", "rue Vaugelas", "avenue de Loverchy",
    "boulevard du Fier", "route de Frangy", "chemin de la Prairie", "rue du Pâquier",
    "avenue des Romains", "route des Creuses", "rue de l'Annexion", "avenue de Chevêne",
    "rue de la Poste", "impasse des Mésanges", "allée des Cerisiers", "route du Semnoz",
    "rue du Lac", "route d'Albertville", "chemin du Crêt", "rue des Glières",
    "avenue de Cran", "rue de la Gare", "chemin des Vignes", "route de Thônes",
    "rue du Château", "place de l'Église", "chemin de la Tour", "rue des Écoles",
    "allée des Tilleuls", "route de Bellevue", "chemin des Grandes Vignes", "rue Centrale",
    "avenue du Stade", "impasse du Verger", "chemin du Pont", "rue des Jardins",
    "route de la Plage", "chemin de Champ Fleuri", "rue du Mont-Blanc", "avenue d'Aléry",
]
# fmt: on
# Approximate centre of each town, for map pins (sites get a small random offset).
TOWN_COORDS: dict[str, tuple[float, float]] = {
    "Annecy": (45.8992, 6.1294),
    "Cran-Gevrier": (45.9000, 6.1040),
    "Annecy-le-Vieux": (45.9196, 6.1420),
    "Pringy": (45.9460, 6.1250),
    "Seynod": (45.8850, 6.0880),
    "Talloires-Montmin": (45.8410, 6.2130),
    "Menthon-Saint-Bernard": (45.8600, 6.1950),
    "Faverges-Seythenex": (45.7500, 6.2930),
    "Rumilly": (45.8670, 5.9440),
    "Sévrier": (45.8640, 6.1400),
    "Saint-Jorioz": (45.8310, 6.1590),
    "Poisy": (45.9210, 6.0640),
    "Chavanod": (45.8900, 6.0390),
    "Meythet": (45.9180, 6.0950),
    "Argonay": (45.9470, 6.1450),
    "Thônes": (45.8810, 6.3250),
    "Cruseilles": (46.0330, 6.1080),
    "Groisy": (46.0100, 6.1730),
    "Alby-sur-Chéran": (45.8180, 6.0110),
    "Metz-Tessy": (45.9320, 6.1050),
}
# Companies whose name says where they are.
COMPANY_TOWNS: dict[str, tuple[str, str]] = {
    "Restaurant Le Freti": ("74000", "Annecy"),
    "Brasserie du Pâquier": ("74000", "Annecy"),
    "La Ferme de Talloires": ("74290", "Talloires-Montmin"),
    "Mairie de Talloires-Montmin": ("74290", "Talloires-Montmin"),
    "École élémentaire des Fins": ("74000", "Annecy"),
    "Supermarché Rumilly Centre": ("74150", "Rumilly"),
    "Camping Le Lac Bleu": ("74320", "Sévrier"),
    "Club de voile d'Annecy-le-Vieux": ("74940", "Annecy-le-Vieux"),
    "Laiterie coopérative du Chéran": ("74540", "Alby-sur-Chéran"),
    "Fromagerie des Aravis": ("74230", "Thônes"),
    "Gîtes du Semnoz": ("74600", "Seynod"),
    "Pharmacie des Romains": ("74000", "Annecy"),
    "Cabinet médical du Fier": ("74960", "Cran-Gevrier"),
    "Cabinet dentaire Vaugelas": ("74000", "Annecy"),
}
# Short legal forms used above → the name in the reference list.
LEGAL_FORM_NAMES = {"EI": "Entreprise individuelle (EI)"}
# Job titles (reference list) that match a role typed on an affiliation.
ROLE_JOB_TITLES = {
    "Gérant": "Gérant(e)",
    "Gérante": "Gérant(e)",
    "Gestionnaire de copropriété": "Gestionnaire de biens",
    "Responsable maintenance": "Responsable technique",
    "Directrice": "Directeur(rice) général(e)",
    "Directeur d'usine": "Directeur(rice) général(e)",
    "Secrétaire": "Assistant(e) de direction",
    "Responsable administratif": "Comptable",
}
PERSON_REMARKS = [
    "Client fidèle depuis 2012, toujours très arrangeant.",
    "Préfère être contacté par SMS.",
    "Malentendant : privilégier l'e-mail.",
    "Paie toujours par chèque à l'intervention.",
    "Absent le mercredi (garde les petits-enfants).",
    "Ancien client de M. Duret père.",
    "Travaille en Suisse : joignable après 18 h.",
]

MOBILE_PREFIXES = ["06", "06", "06", "07"]
MAIL_DOMAINS = ["orange.example", "free.example", "laposte.example", "gmail.example", "sfr.example"]

ACCESS_NOTES = [
    "Digicode {code}B, {floor}e étage gauche.",
    "Clé chez la gardienne (loge au rez-de-chaussée, fermée le mercredi après-midi).",
    "Chien dans le jardin : sonner avant d'entrer, la cliente vient le chercher.",
    "Compteur et tableau au sous-sol, à côté du local poubelles.",
    "Se garer sur le parking visiteurs, place {floor}{code_short}.",
    "Accès par le portail arrière, code {code}.",
    "Tableau dans le garage : le bip du portail est dans la boîte aux lettres.",
    "Prévenir 30 min avant d'arriver, la cliente travaille de nuit.",
    "Rue étroite : pas d'accès pour le fourgon, stationner place de l'église.",
    "Badge à récupérer à l'accueil, demander M. le responsable technique.",
    "Chantier en cours : chaussures de sécurité obligatoires.",
    "Coffret EDF en limite de propriété, clé triangle nécessaire.",
]

# name, legal form, industry, (domain, subdomain), category, kind
# fmt: off
COMPANIES: list[tuple[str, str, str, tuple[str, str], str, str]] = [
    ("Cabinet Lac Immobilier", "SAS", "Immobilier et gestion locative",
     ("Électricité", "Mise en conformité"), "client", "syndic"),
    ("Syndic des Aravis Gestion", "SARL", "Immobilier et gestion locative",
     ("Électricité", "Dépannage"), "client", "syndic"),
    ("Régie Savoie Léman", "SAS", "Immobilier et gestion locative",
     ("Électricité", "Dépannage"), "client", "syndic"),
    ("Copropriété Le Belvédère", "Syndicat de copropriété", "Immobilier et gestion locative",
     ("Électricité", "Éclairage"), "client", "copro"),
    ("Copropriété Les Balcons du Lac", "Syndicat de copropriété",
     "Immobilier et gestion locative", ("Énergie", "Borne de recharge IRVE"), "client", "copro"),
    ("SCI Les Marquisats", "SCI", "Immobilier et gestion locative",
     ("Électricité", "Tableau électrique"), "client", "sci"),
    ("SCI du Semnoz", "SCI", "Immobilier et gestion locative",
     ("Confort", "Chauffage électrique"), "client", "sci"),
    ("SCI Familiale Bouvier", "SCI", "Immobilier et gestion locative",
     ("Électricité", "Mise en conformité"), "client", "sci"),
    ("Restaurant Le Freti", "SARL", "Hôtellerie et restauration",
     ("Électricité", "Dépannage"), "client", "restaurant"),
    ("Brasserie du Pâquier", "SAS", "Hôtellerie et restauration",
     ("Électricité", "Dépannage"), "client", "restaurant"),
    ("La Ferme de Talloires", "SARL", "Hôtellerie et restauration",
     ("Confort", "VMC"), "client", "restaurant"),
    ("Hôtel Les Tilleuls", "SAS", "Hôtellerie et restauration",
     ("Énergie", "Borne de recharge IRVE"), "client", "hotel"),
    ("Pizzeria Bella Vista", "EURL", "Hôtellerie et restauration",
     ("Électricité", "Dépannage"), "client", "restaurant"),
    ("Boulangerie Mermillod", "SARL", "Commerce de détail",
     ("Électricité", "Dépannage"), "client", "shop"),
    ("Boucherie Charcuterie Baud", "EURL", "Commerce de détail",
     ("Confort", "Climatisation"), "client", "shop"),
    ("Pharmacie des Romains", "SELARL", "Santé et action sociale",
     ("Électricité", "Éclairage"), "client", "shop"),
    ("Fromagerie des Aravis", "SAS", "Commerce de détail",
     ("Électricité", "Dépannage"), "client", "shop"),
    ("Garage Favre Automobiles", "SARL", "Commerce de détail",
     ("Énergie", "Borne de recharge IRVE"), "client", "garage"),
    ("Cabinet médical du Fier", "SCM", "Santé et action sociale",
     ("Courants faibles", "Réseau informatique"), "client", "office"),
    ("Cabinet dentaire Vaugelas", "SELARL", "Santé et action sociale",
     ("Confort", "Climatisation"), "client", "office"),
    ("Menuiserie Dunand & Fils", "SARL", "Bâtiment et travaux publics",
     ("Électricité", "Tableau électrique"), "client", "workshop"),
    ("Décolletage Curt", "SAS", "Industrie",
     ("Électricité", "Mise en conformité"), "client", "workshop"),
    ("Alpes Mécanique Précision", "SAS", "Industrie",
     ("Électricité", "Éclairage"), "client", "workshop"),
    ("Transports Bochet", "SARL", "Transport et logistique",
     ("Énergie", "Borne de recharge IRVE"), "client", "workshop"),
    ("Camping Le Lac Bleu", "SARL", "Hôtellerie et restauration",
     ("Électricité", "Dépannage"), "client", "hotel"),
    ("Mairie de Talloires-Montmin", "Collectivité territoriale", "Administration publique",
     ("Électricité", "Éclairage"), "client", "townhall"),
    ("École élémentaire des Fins", "Établissement public", "Enseignement",
     ("Confort", "VMC"), "client", "school"),
    ("Crèche Les Petits Mousses", "Association loi 1901", "Santé et action sociale",
     ("Confort", "Chauffage électrique"), "client", "office"),
    ("Club de voile d'Annecy-le-Vieux", "Association loi 1901", "Services aux entreprises",
     ("Électricité", "Dépannage"), "client", "office"),
    ("Agence Immo des Aravis", "SARL", "Immobilier et gestion locative",
     ("Électricité", "Mise en conformité"), "client", "office"),
    ("Expert-comptable Gallay", "SARL", "Services aux entreprises",
     ("Courants faibles", "Réseau informatique"), "client", "office"),
    ("Salon de coiffure Tif'Annecy", "EI", "Commerce de détail",
     ("Électricité", "Éclairage"), "client", "shop"),
    ("Gîtes du Semnoz", "EI", "Hôtellerie et restauration",
     ("Confort", "Chauffage électrique"), "client", "hotel"),
    ("Ferme Pollet", "EARL", "Agriculture",
     ("Énergie", "Photovoltaïque"), "client", "farm"),
    ("Laiterie coopérative du Chéran", "SCA", "Agriculture",
     ("Électricité", "Mise en conformité"), "client", "workshop"),
    ("Résidence seniors Les Jardins d'Aléry", "SAS", "Santé et action sociale",
     ("Courants faibles", "Contrôle d'accès"), "client", "hotel"),
    ("Bureau d'études Thermalp", "SAS", "Services aux entreprises",
     ("Énergie", "Pompe à chaleur"), "partner", "office"),
    ("Plomberie Chauffage Veyrat", "SARL", "Bâtiment et travaux publics",
     ("Confort", "Chauffage électrique"), "partner", "workshop"),
    ("Maçonnerie Revillard", "SARL", "Bâtiment et travaux publics",
     ("Électricité", "Tableau électrique"), "prospect", "workshop"),
    ("Hôtel du Palais de l'Isle", "SAS", "Hôtellerie et restauration",
     ("Énergie", "Borne de recharge IRVE"), "prospect", "hotel"),
    ("Supermarché Rumilly Centre", "SAS", "Commerce de détail",
     ("Électricité", "Éclairage"), "prospect", "shop"),
    ("Comptoir Électrique Savoyard", "SAS", "Commerce de détail",
     ("Électricité", "Tableau électrique"), "supplier", "supplier"),
    ("Alpes Énergies Distribution", "SAS", "Commerce de détail",
     ("Énergie", "Borne de recharge IRVE"), "supplier", "supplier"),
    ("Location Matériel Lathuille", "SARL", "Services aux entreprises",
     ("Électricité", "Dépannage"), "supplier", "supplier"),
]
# fmt: on
# Legal forms missing from the default reference list are added to it by the loader.

COMPANY_ROLES = {
    "syndic": ["Gestionnaire de copropriété", "Assistante de gestion"],
    "copro": ["Président du conseil syndical", "Membre du conseil syndical"],
    "sci": ["Gérant", "Associée"],
    "restaurant": ["Gérant", "Chef de cuisine"],
    "hotel": ["Directrice", "Responsable maintenance"],
    "shop": ["Gérante", "Responsable du magasin"],
    "garage": ["Gérant", "Chef d'atelier"],
    "office": ["Responsable administratif", "Secrétaire"],
    "workshop": ["Responsable maintenance", "Directeur d'usine"],
    "townhall": ["Secrétaire de mairie", "Adjoint aux travaux"],
    "school": ["Directrice", "Agent technique"],
    "farm": ["Exploitant", "Associée"],
    "supplier": ["Commercial sédentaire", "Technico-commercial"],
}

# --- Phrases for interactions -------------------------------------------------------------

# (subject, technician appointment subject, first call note, visit note)
BREAKDOWNS: list[tuple[str, str, str, str]] = [
    (
        "Disjoncteur qui saute",
        "Dépannage : disjoncteur qui saute",
        "Le différentiel saute dès que le lave-linge tourne. Pas d'odeur de brûlé.",
        "Défaut d'isolement sur la prise du cellier (humidité). Prise remplacée, "
        "différentiel 30 mA testé OK.",
    ),
    (
        "Panne de courant partielle",
        "Dépannage : plus de courant à l'étage",
        "Plus rien à l'étage depuis ce matin, le rez-de-chaussée fonctionne.",
        "Borne de connexion desserrée dans la boîte de dérivation du palier. Refait le "
        "raccordement, tout est revenu.",
    ),
    (
        "Prise qui chauffe",
        "Dépannage : prise qui chauffe dans la cuisine",
        "Prise de la cuisine noircie, le client a coupé le disjoncteur.",
        "Prise 32 A de la plaque remplacée, câble refait sur 50 cm. Client prévenu : ne "
        "pas brancher le four sur multiprise.",
    ),
    (
        "VMC bruyante",
        "Intervention VMC : moteur bruyant",
        "La VMC fait un bruit de roulement la nuit, gêne dans les chambres.",
        "Caisson encrassé, roulement fatigué. Moteur remplacé (garantie 2 ans), bouches nettoyées.",
    ),
    (
        "Radiateur qui ne chauffe plus",
        "Dépannage chauffage : radiateur chambre",
        "Le radiateur de la chambre reste froid, les autres fonctionnent.",
        "Thermostat du radiateur HS, appareil de 2009. Proposé un remplacement par un "
        "radiateur à inertie, devis à faire.",
    ),
    (
        "Borne de recharge en défaut",
        "Dépannage IRVE : borne en défaut",
        "La borne affiche un voyant rouge, la voiture ne charge plus.",
        "Différentiel type A déclenché suite à orage. Réarmé, mise à jour du firmware, "
        "recharge testée 30 min OK.",
    ),
    (
        "Éclairage extérieur hors service",
        "Dépannage : éclairage extérieur",
        "Les spots de la terrasse ne s'allument plus.",
        "Détecteur de présence grillé, remplacé. Un spot étanche changé (joint HS).",
    ),
    (
        "Odeur de brûlé au tableau",
        "Urgence : odeur de brûlé au tableau",
        "Odeur de brûlé près du tableau, la cliente est inquiète. Conseillé de couper le "
        "général en attendant.",
        "Peigne mal serré sur la rangée 2, trace d'échauffement. Peigne et deux "
        "disjoncteurs remplacés. Tableau vétuste : devis de remplacement à proposer.",
    ),
    (
        "Volet roulant électrique bloqué",
        "Dépannage : volet roulant bloqué",
        "Le volet du séjour est bloqué à mi-hauteur.",
        "Inverseur défectueux, remplacé. Fins de course réglées.",
    ),
    (
        "Interphone qui ne sonne plus",
        "Dépannage : interphone",
        "L'interphone ne sonne plus dans l'appartement, les voisins OK.",
        "Combiné HS, remplacé par un modèle compatible. Testé avec la platine de rue.",
    ),
]

# (need, subject of the quote, amount in euros TTC, visit subject)
QUOTES: list[tuple[str, str, int, str]] = [
    ("Borne de recharge", "Devis borne de recharge IRVE 7 kW", 1890, "Visite technique borne IRVE"),
    (
        "Tableau électrique",
        "Devis remplacement tableau électrique",
        2350,
        "Visite technique tableau",
    ),
    (
        "Mise en conformité",
        "Devis mise en conformité NF C 15-100",
        3480,
        "Diagnostic électrique avant devis",
    ),
    ("VMC", "Devis VMC double flux", 5200, "Visite technique VMC"),
    ("Chauffage", "Devis radiateurs à inertie (5 pièces)", 4100, "Visite technique chauffage"),
    ("Éclairage", "Devis éclairage LED de l'atelier", 2760, "Relevé éclairage atelier"),
    (
        "Rénovation",
        "Devis rénovation électrique de l'appartement",
        7900,
        "Visite technique rénovation",
    ),
    ("Climatisation", "Devis climatisation réversible", 3950, "Visite technique climatisation"),
]
WORKS = {
    "Borne de recharge": "Pose borne de recharge IRVE",
    "Tableau électrique": "Remplacement du tableau électrique",
    "Mise en conformité": "Travaux de mise en conformité",
    "VMC": "Pose VMC double flux",
    "Chauffage": "Pose radiateurs à inertie",
    "Éclairage": "Pose éclairage LED",
    "Rénovation": "Rénovation électrique",
    "Climatisation": "Pose climatisation réversible",
}
LOST_REASONS = [
    "Client a choisi un autre installateur, moins cher de 300 €.",
    "Projet reporté à l'année prochaine (budget).",
    "Pas de réponse malgré trois relances : classé perdu.",
    "Le syndic a retenu l'entreprise déjà sous contrat.",
]
MAINTENANCE = [
    ("Entretien annuel VMC", 60, "Filtres changés, débits contrôlés aux bouches. RAS."),
    ("Contrôle annuel borne de recharge", 45, "Serrage des bornes, test du différentiel. OK."),
    (
        "Vérification annuelle éclairage de sécurité",
        90,
        "2 blocs BAES remplacés (batteries HS). Registre de sécurité signé.",
    ),
    ("Contrôle thermographique du tableau", 60, "Aucun point chaud. Rapport envoyé par mail."),
]
CALL_FOLLOW_UPS = [
    ("Appel : demande d'attestation Consuel", "Attestation retrouvée et envoyée par e-mail."),
    ("Appel : question sur la facture", "Expliqué la ligne déplacement. Client OK."),
    ("Appel : demande de rappel", "Rappelé, voulait juste confirmer l'heure du RDV."),
    ("Appel : prise de rendez-vous entretien", "RDV noté, confirmation envoyée."),
    ("Appel : délai de livraison du matériel", "Matériel prévu chez le fournisseur mardi."),
    ("Appel : client absent au RDV", "Client s'excuse, on replanifie la semaine prochaine."),
]
EMAILS = [
    ("E-mail : envoi de la facture", "Facture envoyée en PDF."),
    ("E-mail : photos du tableau reçues", "Photos transmises au technicien pour préparer."),
    ("E-mail : confirmation de rendez-vous", "Confirmation envoyée avec le créneau."),
    ("E-mail : demande d'aide Advenir", "Dossier Advenir à compléter, pièces demandées."),
    ("E-mail : attestation TVA 10 %", "Attestation à faire signer avant les travaux."),
]
ADMIN_TASKS = [
    ("Relance facture impayée", "Relance envoyée par courrier et e-mail."),
    ("Préparer le dossier Consuel", "Dossier déposé en ligne."),
    ("Commander le matériel du chantier", "Commande passée, livraison au dépôt jeudi."),
    ("Mettre à jour le planning de la semaine", "Planning validé avec Sophie."),
    ("Classer les rapports d'intervention", "Rapports scannés et classés."),
]
SUPPLIER_TASKS = [
    ("Commande disjoncteurs et différentiels", "Commande n° {num} passée, livraison demain."),
    ("Commande borne 7 kW", "Borne en stock chez le grossiste, retrait vendredi."),
    ("Réception câble R2V 3G2,5", "Tourets réceptionnés, conforme au bon."),
    ("Retour matériel défectueux", "Bon de retour envoyé, avoir attendu."),
    ("Location nacelle pour le chantier", "Nacelle réservée du lundi au mercredi."),
]
PRIVATE_TASKS = [
    "Rendez-vous expert-comptable",
    "Entretien annuel de Karim",
    "Entretien annuel de Gaëtan",
    "Renouvellement assurance décennale",
    "Point banque : crédit fourgon",
    "Préparer les payes",
]
MARKETING_TASKS = [
    "Relancer les contrats d'entretien VMC arrivant à échéance",
    "Préparer le stand du salon de l'habitat d'Annecy",
    "Mettre à jour la fiche Google de l'entreprise",
]
STALE_TASKS = [
    ("Rappeler {client} : facture contestée", "Client injoignable, message laissé."),
    ("Envoyer l'attestation Consuel à {client}", "Attestation pas encore reçue du Consuel."),
    (
        "Retrouver le schéma du tableau de {client}",
        "Pas trouvé dans le classeur, demander à Gaëtan.",
    ),
    ("Récupérer le chèque de {client}", "Le client dit l'avoir posté, rien reçu."),
    ("Relancer {client} pour le RDV d'entretien", "Pas de réponse au mail."),
    ("Demander les photos du compteur à {client}", ""),
    ("Faire signer l'attestation TVA à {client}", "Envoyée par courrier, pas revenue."),
]
TECH_STALE_TASKS = [
    ("Rapport d'intervention à compléter — {client}", "Il manque les photos du tableau."),
    ("Commander la pièce pour {client}", "Référence introuvable chez le grossiste."),
]
PHONE_NOTES = [
    "Client injoignable, message laissé sur le répondeur.",
    "Rappelé, pas de réponse. Nouvel essai demain matin.",
    "Client rappelé : OK pour le créneau proposé.",
    "La cliente préfère être appelée après 17 h.",
]


def siren_with_key(rng: random.Random) -> str:
    """A random SIREN with a correct Luhn check digit (never a real company on purpose)."""
    body = str(rng.randint(30_000_000, 99_999_999))
    return body + luhn.calc_check_digit(body)


def siret_for(siren: str, establishment: int = 1) -> str:
    body = f"{siren}{establishment:04d}"
    return body + luhn.calc_check_digit(body)


def pick_town(rng: random.Random) -> tuple[str, str]:
    postcode, city, _weight = rng.choices(TOWNS, weights=[t[2] for t in TOWNS])[0]
    return postcode, city


def street_address(rng: random.Random) -> str:
    number = rng.randint(1, 120)
    suffix = rng.choice(["", "", "", "", " bis", " ter"])
    return f"{number}{suffix} {rng.choice(STREETS)}"


def mobile_number(rng: random.Random) -> str:
    prefix = rng.choice(MOBILE_PREFIXES)
    # 0639 and 069x are overseas mobile ranges (Mayotte, Antilles, Réunion): stay mainland.
    second = (
        rng.choice([n for n in range(10, 89) if n != 39]) if prefix == "06" else rng.randint(50, 89)
    )
    rest = [rng.randint(0, 99) for _ in range(3)]
    return f"{prefix} {second:02d} " + " ".join(f"{r:02d}" for r in rest)


def landline_number(rng: random.Random) -> str:
    rest = [rng.randint(0, 99) for _ in range(3)]
    return f"04 50 {' '.join(f'{r:02d}' for r in rest)}"


def email_for(first: str, last: str, rng: random.Random) -> str:
    first_key = fold(first).replace(" ", "-")
    last_key = fold(last).replace(" ", "")
    pattern = rng.choice(["{f}.{l}", "{f}.{l}", "{f0}{l}", "{l}.{f}", "{f}{l}{n}"])
    local = pattern.format(f=first_key, l=last_key, f0=first_key[:1], n=rng.randint(10, 99))
    return f"{local}@{rng.choice(MAIL_DOMAINS)}"


def company_email(name: str) -> str:
    words = [w for w in fold(name).split() if w not in {"de", "du", "des", "la", "le", "les"}]
    return f"contact@{'-'.join(words[:3])}.example"
