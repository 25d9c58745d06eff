//! French and English texts, and number formatting for each.

use prisme_core::consolidate::TableKind;
use prisme_core::ingest::column::ColumnKind;
use prisme_core::ingest::roles::Role;

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Fr,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Lang {
        if code.to_ascii_lowercase().starts_with("en") {
            Lang::En
        } else {
            Lang::Fr
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }

    /// `1234567` as `1 234 567` (French, narrow no-break spaces) or `1,234,567`.
    pub fn int(self, n: u64) -> String {
        let digits = n.to_string();
        let sep = match self {
            Lang::Fr => "\u{202f}",
            Lang::En => ",",
        };
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 3);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(sep);
            }
            out.push(c);
        }
        out
    }

    /// A decimal with `places` digits: `12,5` or `12.5`.
    pub fn dec(self, x: f64, places: usize) -> String {
        let s = format!("{x:.places$}");
        match self {
            Lang::Fr => s.replace('.', ","),
            Lang::En => s,
        }
    }

    /// A share as a percentage with one decimal.
    pub fn pct(self, share: f64) -> String {
        match self {
            Lang::Fr => format!("{}\u{a0}%", self.dec(share * 100.0, 1)),
            Lang::En => format!("{}%", self.dec(share * 100.0, 1)),
        }
    }

    /// Milliseconds, rounded: `412 ms`, `1,2 s`.
    pub fn duration(self, ms: f64) -> String {
        if ms >= 1000.0 {
            format!("{}\u{a0}s", self.dec(ms / 1000.0, 2))
        } else {
            format!("{}\u{a0}ms", self.dec(ms, if ms < 10.0 { 1 } else { 0 }))
        }
    }

    /// Bytes in MB (10^6), one decimal.
    pub fn megabytes(self, bytes: f64) -> String {
        format!("{}\u{a0}{}", self.dec(bytes / 1e6, 1), self.texts().mb)
    }

    /// `yyyy-mm-dd` as `15/01/2024` or `2024-01-15`.
    pub fn date(self, iso: &str) -> String {
        match (self, iso.split('-').collect::<Vec<_>>().as_slice()) {
            (Lang::Fr, [y, m, d]) => format!("{d}/{m}/{y}"),
            _ => iso.to_string(),
        }
    }
}

/// Every text of the interface.
pub struct Texts {
    pub tagline: &'static str,
    pub privacy: &'static str,
    pub drop_title: &'static str,
    pub drop_hint: &'static str,
    pub choose_file: &'static str,
    pub formats: &'static str,
    pub engine_loading: &'static str,
    pub engine_ready: &'static str,
    pub reading_file: &'static str,
    pub parsing: &'static str,
    pub computing: &'static str,
    pub error_title: &'static str,
    pub engine_crashed: &'static str,
    pub try_another: &'static str,
    pub rows: &'static str,
    pub customers: &'static str,
    pub snapshot: &'static str,
    pub skipped: &'static str,
    pub columns_used: &'static str,
    pub customer_col: &'static str,
    pub date_col: &'static str,
    pub amount_col: &'static str,
    pub detected: &'static str,
    pub heatmap_title: &'static str,
    pub heatmap_sub: &'static str,
    pub recency_axis: &'static str,
    pub frequency_axis: &'static str,
    pub customers_in_cell: &'static str,
    pub of_base: &'static str,
    pub timings_title: &'static str,
    pub t_init: &'static str,
    pub t_read: &'static str,
    pub t_ingest: &'static str,
    pub t_rfm: &'static str,
    pub t_total: &'static str,
    pub memory: &'static str,
    pub cells_title: &'static str,
    pub count: &'static str,
    pub skip_bad_rows: &'static str,
    pub mb: &'static str,
    pub responsive_hint: &'static str,
    pub cancel: &'static str,
    pub cancelled: &'static str,
    pub line: &'static str,
    pub column: &'static str,
}

