//! What each column means: customer id, date, amount, … and personal data.
//!
//! A role is scored from the column's name (in English and French, accents and case ignored)
//! and checked against its content (a date role needs dates, an amount needs numbers, an e-mail
//! needs `@`). Personal data recognised by content ([`crate::pii`]: IBANs, card numbers, NIRs,
//! e-mails, phones, IP and street addresses, postcodes, names, free text holding contacts)
//! takes its role whatever the header says, except under a customer-id header (a customer
//! key that is an e-mail stays the key, to be pseudonymized). Each analytic role goes to at
//! most one column, the best-scoring; personal-data roles may mark several columns. The user
//! can override any of it.

use serde::{Deserialize, Serialize};

use super::column::ColumnKind;
use super::sniff::KindGuess;

/// The meaning of a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    CustomerId,
    OrderId,
    Date,
    Amount,
    Quantity,
    Product,
    Category,
    Channel,
    Region,
    PaymentMethod,
    ChurnLabel,
    ContractStart,
    ContractEnd,
    ContactType,
    ContactOutcome,
    Email,
    Phone,
    Name,
    Address,
    Iban,
    /// A national identification number (French NIR, passport or identity-card number).
    NationalId,
    BirthDate,
    IpAddress,
    PaymentCard,
    /// Comments and notes written by hand: they may name people or hold their contacts.
    FreeText,
    Postcode,
    /// A city or town: coarse enough to keep, what dashboards slice by.
    City,
}

impl Role {
    pub const ALL: [Role; 27] = [
        Role::CustomerId,
        Role::OrderId,
        Role::Date,
        Role::Amount,
        Role::Quantity,
        Role::Product,
        Role::Category,
        Role::Channel,
        Role::Region,
        Role::PaymentMethod,
        Role::ChurnLabel,
        Role::ContractStart,
        Role::ContractEnd,
        Role::ContactType,
        Role::ContactOutcome,
        Role::Email,
        Role::Phone,
        Role::Name,
        Role::Address,
        Role::Iban,
        Role::NationalId,
        Role::BirthDate,
        Role::IpAddress,
        Role::PaymentCard,
        Role::FreeText,
        Role::Postcode,
        Role::City,
    ];

    /// Personal data: dropped, masked, generalized or redacted by anonymization (see
    /// [`crate::anonymize::default_fate`]). Identifiers are not in this list: they are
    /// pseudonymized instead.
    pub fn is_pii(self) -> bool {
        matches!(
            self,
            Role::Email
                | Role::Phone
                | Role::Name
                | Role::Address
                | Role::Iban
                | Role::NationalId
                | Role::BirthDate
                | Role::IpAddress
                | Role::PaymentCard
                | Role::FreeText
                | Role::Postcode
        )
    }

    pub fn key(self) -> &'static str {
        match self {
            Role::CustomerId => "customer_id",
            Role::OrderId => "order_id",
            Role::Date => "date",
            Role::Amount => "amount",
            Role::Quantity => "quantity",
            Role::Product => "product",
            Role::Category => "category",
            Role::Channel => "channel",
            Role::Region => "region",
            Role::PaymentMethod => "payment_method",
            Role::ChurnLabel => "churn_label",
            Role::ContractStart => "contract_start",
            Role::ContractEnd => "contract_end",
            Role::ContactType => "contact_type",
            Role::ContactOutcome => "contact_outcome",
            Role::Email => "email",
            Role::Phone => "phone",
            Role::Name => "name",
            Role::Address => "address",
            Role::Iban => "iban",
            Role::NationalId => "national_id",
            Role::BirthDate => "birth_date",
            Role::IpAddress => "ip_address",
            Role::PaymentCard => "payment_card",
            Role::FreeText => "free_text",
            Role::Postcode => "postcode",
            Role::City => "city",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        let k = normalize(key);
        Role::ALL.into_iter().find(|r| r.key() == k)
    }

