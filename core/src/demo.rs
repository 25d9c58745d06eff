//! The demo dataset: a French retail chain's customer files, as a consultant would receive
//! them, so that the whole product can be shown without a client's file.
//!
//! Four files in French Excel's convention (`;`, decimal comma, `dd/mm/yyyy`, UTF-8 with a
//! BOM): customers with agency, region, acquisition channel and birth year; about 100,000
//! purchases over three years with seasonality (December peak, January and July sales, an
//! August dip); loyalty contracts with end dates; a contact log.
//!
//! Purchases follow the process BG/NBD assumes (Fader, Hardie & Lee 2005): each customer buys
//! at a Poisson rate drawn from a gamma distribution and, after each purchase, drops out with
//! a probability drawn from a beta distribution; spend per order follows a gamma around a
//! customer's own mean (the Gamma-Gamma model). So the customer-value page finds real
//! structure, and some customers have visibly churned. The same seed gives the same bytes on
//! every platform (the [`SplitMix64`] stream), so `prisme generate --demo` and the app's
//! "Try the demo" button agree.

use crate::ingest::date::{civil_from_days, days_from_civil};
use crate::math::Portable;
use crate::synth::SplitMix64;

/// What the demo looks like.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoParams {
    pub seed: u64,
    pub customers: usize,
    /// First day of the three years (days since 1970-01-01).
    pub start: i32,
    pub days: i32,
}

impl Default for DemoParams {
    fn default() -> Self {
        DemoParams {
            seed: 42,
            customers: 15_000,
            start: days_from_civil(2023, 12, 1),
            days: 1096,
        }
    }
}

/// One generated file.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoFile {
    pub name: &'static str,
    pub bytes: Vec<u8>,
}

/// Agencies and their regions: a slice a branch adviser recognises.
const AGENCIES: [(&str, &str); 12] = [
    ("Paris Opéra", "Île-de-France"),
    ("Paris Bastille", "Île-de-France"),
    ("Versailles", "Île-de-France"),
    ("Lille Centre", "Hauts-de-France"),
    ("Amiens", "Hauts-de-France"),
    ("Lyon Part-Dieu", "Auvergne-Rhône-Alpes"),
    ("Grenoble", "Auvergne-Rhône-Alpes"),
    ("Marseille Prado", "Provence-Alpes-Côte d'Azur"),
    ("Nice Masséna", "Provence-Alpes-Côte d'Azur"),
    ("Bordeaux Intendance", "Nouvelle-Aquitaine"),
    ("Nantes Graslin", "Pays de la Loire"),
    ("Rennes République", "Bretagne"),
];
/// Relative size of each agency's clientele.
const AGENCY_WEIGHTS: [f64; 12] = [1.6, 1.2, 0.8, 1.1, 0.5, 1.3, 0.6, 1.0, 0.7, 0.9, 0.8, 0.7];
const CHANNELS: [(&str, f64); 3] = [("Magasin", 0.58), ("Web", 0.32), ("Téléphone", 0.10)];
/// Seasonality of purchases by month (January = 0): sales in January and July, the
/// Christmas peak, the August dip.
const SEASON: [f64; 12] = [
    1.15, 0.80, 0.90, 0.95, 1.00, 0.95, 1.20, 0.70, 0.95, 1.00, 1.15, 1.75,
];
const CONTACT_CHANNELS: [&str; 4] = ["Téléphone", "E-mail", "Agence", "Courrier"];
const CONTACT_REASONS: [&str; 5] = [
    "Réclamation",
    "Information produit",
    "Relance fidélité",
    "Service après-vente",
    "Offre commerciale",
];
const CONTACT_OUTCOMES: [&str; 3] = ["Résolu", "En cours", "Sans suite"];

/// Gamma(shape, 1) by Marsaglia and Tsang (2000), boosted for shape < 1.
fn gamma(rng: &mut SplitMix64, shape: f64) -> f64 {
    if shape < 1.0 {
        let u = 1.0 - rng.next_f64();
        return gamma(rng, shape + 1.0) * u.det_powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        let x = rng.normal();
        let v = (1.0 + c * x).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u = 1.0 - rng.next_f64();
        if u.det_ln() < 0.5 * x * x + d - d * v + d * v.det_ln() {
            return d * v;
        }
    }
}

