#!/usr/bin/env python3
"""Writes the personal-data test corpus of `core/tests/pii.rs`. Run once, commit the outputs;
CI never runs this. Deterministic (fixed seed).

Realistic French and English customer files in which personal data sits under misleading
headers (compte, titulaire, owner, libellé, ref, contact, localisation, livraison, numéro,
identifiant, account, holder, location), inside free text (Commentaire, Notes, Observations)
and in the usual forms (spaced IBANs and NIRs, Corsican NIRs, phones written five ways, card
numbers in groups). Check digits are computed here, independently of Prisme's detectors:
IBAN by ISO 7064 mod 97-10, NIR key as 97 - (number mod 97) with 2A -> 19 and 2B -> 18, card
numbers by Luhn. XLSX files are written by openpyxl (typed dates, numbers stored as numbers).

Requirements: pip install openpyxl
"""
import datetime as dt
import os
import random

from openpyxl import Workbook

HERE = os.path.dirname(os.path.abspath(__file__))
R = random.Random(13)

FR_FIRST = ["Jean", "Marie", "Pierre", "Nathalie", "Julien", "Sophie", "Élodie", "François",
            "Hélène", "Nicolas", "Camille", "Thomas", "Isabelle", "Laurent", "Céline", "Michel",
            "Aurélie", "Philippe", "Sandrine", "Antoine", "Lucie", "Mathieu", "Chantal", "Hugo"]
FR_LAST = ["Dupont", "Martin", "Bernard", "Petit", "Durand", "Leroy", "Moreau", "Lefèvre",
           "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel",
           "Nicolas", "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez"]
EN_FIRST = ["James", "Emily", "Oliver", "Sophie", "Michael", "Jessica", "William", "Sarah",
            "George", "Charlotte", "Daniel", "Olivia", "Thomas", "Emma", "Harry", "Lucy",
            "Jack", "Hannah", "Robert", "Megan", "David", "Laura", "Samuel", "Amelia"]
EN_LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
           "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green",
           "Hall", "Wood", "Jackson", "Clarke", "Patel", "Khan", "Lewis", "Harris"]
# Surnames of people whose first names are in no lexicon: they must not break detection.
OTHER_NAMES = ["Zbigniew Kowalski", "Nguyen Thi Lan", "Oluwaseun Adeyemi", "Siobhan Ní Bhriain"]

CITIES_FR = [("75002", "Paris", "Île-de-France"), ("69003", "Lyon", "Auvergne-Rhône-Alpes"),
             ("13001", "Marseille", "Provence-Alpes-Côte d'Azur"), ("31000", "Toulouse", "Occitanie"),
             ("59000", "Lille", "Hauts-de-France"), ("33000", "Bordeaux", "Nouvelle-Aquitaine"),
             ("01000", "Bourg-en-Bresse", "Auvergne-Rhône-Alpes"), ("20000", "Ajaccio", "Corse"),
             ("20200", "Bastia", "Corse"), ("97400", "Saint-Denis", "La Réunion"),
             ("06000", "Nice", "Provence-Alpes-Côte d'Azur"), ("44000", "Nantes", "Pays de la Loire")]
STREETS_FR = ["rue de la Paix", "avenue Foch", "bd Haussmann", "chemin des Vignes",
              "allée des Tilleuls", "place Bellecour", "impasse du Moulin", "rue Victor Hugo",
              "avenue Jean Jaurès", "route de Lyon", "quai des Chartrons", "rue Nationale"]
STREETS_EN = ["Baker Street", "High Street", "Station Road", "Church Lane", "Park Avenue",
              "Main Street", "Victoria Road", "Green Lane", "Mill Lane", "Kings Road"]
CITIES_EN = [("SW1A 1AA", "London", "England"), ("M1 1AE", "Manchester", "England"),
             ("EH1 1YZ", "Edinburgh", "Scotland"), ("CF10 1EP", "Cardiff", "Wales"),
             ("B1 1BB", "Birmingham", "England"), ("LS1 4AP", "Leeds", "England")]
US_ZIPS = ["10001", "90210", "60601", "94105", "02108", "73301", "33101", "98101"]


def iban(country, bban):
    """An IBAN with correct check digits for `bban`, written in groups of four."""
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    check = 98 - int(digits) % 97
    raw = f"{country}{check:02d}{bban}"
    return " ".join(raw[i:i + 4] for i in range(0, len(raw), 4))


def fr_iban():
    bban = "".join(R.choice("0123456789") for _ in range(21)) + f"{R.randrange(100):02d}"
    return iban("FR", bban)


def gb_iban():
    bank = R.choice(["NWBK", "BARC", "LOYD", "MIDL"])
    return iban("GB", bank + "".join(R.choice("0123456789") for _ in range(14)))


def de_iban():
    return iban("DE", "".join(R.choice("0123456789") for _ in range(18)))


