//! The customer card: `/customer?id=C0042`, `data-page="customer"`.
//!
//! A search over the customer table (in the worker: ids and every text column, as you type)
//! and one customer's card: segment and the action it suggests, the profile predictions
//! (historic, predicted and total value, the 90-day risk of no purchase, the next order, the
//! time between orders) and every score, each placed among the customers ("top 5 %"), then
//! the customer's own data from the consolidated base. Lists of customers elsewhere link here.

use leptos::prelude::*;
use leptos_router::hooks::query_signal;
use prisme_core::consolidate::TableKind;
use prisme_core::explore::{Card, SortBy, TableQuery, Value};
use prisme_core::ingest::date::{civil_from_days, format_days, parse_iso_days};
use prisme_core::segment::Segment;

use crate::charts::{BarChart, NumFmt, Series};
use crate::engine::Request;
use crate::i18n::Lang;
use crate::protocol::{CardSource, FromWorker};
use crate::store::use_app;
use crate::ui::table::{cell_text, raw};
use crate::ui::widgets::Section;

/// Search results shown at once.
const MATCHES: usize = 8;

/// The card's scores, in reading order; the rest of the row is the customer's data.
const SCORES: [&str; 17] = [
    "clv",
    "historic_clv",
    "total_clv",
    "p_alive",
    "p_no_purchase_90d",
    "risk_90d",
    "next_order",
    "days_between_orders",
    "expected_purchases",
    "churn_score",
    "recency",
    "frequency",
    "monetary",
    "r",
    "f",
    "m",
    "cluster",
];

/// The address of a customer's card (for links from any list).
pub fn card_href(id: &str) -> String {
    let mut encoded = String::new();
    for b in id.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            encoded.push(b as char);
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    super::at(&format!("/customer?id={encoded}"))
}

fn text(v: &Value) -> Option<&str> {
    match v {
        Value::Text(t) => Some(t),
        _ => None,
    }
}