pub static FR: Texts = Texts {
    tagline: "Analyse client, directement dans votre navigateur",
    privacy: "Vos données restent sur cet ordinateur : aucun envoi, aucun serveur.",
    drop_title: "Déposez un fichier de transactions",
    drop_hint: "CSV exporté d'Excel ou d'un logiciel de caisse : une colonne client, une date et un montant suffisent.",
    choose_file: "Choisir un fichier",
    formats: "Séparateurs , ; tabulation |, virgule décimale, dates jj/mm/aaaa, UTF-8 ou Windows-1252 : détectés automatiquement.",
    engine_loading: "Chargement du moteur…",
    engine_ready: "Moteur prêt",
    reading_file: "Lecture du fichier…",
    parsing: "Analyse du fichier",
    computing: "Calcul RFM",
    error_title: "Le fichier n'a pas pu être analysé",
    engine_crashed: "Le moteur s'est arrêté de façon inattendue ; il a été relancé. Réessayez, ou signalez le fichier.",
    try_another: "Corrigez le fichier ou déposez-en un autre : le moteur est prêt.",
    rows: "Transactions",
    customers: "Clients",
    snapshot: "Date de référence",
    skipped: "lignes ignorées",
    columns_used: "Colonnes utilisées",
    customer_col: "client",
    date_col: "date",
    amount_col: "montant",
    detected: "Format détecté",
    heatmap_title: "Clients par récence et fréquence",
    heatmap_sub: "Scores R et F en quintiles (5 = le plus récent, le plus fréquent). Survolez une case.",
    recency_axis: "Récence (R)",
    frequency_axis: "Fréquence (F)",
    customers_in_cell: "clients",
    of_base: "de la base",
    timings_title: "Durée de chaque étape",
    t_init: "Démarrage du moteur",
    t_read: "Lecture du fichier",
    t_ingest: "Analyse et conversion",
    t_rfm: "Calcul RFM",
    t_total: "Total",
    memory: "Mémoire du moteur",
    cells_title: "Effectifs par cellule R × F × M",
    count: "Clients",
    skip_bad_rows: "Ignorer les lignes invalides",
    mb: "Mo",
    responsive_hint: "La page reste utilisable pendant le calcul.",
    cancel: "Annuler",
    cancelled: "Analyse annulée.",
    line: "ligne",
    column: "colonne",
};

pub static EN: Texts = Texts {
    tagline: "Customer analytics, right in your browser",
    privacy: "Your data stays on this computer: nothing is uploaded, no server involved.",
    drop_title: "Drop a transactions file",
    drop_hint: "A CSV exported from Excel or a point-of-sale system: a customer column, a date and an amount are enough.",
    choose_file: "Choose a file",
    formats: "Separators , ; tab |, decimal commas, dd/mm/yyyy dates, UTF-8 or Windows-1252: detected automatically.",
    engine_loading: "Loading the engine…",
    engine_ready: "Engine ready",
    reading_file: "Reading the file…",
    parsing: "Parsing the file",
    computing: "Computing RFM",
    error_title: "The file could not be analysed",
    engine_crashed: "The engine stopped unexpectedly; it has been restarted. Try again, or report the file.",
    try_another: "Fix the file or drop another one: the engine is ready.",
    rows: "Transactions",
    customers: "Customers",
    snapshot: "Snapshot date",
    skipped: "rows skipped",
    columns_used: "Columns used",
    customer_col: "customer",
    date_col: "date",
    amount_col: "amount",
    detected: "Detected format",
    heatmap_title: "Customers by recency and frequency",
    heatmap_sub: "R and F quintile scores (5 = most recent, most frequent). Hover a cell.",
    recency_axis: "Recency (R)",
    frequency_axis: "Frequency (F)",
    customers_in_cell: "customers",
    of_base: "of the base",
    timings_title: "Time per step",
    t_init: "Engine start",
    t_read: "Reading the file",
    t_ingest: "Parsing and conversion",
    t_rfm: "RFM scoring",
    t_total: "Total",
    memory: "Engine memory",
    cells_title: "Customers per R × F × M cell",
    count: "Customers",
    skip_bad_rows: "Skip invalid rows",
    mb: "MB",
    responsive_hint: "The page stays usable while this runs.",
    cancel: "Cancel",
    cancelled: "Analysis cancelled.",
    line: "line",
    column: "column",
};

