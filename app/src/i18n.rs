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
    /// Singular and plural.
    pub skipped: (&'static str, &'static str),
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
    skipped: ("ligne ignorée", "lignes ignorées"),
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
    skipped: ("row skipped", "rows skipped"),
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
    pub fate_kept: &'static str,
    pub fate_choice: &'static str,
    pub needs_decision: &'static str,
    pub needs_decision_hint: &'static str,
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
    fate_kept: "gardée telle quelle",
    fate_choice: "Sort de la colonne",
    needs_decision: "à décider",
    needs_decision_hint: "Texte non reconnu qui peut contenir des données personnelles : supprimé tant que vous n'avez pas choisi.",
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
    fate_kept: "kept as is",
    fate_choice: "What becomes of the column",
    needs_decision: "to decide",
    needs_decision_hint: "Unrecognised text that may hold personal data: dropped until you choose.",
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
            TableKind::Summary => (
                "Synthèse clients (entrepôt)",
                "Customer summary (warehouse)",
            ),
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

// ---------------------------------------------------------------------------------------------
// The workbench: number and date formats, page texts.

use prisme_core::churn::ModelKind;
use prisme_core::clv::TimeUnit;
use prisme_core::period::Period;
use prisme_core::segment::Segment;

use crate::protocol::JobStep;
use crate::ui::dashboard::Measure;
use prisme_core::analysis::Step;

const MONTHS_FR: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

impl Lang {
    /// A signed integer with thousands separators.
    pub fn int_signed(self, n: i64) -> String {
        let s = self.int(n.unsigned_abs());
        if n < 0 { format!("-{s}") } else { s }
    }

    /// `x` with `places` decimals and thousands separators, as `Intl.NumberFormat` writes it.
    pub fn grouped(self, x: f64, places: usize) -> String {
        let s = format!("{:.places$}", x.abs());
        let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
        let int = self.int(int.parse().unwrap_or(0));
        let sign = if x < 0.0 && s.bytes().any(|b| b.is_ascii_digit() && b != b'0') {
            "-"
        } else {
            ""
        };
        match (frac.is_empty(), self) {
            (true, _) => format!("{sign}{int}"),
            (false, Lang::Fr) => format!("{sign}{int},{frac}"),
            (false, Lang::En) => format!("{sign}{int}.{frac}"),
        }
    }

    /// Euros with cents: `1 234,56 €` or `€1,234.56` (`Intl.NumberFormat` with EUR).
    pub fn money(self, x: f64) -> String {
        let g = self.grouped(x.abs(), 2);
        let minus = if x < 0.0 && g != "0,00" && g != "0.00" {
            "-"
        } else {
            ""
        };
        match self {
            Lang::Fr => format!("{minus}{g}\u{a0}€"),
            Lang::En => format!("{minus}€{g}"),
        }
    }

    /// Short money for axes and tiles: `12 k€`, `1,2 M€` / `€12k`, `€1.2M`.
    pub fn money_short(self, x: f64) -> String {
        let c = self.compact(x);
        match self {
            Lang::Fr if c.ends_with('k') || c.ends_with('M') => format!("{c}€"),
            Lang::Fr => format!("{c}\u{a0}€"),
            Lang::En => match c.strip_prefix('-') {
                Some(rest) => format!("-€{rest}"),
                None => format!("€{c}"),
            },
        }
    }

    /// `1,2 M`, `12 k`, `950` (French) / `1.2M`, `12k`, `950`.
    pub fn compact(self, x: f64) -> String {
        let a = x.abs();
        let (v, unit) = if a >= 1e6 {
            (x / 1e6, "M")
        } else if a >= 1e4 {
            (x / 1e3, "k")
        } else {
            return self.grouped(x, if a < 10.0 && x.fract() != 0.0 { 1 } else { 0 });
        };
        let places = if v.abs() < 10.0 && v.fract().abs() > 0.05 {
            1
        } else {
            0
        };
        match self {
            Lang::Fr => format!("{}\u{a0}{unit}", self.grouped(v, places)),
            Lang::En => format!("{}{unit}", self.grouped(v, places)),
        }
    }

    /// A share as a whole percentage for axes: `40 %` / `40%`.
    pub fn pct_short(self, share: f64) -> String {
        let p = share * 100.0;
        let places = if (p - p.round()).abs() > 1e-9 { 1 } else { 0 };
        match self {
            Lang::Fr => format!("{}\u{a0}%", self.dec(p, places)),
            Lang::En => format!("{}%", self.dec(p, places)),
        }
    }

    /// A relative change with its sign: `+5,2 %` / `+5.2%`.
    pub fn signed_pct(self, change: f64) -> String {
        let s = self.pct(change.abs());
        if change > 0.0005 {
            format!("+{s}")
        } else if change < -0.0005 {
            format!("-{s}")
        } else {
            s
        }
    }

    /// Days, rounded: `34 j` / `34 d`.
    pub fn days(self, d: f64) -> String {
        let n = self.int_signed(d.round() as i64);
        match self {
            Lang::Fr => format!("{n}\u{a0}j"),
            Lang::En => format!("{n}\u{a0}d"),
        }
    }

    /// A period label of the core (`2024-01`, `2024-Q1`, `2024-W05`, `2024`) for reading:
    /// `janv. 2024`, `T1 2024` / `Jan 2024`, `Q1 2024`.
    pub fn period(self, label: &str) -> String {
        let (year, rest) = label.split_once('-').unwrap_or((label, ""));
        if let Some(q) = rest.strip_prefix('Q') {
            return match self {
                Lang::Fr => format!("T{q} {year}"),
                Lang::En => format!("Q{q} {year}"),
            };
        }
        if let Some(w) = rest.strip_prefix('W') {
            return match self {
                Lang::Fr => format!("S{w} {year}"),
                Lang::En => format!("W{w} {year}"),
            };
        }
        match rest.parse::<usize>() {
            Ok(m) if (1..=12).contains(&m) => match self {
                Lang::Fr => format!("{} {year}", MONTHS_FR[m - 1]),
                Lang::En => format!("{} {year}", MONTHS_EN[m - 1]),
            },
            _ => label.to_string(),
        }
    }

    pub fn period_name(self, p: Period) -> &'static str {
        match (self, p) {
            (Lang::Fr, Period::Week) => "Semaine",
            (Lang::Fr, Period::Month) => "Mois",
            (Lang::Fr, Period::Quarter) => "Trimestre",
            (Lang::Fr, Period::Year) => "Année",
            (Lang::En, Period::Week) => "Week",
            (Lang::En, Period::Month) => "Month",
            (Lang::En, Period::Quarter) => "Quarter",
            (Lang::En, Period::Year) => "Year",
        }
    }

    pub fn time_unit(self, u: TimeUnit) -> &'static str {
        match (self, u) {
            (Lang::Fr, TimeUnit::Days) => "jours",
            (Lang::Fr, TimeUnit::Weeks) => "semaines",
            (Lang::Fr, TimeUnit::Months) => "mois",
            (Lang::En, TimeUnit::Days) => "days",
            (Lang::En, TimeUnit::Weeks) => "weeks",
            (Lang::En, TimeUnit::Months) => "months",
        }
    }

    pub fn segment(self, s: Segment) -> &'static str {
        match self {
            Lang::Fr => s.label_fr(),
            Lang::En => s.label_en(),
        }
    }

    /// A column of the customer table as a header.
    /// A `risk_90d` band (`low`, `medium`, `high`) in words.
    pub fn risk_band(self, key: &str) -> String {
        let (fr, en) = match key {
            "low" => ("faible", "low"),
            "medium" => ("moyen", "medium"),
            "high" => ("élevé", "high"),
            other => return other.to_string(),
        };
        match self {
            Lang::Fr => fr.to_string(),
            Lang::En => en.to_string(),
        }
    }

    pub fn column_title(self, name: &str) -> String {
        let (fr, en) = match name {
            "customer_id" => ("Client", "Customer"),
            "recency" => ("Récence (jours)", "Recency (days)"),
            "frequency" => ("Fréquence (achats)", "Frequency (orders)"),
            "monetary" => ("Montant cumulé", "Monetary value"),
            "r" => ("R", "R"),
            "f" => ("F", "F"),
            "m" => ("M", "M"),
            "segment" => ("Segment", "Segment"),
            "cluster" => ("Groupe", "Cluster"),
            "p_alive" => ("P(actif)", "P(alive)"),
            "expected_purchases" => ("Achats attendus", "Expected purchases"),
            "clv" => ("Valeur prédite (CLV)", "Predicted value (CLV)"),
            "historic_clv" => ("Valeur historique", "Historic value"),
            "total_clv" => ("Valeur totale", "Total value"),
            "p_no_purchase_90d" => ("P(aucun achat à 90 j)", "P(no purchase in 90 d)"),
            "risk_90d" => ("Risque à 90 j", "90-day risk"),
            "days_between_orders" => ("Jours entre commandes", "Days between orders"),
            "next_order" => ("Prochaine commande", "Next order"),
            "previous_segment" => ("Segment 90 jours plus tôt", "Segment 90 days earlier"),
            "churn_score" => ("Risque d'attrition", "Churn risk"),
            "first_purchase" => ("Premier achat", "First purchase"),
            "last_purchase" => ("Dernier achat", "Last purchase"),
            "orders" => ("Commandes", "Orders"),
            "revenue" => ("Chiffre d'affaires", "Revenue"),
            "refunds" => ("Remboursements", "Refunds"),
            "open_contracts" => ("Contrats en cours", "Open contracts"),
            "next_expiry" => ("Prochaine échéance", "Next expiry"),
            "contacts" => ("Contacts", "Contacts"),
            "last_contact" => ("Dernier contact", "Last contact"),
            other => return other.to_string(),
        };
        match self {
            Lang::Fr => fr.to_string(),
            Lang::En => en.to_string(),
        }
    }

    pub fn charts(self) -> &'static ChartTexts {
        match self {
            Lang::Fr => &CHARTS_FR,
            Lang::En => &CHARTS_EN,
        }
    }

    pub fn wb(self) -> &'static WbTexts {
        match self {
            Lang::Fr => &WB_FR,
            Lang::En => &WB_EN,
        }
    }

    pub fn seg(self) -> &'static SegTexts {
        match self {
            Lang::Fr => &SEG_FR,
            Lang::En => &SEG_EN,
        }
    }

    pub fn val(self) -> &'static ValTexts {
        match self {
            Lang::Fr => &VAL_FR,
            Lang::En => &VAL_EN,
        }
    }

    pub fn att(self) -> &'static AttTexts {
        match self {
            Lang::Fr => &ATT_FR,
            Lang::En => &ATT_EN,
        }
    }

    pub fn coh(self) -> &'static CohTexts {
        match self {
            Lang::Fr => &COH_FR,
            Lang::En => &COH_EN,
        }
    }

    pub fn keys(self) -> &'static KeyTexts {
        match self {
            Lang::Fr => &KEYS_FR,
            Lang::En => &KEYS_EN,
        }
    }

    pub fn set(self) -> &'static SetTexts {
        match self {
            Lang::Fr => &SET_FR,
            Lang::En => &SET_EN,
        }
    }
}

pub struct ChartTexts {
    pub hint: &'static str,
    pub export_svg: &'static str,
    pub export_png: &'static str,
    pub export_csv: &'static str,
    pub bin_from: &'static str,
    pub bin_to: &'static str,
    pub count: &'static str,
    pub group: &'static str,
    pub series: &'static str,
    pub value: &'static str,
}