    /// Name patterns: whole normalized names score high, a word of the name lower.
    fn names(self) -> (&'static [&'static str], &'static [&'static str]) {
        match self {
            Role::CustomerId => (
                &[
                    "customer_id",
                    "customerid",
                    "cust_id",
                    "client_id",
                    "id_client",
                    "idclient",
                    "client",
                    "customer",
                    "code_client",
                    "num_client",
                    "numero_client",
                    "no_client",
                    "n_client",
                    "ref_client",
                    "reference_client",
                    "member_id",
                    "account_id",
                    "user_id",
                    "id_customer",
                    "customer_number",
                    "client_number",
                    "customer_code",
                    "id_adherent",
                    "adherent",
                    "customer_key",
                    "cust",
                    "id_cli",
                    "code_cli",
                    "num_cli",
                ],
                &[
                    "client", "customer", "cust", "adherent", "member", "account", "compte",
                ],
            ),
            Role::OrderId => (
                &[
                    "order_id",
                    "orderid",
                    "invoice",
                    "invoice_id",
                    "invoice_no",
                    "facture",
                    "no_facture",
                    "num_facture",
                    "numero_facture",
                    "id_commande",
                    "commande",
                    "num_commande",
                    "transaction_id",
                    "ticket",
                    "receipt",
                    "order_number",
                    "order_no",
                    "id_transaction",
                    "id_vente",
                    "id_ticket",
                    "invoiceno",
                ],
                &[
                    "order",
                    "commande",
                    "facture",
                    "invoice",
                    "ticket",
                    "transaction",
                ],
            ),
            Role::Date => (
                &[
                    "date",
                    "order_date",
                    "date_commande",
                    "date_achat",
                    "purchase_date",
                    "transaction_date",
                    "invoice_date",
                    "date_facture",
                    "jour",
                    "day",
                    "timestamp",
                    "created_at",
                    "datetime",
                    "date_vente",
                    "sale_date",
                    "date_transaction",
                    "invoicedate",
                    "date_ticket",
                    "orderdate",
                ],
                &["date", "jour", "timestamp", "datetime"],
            ),
            Role::Amount => (
                &[
                    "amount",
                    "montant",
                    "total",
                    "revenue",
                    "sales",
                    "ca",
                    "chiffre_affaires",
                    "chiffre_d_affaires",
                    "value",
                    "valeur",
                    "montant_ttc",
                    "montant_ht",
                    "total_ttc",
                    "total_ht",
                    "spend",
                    "turnover",
                    "net_amount",
                    "price_total",
                    "prix_total",
                    "order_value",
                    "montant_total",
                    "total_amount",
                    "sale_amount",
                    "amount_eur",
                    "montant_eur",
                    "ventes",
                ],
                &[
                    "amount", "montant", "revenue", "total", "ttc", "ht", "sales", "spend",
                ],
            ),
            Role::Quantity => (
                &[
                    "quantity",
                    "qty",
                    "quantite",
                    "qte",
                    "nb_articles",
                    "units",
                    "nombre",
                    "nb",
                    "quantity_ordered",
                    "nb_produits",
                ],
                &["quantity", "qty", "quantite", "qte"],
            ),
            Role::Product => (
                &[
                    "product",
                    "produit",
                    "sku",
                    "article",
                    "item",
                    "libelle",
                    "product_id",
                    "id_produit",
                    "stockcode",
                    "product_name",
                    "nom_produit",
                    "ref_produit",
                    "description",
                ],
                &["product", "produit", "sku", "article", "item"],
            ),
            Role::Category => (
                &[
                    "category",
                    "categorie",
                    "famille",
                    "rayon",
                    "gamme",
                    "univers",
                    "product_category",
                    "categorie_produit",
                    "family",
                    "departement_produit",
                ],
                &["category", "categorie", "famille", "rayon", "gamme"],
            ),
            Role::Channel => (
                &[
                    "channel",
                    "canal",
                    "source",
                    "medium",
                    "canal_vente",
                    "sales_channel",
                    "canal_de_vente",
                ],
                &["channel", "canal"],
            ),
            Role::Region => (
                &[
                    "region",
                    "agence",
                    "agency",
                    "branch",
                    "store",
                    "magasin",
                    "boutique",
                    "site",
                    "departement",
                    "zone",
                    "territoire",
                    "territory",
                    "country",
                    "pays",
                    "point_de_vente",
                    "pdv",
                    "shop",
                    "secteur",
                ],
                &[
                    "region", "agence", "agency", "branch", "store", "magasin", "country",
                ],
            ),
            Role::PaymentMethod => (
                &[
                    "payment",
                    "paiement",
                    "payment_method",
                    "moyen_paiement",
                    "mode_paiement",
                    "mode_reglement",
                    "moyen_de_paiement",
                    "payment_type",
                    "reglement",
                ],
                &["payment", "paiement", "reglement"],
            ),
            Role::ChurnLabel => (
                &[
                    "churn",
                    "churned",
                    "attrition",
                    "resilie",
                    "resiliation",
                    "exited",
                    "is_churn",
                    "churn_label",
                    "desabonne",
                    "parti",
                    "left",
                    "churn_flag",
                    "has_churned",
                    "attrition_flag",
                ],
                &["churn", "attrition", "resilie", "resiliation"],
            ),
            Role::ContractStart => (
                &[
                    "contract_start",
                    "start_date",
                    "date_debut",
                    "debut_contrat",
                    "date_souscription",
                    "signup_date",
                    "subscription_start",
                    "date_debut_contrat",
                    "date_signature",
                    "date_effet",
                    "start",
                ],
                &["debut", "souscription", "signup", "start"],
            ),
            Role::ContractEnd => (
                &[
                    "contract_end",
                    "end_date",
                    "date_fin",
                    "fin_contrat",
                    "expiry",
                    "expiry_date",
                    "expiration",
                    "expiration_date",
                    "echeance",
                    "date_echeance",
                    "renewal_date",
                    "date_fin_contrat",
                    "date_renouvellement",
                    "end",
                ],
                &["fin", "echeance", "expiry", "expiration", "renewal", "end"],
            ),
            Role::ContactType => (
                &[
                    "contact_type",
                    "type_contact",
                    "canal_contact",
                    "interaction_type",
                    "type_interaction",
                    "motif",
                    "contact_channel",
                    "type",
                ],
                &["contact", "interaction"],
            ),
            Role::ContactOutcome => (
                &[
                    "outcome",
                    "resultat",
                    "contact_outcome",
                    "resultat_contact",
                    "statut",
                    "status",
                    "issue",
                    "result",
                    "disposition",
                ],
                &["outcome", "resultat", "statut"],
            ),
            Role::Email => (
                &[
                    "email",
                    "e_mail",
                    "mail",
                    "courriel",
                    "adresse_mail",
                    "email_address",
                ],
                &["email", "mail", "courriel"],
            ),
            Role::Phone => (
                &[
                    "phone",
                    "tel",
                    "telephone",
                    "mobile",
                    "portable",
                    "gsm",
                    "phone_number",
                    "num_tel",
                    "numero_telephone",
                ],
                &["phone", "tel", "telephone", "mobile", "portable"],
            ),
            Role::Name => (
                &[
                    "name",
                    "nom",
                    "prenom",
                    "first_name",
                    "last_name",
                    "surname",
                    "full_name",
                    "firstname",
                    "lastname",
                    "raison_sociale",
                    "nom_client",
                    "customer_name",
                    "client_name",
                    "nom_prenom",
                ],
                &["nom", "prenom", "name", "firstname", "lastname", "surname"],
            ),
            Role::Address => (
                &[
                    "address",
                    "adresse",
                    "rue",
                    "street",
                    "adresse_postale",
                    "adresse_livraison",
                    "adresse_facturation",
                    "shipping_address",
                    "billing_address",
                    "street_address",
                    "address_line_1",
                    "address_line_2",
                    "voie",
                    "complement_adresse",
                ],
                &["address", "adresse", "rue", "street"],
            ),
            Role::Iban => (
                &["iban", "rib", "bic", "bank_account", "compte_bancaire"],
                &["iban", "rib"],
            ),
            Role::NationalId => (
                &[
                    "nir",
                    "nss",
                    "ssn",
                    "num_secu",
                    "numero_secu",
                    "no_secu",
                    "n_secu",
                    "securite_sociale",
                    "numero_securite_sociale",
                    "num_securite_sociale",
                    "social_security_number",
                    "social_security",
                    "numero_insee",
                    "national_id",
                    "passport",
                    "passeport",
                    "numero_passeport",
                    "cni",
                    "numero_cni",
                    "carte_identite",
                    "id_card",
                ],
                &["nir", "secu", "ssn", "passeport", "passport"],
            ),
            Role::BirthDate => (
                &[
                    "date_de_naissance",
                    "date_naissance",
                    "naissance",
                    "date_naiss",
                    "ne_le",
                    "nee_le",
                    "ne_e_le",
                    "ddn",
                    "birth_date",
                    "birthdate",
                    "date_of_birth",
                    "dob",
                    "birthday",
                    "born",
                ],
                &["naissance", "birth", "dob", "birthday", "naiss"],
            ),
            Role::IpAddress => (
                &[
                    "ip",
                    "ip_address",
                    "adresse_ip",
                    "ipv4",
                    "ipv6",
                    "ip_client",
                    "client_ip",
                    "remote_addr",
                ],
                &["ip", "ipv4", "ipv6"],
            ),
            Role::PaymentCard => (
                &[
                    "card_number",
                    "credit_card",
                    "carte_bancaire",
                    "numero_carte",
                    "num_carte",
                    "numero_cb",
                    "cb",
                    "pan",
                    "card",
                    "carte",
                ],
                &["cb", "card"],
            ),
            Role::FreeText => (
                &[
                    "commentaire",
                    "commentaires",
                    "comment",
                    "comments",
                    "note",
                    "notes",
                    "observation",
                    "observations",
                    "remarque",
                    "remarques",
                    "message",
                    "texte",
                    "text",
                    "free_text",
                    "memo",
                    "verbatim",
                    "feedback",
                ],
                &[
                    "commentaire",
                    "commentaires",
                    "comment",
                    "comments",
                    "notes",
                    "observations",
                    "remarques",
                ],
            ),
            Role::Postcode => (
                &[
                    "code_postal",
                    "codepostal",
                    "cp",
                    "zip",
                    "zipcode",
                    "zip_code",
                    "postcode",
                    "postal_code",
                    "post_code",
                ],
                &["postal", "postcode", "zip", "zipcode"],
            ),
            Role::City => (
                &["ville", "city", "commune", "localite", "town"],
                &["ville", "city", "commune"],
            ),
        }
    }
}