def nir(spaced=True):
    sex = R.choice("12")
    year = f"{R.randrange(40, 100):02d}"
    month = f"{R.randrange(1, 13):02d}"
    dep = R.choice(["75", "69", "13", "2A", "2B", "59", "33", "44"])
    commune = f"{R.randrange(1, 900):03d}"
    order = f"{R.randrange(1, 1000):03d}"
    body = sex + year + month + dep + commune + order
    number = int(body.replace("2A", "19").replace("2B", "18"))
    key = f"{97 - number % 97:02d}"
    if spaced:
        return f"{sex} {year} {month} {dep} {commune} {order} {key}"
    return body + key


def luhn_complete(prefix, length):
    digits = prefix + "".join(R.choice("0123456789") for _ in range(length - len(prefix) - 1))
    total = 0
    for i, c in enumerate(reversed(digits)):
        d = int(c)
        if i % 2 == 0:  # doubled: the check digit will be appended to the right
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return digits + str((10 - total % 10) % 10)


def card():
    number = luhn_complete(R.choice(["4", "51", "52", "55"]), 16)
    sep = R.choice([" ", "-", " "])
    return sep.join(number[i:i + 4] for i in range(0, 16, 4))


def fr_phone():
    d = R.choice("67") + "".join(R.choice("0123456789") for _ in range(8))
    if R.random() < 0.3:
        d = R.choice("12345") + d[1:]
    form = R.randrange(5)
    pairs = " ".join(d[i:i + 2] for i in range(1, 9, 2))
    if form == 0:
        return f"0{d[0]} {pairs}"
    if form == 1:
        return f"+33 {d[0]} {pairs}"
    if form == 2:
        return f"0033 {d[0]} {pairs}"
    if form == 3:
        return f"0{d[0]}." + pairs.replace(" ", ".")
    return f"0{d}"


def intl_phone():
    form = R.randrange(3)
    if form == 0:
        return f"+44 20 {R.randrange(7000, 8000)} {R.randrange(1000, 10000)}"
    if form == 1:
        return f"+1 ({R.randrange(201, 990)}) {R.randrange(200, 1000)}-{R.randrange(1000, 10000)}"
    return f"07700 {R.randrange(900000, 901000)}"


def ascii_fold(s):
    table = str.maketrans("éèêëàâäîïôöùûüçÉÈÊÀÂÎÔÙÛÇ", "eeeeaaaiioouuucEEEAAIOUUC")
    return s.translate(table)


def email(first, last, domains):
    return f"{ascii_fold(first).lower()}.{ascii_fold(last).lower().replace(' ', '')}@{R.choice(domains)}"


def fr_ip():
    if R.random() < 0.2:
        return f"2001:db8:{R.randrange(0, 0xffff):x}::{R.randrange(1, 0xffff):x}"
    return f"{R.choice([82, 90, 176, 92, 109])}.{R.randrange(256)}.{R.randrange(256)}.{R.randrange(1, 255)}"


def write_csv(name, header, rows, sep, encoding="utf-8"):
    def cell(v):
        v = "" if v is None else str(v)
        if sep in v or '"' in v or "\n" in v:
            return '"' + v.replace('"', '""') + '"'
        return v
    with open(os.path.join(HERE, name), "w", encoding=encoding, newline="") as f:
        f.write(sep.join(header) + "\r\n")
        for r in rows:
            f.write(sep.join(cell(v) for v in r) + "\r\n")


def clients_fr():
    header = ["N° client", "Titulaire", "Compte", "Contact", "Livraison", "Localisation",
              "Code postal", "Ville", "Région", "Date de naissance", "Ref", "Commentaire",
              "Libellé", "Segment", "Résilié", "CA 2023"]
    rows = []
    notes = ["Client fidèle, RAS", "Livraison en retard, geste commercial accordé",
             "Souhaite être rappelé le matin", "Réclamation sur la facture de mars",
             "A changé d'agence l'an dernier", "Intéressé par l'offre Premium"]
    for i in range(30):
        first, last = FR_FIRST[i % len(FR_FIRST)], FR_LAST[(i * 7) % len(FR_LAST)]
        holder = OTHER_NAMES[i % 4] if i % 10 == 3 else (
            f"{last.upper()} {first}" if i % 3 == 0 else f"{first} {last}")
        cp, city, region = CITIES_FR[i % len(CITIES_FR)]
        street = f"{R.randrange(1, 120)}{R.choice(['', '', ' bis'])} {STREETS_FR[i % len(STREETS_FR)]}"
        livraison = street if i % 2 else f"{street}, {cp} {city}"
        birth = dt.date(1950 + R.randrange(50), R.randrange(1, 13), R.randrange(1, 29))
        mail = email(first, last, ["exemple.fr", "orange.fr", "gmail.com"])
        note = R.choice(notes)
        if i % 3 == 0:
            note += f" ; joindre au {fr_phone()}"
        elif i % 3 == 1:
            note += f" — écrire à {mail}"
        label = R.choice(["Ouverture de compte en agence", "Souscription en ligne via le site",
                          "Transfert depuis une autre banque du groupe"])
        if i % 4 == 0:
            label += f", contact {mail}"
        rows.append([
            f"C{1001 + i}", holder, fr_iban(), fr_phone(), livraison, f"{cp} {city}", cp, city,
            region, birth.strftime("%d/%m/%Y"), nir(), note, label,
            R.choice(["Premium", "Standard", "Essentiel"]), R.choice(["oui", "non", "non"]),
            f"{R.randrange(100, 5000)},{R.randrange(100):02d}",
        ])
    write_csv("clients_fr.csv", header, rows, ";")