pub static CHARTS_FR: ChartTexts = ChartTexts {
    hint: "Survolez le graphique, ou sélectionnez-le et parcourez-le avec les flèches.",
    export_svg: "Télécharger en SVG (vectoriel)",
    export_png: "Télécharger en PNG (image)",
    export_csv: "Télécharger les données en CSV",
    bin_from: "de",
    bin_to: "à",
    count: "effectif",
    group: "groupe",
    series: "série",
    value: "valeur",
};

pub static CHARTS_EN: ChartTexts = ChartTexts {
    hint: "Hover over the chart, or focus it and move through it with the arrow keys.",
    export_svg: "Download as SVG (vector)",
    export_png: "Download as PNG (image)",
    export_csv: "Download the data as CSV",
    bin_from: "from",
    bin_to: "to",
    count: "count",
    group: "group",
    series: "series",
    value: "value",
};

pub struct NavTexts {
    pub quick: &'static str,
    pub data: &'static str,
    pub dashboard: &'static str,
    pub segments: &'static str,
    pub value: &'static str,
    pub attrition: &'static str,
    pub cohorts: &'static str,
    pub customer: &'static str,
    pub datamarts: &'static str,
    pub reports: &'static str,
}

/// The shell and the dashboard.
pub struct WbTexts {
    pub lang: Lang,
    pub app_title: &'static str,
    pub nav: NavTexts,
    pub nav_label: &'static str,
    pub skip: &'static str,
    pub demo: &'static str,
    pub demo_hint: &'static str,
    pub demo_running: &'static str,
    pub analyzing: &'static str,
    pub analysis_failed: &'static str,
    pub dismiss: &'static str,
    pub privacy_footer: &'static str,
    pub snapshot: &'static str,
    pub empty_title: &'static str,
    pub empty_text: &'static str,
    pub go_data: &'static str,
    pub not_found: &'static str,
    /// A page group's module could not be fetched.
    pub load_failed: &'static str,
    pub reload: &'static str,
    pub no_files: &'static str,
    pub in_base: &'static str,
    pub search_placeholder: &'static str,
    pub export_fr: &'static str,
    pub export_plain: &'static str,
    pub table_needs_run: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub all_customers: &'static str,
    pub returning: &'static str,
    pub vs_previous: &'static str,
    pub vs_year: &'static str,
    pub period_axis: &'static str,
    pub ranking_title: &'static str,
    pub ranking_intro: &'static str,
    pub rank_by: &'static str,
    pub blank: &'static str,
    pub filters: &'static str,
    pub period_filter: &'static str,
    pub slice_filter: &'static str,
    pub trends_title: &'static str,
    pub not_available: &'static str,
    pub needs_rows: &'static str,
    pub needs_tx: &'static str,
}

impl WbTexts {
    pub fn step(&self, s: JobStep) -> &'static str {
        let (fr, en) = match s {
            JobStep::Reading => ("Lecture", "Reading"),
            JobStep::Consolidating => ("Consolidation", "Consolidating"),
            JobStep::Analysis(Step::Rfm) => ("RFM", "RFM"),
            JobStep::Analysis(Step::Clusters) => ("Groupes", "Clusters"),
            JobStep::Analysis(Step::Clv) => ("Valeur client", "Customer value"),
            JobStep::Analysis(Step::Churn) => ("Attrition", "Churn"),
            JobStep::Analysis(Step::Cohorts) => ("Cohortes", "Cohorts"),
            JobStep::Analysis(Step::Indicators) => ("Indicateurs", "Indicators"),
        };
        match self.lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    /// The step's stable hook (`data-step`).
    pub fn step_key(&self, s: JobStep) -> &'static str {
        match s {
            JobStep::Reading => "reading",
            JobStep::Consolidating => "consolidating",
            JobStep::Analysis(Step::Rfm) => "rfm",
            JobStep::Analysis(Step::Clusters) => "clusters",
            JobStep::Analysis(Step::Clv) => "clv",
            JobStep::Analysis(Step::Churn) => "churn",
            JobStep::Analysis(Step::Cohorts) => "cohorts",
            JobStep::Analysis(Step::Indicators) => "indicators",
        }
    }

    pub fn measure(&self, m: Measure) -> &'static str {
        let (fr, en) = match m {
            Measure::Revenue => ("Chiffre d'affaires", "Revenue"),
            Measure::Orders => ("Commandes", "Orders"),
            Measure::Active => ("Clients actifs", "Active customers"),
            Measure::New => ("Nouveaux clients", "New customers"),
            Measure::Basket => ("Panier moyen", "Average basket"),
            Measure::Frequency => ("Achats par client", "Orders per customer"),
            Measure::Churn => ("Taux d'attrition", "Churn rate"),
            Measure::Clv => (
                "Valeur des clients actifs (CLV)",
                "Value of active customers (CLV)",
            ),
        };
        match self.lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    pub fn measure_help(&self, m: Measure) -> &'static str {
        let (fr, en) = match m {
            Measure::Revenue => (
                "Somme des montants des achats de la période (remboursements déduits).",
                "Sum of the purchase amounts in the period (refunds deducted).",
            ),
            Measure::Orders => (
                "Nombre d'achats de la période.",
                "Number of purchases in the period.",
            ),
            Measure::Active => (
                "Clients distincts ayant acheté au moins une fois dans la période.",
                "Distinct customers with at least one purchase in the period.",
            ),
            Measure::New => (
                "Clients actifs dont le tout premier achat tombe dans la période ; les autres sont des clients fidélisés (revenus).",
                "Active customers whose very first purchase falls in the period; the others are returning customers.",
            ),
            Measure::Basket => ("Chiffre d'affaires ÷ commandes.", "Revenue ÷ orders."),
            Measure::Frequency => ("Commandes ÷ clients actifs.", "Orders ÷ active customers."),
            Measure::Churn => (
                "Part des clients actifs la période précédente qui n'ont rien acheté dans celle-ci.",
                "Share of the previous period's active customers who bought nothing in this one.",
            ),
            Measure::Clv => (
                "Somme de la valeur future prévue (BG/NBD × Gamma-Gamma) des clients actifs de la période.",
                "Sum of the forecast future value (BG/NBD × Gamma-Gamma) of the period's active customers.",
            ),
        };
        match self.lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }
}

pub static WB_FR: WbTexts = WbTexts {
    lang: Lang::Fr,
    app_title: "Prisme — analyse client",
    nav: NavTexts {
        quick: "RFM express",
        data: "Données",
        dashboard: "Tableau de bord",
        segments: "Segments",
        value: "Valeur client",
        attrition: "Attrition",
        cohorts: "Cohortes",
        customer: "Client",
        datamarts: "Datamarts",
        reports: "Rapports",
    },
    nav_label: "Pages",
    skip: "Aller au contenu",
    demo: "Essayer la démo",
    demo_hint: "Charge un jeu de données d'enseigne fictif (15 000 clients, 3 ans d'achats) et l'analyse.",
    demo_running: "Préparation de la démo…",
    analyzing: "Analyse en cours…",
    analysis_failed: "L'analyse n'a pas abouti",
    dismiss: "Fermer",
    privacy_footer: "Les données restent dans ce navigateur.",
    snapshot: "date de référence",
    empty_title: "Aucune analyse pour l'instant",
    empty_text: "Déposez vos fichiers clients sur la page Données puis lancez l'analyse, ou essayez la démo.",
    go_data: "Aller aux données",
    not_found: "Cette page n'existe pas.",
    load_failed: "Cette page n'a pas pu être chargée : la connexion a peut-être été coupée, ou une nouvelle version de Prisme a été publiée. Rechargez la page : vos fichiers et rapports gardés dans ce navigateur sont conservés.",
    reload: "Recharger",
    no_files: "Déposez d'abord au moins un fichier de transactions sur la page Données.",
    in_base: "dans la base",
    search_placeholder: "Rechercher (identifiant, segment, agence…)",
    export_fr: "Exporter la sélection en CSV pour Excel (séparateur ;, virgule décimale)",
    export_plain: "Exporter la sélection en CSV standard (séparateur ,, point décimal)",
    table_needs_run: "Les listes de clients demandent les données : relancez l'analyse depuis la page Données.",
    previous: "← Précédents",
    next: "Suivants →",
    all_customers: "Tous les clients",
    returning: "fidélisés",
    vs_previous: "vs période préc.",
    vs_year: "vs an dernier",
    period_axis: "Période",
    ranking_title: "Classement",
    ranking_intro: "Chiffre d'affaires de chaque valeur sur la période choisie, du plus fort au plus faible.",
    rank_by: "Classer par",
    blank: "(vide)",
    filters: "Filtres",
    period_filter: "Période",
    slice_filter: "Périmètre",
    trends_title: "Évolution",
    not_available: "Cette analyse n'a pas pu être faite sur ces données (voir le rapport).",
    needs_rows: "Cette analyse a besoin de la date de chaque achat : la synthèse clients de l'entrepôt donne les scores, les segments, les groupes et la valeur client, pas le reste. Ajoutez le fichier des transactions pour l'obtenir.",
    needs_tx: "Cette analyse a besoin d'un fichier de transactions (client, date, montant).",
};

pub static WB_EN: WbTexts = WbTexts {
    lang: Lang::En,
    app_title: "Prisme — customer analytics",
    nav: NavTexts {
        quick: "Quick RFM",
        data: "Data",
        dashboard: "Dashboard",
        segments: "Segments",
        value: "Customer value",
        attrition: "Attrition",
        cohorts: "Cohorts",
        customer: "Customer",
        datamarts: "Datamarts",
        reports: "Reports",
    },
    nav_label: "Pages",
    skip: "Skip to content",
    demo: "Try the demo",
    demo_hint: "Loads a fictional retail chain's data (15,000 customers, 3 years of purchases) and analyses it.",
    demo_running: "Preparing the demo…",
    analyzing: "Analysing…",
    analysis_failed: "The analysis did not complete",
    dismiss: "Close",
    privacy_footer: "Data stays in this browser.",
    snapshot: "snapshot",
    empty_title: "No analysis yet",
    empty_text: "Drop your customer files on the Data page and run the analysis, or try the demo.",
    go_data: "Go to Data",
    not_found: "This page does not exist.",
    load_failed: "This page could not be loaded: the connection may have dropped, or a new version of Prisme was published. Reload the page: the files and reports kept in this browser stay.",
    reload: "Reload",
    no_files: "First drop at least one transactions file on the Data page.",
    in_base: "in the base",
    search_placeholder: "Search (id, segment, agency…)",
    export_fr: "Export the selection as CSV for French Excel (; separator, decimal comma)",
    export_plain: "Export the selection as plain CSV (, separator, decimal point)",
    table_needs_run: "Customer lists need the data: run the analysis again from the Data page.",
    previous: "← Previous",
    next: "Next →",
    all_customers: "All customers",
    returning: "returning",
    vs_previous: "vs prev. period",
    vs_year: "vs last year",
    period_axis: "Period",
    ranking_title: "Ranking",
    ranking_intro: "Revenue of each value over the chosen period, highest first.",
    rank_by: "Rank by",
    blank: "(blank)",
    filters: "Filters",
    period_filter: "Period",
    slice_filter: "Scope",
    trends_title: "Trends",
    not_available: "This analysis could not run on this data (see the report).",
    needs_rows: "This analysis needs the date of each purchase: the warehouse's customer summary gives scores, segments, clusters and customer value, not the rest. Add the transactions file to get it.",
    needs_tx: "This analysis needs a transactions file (customer, date, amount).",
};