/// Lower-case ASCII with accents folded and every run of other characters turned into `_`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut last_sep = true;
    let mut prev_lower = false;
    for c in name.chars() {
        let folded = match c {
            'à' | 'â' | 'ä' | 'á' | 'À' | 'Â' | 'Ä' | 'Á' => 'a',
            'é' | 'è' | 'ê' | 'ë' | 'É' | 'È' | 'Ê' | 'Ë' => 'e',
            'î' | 'ï' | 'í' | 'Î' | 'Ï' => 'i',
            'ô' | 'ö' | 'ó' | 'Ô' | 'Ö' => 'o',
            'ù' | 'û' | 'ü' | 'ú' | 'Ù' | 'Û' | 'Ü' => 'u',
            'ç' | 'Ç' => 'c',
            'ñ' => 'n',
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => '_',
        };
        if folded == '_' {
            if !last_sep {
                out.push('_');
            }
            last_sep = true;
        } else {
            // Split camelCase: `customerId` -> `customer_id`.
            if c.is_ascii_uppercase() && !last_sep && prev_lower {
                out.push('_');
            }
            out.push(folded);
            last_sep = false;
        }
        prev_lower = c.is_lowercase();
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

/// How well a column's name fits a role: 0 (no match) to 1.
pub fn name_score(role: Role, name: &str) -> f64 {
    let n = normalize(name);
    // A bare "id" is most often the row's subject: the customer in a customer list.
    if n == "id" || n == "identifiant" {
        return if role == Role::CustomerId { 0.6 } else { 0.0 };
    }
    let (exact, words) = role.names();
    let joined = n.replace('_', "");
    if exact
        .iter()
        .any(|e| *e == n || e.replace('_', "") == joined)
    {
        return 1.0;
    }
    let tokens: Vec<&str> = n.split('_').filter(|t| !t.is_empty()).collect();
    if tokens.iter().any(|t| words.contains(t)) {
        return 0.6;
    }
    0.0
}

/// Whether the content allows the role, and how strongly it suggests it (0–1).
fn content_fit(role: Role, g: &KindGuess) -> Option<f64> {
    use ColumnKind::*;
    let k = g.kind;
    match role {
        Role::Date | Role::ContractStart | Role::ContractEnd => {
            if k.is_temporal() {
                Some(0.5)
            } else if k == Integer && g.mean.is_some_and(|m| (20_000.0..80_000.0).contains(&m)) {
                // Excel serial day numbers.
                Some(0.1)
            } else if g.date_share >= 0.5 {
                // Mostly dates with some bad values: the name decides, the bad values are
                // reported when the column is read.
                Some(0.0)
            } else {
                None
            }
        }
        Role::Amount => match k {
            Number => Some(0.4),
            Integer => Some(0.1),
            _ if g.numeric_share >= 0.5 => Some(0.0),
            _ => None,
        },
        Role::Quantity => (k == Integer).then_some(0.1),
        Role::CustomerId => match k {
            Text | Integer => Some(if g.distinct_ratio < 0.95 { 0.3 } else { 0.15 }),
            _ => None,
        },
        Role::OrderId => matches!(k, Text | Integer).then_some(0.05),
        Role::ChurnLabel => match k {
            Boolean => Some(0.2),
            Integer if g.zero_one => Some(0.2),
            Text => Some(0.0),
            _ => None,
        },
        Role::Email => (g.at_share > 0.5).then_some(0.8),
        Role::Phone
        | Role::Iban
        | Role::Name
        | Role::Address
        | Role::NationalId
        | Role::Postcode => matches!(k, Text | Integer).then_some(0.0),
        // "Carte" is as often a loyalty tier (Gold, Silver): a card needs card numbers.
        Role::PaymentCard => (k == Integer || g.content.card > 0).then_some(0.0),
        // Dates, Excel serial days or years of birth.
        Role::BirthDate => (k.is_temporal() || g.date_share >= 0.5 || k == Integer).then_some(0.0),
        Role::IpAddress | Role::FreeText | Role::City => (k == Text).then_some(0.0),
        Role::Product
        | Role::Category
        | Role::Channel
        | Role::Region
        | Role::PaymentMethod
        | Role::ContactType
        | Role::ContactOutcome => matches!(k, Text | Integer).then_some(0.0),
    }
}

/// Word-only name matches (a score below 1) of structured personal roles need some values of
/// that shape: `PhoneService` holding Yes and No is not a phone column.
fn word_match_supported(role: Role, g: &KindGuess) -> bool {
    let e = &g.content;
    match role {
        Role::Phone => e.share(e.phone) >= 0.3,
        Role::Iban => e.share(e.iban) >= 0.3,
        Role::NationalId => e.share(e.nir) >= 0.3,
        Role::PaymentCard => e.share(e.card) >= 0.3,
        Role::IpAddress => e.share(e.ip) >= 0.3,
        _ => true,
    }
}

/// The personal-data role of a column known only by its name and a sample of its values (a
/// record batch carries no plan): the role its content proves, else a personal role its
/// whole name denotes (`Prénom`, `Code postal`, `Date de naissance`).
pub fn personal_role(name: &str, guess: &KindGuess) -> Option<Role> {
    if let Some((role, _)) = crate::pii::content_role(name, &guess.content) {
        return Some(role);
    }
    Role::ALL
        .into_iter()
        .filter(|r| r.is_pii())
        .find(|&r| name_score(r, name) >= 1.0 && content_fit(r, guess).is_some())
}

/// A role assigned to a column.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RoleGuess {
    pub role: Role,
    /// 0–1: how sure the assignment is.
    pub confidence: f64,
}

