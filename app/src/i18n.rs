//! French and English texts, and number formatting for each.

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