/// Texts of the Data page.
pub struct DataTexts {
    pub tab_quick: &'static str,
    pub tab_data: &'static str,
    pub drop_title: &'static str,
    pub drop_hint: &'static str,
    pub choose_files: &'static str,
    pub formats: &'static str,
    pub preparing: &'static str,
    pub files_title: &'static str,
    pub remove: &'static str,
    pub clear: &'static str,
    pub kind: &'static str,
    pub detected_with: &'static str,
    pub corrected: &'static str,
    pub rows: &'static str,
    pub header: &'static str,
    pub sheet: &'static str,
    pub col_name: &'static str,
    pub col_role: &'static str,
    pub col_type: &'static str,
    pub col_blanks: &'static str,
    pub col_distinct: &'static str,
    pub col_values: &'static str,
    pub col_invalid: &'static str,
    pub no_role: &'static str,
    pub ambiguous: &'static str,
    pub unreadable: &'static str,
    pub base_title: &'static str,
    pub base_customers: &'static str,
    pub base_orphans: &'static str,
    pub base_duplicates: &'static str,
    pub base_conflicts: &'static str,
    pub kept: &'static str,
    pub other: &'static str,
    pub skipped_source: &'static str,
    pub preview: &'static str,
    pub no_base: &'static str,
    pub anon_title: &'static str,
    pub anon_toggle: &'static str,
    pub anon_pii: &'static str,
    pub pii_drop: &'static str,
    pub pii_mask: &'static str,
    pub pii_keep: &'static str,
    pub anon_key: &'static str,
    pub anon_key_hint: &'static str,
    pub anon_off: &'static str,
    pub pseudonymized: &'static str,
    pub dropped: &'static str,
    pub masked: &'static str,
    pub nothing_personal: &'static str,
    pub timings: &'static str,
    pub fate_pseudonymized: &'static str,
    pub fate_dropped: &'static str,
    pub fate_masked: &'static str,
    pub fate_generalized: &'static str,
    pub fate_redacted: &'static str,
    pub n_rows: (&'static str, &'static str),
    pub n_duplicate_rows: (&'static str, &'static str),
    pub n_refunds: (&'static str, &'static str),
    pub n_future_dates: (&'static str, &'static str),
    pub n_outliers: (&'static str, &'static str),
    pub n_malformed: (&'static str, &'static str),
    pub n_orphan_customers: (&'static str, &'static str),
    pub n_repeated_ids: (&'static str, &'static str),
    pub n_conflicting: (&'static str, &'static str),
    pub encoding: &'static str,
    pub separator: &'static str,
    pub tab: &'static str,
    pub spaces: &'static str,
}

pub static DATA_FR: DataTexts = DataTexts {
    tab_quick: "Analyse RFM rapide",
    tab_data: "Données",
    drop_title: "Déposez vos fichiers clients",
    drop_hint: "Clients, ventes, contacts, contrats : plusieurs fichiers à la fois. Prisme reconnaît chacun et les rassemble en une base clients.",
    choose_files: "Choisir des fichiers",
    formats: "CSV (toutes conventions), XLSX, XLS, ODS, Parquet, Arrow, JSON.",
    preparing: "Lecture et profilage des fichiers",
    files_title: "Fichiers",
    remove: "Retirer",
    clear: "Tout retirer",
    kind: "Type de table",
    detected_with: "détecté à",
    corrected: "corrigé",
    rows: "lignes",
    header: "Ligne d'en-tête",
    sheet: "Feuille",
    col_name: "Colonne",
    col_role: "Rôle",
    col_type: "Type",
    col_blanks: "Vides",
    col_distinct: "Distinctes",
    col_values: "Valeurs",
    col_invalid: "Invalides",
    no_role: "— aucun —",
    ambiguous: "ambigu : convention locale appliquée",
    unreadable: "Fichier illisible",
    base_title: "Base clients consolidée",
    base_customers: "Clients",
    base_orphans: "Lignes orphelines",
    base_duplicates: "Identifiants en double",
    base_conflicts: "Attributs en conflit",
    kept: "retenu",
    other: "autre",
    skipped_source: "Fichier écarté",
    preview: "Premières lignes",
    no_base: "Ajoutez un fichier avec une colonne client pour construire la base.",
    anon_title: "Anonymisation",
    anon_toggle: "Pseudonymiser les identifiants et traiter les données personnelles",
    anon_pii: "Données personnelles",
    pii_drop: "supprimer",
    pii_mask: "masquer",
    pii_keep: "conserver",
    anon_key: "Clé du projet",
    anon_key_hint: "gardée dans ce navigateur uniquement ; la même clé donne les mêmes pseudonymes, les fichiers se joignent.",
    anon_off: "Anonymisation désactivée : les identifiants et données personnelles sont conservés tels quels.",
    pseudonymized: "pseudonymisées",
    dropped: "supprimées",
    masked: "masquées",
    nothing_personal: "aucune donnée personnelle détectée",
    timings: "Lecture et profilage",
    fate_pseudonymized: "pseudonymisée",
    fate_dropped: "supprimée",
    fate_masked: "masquée",
    fate_generalized: "généralisée",
    fate_redacted: "caviardée",
    n_rows: ("ligne", "lignes"),
    n_duplicate_rows: ("ligne en double", "lignes en double"),
    n_refunds: ("montant négatif (avoir)", "montants négatifs (avoirs)"),
    n_future_dates: ("date future", "dates futures"),
    n_outliers: ("montant extrême", "montants extrêmes"),
    n_malformed: ("ligne mal formée", "lignes mal formées"),
    n_orphan_customers: (
        "client absent des fichiers clients",
        "clients absents des fichiers clients",
    ),
    n_repeated_ids: ("identifiant répété dans", "identifiants répétés dans"),
    n_conflicting: (
        "client avec des valeurs différentes pour",
        "clients avec des valeurs différentes pour",
    ),
    encoding: "Encodage",
    separator: "Séparateur",
    tab: "tabulation",
    spaces: "espaces",
};