/// The Segments page.
pub struct SegTexts {
    pub lang: Lang,
    pub segment: &'static str,
    pub customers: &'static str,
    pub share: &'static str,
    pub revenue_share: &'static str,
    pub mean_recency: &'static str,
    pub mean_frequency: &'static str,
    pub mean_monetary: &'static str,
    pub action: &'static str,
    pub treemap_title: &'static str,
    pub treemap_note: &'static str,
    pub share_title: &'static str,
    pub table_title: &'static str,
    pub new_customers: &'static str,
    pub migration_title: &'static str,
    pub migration_note: &'static str,
    pub before: &'static str,
    pub after: &'static str,
    pub cluster: &'static str,
    pub elbow_title: &'static str,
    pub elbow_note: &'static str,
    pub inertia: &'static str,
    pub silhouette_title: &'static str,
    pub silhouette_note: &'static str,
    pub silhouette: &'static str,
    pub profiles_title: &'static str,
    pub scatter_title: &'static str,
    pub segments_title: &'static str,
    pub segments_intro: &'static str,
    pub grid_title: &'static str,
    pub grid_intro: &'static str,
    pub rules_title: &'static str,
    pub migration_section: &'static str,
    pub migration_intro: &'static str,
    pub clusters_title: &'static str,
    pub clusters_intro: &'static str,
    pub x_axis: &'static str,
    pub y_axis: &'static str,
}

impl SegTexts {
    /// What to do with a segment.
    pub fn action(&self, s: Segment) -> &'static str {
        let (fr, en) = match s {
            Segment::Champions => (
                "Récompenser : avant-premières, programme VIP, ambassadeurs.",
                "Reward: early access, VIP programme, ask for referrals.",
            ),
            Segment::Loyal => (
                "Fidéliser et monter en gamme : ventes additionnelles, offres premium.",
                "Upsell: higher-value products, loyalty perks.",
            ),
            Segment::PotentialLoyalists => (
                "Développer : programme de fidélité, recommandations personnalisées.",
                "Grow: loyalty programme, personalised recommendations.",
            ),
            Segment::New => (
                "Accueillir : parcours de bienvenue, deuxième achat incité.",
                "Onboard: welcome journey, nudge the second purchase.",
            ),
            Segment::Promising => (
                "Faire connaître la marque : offres d'essai, contenus.",
                "Build awareness: trial offers, content.",
            ),
            Segment::NeedAttention => (
                "Relancer : offres limitées dans le temps, selon l'historique.",
                "Re-engage: time-limited offers based on past purchases.",
            ),
            Segment::AboutToSleep => (
                "Réveiller : rappel produits populaires, remise ciblée.",
                "Wake up: popular products, targeted discount.",
            ),
            Segment::AtRisk => (
                "Reconquérir : message personnel, offre forte, enquête.",
                "Win back: personal message, strong offer, survey.",
            ),
            Segment::CantLoseThem => (
                "Reconquérir en priorité : appel du conseiller, nouveautés.",
                "Win back first: adviser call, what's new.",
            ),
            Segment::Hibernating => (
                "Réactiver à faible coût : offres génériques, sinon laisser.",
                "Reactivate cheaply: generic offers, else let go.",
            ),
            Segment::Lost => (
                "Ne plus solliciter, sauf campagne de reconquête ponctuelle.",
                "Stop spending, except an occasional win-back campaign.",
            ),
        };
        match self.lang {
            Lang::Fr => fr,
            Lang::En => en,
        }
    }

    pub fn migration_sentence(&self, from: &str, to: &str, stable: &str) -> String {
        match self.lang {
            Lang::Fr => format!(
                "Entre le {from} et le {to}, {stable} des clients présents aux deux dates sont restés dans leur segment."
            ),
            Lang::En => format!(
                "Between {from} and {to}, {stable} of the customers present at both dates kept their segment."
            ),
        }
    }

    pub fn cluster_name(&self, label: u32) -> String {
        match self.lang {
            Lang::Fr => format!("Groupe {}", label + 1),
            Lang::En => format!("Cluster {}", label + 1),
        }
    }

    pub fn k_sentence(&self, k: usize, silhouette: f64) -> String {
        let s = self.lang.dec(silhouette, 2);
        match self.lang {
            Lang::Fr => format!(
                "{k} groupes : le nombre qui sépare le mieux les clients (silhouette {s} ; au-dessus de 0,25 les groupes sont distincts, au-dessus de 0,5 nettement)."
            ),
            Lang::En => format!(
                "{k} clusters: the number that separates customers best (silhouette {s}; above 0.25 the clusters are distinct, above 0.5 clearly so)."
            ),
        }
    }

    pub fn scatter_note(&self, n: &str, population: &str) -> String {
        match self.lang {
            Lang::Fr => format!(
                "Échantillon aléatoire de {n} clients sur {population} ; les axes s'arrêtent au 99e centile, les points au-delà sont posés sur le bord."
            ),
            Lang::En => format!(
                "A random sample of {n} customers out of {population}; the axes stop at the 99th percentile, points beyond sit on the edge."
            ),
        }
    }
}

pub static SEG_FR: SegTexts = SegTexts {
    lang: Lang::Fr,
    segment: "Segment",
    customers: "Clients",
    share: "Part des clients",
    revenue_share: "Part du CA",
    mean_recency: "Récence moy.",
    mean_frequency: "Fréquence moy.",
    mean_monetary: "Montant moy.",
    action: "Action suggérée",
    treemap_title: "Clients par segment",
    treemap_note: "Surface proportionnelle au nombre de clients.",
    share_title: "Poids des segments : clients et chiffre d'affaires",
    table_title: "Les 11 segments",
    new_customers: "Nouveaux clients",
    migration_title: "Migrations entre segments",
    migration_note: "Ligne : segment à la date précédente ; colonne : segment aujourd'hui.",
    before: "Avant",
    after: "Après",
    cluster: "Groupe",
    elbow_title: "Inertie selon k (méthode du coude)",
    elbow_note: "Plus bas est plus compact ; le coude indique un k raisonnable.",
    inertia: "Inertie",
    silhouette_title: "Silhouette selon k",
    silhouette_note: "Plus haut est mieux séparé ; k retenu = le maximum.",
    silhouette: "Silhouette",
    profiles_title: "Profil moyen de chaque groupe",
    scatter_title: "Clients par groupe",
    segments_title: "Segments RFM",
    segments_intro: "Chaque client reçoit un score de récence (R), fréquence (F) et montant (M) de 1 à 5 ; les combinaisons forment 11 segments nommés.",
    grid_title: "Grille récence × fréquence",
    grid_intro: "Nombre de clients par score R (lignes, 5 = le plus récent) et F (colonnes, 5 = le plus fréquent).",
    rules_title: "Que faire de chaque segment",
    migration_section: "Migrations",
    migration_intro: "Comment les clients ont changé de segment depuis la date de comparaison (90 jours plus tôt par défaut).",
    clusters_title: "Groupes (k-moyennes)",
    clusters_intro: "Un regroupement statistique des clients sur récence, fréquence et montant (logarithmes, standardisés), indépendant des segments nommés.",
    x_axis: "Axe horizontal",
    y_axis: "Axe vertical",
};

pub static SEG_EN: SegTexts = SegTexts {
    lang: Lang::En,
    segment: "Segment",
    customers: "Customers",
    share: "Share of customers",
    revenue_share: "Share of revenue",
    mean_recency: "Mean recency",
    mean_frequency: "Mean frequency",
    mean_monetary: "Mean monetary",
    action: "Suggested action",
    treemap_title: "Customers by segment",
    treemap_note: "Area in proportion to the number of customers.",
    share_title: "Weight of the segments: customers and revenue",
    table_title: "The 11 segments",
    new_customers: "New customers",
    migration_title: "Moves between segments",
    migration_note: "Row: segment at the earlier date; column: segment now.",
    before: "Before",
    after: "After",
    cluster: "Cluster",
    elbow_title: "Inertia by k (elbow method)",
    elbow_note: "Lower is more compact; the elbow suggests a reasonable k.",
    inertia: "Inertia",
    silhouette_title: "Silhouette by k",
    silhouette_note: "Higher is better separated; the chosen k is the maximum.",
    silhouette: "Silhouette",
    profiles_title: "Each cluster's mean profile",
    scatter_title: "Customers by cluster",
    segments_title: "RFM segments",
    segments_intro: "Each customer gets a recency (R), frequency (F) and monetary (M) score from 1 to 5; their combinations make 11 named segments.",
    grid_title: "Recency × frequency grid",
    grid_intro: "Customers per R score (rows, 5 = most recent) and F score (columns, 5 = most frequent).",
    rules_title: "What to do with each segment",
    migration_section: "Migrations",
    migration_intro: "How customers changed segment since the comparison date (90 days earlier by default).",
    clusters_title: "Clusters (k-means)",
    clusters_intro: "A statistical grouping of customers on recency, frequency and monetary value (logs, standardized), independent of the named segments.",
    x_axis: "Horizontal axis",
    y_axis: "Vertical axis",
};

/// The Customer value page.
pub struct ValTexts {
    pub lang: Lang,
    pub customers: &'static str,
    pub mean_p_alive: &'static str,
    pub mean_p_alive_help: &'static str,
    pub at_risk: &'static str,
    pub at_risk_help: &'static str,
    pub expected_purchases: &'static str,
    pub expected_help: &'static str,
    pub total_clv: &'static str,
    pub clv_help: &'static str,
    pub p_alive: &'static str,
    pub clv: &'static str,
    pub by_segment_title: &'static str,
    pub mean_by_segment_title: &'static str,
    pub mean_clv: &'static str,
    pub no_holdout: &'static str,
    pub holdout_title: &'static str,
    pub holdout_note: &'static str,
    pub actual: &'static str,
    pub predicted: &'static str,
    pub bucket_axis: &'static str,
    pub per_customer_axis: &'static str,
    pub summary_title: &'static str,
    pub distribution_section: &'static str,
    pub measure: &'static str,
    pub by_segment_section: &'static str,
    pub top_title: &'static str,
    pub top_intro: &'static str,
    pub holdout_section: &'static str,
    pub holdout_intro: &'static str,
    pub model_title: &'static str,
}

impl ValTexts {
    pub fn horizon_sentence(&self, horizon: &str, discount: f64) -> String {
        let d = self.lang.dec(discount * 100.0, 2);
        match self.lang {
            Lang::Fr => {
                format!("Prévisions sur {horizon}, actualisées à {d} % par unité de temps.")
            }
            Lang::En => format!("Forecasts over {horizon}, discounted at {d}% per time unit."),
        }
    }

    pub fn gg_sentence(&self, mean: &str) -> String {
        match self.lang {
            Lang::Fr => format!(
                "dépense moyenne par achat attendue dans la population : {mean} ; chaque client s'en écarte selon son propre historique."
            ),
            Lang::En => format!(
                "the population's expected spend per purchase is {mean}; each customer departs from it according to their own history."
            ),
        }
    }

    pub fn bgnbd_sentence(&self, rate: &str, unit: &str, dropout: &str) -> String {
        match self.lang {
            Lang::Fr => format!(
                "tant qu'il est actif, un client achète en moyenne {rate} fois par unité de temps ({unit}) ; après chaque achat, il a {dropout} de chances de partir pour de bon."
            ),
            Lang::En => format!(
                "while active, a customer buys {rate} times per time unit ({unit}) on average; after each purchase, there is a {dropout} chance they leave for good."
            ),
        }
    }

    /// The BG/NBD limit where every customer has the same dropout probability after each purchase.
    pub fn dropout_same_sentence(&self, rate: &str, unit: &str, dropout: &str) -> String {
        match self.lang {
            Lang::Fr => format!(
                "tant qu'il est actif, un client achète en moyenne {rate} fois par unité de temps ({unit}) ; après chaque achat, tous les clients ont la même probabilité de partir : {dropout} (a et b non estimables séparément)."
            ),
            Lang::En => format!(
                "while active, a customer buys {rate} times per time unit ({unit}) on average; after each purchase, every customer has the same chance of leaving: {dropout} (a and b cannot be told apart)."
            ),
        }
    }