#[component]
pub fn CustomerPage() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let t = move || lang.get().cust();
    let (id_q, set_id) = query_signal::<String>("id");
    let search = RwSignal::new(String::new());
    let matches = RwSignal::new(None::<Vec<(String, Option<String>)>>);
    let card = RwSignal::new(None::<Result<Option<(Card, Vec<CardSource>)>, String>>);
    let latest_search = StoredValue::new(0u32);
    let latest_card = StoredValue::new(0u32);

    // Results as you type: the worker filters the whole table on each keystroke.
    Effect::new(move |_| {
        let q = search.get();
        let revision = app
            .run
            .with(|r| r.as_ref().filter(|r| r.live).map(|r| r.revision));
        if q.trim().is_empty() || revision.is_none() {
            matches.set(None);
            return;
        }
        let engine = app.engine();
        let job = engine.next_job();
        latest_search.set_value(job);
        let query = TableQuery {
            search: q.trim().to_string(),
            limit: MATCHES,
            columns: vec!["customer_id".into(), "segment".into()],
            sort: Some(SortBy {
                column: "customer_id".into(),
                descending: false,
            }),
            ..TableQuery::default()
        };
        engine.call(Request::Query { job, query }, move |answer| {
            if latest_search.try_get_value() != Some(job) {
                return;
            }
            if let Ok(FromWorker::Rows { page, .. }) =
                answer.and_then(|m| crate::engine::decode(&m))
            {
                let rows = page
                    .rows
                    .iter()
                    .map(|r| {
                        let id = r.first().map(raw).unwrap_or_default();
                        let seg = r.get(1).and_then(text).map(str::to_string);
                        (id, seg)
                    })
                    .collect();
                matches.set(Some(rows));
            }
        });
    });

    // The card of the customer in the address.
    Effect::new(move |_| {
        let id = id_q.get().unwrap_or_default();
        let revision = app
            .run
            .with(|r| r.as_ref().filter(|r| r.live).map(|r| r.revision));
        if id.is_empty() || revision.is_none() {
            card.set(None);
            return;
        }
        let engine = app.engine();
        let job = engine.next_job();
        latest_card.set_value(job);
        engine.call(Request::Card { job, id }, move |answer| {
            if latest_card.try_get_value() != Some(job) {
                return;
            }
            card.set(Some(match answer.and_then(|m| crate::engine::decode(&m)) {
                Ok(FromWorker::Card { card, sources, .. }) => Ok(card.map(|c| (c, sources))),
                Ok(other) => Err(format!("unexpected {} message", other.kind())),
                Err(e) => Err(e),
            }));
        });
    });

    let results = move || {
        let l = lang.get();
        matches.get().map(|rows| {
            if rows.is_empty() {
                return view! { <p class="muted" data-testid="no-match">{l.cust().no_match}</p> }
                    .into_any();
            }
            view! {
                <ul class="customer-matches" data-testid="customer-matches">
                    {rows
                        .into_iter()
                        .map(|(id, seg)| {
                            let seg = seg
                                .as_deref()
                                .and_then(Segment::from_key)
                                .map(|s| l.segment(s).to_string())
                                .unwrap_or_default();
                            let go = id.clone();
                            let key = id.clone();
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="link-button"
                                        data-customer=key
                                        on:click=move |_| {
                                            set_id.set(Some(go.clone()));
                                            search.set(String::new());
                                        }
                                    >
                                        <strong>{id}</strong>
                                        " "
                                        <span class="muted">{seg}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any()
        })
    };

    let card_view = move || {
        let l = lang.get();
        match card.get()? {
            Err(e) => Some(view! { <p class="error" role="alert">{e}</p> }.into_any()),
            Ok(None) => Some(
                view! { <p class="muted" data-testid="not-found">{l.cust().not_found}</p> }
                    .into_any(),
            ),
            Ok(Some((c, sources))) => {
                let migration_from = app.report.with(|r| {
                    r.as_ref()
                        .and_then(|r| r.rfm.as_ref())
                        .and_then(|rfm| rfm.migration.as_ref())
                        .map(|m| m.from_snapshot)
                });
                let snapshot = app.report.with(|r| {
                    r.as_ref()
                        .and_then(|r| r.rfm.as_ref())
                        .and_then(|rfm| parse_iso_days(&rfm.snapshot))
                });
                Some(
                    view! {
                        {card_body(l, &c, migration_from)}
                        {sources
                            .iter()
                            .map(|src| source_view(l, src, snapshot))
                            .collect_view()}
                    }
                    .into_any(),
                )
            }
        }
    };

    let live = move || app.run.with(|r| r.as_ref().is_some_and(|r| r.live));
    let w = move || lang.get().wb();
    view! {
        {move || (!live()).then(|| view! { <p class="notice" data-testid="table-needs-run">{move || w().table_needs_run}</p> })}
        <Section title=Signal::derive(move || t().search.to_string()) intro=Signal::derive(move || t().intro.to_string()) id="customer-search">
            <input
                type="search"
                class="search customer-search"
                data-testid="customer-search"
                aria-label=move || t().search
                placeholder=move || t().search_hint
                prop:value=move || search.get()
                on:input=move |ev| search.set(event_target_value(&ev))
            />
            {results}
        </Section>
        {card_view}
    }
}

fn card_body(l: Lang, c: &Card, migration_from: Option<i32>) -> AnyView {
    let t = l.cust();
    let at = |name: &str| c.columns.iter().position(|x| x.name == name);
    let value = |name: &str| at(name).map(|i| &c.values[i]);
    let id = c.values.first().map(raw).unwrap_or_default();
    let heading = id.clone();
    let segment = value("segment").and_then(text).and_then(Segment::from_key);
    let high_risk = value("risk_90d").and_then(text) == Some("high");
    // Where the customer stood at the migration's first snapshot.
    let previous = match (migration_from, value("previous_segment")) {
        (Some(from), Some(v)) if segment.is_some() => {
            let date = l.date(&format_days(from));
            let (key, text) = match text(v).and_then(Segment::from_key) {
                Some(p) => (p.key(), format!("{} {} {date}", l.segment(p), t.was)),
                None => ("", format!("{} {date}", t.was_new)),
            };
            Some(view! {
                <span class="muted customer-previous" data-testid="customer-previous" data-value=key>
                    {format!(" · {}", text)}
                </span>
            })
        }
        _ => None,
    };
    let action = segment.map(|s| l.seg().action(s));
    let facts = SCORES
        .iter()
        .filter_map(|&name| {
            let i = at(name)?;
            let v = &c.values[i];
            // Whole percents, the very top reading "top 1 %".
            let standing = c.above[i].map(|share| {
                format!(
                    "{} {}",
                    t.top,
                    l.pct_short((share * 100.0).ceil().max(1.0) / 100.0)
                )
            });
            let note = (name == "next_order" && !matches!(v, Value::Null)).then_some(t.if_active);
            Some(view! {
                <article class="kpi-tile" data-fact=name data-value=raw(v)>
                    <header>
                        <span class="kpi-name">{l.column_title(name)}</span>
                    </header>
                    <p class="kpi-big">{cell_text(l, name, v)}</p>
                    {standing.map(|s| view! { <p class="kpi-extra" data-standing=name>{s}</p> })}
                    {note.map(|n| view! { <p class="kpi-extra">{n}</p> })}
                </article>
            })
        })
        .collect_view();
    let attributes = c
        .columns
        .iter()
        .zip(&c.values)
        .skip(1)
        .filter(|(col, _)| {
            !matches!(col.name.as_str(), "segment" | "previous_segment")
                && !SCORES.contains(&col.name.as_str())
        })
        .map(|(col, v)| {
            let name = col.name.clone();
            view! {
                <tr data-attr=name.clone()>
                    <th scope="row">{l.column_title(&name)}</th>
                    <td>{cell_text(l, &name, v)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="card section customer-card" data-section="customer-card" data-customer=id.clone()>
            <h2 data-testid="customer-id">{heading}</h2>
            <p class="customer-segment">
                <strong data-testid="customer-segment">
                    {segment.map(|s| l.segment(s).to_string()).unwrap_or_else(|| "–".into())}
                </strong>
                {previous}
            </p>
            {action
                .map(|a| {
                    view! {
                        <p class="customer-action" data-testid="customer-action">
                            <span class="kpi-name">{t.action}</span>
                            " "
                            {a}
                        </p>
                    }
                })}
            {high_risk.then(|| view! { <p class="customer-risk" data-testid="customer-risk">{t.high_risk}</p> })}
        </section>
        <section class="card section" data-section="customer-scores">
            <h2>{t.scores}</h2>
            <p class="intro">{t.scores_intro}</p>
            <div class="kpi-grid small">{facts}</div>
        </section>
        <section class="card section" data-section="customer-data">
            <h2>{t.attributes}</h2>
            <table class="small-table customer-attributes">
                <tbody>{attributes}</tbody>
            </table>
        </section>
    }
    .into_any()
}

/// Rows of a source table shown on the card (the rest is counted).
const SHOWN_ROWS: usize = 20;

/// Months of purchases the card's chart covers at most.
const CHART_MONTHS: usize = 36;

/// Days ahead within which a contract's end is "soon".
const SOON_DAYS: i32 = 90;

/// A month index (`year * 12 + month - 1`) of a day.
fn month_of(days: i32) -> i32 {
    let (y, m, _) = civil_from_days(days);
    y * 12 + m as i32 - 1
}

/// The customer's rows in one of the other files: purchases (a chart of spend per month and
/// the latest purchases), contracts (the ones ending soon marked), contacts.
fn source_view(l: Lang, src: &CardSource, snapshot: Option<i32>) -> AnyView {
    let t = l.cust();
    let (title, kind) = match src.kind {
        TableKind::Transactions => (t.purchases, "purchases"),
        TableKind::Contracts => (t.contracts, "contracts"),
        TableKind::Interactions => (t.contacts, "contacts"),
        _ => (t.other_rows, "other"),
    };
    let at = |name: &Option<String>| {
        name.as_ref()
            .and_then(|n| src.rows.columns.iter().position(|c| &c.name == n))
    };
    let day = |v: &Value| match v {
        Value::Text(t) => parse_iso_days(t),
        _ => None,
    };
    let date_col = at(&src.date);
    let amount_col = at(&src.amount);
    let end_col = at(&src.contract_end);
    let total = src.rows.total;
    let summary = if kind == "purchases" {
        let spent: f64 = amount_col.map_or(0.0, |i| {
            src.rows
                .rows
                .iter()
                .filter_map(|r| match r[i] {
                    Value::Number(x) => Some(x),
                    _ => None,
                })
                .sum()
        });
        // The sum of the rows sent: all of them unless the customer has very many.
        if src.rows.rows.len() == total {
            format!(
                "{} · {}",
                l.count(total as u64, t.purchase_forms),
                l.money(spent)
            )
        } else {
            l.count(total as u64, t.purchase_forms)
        }
    } else {
        l.count(total as u64, t.row_forms)
    };
    // Spend per month, from the first purchase (or 36 months back) to the snapshot.
    let chart = (kind == "purchases")
        .then(|| {
            let (d, a) = (date_col?, amount_col?);
            let points: Vec<(i32, f64)> = src
                .rows
                .rows
                .iter()
                .filter_map(|r| {
                    let x = match r[a] {
                        Value::Number(x) => x,
                        _ => return None,
                    };
                    Some((month_of(day(&r[d])?), x))
                })
                .collect();
            let last = snapshot
                .map(month_of)
                .or_else(|| points.iter().map(|p| p.0).max())?;
            let first = points
                .iter()
                .map(|p| p.0)
                .min()?
                .max(last - CHART_MONTHS as i32 + 1);
            let n = (last - first + 1).max(1) as usize;
            let mut values = vec![0.0; n];
            for (m, x) in &points {
                if (first..=last).contains(m) {
                    values[(m - first) as usize] += x;
                }
            }
            let labels: Vec<String> = (first..=last)
                .map(|m| l.period(&format!("{}-{:02}", m.div_euclid(12), m.rem_euclid(12) + 1)))
                .collect();
            let lang = Signal::derive(move || l);
            Some(view! {
                <BarChart
                    id="customer-purchases".to_string()
                    title=Signal::derive(move || l.cust().spend_per_month.to_string())
                    note=Signal::derive(move || l.cust().last_months.to_string())
                    labels=labels
                    series=vec![Series::new(l.cust().spend_per_month, values, 0)]
                    fmt=NumFmt::Money
                    lang=lang
                    width=720.0
                    height=200.0
                />
            })
        })
        .flatten();
    let head = src
        .rows
        .columns
        .iter()
        .map(|c| view! { <th scope="col">{l.column_title(&c.name)}</th> })
        .collect_view();
    let names: Vec<String> = src.rows.columns.iter().map(|c| c.name.clone()).collect();
    let body = src
        .rows
        .rows
        .iter()
        .take(SHOWN_ROWS)
        .map(|r| {
            let end = end_col.and_then(|i| day(&r[i]));
            let soon = matches!((end, snapshot), (Some(e), Some(s)) if e >= s && e <= s + SOON_DAYS);
            let ended = matches!((end, snapshot), (Some(e), Some(s)) if e < s);
            let cells = r
                .iter()
                .zip(&names)
                .map(|(v, n)| {
                    let num = matches!(v, Value::Number(_));
                    view! { <td class:num=num data-col=n.clone() data-raw=raw(v)>{cell_text(l, n, v)}</td> }
                })
                .collect_view();
            view! {
                <tr class:soon=soon class:ended=ended data-soon=soon.then_some("true")>
                    {cells}
                    {(end_col.is_some()).then(|| view! {
                        <td>
                            {soon.then(|| view! { <span class="badge warn">{l.cust().ending_soon}</span> })}
                            {ended.then(|| view! { <span class="muted small">{l.cust().ended}</span> })}
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    let more = (total > SHOWN_ROWS)
        .then(|| format!("{} {}", l.int((total - SHOWN_ROWS) as u64), t.more_rows));
    view! {
        <section class="card section" data-section=format!("customer-{kind}") data-total=total.to_string()>
            <h2>{title}</h2>
            <p class="intro">{format!("{} · {}", src.file, summary)}</p>
            {chart}
            <div class="scroll-x" tabindex="0" role="region" aria-label=title hidden=total == 0>
                <table class="data customer-rows">
                    <thead>
                        <tr>
                            {head}
                            {end_col.is_some().then(|| view! { <th scope="col"><span class="visually-hidden">{t.status}</span></th> })}
                        </tr>
                    </thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            {more.map(|m| view! { <p class="muted">{m}</p> })}
        </section>
    }
    .into_any()
}