def customers_en():
    header = ["customer_id", "owner", "email", "contact", "ref", "ip", "dob", "zip",
              "location", "city", "region", "notes", "handle", "plan", "churned", "spend"]
    rows = []
    notes = ["Happy customer", "Asked about the annual plan", "Complained about delivery",
             "Moved to the new office", "Prefers phone calls in the afternoon"]
    for i in range(30):
        first, last = EN_FIRST[i % len(EN_FIRST)], EN_LAST[(i * 5) % len(EN_LAST)]
        owner = OTHER_NAMES[i % 4] if i % 10 == 7 else f"{first} {last}"
        pc, city, region = CITIES_EN[i % len(CITIES_EN)]
        mail = email(first, last, ["example.com", "gmail.com", "example.co.uk"])
        note = R.choice(notes)
        if i % 3 == 0:
            note += f", call {intl_phone()}"
        elif i % 3 == 1:
            note += f" (cc {mail})"
        rows.append([
            f"CUST-{2001 + i}", owner, mail, intl_phone(), card(), fr_ip(),
            dt.date(1950 + R.randrange(50), R.randrange(1, 13), R.randrange(1, 29)).isoformat(),
            US_ZIPS[i % len(US_ZIPS)],
            f"{R.randrange(1, 300)}{R.choice(['', 'B'])} {STREETS_EN[i % len(STREETS_EN)]}",
            city, region, note,
            f"{ascii_fold(first).lower()}{ascii_fold(last).lower()[:3]}{R.randrange(10, 99)}",
            R.choice(["basic", "pro"]), R.choice(["yes", "no", "no"]),
            f"{R.randrange(100, 5000)}.{R.randrange(100):02d}",
        ])
    write_csv("customers_en.csv", header, rows, ",")


def save(wb, name):
    # A fixed creation date (openpyxl still stamps the save time: bytes differ between runs,
    # the cells do not).
    wb.properties.created = wb.properties.modified = dt.datetime(2024, 1, 1)
    wb.save(os.path.join(HERE, name))


def ventes_fr():
    """A shop's sales keyed by e-mail, as XLSX: typed dates and amounts, NIRs stored as
    numbers under "Identifiant", phones under "Numéro"."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Ventes"
    ws.append(["Email", "Date", "Montant", "Canal", "Observations", "Numéro", "Identifiant",
               "Carte", "Adresse IP", "Magasin"])
    customers = []
    for i in range(12):
        first, last = FR_FIRST[(i * 5) % len(FR_FIRST)], FR_LAST[(i * 3) % len(FR_LAST)]
        customers.append((email(first, last, ["exemple.fr", "free.fr", "laposte.net"]),
                          fr_phone(), card()))
    nirs = {}
    for i in range(40):
        c = R.randrange(len(customers))
        mail, phone, number = customers[c]
        if c not in nirs:
            # Corsican NIRs cannot be stored as numbers: keep mainland ones here.
            while True:
                n = nir(spaced=False)
                if "A" not in n and "B" not in n:
                    break
            nirs[c] = int(n)
        obs = R.choice(["RAS", "Retrait en magasin", "Livraison à domicile demandée",
                        "Client pressé, a payé en espèces"])
        if i % 4 == 0:
            obs += f" — rappeler au {phone}"
        ws.append([
            mail, dt.date(2024, 1, 1) + dt.timedelta(days=R.randrange(180)),
            round(R.uniform(5, 400), 2), R.choice(["web", "magasin", "téléphone"]), obs,
            phone, nirs[c], number, fr_ip(), R.choice(["Lille Centre", "Paris Opéra", "Nîmes"]),
        ])
    save(wb, "ventes_fr.xlsx")


def accounts_en():
    """A customer table as XLSX: IBANs under "Account", names under "Holder", typed birth
    dates, UK postcodes."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Accounts"
    ws.append(["Member ID", "Account", "Holder", "Date of birth", "Postcode", "Town", "Notes",
               "Phone", "Tier", "Balance"])
    for i in range(25):
        first, last = EN_FIRST[(i * 7) % len(EN_FIRST)], EN_LAST[(i * 11) % len(EN_LAST)]
        pc, city, _ = CITIES_EN[i % len(CITIES_EN)]
        note = R.choice(["Joined at the branch", "Online sign-up", "Referred by a friend",
                         "Switched from another bank"])
        if i % 3 == 0:
            note += f"; statements to {email(first, last, ['example.com'])}"
        ws.append([
            10_000 + i, gb_iban() if i % 2 else de_iban(), f"{first} {last}",
            dt.date(1950 + R.randrange(50), R.randrange(1, 13), R.randrange(1, 29)), pc, city,
            note, intl_phone(), R.choice(["Gold", "Silver", "Bronze"]),
            round(R.uniform(-500, 20000), 2),
        ])
    save(wb, "accounts_en.xlsx")


if __name__ == "__main__":
    clients_fr()
    customers_en()
    ventes_fr()
    accounts_en()