    /// The BG/NBD limit without dropout: said plainly rather than as huge a and b.
    pub fn no_dropout_sentence(&self, rate: &str, unit: &str) -> String {
        match self.lang {
            Lang::Fr => format!(
                "aucun départ identifié sur ces données : chaque client compte comme encore actif (probabilité d'être actif = 100 %) et achète en moyenne {rate} fois par unité de temps ({unit})."
            ),
            Lang::En => format!(
                "no dropout identified on this data: every customer counts as still active (P(alive) = 100%) and buys {rate} times per time unit ({unit}) on average."
            ),
        }
    }

    pub fn distribution_title(&self, name: &str) -> String {
        match self.lang {
            Lang::Fr => format!("Répartition des clients : {name}"),
            Lang::En => format!("Distribution of customers: {name}"),
        }
    }

    pub fn distribution_note(&self, median: &str, mean: &str, p90: &str, above: u64) -> String {
        let tail = if above > 0 {
            match self.lang {
                Lang::Fr => format!(" · {} clients au-delà de l'axe", self.lang.int(above)),
                Lang::En => format!(" · {} customers beyond the axis", self.lang.int(above)),
            }
        } else {
            String::new()
        };
        match self.lang {
            Lang::Fr => {
                format!("Médiane {median} · moyenne {mean} · 9 clients sur 10 sous {p90}{tail}")
            }
            Lang::En => {
                format!("Median {median} · mean {mean} · 9 customers in 10 below {p90}{tail}")
            }
        }
    }

    pub fn holdout_sentence(&self, from: &str, to: &str, predicted: &str, actual: &str) -> String {
        match self.lang {
            Lang::Fr => format!(
                "Le modèle ajusté sur les achats jusqu'au {from} prévoyait {predicted} achats répétés jusqu'au {to} ; il y en a eu {actual}."
            ),
            Lang::En => format!(
                "Fitted on purchases up to {from}, the model predicted {predicted} repeat purchases up to {to}; there were {actual}."
            ),
        }
    }
}

pub static VAL_FR: ValTexts = ValTexts {
    lang: Lang::Fr,
    customers: "Clients",
    mean_p_alive: "P(actif) moyenne",
    mean_p_alive_help: "Probabilité qu'un client soit encore actif, selon son rythme d'achat et son dernier achat (BG/NBD). Un client n'ayant acheté qu'une fois est compté actif par construction.",
    at_risk: "Clients à risque",
    at_risk_help: "Clients dont la P(actif) est sous 0,5.",
    expected_purchases: "Achats attendus",
    expected_help: "Nombre d'achats que le modèle attend sur l'horizon, tous clients confondus.",
    total_clv: "Valeur future (CLV)",
    clv_help: "Achats attendus × dépense attendue par achat, actualisés, sur l'horizon.",
    p_alive: "P(actif)",
    clv: "Valeur future (CLV)",
    by_segment_title: "Valeur future par segment",
    mean_by_segment_title: "Valeur future moyenne par client",
    mean_clv: "CLV moyenne",
    no_holdout: "Pas de contrôle : il faut au moins six mois d'achats pour mettre une période de côté.",
    holdout_title: "Achats répétés par client, prévus et réels, selon le nombre d'achats passés",
    holdout_note: "Sur la période mise de côté ; les barres proches valident le modèle.",
    actual: "Réel",
    predicted: "Prévu",
    bucket_axis: "Achats répétés pendant la calibration",
    per_customer_axis: "Achats par client",
    summary_title: "En bref",
    distribution_section: "Répartitions",
    measure: "Mesure",
    by_segment_section: "Valeur par segment",
    top_title: "Meilleurs clients",
    top_intro: "Les clients à la plus forte valeur future ; triez, cherchez, exportez.",
    holdout_section: "Contrôle sur une période mise de côté",
    holdout_intro: "Le modèle est ajusté sans la dernière partie des données, puis comparé à ce qui s'est réellement passé.",
    model_title: "Paramètres du modèle",
};

pub static VAL_EN: ValTexts = ValTexts {
    lang: Lang::En,
    customers: "Customers",
    mean_p_alive: "Mean P(alive)",
    mean_p_alive_help: "Probability that a customer is still active, given their purchase rhythm and last purchase (BG/NBD). One-time buyers count as active by the model's definition.",
    at_risk: "Customers at risk",
    at_risk_help: "Customers whose P(alive) is below 0.5.",
    expected_purchases: "Expected purchases",
    expected_help: "Purchases the model expects over the horizon, all customers together.",
    total_clv: "Future value (CLV)",
    clv_help: "Expected purchases × expected spend per purchase, discounted, over the horizon.",
    p_alive: "P(alive)",
    clv: "Future value (CLV)",
    by_segment_title: "Future value by segment",
    mean_by_segment_title: "Mean future value per customer",
    mean_clv: "Mean CLV",
    no_holdout: "No check: holding out a period needs at least six months of purchases.",
    holdout_title: "Repeat purchases per customer, predicted and actual, by past purchases",
    holdout_note: "Over the held-out period; bars close together validate the model.",
    actual: "Actual",
    predicted: "Predicted",
    bucket_axis: "Repeat purchases during calibration",
    per_customer_axis: "Purchases per customer",
    summary_title: "At a glance",
    distribution_section: "Distributions",
    measure: "Measure",
    by_segment_section: "Value by segment",
    top_title: "Top customers",
    top_intro: "The customers with the highest future value; sort, search, export.",
    holdout_section: "Check on a held-out period",
    holdout_intro: "The model is fitted without the last part of the data, then compared with what actually happened.",
    model_title: "Model parameters",
};

/// The Attrition page.
pub struct AttTexts {
    pub lang: Lang,
    pub test_rows: &'static str,
    pub roc_title: &'static str,
    pub roc_note: &'static str,
    pub fpr: &'static str,
    pub tpr: &'static str,
    pub gain_title: &'static str,
    pub gain_note: &'static str,
    pub targeted: &'static str,
    pub found: &'static str,
    pub lift_title: &'static str,
    pub lift_note: &'static str,
    pub lift: &'static str,
    pub decile: &'static str,
    pub predicted_churn: &'static str,
    pub predicted_stay: &'static str,
    pub actual_churn: &'static str,
    pub actual_stay: &'static str,
    pub precision: &'static str,
    pub recall: &'static str,
    pub accuracy: &'static str,
    pub threshold_help: &'static str,
    pub drivers_title: &'static str,
    pub drivers_gbt: &'static str,
    pub drivers_logistic: &'static str,
    pub weight: &'static str,
    pub driver: &'static str,
    pub models_title: &'static str,
    pub curves_title: &'static str,
    pub curves_intro: &'static str,
    pub threshold_title: &'static str,
    pub threshold: &'static str,
    pub at_risk_title: &'static str,
    pub at_risk_intro: &'static str,
}

impl AttTexts {
    pub fn model(&self, m: ModelKind) -> &'static str {
        match (self.lang, m) {
            (Lang::Fr, ModelKind::Logistic) => "Régression logistique",
            (Lang::Fr, ModelKind::Gbt) => "Arbres boostés",
            (Lang::En, ModelKind::Logistic) => "Logistic regression",
            (Lang::En, ModelKind::Gbt) => "Boosted trees",
        }
    }

    pub fn window_sentence(
        &self,
        from: &str,
        to: &str,
        labelled: usize,
        churners: usize,
    ) -> String {
        let (n, c) = (
            self.lang.int(labelled as u64),
            self.lang.int(churners as u64),
        );
        match self.lang {
            Lang::Fr => format!(
                "Sans étiquette d'attrition dans les fichiers, le modèle apprend qui n'a rien acheté entre le {from} et le {to} : {c} clients partis sur {n}. Il note ensuite chaque client sur son historique à ce jour."
            ),
            Lang::En => format!(
                "With no churn label in the files, the model learns who bought nothing from {from} to {to}: {c} churners out of {n} customers. It then scores every customer on their history to date."
            ),
        }
    }

    pub fn table_sentence(&self, label: &str, labelled: usize, churners: usize) -> String {
        let (n, c) = (
            self.lang.int(labelled as u64),
            self.lang.int(churners as u64),
        );
        match self.lang {
            Lang::Fr => format!(
                "Le modèle apprend de la colonne « {label} » du fichier clients : {c} clients partis sur {n}."
            ),
            Lang::En => format!(
                "The model learns from the customer table's \"{label}\" column: {c} churners out of {n} customers."
            ),
        }
    }

    pub fn chosen_sentence(&self, model: &str, auc: &str, other: &str) -> String {
        match self.lang {
            Lang::Fr => format!(
                "Modèle retenu : {model}, le plus discriminant sur les clients tenus à l'écart de l'apprentissage (AUC {auc} contre {other})."
            ),
            Lang::En => format!(
                "Chosen model: {model}, the better at telling churners apart on customers kept out of training (AUC {auc} against {other})."
            ),
        }
    }

    pub fn confusion_caption(&self, t: &str) -> String {
        match self.lang {
            Lang::Fr => format!("Au seuil {t}, sur les clients de test"),
            Lang::En => format!("At threshold {t}, on the test customers"),
        }
    }

    pub fn at_risk_caption(&self, t: &str) -> String {
        match self.lang {
            Lang::Fr => format!("Clients dont le risque atteint {t}"),
            Lang::En => format!("Customers whose risk is at least {t}"),
        }
    }
}

pub static ATT_FR: AttTexts = AttTexts {
    lang: Lang::Fr,
    test_rows: "Clients de test",
    roc_title: "Courbe ROC",
    roc_note: "Taux de vrais départs détectés selon le taux de fausses alertes ; la diagonale est le hasard. Le point : le seuil choisi.",
    fpr: "Fausses alertes (parmi les fidèles)",
    tpr: "Départs détectés",
    gain_title: "Gain cumulé",
    gain_note: "En ciblant les x % de clients les plus risqués, la part des départs atteinte.",
    targeted: "Clients ciblés",
    found: "Départs atteints",
    lift_title: "Lift par décile (modèle retenu)",
    lift_note: "Taux de départ du décile ÷ taux moyen ; D1 = les 10 % les plus risqués.",
    lift: "Lift",
    decile: "Décile",
    predicted_churn: "Prévu : part",
    predicted_stay: "Prévu : reste",
    actual_churn: "Réel : parti",
    actual_stay: "Réel : resté",
    precision: "Précision",
    recall: "Rappel",
    accuracy: "Exactitude",
    threshold_help: "Précision : part des alertes justifiées. Rappel : part des départs détectés. Baisser le seuil détecte plus de départs mais donne plus de fausses alertes.",
    drivers_title: "Ce qui pèse sur le risque",
    drivers_gbt: "Part de chaque variable dans les décisions des arbres.",
    drivers_logistic: "Coefficient par écart-type : positif = augmente le risque.",
    weight: "Poids",
    driver: "Variable",
    models_title: "Modèles",
    curves_title: "Qualité du modèle",
    curves_intro: "Mesurée sur des clients tenus à l'écart de l'apprentissage.",
    threshold_title: "Seuil d'alerte",
    threshold: "Seuil",
    at_risk_title: "Clients à risque",
    at_risk_intro: "Les clients au-dessus du seuil, du plus risqué au moins risqué ; triez, cherchez, exportez pour le CRM.",
};