/// Assigns roles to columns. Name evidence dominates; content alone assigns the three roles
/// the transaction analyses need (customer id, date, amount) when no name matches.
pub fn assign_roles(names: &[String], guesses: &[KindGuess]) -> Vec<Option<RoleGuess>> {
    let n = names.len();
    let mut out: Vec<Option<RoleGuess>> = vec![None; n];
    // Personal data recognised by content first: it wins over a misleading header, but not
    // over a customer-id header (the key is pseudonymized whatever it holds).
    for (i, (name, g)) in names.iter().zip(guesses).enumerate() {
        if g.kind == ColumnKind::Empty || name_score(Role::CustomerId, name) >= 1.0 {
            continue;
        }
        if let Some((role, confidence)) = crate::pii::content_role(name, &g.content) {
            // Shops, places and products are often named after people ("Jean Jaurès",
            // "Victor Hugo"): under such a header, names in the values are not people.
            let named_after = [
                Role::City,
                Role::Region,
                Role::Category,
                Role::Channel,
                Role::Product,
            ];
            if role == Role::Name && named_after.iter().any(|&r| name_score(r, name) >= 1.0) {
                continue;
            }
            out[i] = Some(RoleGuess { role, confidence });
        }
    }
    // Score every (column, role) pair.
    let mut candidates: Vec<(f64, usize, Role)> = Vec::new();
    for (i, (name, g)) in names.iter().zip(guesses).enumerate() {
        if g.kind == ColumnKind::Empty || out[i].is_some() {
            continue;
        }
        for role in Role::ALL {
            let Some(fit) = content_fit(role, g) else {
                continue;
            };
            let by_name = name_score(role, name);
            if by_name > 0.0 && by_name < 1.0 && !word_match_supported(role, g) {
                continue;
            }
            let score = if by_name > 0.0 {
                0.55 + 0.4 * by_name + fit * 0.1
            } else if role == Role::Email && fit > 0.0 {
                0.8
            } else {
                0.0
            };
            if score > 0.0 {
                candidates.push((score, i, role));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut taken_roles: Vec<Role> = Vec::new();
    for (score, i, role) in candidates {
        if out[i].is_some() || (!role.is_pii() && taken_roles.contains(&role)) {
            continue;
        }
        out[i] = Some(RoleGuess {
            role,
            confidence: score.min(0.99),
        });
        taken_roles.push(role);
    }
    // Content-only fallbacks for the roles every transaction analysis needs.
    let free = |out: &Vec<Option<RoleGuess>>, i: usize| out[i].is_none();
    if !taken_roles.contains(&Role::Date)
        && let Some(i) = (0..n).find(|&i| free(&out, i) && guesses[i].kind.is_temporal())
    {
        out[i] = Some(RoleGuess {
            role: Role::Date,
            confidence: 0.5,
        });
    }
    // An amount by content alone only in what looks like purchases: not in a contact log.
    let contact_log = taken_roles
        .iter()
        .any(|r| matches!(r, Role::ContactType | Role::ContactOutcome));
    if !taken_roles.contains(&Role::Amount) && !contact_log {
        let best = (0..n)
            .filter(|&i| free(&out, i) && guesses[i].kind == ColumnKind::Number)
            .max_by(|&a, &b| {
                let ma = guesses[a].mean.unwrap_or(0.0).abs();
                let mb = guesses[b].mean.unwrap_or(0.0).abs();
                ma.total_cmp(&mb)
            });
        if let Some(i) = best {
            out[i] = Some(RoleGuess {
                role: Role::Amount,
                confidence: 0.4,
            });
        }
    }
    // A file keyed by e-mail (a shop export): the e-mail is the customer key, so that it is
    // pseudonymized and joins rather than dropped.
    if !taken_roles.contains(&Role::CustomerId)
        && let Some(i) = (0..n).find(|&i| out[i].is_some_and(|g| g.role == Role::Email))
    {
        out[i] = Some(RoleGuess {
            role: Role::CustomerId,
            confidence: 0.5,
        });
        taken_roles.push(Role::CustomerId);
    }
    if !taken_roles.contains(&Role::CustomerId)
        && let Some(i) = (0..n).find(|&i| {
            free(&out, i)
                && matches!(guesses[i].kind, ColumnKind::Text | ColumnKind::Integer)
                && guesses[i].distinct_ratio < 0.95
                && guesses[i].non_blank > 0
        })
    {
        out[i] = Some(RoleGuess {
            role: Role::CustomerId,
            confidence: 0.35,
        });
    }
    // A warehouse's customer summary is read by its column names (`warehouse`): its
    // `calibration_end` is the holdout split, not a contract's end, whatever its words say.
    if crate::warehouse::is_summary(names.iter().map(String::as_str)) {
        for (i, name) in names.iter().enumerate() {
            let own = name.trim().to_ascii_lowercase();
            let summary_column = crate::warehouse::REQUIRED
                .iter()
                .chain(&crate::warehouse::CALIBRATION)
                .any(|c| *c == own);
            if summary_column
                && out[i].is_some_and(|g| matches!(g.role, Role::ContractStart | Role::ContractEnd))
            {
                out[i] = None;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization() {
        assert_eq!(normalize("Date de commande"), "date_de_commande");
        assert_eq!(normalize("N° Client"), "n_client");
        assert_eq!(normalize("customerId"), "customer_id");
        assert_eq!(normalize("  Montant TTC (€) "), "montant_ttc");
        assert_eq!(normalize("Échéance"), "echeance");
    }

    fn guess(values: &[&str]) -> KindGuess {
        let v: Vec<&[u8]> = values.iter().map(|s| s.as_bytes()).collect();
        super::super::sniff::guess_kind(&v)
    }

    fn roles_of(columns: &[(&str, &[&str])]) -> Vec<Option<Role>> {
        let names: Vec<String> = columns.iter().map(|c| c.0.to_string()).collect();
        let guesses: Vec<KindGuess> = columns.iter().map(|c| guess(c.1)).collect();
        assign_roles(&names, &guesses)
            .into_iter()
            .map(|g| g.map(|g| g.role))
            .collect()
    }

    #[test]
    fn content_wins_over_misleading_headers() {
        let stores: &[&str] = &["Victor Hugo", "Jean Jaurès", "Charles de Gaulle"];
        let people: &[&str] = &["Jean Dupont", "Marie Martin", "Pierre Durand"];
        let ibans: &[&str] = &[
            "FR76 3000 6000 0112 3456 7890 189",
            "DE89 3704 0044 0532 0130 00",
        ];
        let emails: &[&str] = &["a@exemple.fr", "b@exemple.fr", "a@exemple.fr"];
        assert_eq!(
            roles_of(&[
                ("Magasin", stores),
                ("Compte", ibans),
                ("Contact", people),
                ("Email", emails)
            ]),
            [
                // A store named after a person stays the store.
                Some(Role::Region),
                Some(Role::Iban),
                Some(Role::Name),
                // Keyed by e-mail: the e-mail is the customer key, to be pseudonymized.
                Some(Role::CustomerId),
            ]
        );
        // A customer-id header keeps the key whatever it holds.
        assert_eq!(roles_of(&[("client", emails)]), [Some(Role::CustomerId)]);
        // "PhoneService" holding Yes and No is not a phone column.
        assert_eq!(roles_of(&[("PhoneService", &["Yes", "No", "Yes"])]), [None]);
        assert_eq!(
            roles_of(&[("Date de naissance", &["12/03/1985", "01/07/1990"])]),
            [Some(Role::BirthDate)]
        );
    }

    #[test]
    fn names() {
        assert_eq!(name_score(Role::CustomerId, "N° Client"), 1.0);
        assert_eq!(name_score(Role::CustomerId, "CustomerID"), 1.0);
        assert_eq!(name_score(Role::Amount, "Montant TTC (€)"), 1.0);
        assert_eq!(name_score(Role::Date, "Date de la vente"), 0.6);
        assert_eq!(name_score(Role::Amount, "region"), 0.0);
    }
}