pub static DATA_EN: DataTexts = DataTexts {
    tab_quick: "Quick RFM",
    tab_data: "Data",
    drop_title: "Drop your customer files",
    drop_hint: "Customers, sales, contacts, contracts: several files at once. Prisme recognises each one and joins them into one customer base.",
    choose_files: "Choose files",
    formats: "CSV (any convention), XLSX, XLS, ODS, Parquet, Arrow, JSON.",
    preparing: "Reading and profiling the files",
    files_title: "Files",
    remove: "Remove",
    clear: "Remove all",
    kind: "Table kind",
    detected_with: "detected at",
    corrected: "corrected",
    rows: "rows",
    header: "Header row",
    sheet: "Sheet",
    col_name: "Column",
    col_role: "Role",
    col_type: "Type",
    col_blanks: "Blanks",
    col_distinct: "Distinct",
    col_values: "Values",
    col_invalid: "Invalid",
    no_role: "— none —",
    ambiguous: "ambiguous: locale default applied",
    unreadable: "Unreadable file",
    base_title: "Consolidated customer base",
    base_customers: "Customers",
    base_orphans: "Orphan rows",
    base_duplicates: "Duplicate ids",
    base_conflicts: "Conflicting attributes",
    kept: "kept",
    other: "other",
    skipped_source: "File left out",
    preview: "First rows",
    no_base: "Add a file with a customer column to build the base.",
    anon_title: "Anonymization",
    anon_toggle: "Pseudonymize ids and handle personal data",
    anon_pii: "Personal data",
    pii_drop: "drop",
    pii_mask: "mask",
    pii_keep: "keep",
    anon_key: "Project key",
    anon_key_hint: "kept in this browser only; the same key gives the same pseudonyms, so files still join.",
    anon_off: "Anonymization is off: ids and personal data are kept as they are.",
    pseudonymized: "pseudonymized",
    dropped: "dropped",
    masked: "masked",
    nothing_personal: "no personal data detected",
    timings: "Reading and profiling",
    fate_pseudonymized: "pseudonymized",
    fate_dropped: "dropped",
    fate_masked: "masked",
    fate_generalized: "generalized",
    fate_redacted: "redacted",
    n_rows: ("row", "rows"),
    n_duplicate_rows: ("duplicate row", "duplicate rows"),
    n_refunds: ("negative amount (refund)", "negative amounts (refunds)"),
    n_future_dates: ("future date", "future dates"),
    n_outliers: ("extreme amount", "extreme amounts"),
    n_malformed: ("malformed row", "malformed rows"),
    n_orphan_customers: (
        "customer missing from the customer files",
        "customers missing from the customer files",
    ),
    n_repeated_ids: ("id repeated in", "ids repeated in"),
    n_conflicting: (
        "customer with different values for",
        "customers with different values for",
    ),
    encoding: "Encoding",
    separator: "Separator",
    tab: "tab",
    spaces: "spaces",
};