pub static ATT_EN: AttTexts = AttTexts {
    lang: Lang::En,
    test_rows: "Test customers",
    roc_title: "ROC curve",
    roc_note: "Share of churners caught against the false-alarm rate; the diagonal is chance. The dot: the chosen threshold.",
    fpr: "False alarms (among stayers)",
    tpr: "Churners caught",
    gain_title: "Cumulative gain",
    gain_note: "Targeting the riskiest x % of customers reaches this share of the churners.",
    targeted: "Customers targeted",
    found: "Churners reached",
    lift_title: "Lift by decile (chosen model)",
    lift_note: "Decile churn rate ÷ overall rate; D1 = the riskiest 10 %.",
    lift: "Lift",
    decile: "Decile",
    predicted_churn: "Predicted: leaves",
    predicted_stay: "Predicted: stays",
    actual_churn: "Actual: left",
    actual_stay: "Actual: stayed",
    precision: "Precision",
    recall: "Recall",
    accuracy: "Accuracy",
    threshold_help: "Precision: share of alerts that were right. Recall: share of churners caught. A lower threshold catches more churners but raises more false alarms.",
    drivers_title: "What drives the risk",
    drivers_gbt: "Each input's share of the trees' split gain.",
    drivers_logistic: "Coefficient per standard deviation: positive = raises the risk.",
    weight: "Weight",
    driver: "Input",
    models_title: "Models",
    curves_title: "Model quality",
    curves_intro: "Measured on customers kept out of training.",
    threshold_title: "Alert threshold",
    threshold: "Threshold",
    at_risk_title: "Customers at risk",
    at_risk_intro: "Customers above the threshold, riskiest first; sort, search, export for the CRM.",
};

/// The Cohorts page.
pub struct CohTexts {
    pub retention_title: &'static str,
    pub retention_note: &'static str,
    pub cohort: &'static str,
    pub periods_after: &'static str,
    pub revenue_title: &'static str,
    pub revenue_note: &'static str,
    pub repeat_title: &'static str,
    pub repeat_note: &'static str,
    pub repeat_rate: &'static str,
    pub size_title: &'static str,
    pub new_customers: &'static str,
    pub curves_title: &'static str,
    pub period: &'static str,
    pub matrices_title: &'static str,
    pub intro: &'static str,
    pub curves_section: &'static str,
    pub pick_cohorts: &'static str,
}

pub static COH_FR: CohTexts = CohTexts {
    retention_title: "Rétention par cohorte",
    retention_note: "Part des clients de la cohorte qui achètent n périodes après leur premier achat.",
    cohort: "Cohorte (premier achat)",
    periods_after: "Périodes après le premier achat",
    revenue_title: "Chiffre d'affaires cumulé par client",
    revenue_note: "Ce qu'un client de la cohorte a dépensé en moyenne, cumulé jusqu'à la période n.",
    repeat_title: "Taux de réachat",
    repeat_note: "Part des clients de la cohorte ayant acheté au moins deux fois.",
    repeat_rate: "Taux de réachat",
    size_title: "Nouveaux clients par cohorte",
    new_customers: "Nouveaux clients",
    curves_title: "Courbes de rétention",
    period: "Période",
    matrices_title: "Rétention et revenus",
    intro: "Les clients sont regroupés selon la période de leur premier achat, puis suivis période après période.",
    curves_section: "Comparer des cohortes",
    pick_cohorts: "Cohortes affichées",
};

pub static COH_EN: CohTexts = CohTexts {
    retention_title: "Retention by cohort",
    retention_note: "Share of the cohort's customers who buy n periods after their first purchase.",
    cohort: "Cohort (first purchase)",
    periods_after: "Periods after the first purchase",
    revenue_title: "Cumulative revenue per customer",
    revenue_note: "What a customer of the cohort spent on average, up to period n.",
    repeat_title: "Repeat rate",
    repeat_note: "Share of the cohort's customers who bought at least twice.",
    repeat_rate: "Repeat rate",
    size_title: "New customers per cohort",
    new_customers: "New customers",
    curves_title: "Retention curves",
    period: "Period",
    matrices_title: "Retention and revenue",
    intro: "Customers are grouped by the period of their first purchase, then followed period by period.",
    curves_section: "Compare cohorts",
    pick_cohorts: "Cohorts shown",
};

/// The anonymization key.
pub struct KeyTexts {
    pub key: &'static str,
    pub key_hint: &'static str,
    pub export: &'static str,
    pub import: &'static str,
    pub passphrase: &'static str,
    pub passphrase_label: &'static str,
    pub salt_label: &'static str,
    pub passphrase_hint: &'static str,
    pub derive: &'static str,
    pub key_changed: &'static str,
    pub no_random: &'static str,
    pub no_storage: &'static str,
    pub replaced: &'static str,
}

pub static KEYS_FR: KeyTexts = KeyTexts {
    key: "Clé (empreinte)",
    key_hint: "La même clé donne les mêmes pseudonymes : exportez-la pour un autre ordinateur ou pour la ligne de commande (--secret-file).",
    export: "Exporter la clé",
    import: "Importer une clé",
    passphrase: "Clé dérivée d'une phrase secrète",
    passphrase_label: "Phrase secrète (12 caractères au moins)",
    salt_label: "Sel de l'espace de travail (le même sur chaque ordinateur)",
    passphrase_hint: "Argon2id : la même phrase et le même sel donnent la même clé partout.",
    derive: "Utiliser cette phrase",
    key_changed: "Nouvelle clé en place : les fichiers ont été relus avec elle.",
    no_random: "Ce navigateur ne fournit pas de nombres aléatoires sûrs : aucune clé n'a été créée. Importez une clé ou utilisez une phrase secrète pour anonymiser.",
    no_storage: "Le stockage local est indisponible : la clé ne sera pas gardée et les pseudonymes changeront à la prochaine visite. Exportez-la.",
    replaced: "La clé gardée dans ce navigateur était invalide : une nouvelle clé l'a remplacée, les pseudonymes ont changé.",
};

pub static KEYS_EN: KeyTexts = KeyTexts {
    key: "Key (fingerprint)",
    key_hint: "The same key gives the same pseudonyms: export it for another computer or for the command line (--secret-file).",
    export: "Export the key",
    import: "Import a key",
    passphrase: "Key from a passphrase",
    passphrase_label: "Passphrase (at least 12 characters)",
    salt_label: "Workspace salt (the same on every computer)",
    passphrase_hint: "Argon2id: the same passphrase and salt give the same key everywhere.",
    derive: "Use this passphrase",
    key_changed: "New key in place: the files were read again with it.",
    no_random: "This browser gives no secure random numbers: no key was made. Import a key or use a passphrase to anonymize.",
    no_storage: "Local storage is unavailable: the key will not be kept and pseudonyms will change on the next visit. Export it.",
    replaced: "The key kept in this browser was invalid: a new key replaced it, and pseudonyms changed.",
};

/// The analysis settings.
pub struct SetTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub analyze: &'static str,
    pub settings: &'static str,
    pub snapshot: &'static str,
    pub snapshot_help: &'static str,
    pub period: &'static str,
    pub period_help: &'static str,
    pub time_unit: &'static str,
    pub time_unit_help: &'static str,
    pub horizon: &'static str,
    pub horizon_help: &'static str,
    pub discount: &'static str,
    pub discount_help: &'static str,
    pub churn_window: &'static str,
    pub churn_window_help: &'static str,
    pub label_column: &'static str,
    pub label_auto: &'static str,
    pub label_help: &'static str,
    pub k_range: &'static str,
    pub k_help: &'static str,
    pub slices: &'static str,
    pub no_slices: &'static str,
    pub slices_help: &'static str,
    pub reset: &'static str,
}

pub static SET_FR: SetTexts = SetTexts {
    title: "Analyser",
    intro: "Segments, valeur client, attrition, cohortes et indicateurs sur la base consolidée ci-dessous.",
    analyze: "Lancer l'analyse",
    settings: "Réglages (facultatifs)",
    snapshot: "Date de référence",
    snapshot_help: "Vide : le lendemain du dernier achat. Les achats postérieurs sont ignorés.",
    period: "Période des indicateurs et cohortes",
    period_help: "Le pas des tableaux de bord et des cohortes.",
    time_unit: "Unité de temps du modèle de valeur",
    time_unit_help: "Semaines conviennent au commerce ; jours pour des achats très fréquents.",
    horizon: "Horizon de prévision",
    horizon_help: "En unités de temps ; vide = un an.",
    discount: "Taux d'actualisation annuel (%)",
    discount_help: "0 = valeur non actualisée ; 10 % est courant en finance.",
    churn_window: "Fenêtre d'attrition (jours)",
    churn_window_help: "Un client est considéré parti s'il n'achète rien pendant ce nombre de jours.",
    label_column: "Colonne d'attrition (fichier clients)",
    label_auto: "Automatique (détectée, sinon fenêtre)",
    label_help: "Une colonne oui/non qui dit quels clients sont partis, si vous l'avez.",
    k_range: "Nombre de groupes essayés",
    k_help: "Le meilleur k entre ces bornes est choisi par la silhouette.",
    slices: "Axes d'analyse du tableau de bord",
    no_slices: "Aucune colonne catégorielle (agence, région, canal) dans les fichiers.",
    slices_help: "Colonnes de 2 à 60 valeurs du fichier clients ou des transactions.",
    reset: "Revenir aux réglages par défaut",
};

pub static SET_EN: SetTexts = SetTexts {
    title: "Analyse",
    intro: "Segments, customer value, churn, cohorts and indicators on the consolidated base below.",
    analyze: "Run the analysis",
    settings: "Settings (optional)",
    snapshot: "Snapshot date",
    snapshot_help: "Blank: the day after the last purchase. Later purchases are ignored.",
    period: "Period of indicators and cohorts",
    period_help: "The step of the dashboards and cohorts.",
    time_unit: "Time unit of the value model",
    time_unit_help: "Weeks suit retail; days for very frequent purchases.",
    horizon: "Forecast horizon",
    horizon_help: "In time units; blank = one year.",
    discount: "Annual discount rate (%)",
    discount_help: "0 = undiscounted value; 10 % is common in finance.",
    churn_window: "Churn window (days)",
    churn_window_help: "A customer counts as gone after buying nothing for this many days.",
    label_column: "Churn column (customer table)",
    label_auto: "Automatic (detected, else window)",
    label_help: "A yes/no column saying which customers left, if you have one.",
    k_range: "Numbers of clusters tried",
    k_help: "The best k between these bounds is chosen by silhouette.",
    slices: "Dashboard breakdowns",
    no_slices: "No categorical column (agency, region, channel) in the files.",
    slices_help: "Columns of 2 to 60 values from the customer table or the transactions.",
    reset: "Back to the default settings",
};

#[cfg(test)]
mod workbench_tests {
    use super::*;

    /// The figures `Intl.NumberFormat` gives in Chromium for the same numbers:
    /// `new Intl.NumberFormat('fr-FR', {style: 'currency', currency: 'EUR'}).format(1234.56)`
    /// = "1 234,56 €" (U+202F, U+00A0), and 'en-US' = "€1,234.56".
    #[test]
    fn money_as_intl_writes_it() {
        assert_eq!(Lang::Fr.money(1234.56), "1\u{202f}234,56\u{a0}€");
        assert_eq!(Lang::En.money(1234.56), "€1,234.56");
        assert_eq!(Lang::Fr.money(-0.5), "-0,50\u{a0}€");
        assert_eq!(Lang::En.money(-1234567.891), "-€1,234,567.89");
        assert_eq!(Lang::En.money(-0.001), "€0.00");
    }

    #[test]
    fn short_forms() {
        assert_eq!(Lang::Fr.compact(12_345.0), "12\u{a0}k");
        assert_eq!(Lang::En.compact(1_260_000.0), "1.3M");
        assert_eq!(Lang::En.compact(950.0), "950");
        assert_eq!(Lang::Fr.money_short(12_000.0), "12\u{a0}k€");
        assert_eq!(Lang::En.money_short(-12_000.0), "-€12k");
        assert_eq!(Lang::Fr.pct_short(0.4), "40\u{a0}%");
        assert_eq!(Lang::En.signed_pct(0.052), "+5.2%");
        assert_eq!(Lang::Fr.signed_pct(-0.052), "-5,2\u{a0}%");
    }