fn beta(rng: &mut SplitMix64, a: f64, b: f64) -> f64 {
    let x = gamma(rng, a);
    let y = gamma(rng, b);
    x / (x + y)
}

fn pick_weighted(rng: &mut SplitMix64, weights: &[f64]) -> usize {
    let total: f64 = weights.iter().sum();
    let mut u = rng.next_f64() * total;
    for (i, w) in weights.iter().enumerate() {
        if u < *w {
            return i;
        }
        u -= w;
    }
    weights.len() - 1
}

fn fr_date(days: i32) -> String {
    let (y, m, d) = civil_from_days(days);
    format!("{d:02}/{m:02}/{y}")
}

fn fr_money(x: f64) -> String {
    let cents = (x * 100.0).round() as i64;
    format!("{},{:02}", cents / 100, (cents % 100).abs())
}

/// The month's seasonal weight of a day.
fn season(day: i32) -> f64 {
    let (_, m, _) = civil_from_days(day);
    SEASON[(m - 1) as usize]
}

/// The four files, in the order a consultant would drop them.
pub fn demo_files(params: &DemoParams) -> Vec<DemoFile> {
    let mut rng = SplitMix64::new(params.seed);
    let n = params.customers;
    let end = params.start + params.days;
    let max_season = SEASON.iter().copied().fold(0.0, f64::max);
    let bom = "\u{feff}";
    let mut customers = format!(
        "{bom}id_client;agence;région;canal_acquisition;année_naissance;date_inscription\n"
    );
    let mut purchases = format!("{bom}id_client;date_achat;montant;canal\n");
    let mut contracts = format!("{bom}id_client;contrat;date_début;date_fin\n");
    let mut contacts = format!("{bom}id_client;date_contact;canal;motif;résultat\n");
    let channel_weights: Vec<f64> = CHANNELS.iter().map(|c| c.1).collect();
    for c in 0..n {
        let id = format!("CL{:06}", c + 1);
        let agency = pick_weighted(&mut rng, &AGENCY_WEIGHTS);
        let (agency_name, region) = AGENCIES[agency];
        let channel = pick_weighted(&mut rng, &channel_weights);
        let birth_year = 1945 + (rng.next_f64() * 60.0).det_powf(1.05).min(60.0) as i32;
        // Acquisition: a base of customers before the window, then steady arrivals with a
        // push each December.
        let joined = if rng.next_f64() < 0.35 {
            params.start - 1 - rng.below(900) as i32
        } else {
            let mut d;
            loop {
                d = params.start + rng.below(params.days as u64) as i32;
                if rng.next_f64() * max_season < season(d) {
                    break;
                }
            }
            d
        };
        customers.push_str(&format!(
            "{id};{agency_name};{region};{};{birth_year};{}\n",
            CHANNELS[channel].0,
            fr_date(joined)
        ));
        // BG/NBD: rate λ ~ Gamma(r = 0.9, α = 28 days); dropout p ~ Beta(a = 0.7, b = 6).
        let lambda = (gamma(&mut rng, 0.9) / 28.0).max(1e-5);
        let p = beta(&mut rng, 0.7, 6.0);
        // Gamma-Gamma: mean spend ~ inverse-gamma around 65 €; orders spread around it.
        let mean_spend = 12.0 + 60.0 / gamma(&mut rng, 4.0) * 3.0;
        let web_share = match channel {
            1 => 0.7,
            2 => 0.2,
            _ => 0.15,
        };
        let gap = |rng: &mut SplitMix64| (-(1.0 - rng.next_f64()).det_ln() / lambda).ceil() as i32;
        let mut last = None;
        let mut orders = 0u32;
        // Customers from before the window may have left already.
        let gone = joined < params.start && rng.next_f64() < 0.3;
        let mut day = if joined >= params.start {
            joined
        } else {
            params.start + gap(&mut rng)
        };
        let mut first = joined >= params.start;
        while !gone && day < end {
            // Thinning by season keeps the calendar's shape; the first purchase is the
            // acquisition itself.
            if first || rng.next_f64() * max_season < season(day) {
                let spend = mean_spend * gamma(&mut rng, 6.0) / 6.0;
                let ch = if rng.next_f64() < web_share {
                    "Web"
                } else {
                    "Magasin"
                };
                purchases.push_str(&format!(
                    "{id};{};{};{ch}\n",
                    fr_date(day),
                    fr_money(spend.max(2.5))
                ));
                last = Some(day);
                orders += 1;
                if rng.next_f64() < p {
                    break;
                }
            }
            first = false;
            day += gap(&mut rng);
        }
        // Loyalty contracts: more likely for buyers; one- or two-year cards, some ending in
        // the next quarter.
        if orders > 0 && rng.next_f64() < 0.25 + 0.05 * f64::from(orders.min(8)) {
            let kind = if rng.next_f64() < 0.7 {
                "Carte Fidélité"
            } else {
                "Carte Premium"
            };
            let begin = last.unwrap_or(joined) - rng.below(300) as i32;
            let years = if kind == "Carte Premium" { 2 } else { 1 };
            let mut stop = begin + 365 * years;
            while stop < end - 60 && rng.next_f64() < 0.6 {
                stop += 365 * years;
            }
            contracts.push_str(&format!(
                "{id};{kind};{};{}\n",
                fr_date(begin),
                fr_date(stop)
            ));
        }
        // Contacts: a few per customer, more for frequent buyers.
        let k = rng.below(3) + u64::from(orders > 5);
        for _ in 0..k {
            let d = params.start + rng.below(params.days as u64) as i32;
            contacts.push_str(&format!(
                "{id};{};{};{};{}\n",
                fr_date(d),
                CONTACT_CHANNELS[rng.below(4) as usize],
                CONTACT_REASONS[rng.below(5) as usize],
                CONTACT_OUTCOMES[rng.below(3) as usize]
            ));
        }
    }
    vec![
        DemoFile {
            name: "clients.csv",
            bytes: customers.into_bytes(),
        },
        DemoFile {
            name: "achats.csv",
            bytes: purchases.into_bytes(),
        },
        DemoFile {
            name: "contrats.csv",
            bytes: contracts.into_bytes(),
        },
        DemoFile {
            name: "contacts.csv",
            bytes: contacts.into_bytes(),
        },
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gamma_and_beta_have_their_means() {
        let mut rng = SplitMix64::new(7);
        let n = 200_000;
        let g: f64 = (0..n).map(|_| gamma(&mut rng, 0.9)).sum::<f64>() / n as f64;
        assert!((g - 0.9).abs() < 0.01, "gamma mean {g}");
        let g: f64 = (0..n).map(|_| gamma(&mut rng, 6.0)).sum::<f64>() / n as f64;
        assert!((g - 6.0).abs() < 0.03, "gamma mean {g}");
        let b: f64 = (0..n).map(|_| beta(&mut rng, 0.8, 4.5)).sum::<f64>() / n as f64;
        assert!((b - 0.8 / 5.3).abs() < 0.003, "beta mean {b}");
    }

    #[test]
    fn deterministic_french_files() {
        let p = DemoParams {
            customers: 300,
            ..DemoParams::default()
        };
        let a = demo_files(&p);
        assert_eq!(a, demo_files(&p));
        let names: Vec<&str> = a.iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            ["clients.csv", "achats.csv", "contrats.csv", "contacts.csv"]
        );
        let text = String::from_utf8(a[1].bytes.clone()).unwrap();
        let first = text.lines().nth(1).unwrap();
        let fields: Vec<&str> = first.split(';').collect();
        assert_eq!(fields.len(), 4);
        assert!(fields[1].as_bytes()[2] == b'/', "{first}");
        assert!(fields[2].contains(','), "{first}");
    }
}