impl Lang {
    /// `n` and the singular or plural phrase: "1 ligne", "0 ligne" (French), "0 rows" (English).
    pub fn count(self, n: u64, forms: (&str, &str)) -> String {
        let one = match self {
            Lang::Fr => n <= 1,
            Lang::En => n == 1,
        };
        format!("{} {}", self.int(n), if one { forms.0 } else { forms.1 })
    }

    pub fn data(self) -> &'static DataTexts {
        match self {
            Lang::Fr => &DATA_FR,
            Lang::En => &DATA_EN,
        }
    }

    pub fn role(self, role: Role) -> &'static str {
        let (fr, en) = match role {
            Role::CustomerId => ("Identifiant client", "Customer id"),
            Role::OrderId => ("N° de commande", "Order id"),
            Role::Date => ("Date", "Date"),
            Role::Amount => ("Montant", "Amount"),
            Role::Quantity => ("Quantité", "Quantity"),
            Role::Product => ("Produit", "Product"),
            Role::Category => ("Catégorie", "Category"),
            Role::Channel => ("Canal", "Channel"),
            Role::Region => ("Agence / région", "Agency / region"),
            Role::PaymentMethod => ("Moyen de paiement", "Payment method"),
            Role::ChurnLabel => ("Attrition (étiquette)", "Churn label"),
            Role::ContractStart => ("Début de contrat", "Contract start"),
            Role::ContractEnd => ("Fin de contrat", "Contract end"),
            Role::ContactType => ("Type de contact", "Contact type"),
            Role::ContactOutcome => ("Issue du contact", "Contact outcome"),
            Role::Email => ("E-mail (personnel)", "E-mail (personal)"),
            Role::Phone => ("Téléphone (personnel)", "Phone (personal)"),
            Role::Name => ("Nom (personnel)", "Name (personal)"),
            Role::Address => ("Adresse (personnel)", "Address (personal)"),
            Role::Iban => ("IBAN (personnel)", "IBAN (personal)"),
            Role::NationalId => (
                "N° de sécurité sociale / pièce d'identité (personnel)",
                "National id (personal)",
            ),
            Role::BirthDate => ("Date de naissance (personnel)", "Birth date (personal)"),
            Role::IpAddress => ("Adresse IP (personnel)", "IP address (personal)"),
            Role::PaymentCard => ("Carte bancaire (personnel)", "Payment card (personal)"),
            Role::FreeText => ("Texte libre (personnel)", "Free text (personal)"),
            Role::Postcode => ("Code postal (personnel)", "Postcode (personal)"),
            Role::City => ("Ville", "City"),
        };
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    pub fn table_kind(self, kind: TableKind) -> &'static str {
        let (fr, en) = match kind {
            TableKind::Customers => ("Clients", "Customers"),
            TableKind::Transactions => ("Transactions", "Transactions"),
            TableKind::Interactions => ("Contacts", "Interactions"),
            TableKind::Contracts => ("Contrats", "Contracts"),
            TableKind::Unknown => ("Inconnu (écarté)", "Unknown (left out)"),
        };
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    pub fn column_kind(self, kind: ColumnKind) -> &'static str {
        let (fr, en) = match kind {
            ColumnKind::Text => ("texte", "text"),
            ColumnKind::Integer => ("entier", "integer"),
            ColumnKind::Number => ("nombre", "number"),
            ColumnKind::Boolean => ("oui/non", "yes/no"),
            ColumnKind::Date => ("date", "date"),
            ColumnKind::DateTime => ("date-heure", "date-time"),
            ColumnKind::ExcelDate => ("date (Excel)", "date (Excel)"),
            ColumnKind::Empty => ("vide", "empty"),
        };
        match self {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(Lang::Fr.int(1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(Lang::En.int(1_234_567), "1,234,567");
        assert_eq!(Lang::En.int(999), "999");
        assert_eq!(Lang::Fr.dec(12.5, 2), "12,50");
        assert_eq!(Lang::En.pct(0.1234), "12.3%");
        assert_eq!(Lang::Fr.duration(1234.0), "1,23\u{a0}s");
        assert_eq!(Lang::En.duration(4.25), "4.2\u{a0}ms");
        assert_eq!(Lang::Fr.date("2024-01-15"), "15/01/2024");
    }
}