    #[test]
    fn periods_read_naturally() {
        assert_eq!(Lang::Fr.period("2024-01"), "janv. 2024");
        assert_eq!(Lang::En.period("2024-12"), "Dec 2024");
        assert_eq!(Lang::Fr.period("2024-Q3"), "T3 2024");
        assert_eq!(Lang::En.period("2024-W05"), "W05 2024");
        assert_eq!(Lang::En.period("2024"), "2024");
    }
}

// ---------------------------------------------------------------------------------------------
// The customer card.

pub struct CustTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub search: &'static str,
    pub search_hint: &'static str,
    pub no_match: &'static str,
    pub not_found: &'static str,
    pub scores: &'static str,
    pub scores_intro: &'static str,
    pub action: &'static str,
    pub high_risk: &'static str,
    pub attributes: &'static str,
    /// "top 5 %": the share of customers above.
    pub top: &'static str,
    pub if_active: &'static str,
    pub purchases: &'static str,
    pub contracts: &'static str,
    pub contacts: &'static str,
    pub other_rows: &'static str,
    pub purchase_forms: (&'static str, &'static str),
    pub row_forms: (&'static str, &'static str),
    pub spend_per_month: &'static str,
    pub ending_soon: &'static str,
    pub ended: &'static str,
    pub more_rows: &'static str,
    pub status: &'static str,
    pub last_months: &'static str,
    /// "was {segment} on {date}".
    pub was: &'static str,
    pub was_new: &'static str,
}

impl Lang {
    pub fn cust(self) -> &'static CustTexts {
        match self {
            Lang::Fr => &CUST_FR,
            Lang::En => &CUST_EN,
        }
    }
}

pub static CUST_FR: CustTexts = CustTexts {
    title: "Fiche client",
    intro: "Un client et tout ce que l'analyse en dit : segment, valeur, risque, prochaine commande. Cherchez par identifiant ou par n'importe quelle valeur (agence, région, segment…).",
    search: "Chercher un client",
    search_hint: "identifiant, agence, région, segment…",
    no_match: "Aucun client ne correspond.",
    not_found: "Ce client n'est pas dans la dernière analyse.",
    scores: "Scores et prédictions",
    scores_intro: "Chaque score est placé parmi les clients : « top 5 % » veut dire que 5 % des clients ont une valeur plus élevée. Les prédictions viennent du modèle BG/NBD ajusté sur tous les clients.",
    action: "Action conseillée",
    high_risk: "Risque élevé de ne plus acheter dans les 90 jours : à contacter en priorité.",
    attributes: "Données du client",
    top: "top",
    if_active: "s'il est toujours actif",
    purchases: "Historique d'achats",
    contracts: "Contrats",
    contacts: "Contacts",
    other_rows: "Autres données",
    purchase_forms: ("achat", "achats"),
    row_forms: ("ligne", "lignes"),
    spend_per_month: "Dépenses par mois",
    ending_soon: "échéance sous 90 jours",
    ended: "terminé",
    more_rows: "lignes plus anciennes non affichées",
    status: "État",
    last_months: "36 derniers mois, jusqu'à la date de référence",
    was: "au",
    was_new: "pas encore client au",
};

pub static CUST_EN: CustTexts = CustTexts {
    title: "Customer card",
    intro: "One customer and everything the analysis says about them: segment, value, risk, next order. Search by id or by any value (agency, region, segment…).",
    search: "Find a customer",
    search_hint: "id, agency, region, segment…",
    no_match: "No customer matches.",
    not_found: "This customer is not in the last analysis.",
    scores: "Scores and predictions",
    scores_intro: "Each score is placed among the customers: \u{201c}top 5%\u{201d} means 5% of customers have a higher value. The predictions come from the BG/NBD model fitted on every customer.",
    action: "Suggested action",
    high_risk: "High risk of no purchase in the next 90 days: contact first.",
    attributes: "Customer data",
    top: "top",
    if_active: "if still active",
    purchases: "Purchase history",
    contracts: "Contracts",
    contacts: "Contacts",
    other_rows: "Other data",
    purchase_forms: ("purchase", "purchases"),
    row_forms: ("row", "rows"),
    spend_per_month: "Spend per month",
    ending_soon: "ends within 90 days",
    ended: "ended",
    more_rows: "older rows not shown",
    status: "Status",
    last_months: "last 36 months, up to the snapshot",
    was: "on",
    was_new: "not yet a customer on",
};

// ---------------------------------------------------------------------------------------------
// Datamarts and target lists.

pub struct MartTexts {
    pub intro: &'static str,
    pub saved: &'static str,
    pub saved_intro: &'static str,
    pub none_saved: &'static str,
    pub new: &'static str,
    pub import: &'static str,
    pub duplicate: &'static str,
    pub delete: &'static str,
    /// "«{}» deleted".
    pub deleted: &'static str,
    pub undo: &'static str,
    pub copy_suffix: &'static str,
    pub name: &'static str,
    pub customers: &'static str,
    pub editor: &'static str,
    pub editor_intro: &'static str,
    pub name_hint: &'static str,
    pub description: &'static str,
    pub match_all: &'static str,
    pub match_any: &'static str,
    pub add_condition: &'static str,
    pub remove: &'static str,
    pub negate: &'static str,
    pub column: &'static str,
    pub condition: &'static str,
    pub op_in: &'static str,
    pub op_between: &'static str,
    pub op_top: &'static str,
    pub op_next: &'static str,
    pub op_before: &'static str,
    pub op_since: &'static str,
    pub and: &'static str,
    pub values_hint: &'static str,
    /// After a day count: "days before the snapshot, {date}".
    pub days_before: &'static str,
    pub days_after: &'static str,
    pub range: &'static str,
    pub json: &'static str,
    pub json_intro: &'static str,
    pub apply_json: &'static str,
    pub json_only: &'static str,
    pub back_to_conditions: &'static str,
    pub save: &'static str,
    pub saved_ok: &'static str,
    pub unsaved: &'static str,
    pub name_needed: &'static str,
    pub selection: &'static str,
    pub selection_intro: &'static str,
    pub sel_customers: &'static str,
    pub sel_share: &'static str,
    pub sel_revenue: &'static str,
    pub sel_clv: &'static str,
    pub target: &'static str,
    pub target_intro: &'static str,
    pub target_columns: &'static str,
    pub style: &'static str,
    pub style_fr: &'static str,
    pub style_plain: &'static str,
    pub reidentify: &'static str,
    pub reidentify_note: &'static str,
    pub export_target: &'static str,
    pub export_json: &'static str,
    pub pseudonyms: &'static str,
    pub preview: &'static str,
    pub import_error: &'static str,
    pub imported: &'static str,
    pub storage_error: &'static str,
}

impl Lang {
    pub fn mart(self) -> &'static MartTexts {
        match self {
            Lang::Fr => &MART_FR,
            Lang::En => &MART_EN,
        }
    }
}

pub static MART_FR: MartTexts = MartTexts {
    intro: "Un datamart est un filtre enregistré sur la table clients (scores et données consolidées) : il s'applique de nouveau quand les données changent. Le même fichier JSON sert à prisme workbench --datamart.",
    saved: "Datamarts enregistrés",
    saved_intro: "Gardés dans ce navigateur. Le nombre de clients est celui de la dernière analyse.",
    none_saved: "Aucun datamart pour l'instant : composez un filtre puis enregistrez-le.",
    new: "Nouveau",
    import: "Importer (JSON)",
    duplicate: "Dupliquer",
    delete: "Supprimer",
    deleted: "Datamart supprimé :",
    undo: "Annuler",
    copy_suffix: "(copie)",
    name: "Nom",
    customers: "Clients",
    editor: "Filtre",
    editor_intro: "Des conditions sur n'importe quelle colonne, toutes ou au moins une. Une valeur vide ne remplit aucune condition.",
    name_hint: "ex. À relancer avant échéance",
    description: "Description",
    match_all: "toutes les conditions",
    match_any: "au moins une condition",
    add_condition: "Ajouter une condition",
    remove: "Retirer",
    negate: "sauf",
    column: "Colonne",
    condition: "Condition",
    op_in: "est parmi",
    op_between: "entre",
    op_top: "dans le top (%)",
    op_next: "dans les prochains jours",
    op_before: "il y a plus de (jours)",
    op_since: "dans les derniers (jours)",
    and: "et",
    values_hint: "valeurs séparées par des virgules",
    days_before: "jours avant l'arrêté du",
    days_after: "jours après l'arrêté du",
    range: "de",
    json: "JSON (format de prisme --datamart)",
    json_intro: "Le filtre tel qu'il est enregistré. Modifiez-le puis appliquez : les filtres imbriqués que l'éditeur ne sait pas montrer restent modifiables ici.",
    apply_json: "Appliquer le JSON",
    json_only: "Ce filtre a des conditions imbriquées : il se modifie en JSON ci-dessous.",
    back_to_conditions: "Repartir de conditions simples",
    save: "Enregistrer",
    saved_ok: "Enregistré",
    unsaved: "Modifications non enregistrées",
    name_needed: "Donnez un nom au datamart pour l'enregistrer.",
    selection: "Sélection",
    selection_intro: "Recalculée à chaque changement sur toute la table clients. CA à date : dépenses jusqu'à la fin de l'observation ; valeur prédite : CLV du modèle sur l'horizon.",
    sel_customers: "Clients sélectionnés",
    sel_share: "Part de la base",
    sel_revenue: "CA à date",
    sel_clv: "Valeur prédite (CLV)",
    target: "Liste de ciblage",
    target_intro: "Les clients du datamart, dans l'ordre de la table, pour le CRM opérationnel : identique octet pour octet à prisme workbench --datamart … --target-list.",
    target_columns: "Colonnes après l'identifiant",
    style: "Format",
    style_fr: "Excel français (;, virgule décimale)",
    style_plain: "CSV standard (, point décimal)",
    reidentify: "Identifiants réels (ré-identifiés sur ce poste avec la clé)",
    reidentify_note: "Les fichiers d'origine sont relus ici, leurs identifiants pseudonymisés avec la clé de cet espace et retrouvés ; rien ne quitte le navigateur. La liste contient alors des données personnelles : ne l'envoyez qu'au CRM qui en a l'usage.",
    export_target: "Exporter la liste de ciblage",
    export_json: "Télécharger le datamart (JSON)",
    pseudonyms: "Avec l'anonymisation, les identifiants sont des pseudonymes : seul celui qui a la clé et les fichiers d'origine peut les rapprocher des clients.",
    preview: "Aperçu de la sélection",
    import_error: "Ce fichier n'est pas un datamart :",
    imported: "Datamart importé :",
    storage_error: "Le navigateur refuse d'enregistrer (stockage plein ou désactivé) ; rien de ce qui était déjà enregistré n'est perdu. Téléchargez le JSON pour garder ce datamart.",
};

pub static MART_EN: MartTexts = MartTexts {
    intro: "A datamart is a saved filter over the customer table (scores and consolidated data): it applies again when the data changes. The same JSON file works with prisme workbench --datamart.",
    saved: "Saved datamarts",
    saved_intro: "Kept in this browser. Customer counts are those of the last analysis.",
    none_saved: "No datamart yet: build a filter, then save it.",
    new: "New",
    import: "Import (JSON)",
    duplicate: "Duplicate",
    delete: "Delete",
    deleted: "Datamart deleted:",
    undo: "Undo",
    copy_suffix: "(copy)",
    name: "Name",
    customers: "Customers",
    editor: "Filter",
    editor_intro: "Conditions on any column, all of them or at least one. A blank value meets no condition.",
    name_hint: "e.g. Follow up before renewal",
    description: "Description",
    match_all: "all conditions",
    match_any: "any condition",
    add_condition: "Add a condition",
    remove: "Remove",
    negate: "not",
    column: "Column",
    condition: "Condition",
    op_in: "is one of",
    op_between: "between",
    op_top: "in the top (%)",
    op_next: "within the next (days)",
    op_before: "more than (days) ago",
    op_since: "within the last (days)",
    and: "and",
    values_hint: "comma-separated values",
    days_before: "days before the snapshot of",
    days_after: "days after the snapshot of",
    range: "from",
    json: "JSON (the prisme --datamart format)",
    json_intro: "The filter as it is saved. Edit it and apply: nested filters the editor cannot show stay editable here.",
    apply_json: "Apply the JSON",
    json_only: "This filter has nested conditions: edit it as JSON below.",
    back_to_conditions: "Start again from simple conditions",
    save: "Save",
    saved_ok: "Saved",
    unsaved: "Unsaved changes",
    name_needed: "Give the datamart a name to save it.",
    selection: "Selection",
    selection_intro: "Recomputed on every change over the whole customer table. Revenue to date: spend up to the end of the observation; predicted value: the model's CLV over the horizon.",
    sel_customers: "Customers selected",
    sel_share: "Share of the base",
    sel_revenue: "Revenue to date",
    sel_clv: "Predicted value (CLV)",
    target: "Target list",
    target_intro: "The datamart's customers, in table order, for the operational CRM: byte for byte what prisme workbench --datamart … --target-list writes.",
    target_columns: "Columns after the id",
    style: "Format",
    style_fr: "French Excel (;, decimal comma)",
    style_plain: "Plain CSV (, decimal point)",
    reidentify: "Real ids (re-identified on this machine with the key)",
    reidentify_note: "The original files are read again here, their ids pseudonymized with this workspace's key and looked up; nothing leaves the browser. The list then holds personal data: send it only to the CRM that needs it.",
    export_target: "Export the target list",
    export_json: "Download the datamart (JSON)",
    pseudonyms: "With anonymization on, ids are pseudonyms: only someone with the key and the original files can match them to customers.",
    preview: "Preview of the selection",
    import_error: "This file is not a datamart:",
    imported: "Datamart imported:",
    storage_error: "The browser refuses to save (storage full or disabled); nothing saved before is lost. Download the JSON to keep this datamart.",
};

/// The workspace panel (Data page): what the browser keeps.
pub struct WsTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub name: &'static str,
    pub default_name: &'static str,
    pub demo_name: &'static str,
    pub new: &'static str,
    pub others: &'static str,
    pub open: &'static str,
    pub delete: &'static str,
    /// "{}" is the workspace's name.
    pub confirm_delete: &'static str,
    pub clear: &'static str,
    pub confirm_clear: &'static str,
    pub cleared: &'static str,
    /// "{used}", "{quota}".
    pub usage: &'static str,
    pub persistent: &'static str,
    pub not_persistent: &'static str,
    /// "{}" lists the files not kept.
    pub quota: &'static str,
    pub unavailable: &'static str,
    pub failed: &'static str,
    pub files: (&'static str, &'static str),
    pub updated: &'static str,
    pub restoring: &'static str,
    pub current: &'static str,
}

impl Lang {
    pub fn ws(self) -> &'static WsTexts {
        match self {
            Lang::Fr => &WS_FR,
            Lang::En => &WS_EN,
        }
    }
}

/// The sync server panel (Reports page).
pub struct SyncTexts {
    pub title: &'static str,
    pub intro: &'static str,
    pub url: &'static str,
    pub workspace: &'static str,
    pub token: &'static str,
    pub token_note: &'static str,
    pub test: &'static str,
    pub save: &'static str,
    pub edit: &'static str,
    pub forget: &'static str,
    /// "{}": reports on the server.
    pub connected: &'static str,
    pub connected_to: &'static str,
    pub incomplete: &'static str,
    pub not_kept: &'static str,
    pub unreachable: &'static str,
    pub refused: &'static str,
    pub send_now: &'static str,
    pub refresh: &'static str,
    pub on_server: &'static str,
    pub none: &'static str,
    pub updated: &'static str,
    pub author: &'static str,
    pub history: &'static str,
    pub conflict_title: &'static str,
    /// "{name}", "{v}".
    pub conflict: &'static str,
    pub keep_mine: &'static str,
    pub take_theirs: &'static str,
    pub keep_both: &'static str,
    pub col_server: &'static str,
    /// "{}": the server's version.
    pub state_synced: &'static str,
    pub state_pending: &'static str,
    pub state_conflict: &'static str,
    pub marts_on_server: &'static str,
    pub marts_none: &'static str,
    /// "{name}", "{v}".
    pub mart_conflict: &'static str,
    /// Added to the name of a datamart of mine kept beside the server's.
    pub mine_suffix: &'static str,
    pub current: &'static str,
    pub restore: &'static str,
    pub restore_hint: &'static str,
    /// "{v}": the version restored.
    pub restored: &'static str,
    /// "{v}": the server's version now.
    pub restore_stale: &'static str,
}

impl Lang {
    pub fn sync(self) -> &'static SyncTexts {
        match self {
            Lang::Fr => &SYNC_FR,
            Lang::En => &SYNC_EN,
        }
    }
}

pub static SYNC_FR: SyncTexts = SyncTexts {
    title: "Serveur de partage (facultatif)",
    intro: "Une équipe partage ses rapports et ses datamarts par un serveur prisme-server : chaque rapport ou datamart enregistré ici y est envoyé, ceux des collègues s'ouvrent ici. Prisme n'attend jamais le serveur : sans lui, tout reste dans ce navigateur et part à son retour.",
    url: "Adresse du serveur",
    workspace: "Espace du serveur",
    token: "Jeton d'accès",
    token_note: "Le jeton (donné par l'administrateur : prisme-server token create) est gardé dans ce navigateur ; « Tout effacer » le supprime.",
    test: "Tester la connexion",
    save: "Enregistrer",
    edit: "Modifier",
    forget: "Oublier ce serveur",
    connected: "Connexion réussie : {} rapport(s) sur le serveur.",
    connected_to: "Serveur",
    incomplete: "Indiquez l'adresse, l'espace et le jeton.",
    not_kept: "Le navigateur refuse d'enregistrer ces réglages.",
    unreachable: "Serveur injoignable : les rapports partiront à son retour",
    refused: "Le serveur refuse ce jeton (absent, erroné, révoqué, d'un autre espace ou en lecture seule)",
    send_now: "Envoyer maintenant",
    refresh: "Actualiser",
    on_server: "Rapports sur le serveur",
    none: "Aucun rapport sur le serveur pour l'instant.",
    updated: "Modifié le",
    author: "Auteur",
    history: "Historique",
    conflict_title: "Conflit :",
    conflict: "« {name} » a été enregistré par quelqu'un d'autre sur le serveur (version {v}) depuis votre dernière synchronisation.",
    keep_mine: "Garder le mien (nouvelle version)",
    take_theirs: "Prendre le leur",
    keep_both: "Garder les deux",
    col_server: "Serveur",
    state_synced: "v{} envoyée",
    state_pending: "à envoyer",
    state_conflict: "conflit",
    marts_on_server: "Datamarts sur le serveur",
    marts_none: "Aucun datamart sur le serveur pour l'instant.",
    mart_conflict: "Le datamart « {name} » a été modifié par quelqu'un d'autre sur le serveur (version {v}) depuis votre dernière synchronisation.",
    mine_suffix: "(le mien)",
    current: "actuelle",
    restore: "Rétablir",
    restore_hint: "Fait de cette version la version actuelle sur le serveur (enregistrée comme nouvelle version ; l'historique garde tout).",
    restored: "Version {v} rétablie : elle est la version actuelle sur le serveur et ici.",
    restore_stale: "Le serveur est passé à la version {v} entre-temps : rouvrez l'historique et recommencez.",
};

pub static SYNC_EN: SyncTexts = SyncTexts {
    title: "Sharing server (optional)",
    intro: "A team shares its reports and datamarts through a prisme-server: every report or datamart saved here is sent there, and colleagues' open here. Prisme never waits for the server: without it, everything stays in this browser and goes when it is back.",
    url: "Server address",
    workspace: "Server workspace",
    token: "Access token",
    token_note: "The token (from the administrator: prisme-server token create) is kept in this browser; \"Clear everything\" removes it.",
    test: "Test the connection",
    save: "Save",
    edit: "Change",
    forget: "Forget this server",
    connected: "Connected: {} report(s) on the server.",
    connected_to: "Server",
    incomplete: "Give the address, the workspace and the token.",
    not_kept: "The browser refuses to keep these settings.",
    unreachable: "Server unreachable: reports will go when it is back",
    refused: "The server refuses this token (missing, wrong, revoked, for another workspace or read-only)",
    send_now: "Send now",
    refresh: "Refresh",
    on_server: "Reports on the server",
    none: "No report on the server yet.",
    updated: "Updated",
    author: "Author",
    history: "History",
    conflict_title: "Conflict:",
    conflict: "“{name}” was saved by someone else on the server (version {v}) since you last synchronised.",
    keep_mine: "Keep mine (new version)",
    take_theirs: "Take theirs",
    keep_both: "Keep both",
    col_server: "Server",
    state_synced: "v{} sent",
    state_pending: "to send",
    state_conflict: "conflict",
    marts_on_server: "Datamarts on the server",
    marts_none: "No datamart on the server yet.",
    mart_conflict: "The datamart “{name}” was changed by someone else on the server (version {v}) since you last synchronised.",
    mine_suffix: "(mine)",
    current: "current",
    restore: "Restore",
    restore_hint: "Makes this version the current one on the server (saved as a new version; the history keeps everything).",
    restored: "Version {v} restored: it is the current version on the server and here.",
    restore_stale: "The server moved to version {v} meanwhile: open the history again and retry.",
};

pub static WS_FR: WsTexts = WsTexts {
    title: "Espace de travail",
    intro: "Les fichiers déposés, vos corrections, les réglages, les ciblages et la dernière analyse sont gardés dans ce navigateur, jamais envoyés : ils reviennent à la prochaine visite.",
    name: "Nom de l'espace",
    default_name: "Espace de travail",
    demo_name: "Démo",
    new: "Nouvel espace",
    others: "Autres espaces de travail",
    open: "Ouvrir",
    delete: "Supprimer",
    confirm_delete: "Supprimer l'espace « {} », ses fichiers et ses rapports ? Cette action est définitive.",
    clear: "Tout effacer",
    confirm_clear: "Effacer tout ce que Prisme garde dans ce navigateur : espaces de travail, fichiers, rapports, datamarts, réglages et la clé d'anonymisation ? Exportez la clé d'abord si vous voulez retrouver les mêmes pseudonymes.",
    cleared: "Tout est effacé : ce navigateur ne garde plus rien de Prisme.",
    usage: "Gardé dans ce navigateur : {used} (place disponible : {quota}).",
    persistent: "Stockage persistant : le navigateur ne l'effacera pas de lui-même.",
    not_persistent: "Stockage non persistant : le navigateur peut l'effacer s'il manque de place.",
    quota: "Le navigateur n'a plus de place : {} n'est pas gardé (utilisable jusqu'à la fermeture de l'onglet). Ce qui était gardé l'est toujours. Supprimez un espace de travail ou des rapports pour faire de la place.",
    unavailable: "Ce navigateur ne permet pas de garder les fichiers (stockage désactivé ou navigation privée) : ils seront perdus à la fermeture de l'onglet.",
    failed: "L'espace de travail n'a pas pu être gardé ; ce qui l'était avant est intact :",
    files: ("fichier", "fichiers"),
    updated: "modifié le",
    restoring: "Réouverture de l'espace de travail…",
    current: "ouvert",
};

pub static WS_EN: WsTexts = WsTexts {
    title: "Workspace",
    intro: "Dropped files, your corrections, the settings, the datamarts and the last analysis are kept in this browser, never sent anywhere: they come back on your next visit.",
    name: "Workspace name",
    default_name: "Workspace",
    demo_name: "Demo",
    new: "New workspace",
    others: "Other workspaces",
    open: "Open",
    delete: "Delete",
    confirm_delete: "Delete the workspace “{}”, its files and its reports? This cannot be undone.",
    clear: "Clear everything",
    confirm_clear: "Erase everything Prisme keeps in this browser: workspaces, files, reports, datamarts, settings and the anonymization key? Export the key first if you want the same pseudonyms again.",
    cleared: "Everything is erased: this browser keeps nothing of Prisme any more.",
    usage: "Kept in this browser: {used} (space available: {quota}).",
    persistent: "Persistent storage: the browser will not erase it on its own.",
    not_persistent: "Storage not persistent: the browser may erase it when space runs low.",
    quota: "The browser is out of space: {} is not kept (usable until the tab is closed). What was kept still is. Delete a workspace or reports to make room.",
    unavailable: "This browser cannot keep files (storage disabled or private browsing): they will be lost when the tab is closed.",
    failed: "The workspace could not be kept; what was kept before is intact:",
    files: ("file", "files"),
    updated: "changed",
    restoring: "Reopening the workspace…",
    current: "open",
};

/// The Reports page.
pub struct RepTexts {
    pub intro: &'static str,
    pub save_title: &'static str,
    pub save_intro: &'static str,
    pub name: &'static str,
    pub save: &'static str,
    pub saved_as: &'static str,
    pub no_analysis: &'static str,
    pub list: &'static str,
    pub none: &'static str,
    pub import: &'static str,
    pub imported: &'static str,
    pub import_error: &'static str,
    pub per_customer: &'static str,
    /// "{}" is the file's format version.
    pub too_new: &'static str,
    pub open: &'static str,
    pub close: &'static str,
    pub delete: &'static str,
    pub confirm_delete: &'static str,
    pub export_html: &'static str,
    pub export_json: &'static str,
    pub print: &'static str,
    pub compare_with: &'static str,
    pub no_compare: &'static str,
    pub col_name: &'static str,
    pub col_version: &'static str,
    pub col_saved: &'static str,
    pub col_customers: &'static str,
    pub col_inputs: &'static str,
    pub read_only: &'static str,
    pub saved_on: &'static str,
    pub engine: &'static str,
    pub inputs: &'static str,
    pub file: &'static str,
    pub kind: &'static str,
    pub rows: &'static str,
    pub size: &'static str,
    pub settings: &'static str,
    pub snapshot: &'static str,
    pub period: &'static str,
    pub horizon: &'static str,
    pub churn_window: &'static str,
    pub headline: &'static str,
    pub customers: &'static str,
    pub auc: &'static str,
    pub total_clv: &'static str,
    pub segments: &'static str,
    pub share: &'static str,
    pub revenue_share: &'static str,
    pub action: &'static str,
    pub value: &'static str,
    pub attrition: &'static str,
    pub comparison: &'static str,
    pub comparison_intro: &'static str,
    pub figure: &'static str,
    pub change: &'static str,
    pub not_found: &'static str,
    pub storage_error: &'static str,
    pub footer: &'static str,
    /// The settings' line listing the pages a report holds.
    pub pages: &'static str,
    pub pages_choice: &'static str,
    pub pages_note: &'static str,
    pub attach: &'static str,
    pub attach_none: &'static str,
    pub attach_note: &'static str,
    pub attach_needs_pseudonyms: &'static str,
    pub target_list: &'static str,
    /// "{n}": customers; "{name}": the datamart.
    pub target_list_note: &'static str,
    pub download_list: &'static str,
    page_names: [&'static str; 5],
}

impl RepTexts {
    pub fn page(&self, p: prisme_core::analysis::ReportPage) -> &'static str {
        use prisme_core::analysis::ReportPage;
        let i = ReportPage::ALL.iter().position(|x| *x == p).unwrap_or(0);
        self.page_names[i]
    }
}

impl Lang {
    pub fn rep(self) -> &'static RepTexts {
        match self {
            Lang::Fr => &REP_FR,
            Lang::En => &REP_EN,
        }
    }
}

pub static REP_FR: RepTexts = RepTexts {
    intro: "Un rapport garde les chiffres et les graphiques d'une analyse, ses réglages et l'empreinte de ses fichiers, jamais les lignes clients : on le rouvre plus tard, même sans les données, on le compare à un autre, on l'envoie en HTML ou en JSON.",
    save_title: "Enregistrer l'analyse en cours",
    save_intro: "Le même nom dans le même espace de travail donne une nouvelle version ; les précédentes restent.",
    name: "Nom du rapport",
    save: "Enregistrer le rapport",
    saved_as: "Rapport enregistré :",
    no_analysis: "Aucune analyse à enregistrer : lancez l'analyse depuis la page Données, ou essayez la démo.",
    list: "Rapports gardés dans ce navigateur",
    none: "Aucun rapport pour l'instant.",
    import: "Importer (JSON)",
    imported: "Rapport importé :",
    import_error: "Ce fichier n'est pas un rapport lisible :",
    per_customer: "il contient des lignes par client (--per-customer) : un rapport n'en garde pas. Exportez-le sans --per-customer.",
    too_new: "il vient d'une version plus récente de Prisme (format {}) : mettez Prisme à jour pour l'ouvrir.",
    open: "Ouvrir",
    close: "Fermer",
    delete: "Supprimer",
    confirm_delete: "Supprimer le rapport « {} » ?",
    export_html: "Exporter en HTML",
    export_json: "Exporter en JSON",
    print: "Imprimer / PDF",
    compare_with: "Comparer avec",
    no_compare: "— aucun —",
    col_name: "Rapport",
    col_version: "Version",
    col_saved: "Enregistré le",
    col_customers: "Clients",
    col_inputs: "Fichiers",
    read_only: "Lecture seule : ces chiffres sont ceux du rapport enregistré, pas des données ouvertes.",
    saved_on: "Enregistré le",
    engine: "Moteur Prisme",
    inputs: "Fichiers analysés",
    file: "Fichier",
    kind: "Type",
    rows: "Lignes",
    size: "Taille",
    settings: "Réglages",
    snapshot: "Date d'observation",
    period: "Période des indicateurs",
    horizon: "Horizon de la valeur client",
    churn_window: "Fenêtre d'attrition",
    headline: "Indicateurs",
    customers: "Clients analysés",
    auc: "AUC du modèle d'attrition",
    total_clv: "Valeur client prévue (totale)",
    segments: "Segments",
    share: "Part des clients",
    revenue_share: "Part du CA",
    action: "Action suggérée",
    value: "Valeur client",
    attrition: "Attrition",
    comparison: "Comparaison",
    comparison_intro: "Chaque chiffre du rapport ouvert face au même chiffre du rapport choisi ; l'écart est relatif à ce dernier.",
    figure: "Indicateur",
    change: "Écart",
    not_found: "Ce rapport n'existe plus dans ce navigateur.",
    storage_error: "Le navigateur refuse d'enregistrer (plus de place ou stockage désactivé) ; les rapports déjà gardés sont intacts. Exportez le JSON pour garder celui-ci.",
    footer: "Rapport Prisme : calculé dans le navigateur, sans ligne client.",
    pages: "Pages",
    pages_choice: "Pages à garder",
    pages_note: "Les segments sont toujours gardés : tous les autres chiffres en découlent. Une page non cochée ne laisse rien dans le rapport.",
    attach: "Joindre une liste de ciblage",
    attach_none: "Aucune",
    attach_note: "La liste d'un ciblage enregistré (identifiants pseudonymisés, colonnes par défaut) est gardée avec le rapport, pas dans son HTML.",
    attach_needs_pseudonyms: "Pour joindre une liste, activez la pseudonymisation (page Données) : un rapport ne garde aucun identifiant en clair.",
    target_list: "Liste de ciblage jointe",
    target_list_note: "{n} clients du ciblage « {name} », identifiants pseudonymisés.",
    download_list: "Télécharger la liste (CSV)",
    page_names: [
        "Tableau de bord",
        "Segments",
        "Valeur client",
        "Attrition",
        "Cohortes",
    ],
};

pub static REP_EN: RepTexts = RepTexts {
    intro: "A report keeps an analysis's figures and charts, its settings and its files' fingerprints, never customer rows: open it later even without the data, compare it with another, send it as HTML or JSON.",
    save_title: "Save the current analysis",
    save_intro: "The same name in the same workspace makes a new version; earlier ones stay.",
    name: "Report name",
    save: "Save the report",
    saved_as: "Report saved:",
    no_analysis: "No analysis to save: analyze from the Data page, or try the demo.",
    list: "Reports kept in this browser",
    none: "No report yet.",
    import: "Import (JSON)",
    imported: "Report imported:",
    import_error: "This file is not a readable report:",
    per_customer: "it holds per-customer rows (--per-customer): a report keeps none. Export it without --per-customer.",
    too_new: "it was written by a newer Prisme (format {}): update Prisme to open it.",
    open: "Open",
    close: "Close",
    delete: "Delete",
    confirm_delete: "Delete the report “{}”?",
    export_html: "Export as HTML",
    export_json: "Export as JSON",
    print: "Print / PDF",
    compare_with: "Compare with",
    no_compare: "— none —",
    col_name: "Report",
    col_version: "Version",
    col_saved: "Saved",
    col_customers: "Customers",
    col_inputs: "Files",
    read_only: "Read-only: these are the saved report's figures, not the open data's.",
    saved_on: "Saved on",
    engine: "Prisme engine",
    inputs: "Files analysed",
    file: "File",
    kind: "Kind",
    rows: "Rows",
    size: "Size",
    settings: "Settings",
    snapshot: "Snapshot date",
    period: "Indicator period",
    horizon: "Customer value horizon",
    churn_window: "Churn window",
    headline: "Indicators",
    customers: "Customers analysed",
    auc: "Churn model AUC",
    total_clv: "Predicted customer value (total)",
    segments: "Segments",
    share: "Share of customers",
    revenue_share: "Revenue share",
    action: "Suggested action",
    value: "Customer value",
    attrition: "Attrition",
    comparison: "Comparison",
    comparison_intro: "Each figure of the open report against the same figure of the chosen one; the change is relative to the latter.",
    figure: "Figure",
    change: "Change",
    not_found: "This report no longer exists in this browser.",
    storage_error: "The browser refuses to save (out of space or storage disabled); reports already kept are intact. Export the JSON to keep this one.",
    footer: "Prisme report: computed in the browser, without customer rows.",
    pages: "Pages",
    pages_choice: "Pages to keep",
    pages_note: "Segments are always kept: every other figure rests on them. A page left unticked leaves nothing in the report.",
    attach: "Attach a target list",
    attach_none: "None",
    attach_note: "A saved datamart's list (pseudonymized ids, default columns) is kept with the report, not in its HTML.",
    attach_needs_pseudonyms: "To attach a list, turn pseudonymization on (Data page): a report keeps no id in clear.",
    target_list: "Attached target list",
    target_list_note: "{n} customers of the datamart “{name}”, ids pseudonymized.",
    download_list: "Download the list (CSV)",
    page_names: [
        "Dashboard",
        "Segments",
        "Customer value",
        "Attrition",
        "Cohorts",
    ],
};
