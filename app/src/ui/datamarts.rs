//! Datamarts and target lists: `/datamarts?m=<name>`, `data-page="datamarts"`.
//!
//! A datamart is a named filter over the customer table (the scores joined with the
//! consolidated base, as `prisme workbench` builds it), in the CLI's `--datamart` JSON: a file
//! saved here works with `prisme workbench --datamart` and the reverse. The page builds the
//! filter from conditions (any column, `all` or `any`), shows what it selects as you edit
//! (counted and summed over the whole table in the worker), previews the customers, and
//! exports the target list the worker writes with the CLI's writer, so the two are the same
//! bytes. Filters the condition rows cannot show (nested groups) are edited as JSON.
//!
//! Saved datamarts live in local storage (`prisme.datamarts`, a JSON list); a write the
//! browser refuses leaves what was saved before untouched and says so.

use leptos::prelude::*;
use leptos::web_sys;
use leptos_router::hooks::query_signal;
use prisme_core::datamart::{Cmp, Datamart, Filter};
use prisme_core::explore::{ColumnFacet, Selection, SortBy, ValueKind};
use prisme_core::ingest::date::{format_days, parse_iso_days};
use prisme_core::segment::Segment;
use wasm_bindgen_futures::JsFuture;

use crate::engine::{ReidentifyWith, Request};
use crate::export;
use crate::i18n::Lang;
use crate::protocol::FromWorker;
use crate::store::use_app;
use crate::ui::mart_sync::MartSync;
use crate::ui::table::CustomerTable;
use crate::ui::widgets::Section;

const MARTS_KEY: &str = "prisme.datamarts";
/// The last analysis' columns, so that a reloaded page still knows which are dates.
const FACETS_KEY: &str = "prisme.facets";

/// The target list's columns until the user picks others: the CLI's default.
pub(crate) const DEFAULT_TARGET: [&str; 3] = ["segment", "p_alive", "clv"];

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

/// The datamarts saved in this browser, by name.
pub(crate) fn load_marts() -> Vec<Datamart> {
    let mut marts: Vec<Datamart> = storage()
        .and_then(|s| s.get_item(MARTS_KEY).ok().flatten())
        .and_then(|t| serde_json::from_str(&t).ok())
        .unwrap_or_default();
    marts.sort_by(|a, b| a.name.cmp(&b.name));
    marts
}

/// The open workspace's datamarts become this browser's list (a workspace opened or made).
pub(crate) fn replace_marts(marts: &[Datamart]) {
    let _ = store_marts(marts);
}

/// Writes the list; on failure what was stored before stays.
pub(crate) fn store_marts(marts: &[Datamart]) -> Result<(), ()> {
    let text = serde_json::to_string(marts).map_err(|_| ())?;
    storage()
        .ok_or(())?
        .set_item(MARTS_KEY, &text)
        .map_err(|_| ())
}

/// A file name from a datamart's name.
fn file_stem(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "datamart".into() } else { s }
}

/// One condition as the editor shows it.
#[derive(Debug, Clone, PartialEq)]
enum Op {
    /// Text equals one of the values.
    In(Vec<String>),
    Cmp(Cmp, f64),
    /// Both bounds included.
    Between(f64, f64),
    /// Top percent (0–100].
    Top(f64),
    /// A date in `[as_of, as_of + days]`.
    Next {
        as_of: i32,
        days: u32,
    },
}

impl Op {
    /// The `<option>` value.
    fn key(&self) -> &'static str {
        match self {
            Op::In(_) => "in",
            Op::Cmp(c, _) => cmp_key(*c),
            Op::Between(..) => "between",
            Op::Top(_) => "top",
            Op::Next { .. } => "next",
        }
    }
}

fn cmp_key(c: Cmp) -> &'static str {
    match c {
        Cmp::Lt => "lt",
        Cmp::Le => "le",
        Cmp::Gt => "gt",
        Cmp::Ge => "ge",
        Cmp::Eq => "eq",
        Cmp::Ne => "ne",
    }
}

const CMPS: [(Cmp, &str); 6] = [
    (Cmp::Lt, "<"),
    (Cmp::Le, "≤"),
    (Cmp::Gt, ">"),
    (Cmp::Ge, "≥"),
    (Cmp::Eq, "="),
    (Cmp::Ne, "≠"),
];

#[derive(Debug, Clone, PartialEq)]
struct Cond {
    /// Stable key of the row while editing.
    id: u32,
    column: String,
    op: Op,
    negate: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Draft {
    name: String,
    description: String,
    any: bool,
    conds: Vec<Cond>,
    /// A filter the rows cannot show, edited as JSON only.
    raw: Option<Filter>,
}

impl Draft {
    fn filter(&self) -> Filter {
        if let Some(f) = &self.raw {
            return f.clone();
        }
        let of = self.conds.iter().map(cond_filter).collect();
        if self.any {
            Filter::Any { of }
        } else {
            Filter::All { of }
        }
    }

    fn datamart(&self) -> Datamart {
        Datamart {
            name: self.name.trim().to_string(),
            description: self.description.clone(),
            filter: self.filter(),
        }
    }

    /// The editor's form of a saved datamart: its conditions as rows when they fit, else
    /// the filter as JSON.
    fn of(mart: &Datamart, next_id: &mut u32) -> Draft {
        let (any, parts) = match &mart.filter {
            Filter::All { of } => (false, of.clone()),
            Filter::Any { of } => (true, of.clone()),
            other => (false, vec![other.clone()]),
        };
        let conds: Option<Vec<Cond>> = parts
            .iter()
            .map(|f| {
                *next_id += 1;
                parse_cond(f, *next_id)
            })
            .collect();
        Draft {
            name: mart.name.clone(),
            description: mart.description.clone(),
            any,
            raw: conds.is_none().then(|| mart.filter.clone()),
            conds: conds.unwrap_or_default(),
        }
    }
}

fn cond_filter(c: &Cond) -> Filter {
    let column = c.column.clone();
    let f = match &c.op {
        Op::In(values) => Filter::In {
            column,
            values: values.clone(),
        },
        Op::Cmp(cmp, value) => Filter::Compare {
            column,
            cmp: *cmp,
            value: *value,
        },
        Op::Between(lo, hi) => Filter::All {
            of: vec![
                Filter::Compare {
                    column: column.clone(),
                    cmp: Cmp::Ge,
                    value: *lo,
                },
                Filter::Compare {
                    column,
                    cmp: Cmp::Le,
                    value: *hi,
                },
            ],
        },
        Op::Top(pct) => Filter::Top {
            column,
            share: pct / 100.0,
        },
        Op::Next { as_of, days } => Filter::DateWithin {
            column,
            as_of: *as_of,
            days: *days,
        },
    };
    if c.negate {
        Filter::Not {
            filter: Box::new(f),
        }
    } else {
        f
    }
}

fn parse_cond(f: &Filter, id: u32) -> Option<Cond> {
    let (f, negate) = match f {
        Filter::Not { filter } => (filter.as_ref(), true),
        f => (f, false),
    };
    let (column, op) = match f {
        Filter::In { column, values } => (column.clone(), Op::In(values.clone())),
        Filter::Compare { column, cmp, value } => (column.clone(), Op::Cmp(*cmp, *value)),
        Filter::Top { column, share } => (column.clone(), Op::Top(share * 100.0)),
        Filter::DateWithin {
            column,
            as_of,
            days,
        } => (
            column.clone(),
            Op::Next {
                as_of: *as_of,
                days: *days,
            },
        ),
        Filter::All { of } => match of.as_slice() {
            [
                Filter::Compare {
                    column: a,
                    cmp: Cmp::Ge,
                    value: lo,
                },
                Filter::Compare {
                    column: b,
                    cmp: Cmp::Le,
                    value: hi,
                },
            ] if a == b => (a.clone(), Op::Between(*lo, *hi)),
            _ => return None,
        },
        _ => return None,
    };
    Some(Cond {
        id,
        column,
        op,
        negate,
    })
}

/// A first condition on a column, by its kind.
fn default_op(facet: Option<&ColumnFacet>, as_of: i32) -> Op {
    match facet.map(|f| f.kind) {
        Some(ValueKind::Date) => Op::Next { as_of, days: 60 },
        Some(ValueKind::Number | ValueKind::Integer) => {
            let f = facet.expect("kind came from it");
            let mid = match (f.min, f.max) {
                (Some(a), Some(b)) => round_nicely((a + b) / 2.0),
                _ => 0.0,
            };
            Op::Cmp(Cmp::Ge, mid)
        }
        _ => Op::In(Vec::new()),
    }
}

/// Two significant digits: a starting value that reads as one a person would type.
fn round_nicely(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return 0.0;
    }
    let p = 10f64.powf(x.abs().log10().floor() - 1.0);
    (x / p).round() * p
}

fn parse_number(text: &str) -> Option<f64> {
    text.trim()
        .replace(',', ".")
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
}

#[component]
pub fn DatamartsPage() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let t = move || lang.get().mart();
    let (open_q, set_open) = query_signal::<String>("m");
    let marts = RwSignal::new(load_marts());
    // Each datamart's copy on the sync server, when one is set.
    let standing = RwSignal::new(crate::ui::mart_sync::standing());
    Effect::new(move |_| {
        app.synced.track();
        marts.track();
        standing.set(crate::ui::mart_sync::standing());
    });
    let next_id = StoredValue::new(0u32);
    let draft = RwSignal::new(Draft::default());
    // The name the draft was opened under (renaming replaces it on save).
    let origin = RwSignal::new(None::<String>);
    let facets = RwSignal::new(
        storage()
            .and_then(|s| s.get_item(FACETS_KEY).ok().flatten())
            .and_then(|t| serde_json::from_str::<Vec<ColumnFacet>>(&t).ok())
            .unwrap_or_default(),
    );
    let selection = RwSignal::new(None::<Result<Selection, String>>);
    let counts = RwSignal::new(Vec::<Option<usize>>::new());
    let status = RwSignal::new(None::<(bool, String)>);
    let deleted = RwSignal::new(None::<Datamart>);
    let target_cols = RwSignal::new(
        DEFAULT_TARGET
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>(),
    );
    let french = RwSignal::new(lang.get_untracked() == Lang::Fr);
    let reidentify = RwSignal::new(false);
    let json_text = RwSignal::new(String::new());
    let latest_sel = StoredValue::new(0u32);
    let latest_counts = StoredValue::new(0u32);

    let live_revision = move || {
        app.run
            .with(|r| r.as_ref().filter(|r| r.live).map(|r| r.revision))
    };
    let as_of = Memo::new(move |_| {
        app.report.with(|r| {
            r.as_ref()
                .and_then(|r| r.rfm.as_ref())
                .and_then(|rfm| parse_iso_days(&rfm.snapshot))
                .unwrap_or(0)
        })
    });
    let fresh_id = move || {
        next_id.update_value(|n| *n += 1);
        next_id.get_value()
    };

    // The draft of the datamart in the address (a new one when none).
    Effect::new(move |_| {
        let name = open_q.get();
        let found = name
            .as_deref()
            .and_then(|n| marts.with_untracked(|m| m.iter().find(|x| x.name == n).cloned()));
        let mut id = next_id.get_value();
        let d = match &found {
            Some(m) => Draft::of(m, &mut id),
            None => Draft::default(),
        };
        next_id.set_value(id);
        origin.set(found.map(|m| m.name));
        draft.set(d);
    });
    // The JSON beside the editor follows it.
    Effect::new(move |_| {
        let m = draft.with(Draft::datamart);
        json_text.set(serde_json::to_string_pretty(&m).unwrap_or_default());
    });

    // The table's columns, once per analysis.
    Effect::new(move |_| {
        if live_revision().is_none() {
            return;
        }
        let engine = app.engine();
        let job = engine.next_job();
        engine.call(Request::Facets { job }, move |answer| {
            if let Ok(FromWorker::Facets { columns, .. }) =
                answer.and_then(|m| crate::engine::decode(&m))
            {
                if let (Some(s), Ok(text)) = (storage(), serde_json::to_string(&columns)) {
                    let _ = s.set_item(FACETS_KEY, &text);
                }
                facets.set(columns);
            }
        });
    });
    // What the draft selects, on every change.
    Effect::new(move |_| {
        let filter = draft.with(Draft::filter);
        if live_revision().is_none() {
            selection.set(None);
            return;
        }
        let engine = app.engine();
        let job = engine.next_job();
        latest_sel.set_value(job);
        engine.call(
            Request::Selections {
                job,
                filters: vec![filter],
            },
            move |answer| {
                if latest_sel.try_get_value() != Some(job) {
                    return;
                }
                selection.set(Some(match answer.and_then(|m| crate::engine::decode(&m)) {
                    Ok(FromWorker::Selections { items, .. }) => match items.into_iter().next() {
                        Some(o) => o.selection.ok_or(o.error.unwrap_or_default()),
                        None => Err(String::new()),
                    },
                    Ok(other) => Err(format!("unexpected {} message", other.kind())),
                    Err(e) => Err(e),
                }));
            },
        );
    });
    // Each saved datamart's customers in the current data.
    Effect::new(move |_| {
        let filters: Vec<Filter> = marts.with(|m| m.iter().map(|x| x.filter.clone()).collect());
        if live_revision().is_none() || filters.is_empty() {
            counts.set(Vec::new());
            return;
        }
        let engine = app.engine();
        let job = engine.next_job();
        latest_counts.set_value(job);
        engine.call(Request::Selections { job, filters }, move |answer| {
            if latest_counts.try_get_value() != Some(job) {
                return;
            }
            if let Ok(FromWorker::Selections { items, .. }) =
                answer.and_then(|m| crate::engine::decode(&m))
            {
                counts.set(
                    items
                        .iter()
                        .map(|o| o.selection.map(|s| s.matched))
                        .collect(),
                );
            }
        });
    });

    let write = move |next: Vec<Datamart>, done: String| {
        match store_marts(&next) {
            Ok(()) => {
                marts.set(next);
                status.set(Some((true, done)));
                app.keep_in_workspace();
                // Sent to the sync server, if one is set (the page never waits for it).
                if crate::sync::config().is_set() {
                    wasm_bindgen_futures::spawn_local(async move {
                        let _ = crate::ui::sync::flush().await;
                        app.synced.update(|n| *n += 1);
                    });
                }
            }
            Err(()) => {
                // Kept for this page at least; what was stored before is intact.
                marts.set(next);
                status.set(Some((false, t().storage_error.to_string())));
            }
        }
    };
    let save = move |_| {
        let m = draft.with_untracked(Draft::datamart);
        if m.name.is_empty() {
            status.set(Some((false, t().name_needed.to_string())));
            return;
        }
        let old = origin.get_untracked();
        let mut next = marts.get_untracked();
        next.retain(|x| x.name != m.name && Some(&x.name) != old.as_ref());
        next.push(m.clone());
        next.sort_by(|a, b| a.name.cmp(&b.name));
        write(next, format!("{} : {}", t().saved_ok, m.name));
        origin.set(Some(m.name.clone()));
        if open_q.get_untracked().as_deref() != Some(m.name.as_str()) {
            set_open.set(Some(m.name));
        }
    };
    let duplicate = move |name: String| {
        let Some(mut m) = marts.with_untracked(|ms| ms.iter().find(|x| x.name == name).cloned())
        else {
            return;
        };
        let mut candidate = format!("{} {}", m.name, t().copy_suffix);
        let mut n = 2;
        while marts.with_untracked(|ms| ms.iter().any(|x| x.name == candidate)) {
            candidate = format!("{} {} {n}", m.name, t().copy_suffix);
            n += 1;
        }
        m.name = candidate.clone();
        let mut next = marts.get_untracked();
        next.push(m);
        next.sort_by(|a, b| a.name.cmp(&b.name));
        write(next, format!("{} : {}", t().saved_ok, candidate));
        set_open.set(Some(candidate));
    };
    let delete = move |name: String| {
        let mut next = marts.get_untracked();
        let Some(i) = next.iter().position(|x| x.name == name) else {
            return;
        };
        let gone = next.remove(i);
        write(next, format!("{} {}", t().deleted, gone.name));
        deleted.set(Some(gone));
        if open_q.get_untracked().as_deref() == Some(name.as_str()) {
            set_open.set(None);
        }
    };
    let undo = move |_| {
        let Some(m) = deleted.get_untracked() else {
            return;
        };
        let mut next = marts.get_untracked();
        next.retain(|x| x.name != m.name);
        next.push(m.clone());
        next.sort_by(|a, b| a.name.cmp(&b.name));
        write(next, format!("{} : {}", t().saved_ok, m.name));
        deleted.set(None);
        set_open.set(Some(m.name));
    };
    let apply_json = move |_| match serde_json::from_str::<Datamart>(&json_text.get_untracked()) {
        Ok(m) => {
            let mut id = next_id.get_value();
            let d = Draft::of(&m, &mut id);
            next_id.set_value(id);
            draft.set(d);
            status.set(None);
        }
        Err(e) => status.set(Some((false, format!("{} {e}", t().import_error)))),
    };
    let on_import = move |ev: web_sys::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        let file_name = file.name();
        wasm_bindgen_futures::spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default();
            match serde_json::from_str::<Datamart>(&text) {
                Ok(m) if !m.name.trim().is_empty() => {
                    let m = Datamart {
                        name: m.name.trim().to_string(),
                        ..m
                    };
                    // The page may have been left while the file was read.
                    let Some(mut next) = marts.try_get_untracked() else {
                        return;
                    };
                    next.retain(|x| x.name != m.name);
                    next.push(m.clone());
                    next.sort_by(|a, b| a.name.cmp(&b.name));
                    write(next, format!("{} {}", t().imported, m.name));
                    set_open.set(Some(m.name));
                }
                Ok(_) => status.set(Some((false, t().name_needed.to_string()))),
                Err(e) => status.set(Some((
                    false,
                    format!("{file_name}: {} {e}", t().import_error),
                ))),
            }
        });
    };
    let export_target = move |_| {
        let m = draft.with_untracked(Draft::datamart);
        let stem = file_stem(&m.name);
        let clear = reidentify.get_untracked() && app.data.pseudonymized();
        let files = if clear { app.data.files() } else { Vec::new() };
        let settings = app.data.prepare_settings(lang.get_untracked());
        let (columns, fr) = (target_cols.get_untracked(), french.get_untracked());
        wasm_bindgen_futures::spawn_local(async move {
            // Re-identification reads the files again in the worker: their bytes go with it.
            let mut with = None;
            if clear {
                let mut buffers = Vec::with_capacity(files.len());
                for f in &files {
                    match wasm_bindgen_futures::JsFuture::from(f.array_buffer()).await {
                        Ok(b) => buffers.push((
                            f.name(),
                            wasm_bindgen::JsCast::unchecked_into::<js_sys::ArrayBuffer>(b),
                        )),
                        Err(e) => return status.set(Some((false, format!("{}: {e:?}", f.name())))),
                    }
                }
                with = Some(ReidentifyWith {
                    files: buffers,
                    settings,
                });
            }
            let engine = app.engine();
            let job = engine.next_job();
            engine.call(
                Request::TargetList {
                    job,
                    datamart: m,
                    columns,
                    french: fr,
                    reidentify: with,
                },
                move |answer| match answer.and_then(|m| crate::engine::decode(&m)) {
                    Ok(FromWorker::Csv { text, .. }) => export::download_text(
                        &format!("{stem}.csv"),
                        &text,
                        "text/csv;charset=utf-8",
                    ),
                    Ok(FromWorker::Error { message, .. }) | Err(message) => {
                        status.set(Some((false, message)))
                    }
                    Ok(_) => {}
                },
            );
        });
    };
    let export_json = move |_| {
        let m = draft.with_untracked(Draft::datamart);
        let text = serde_json::to_string_pretty(&m).unwrap_or_default();
        export::download_text(
            &format!("{}.json", file_stem(&m.name)),
            &format!("{text}\n"),
            "application/json",
        );
    };

    let dirty = move || {
        let m = draft.with(Draft::datamart);
        let old = origin.get();
        marts.with(|ms| {
            !old.as_ref()
                .and_then(|o| ms.iter().find(|x| &x.name == o))
                // A filter the editor writes another way (a bare condition it shows as a
                // group of one) is not a change.
                .is_some_and(|x| *x == m || Draft::of(x, &mut 0).datamart() == m)
        })
    };

    let list = move || {
        let l = lang.get();
        let tx = l.mart();
        let current = open_q.get();
        let c = counts.get();
        let rows = marts.get();
        let synced = standing.get();
        if rows.is_empty() {
            return view! { <p class="muted" data-testid="no-marts">{tx.none_saved}</p> }
                .into_any();
        }
        view! {
            <table class="small-table marts" data-table="marts">
                <thead>
                    <tr>
                        <th scope="col">{tx.name}</th>
                        <th scope="col" class="num">{tx.customers}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .enumerate()
                        .map(|(i, m)| {
                            let count = c.get(i).copied().flatten();
                            let open_name = m.name.clone();
                            let dup_name = m.name.clone();
                            let del_name = m.name.clone();
                            let is_current = current.as_deref() == Some(m.name.as_str());
                            let sync_state = synced.iter().find(|(n, _)| *n == m.name).map(|(_, s)| *s);
                            view! {
                                <tr data-mart=m.name.clone() class:current=is_current>
                                    <td>
                                        <button
                                            type="button"
                                            class="link-button"
                                            aria-current=is_current.then_some("true")
                                            on:click=move |_| set_open.set(Some(open_name.clone()))
                                        >
                                            {m.name.clone()}
                                        </button>
                                        {(!m.description.is_empty())
                                            .then(|| view! { <span class="muted small">{m.description.clone()}</span> })}
                                        {sync_state.map(|s| {
                                            let ts = l.sync();
                                            let text = match s {
                                                MartSync::Synced(v) => ts.state_synced.replace("{}", &v.to_string()),
                                                MartSync::Pending => ts.state_pending.to_string(),
                                                MartSync::Conflict(_) => ts.state_conflict.to_string(),
                                            };
                                            view! {
                                                <span class="sync-badge" data-sync=s.key() title=ts.col_server>{text}</span>
                                            }
                                        })}
                                        <span class="mart-actions">
                                            <button type="button" class="button ghost small" data-action="duplicate-mart" on:click=move |_| duplicate(dup_name.clone())>
                                                {tx.duplicate}
                                            </button>
                                            <button type="button" class="button ghost small" data-action="delete-mart" on:click=move |_| delete(del_name.clone())>
                                                {tx.delete}
                                            </button>
                                        </span>
                                    </td>
                                    <td class="num" data-count=count.map(|n| n.to_string()).unwrap_or_default()>
                                        {count.map_or_else(|| "–".to_string(), |n| l.int(n as u64))}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
        }
        .into_any()
    };

    let conditions = move || {
        let raw = draft.with(|d| d.raw.is_some());
        if raw {
            return view! {
                <p class="notice" data-testid="json-only">{move || t().json_only}</p>
                <button
                    type="button"
                    class="button ghost small"
                    on:click=move |_| draft.update(|d| {
                        d.raw = None;
                        d.conds.clear();
                    })
                >
                    {move || t().back_to_conditions}
                </button>
            }
            .into_any();
        }
        view! {
            <ol class="conditions" data-testid="conditions">
                <For
                    each=move || draft.with(|d| d.conds.iter().map(|c| c.id).collect::<Vec<_>>())
                    key=|id| *id
                    let:id
                >
                    <ConditionRow id=id draft=draft facets=facets as_of=as_of />
                </For>
            </ol>
            <button
                type="button"
                class="button ghost small"
                data-action="add-condition"
                on:click=move |_| {
                    let first = facets.with_untracked(|f| {
                        f.iter().find(|c| c.name == "segment").or_else(|| f.get(1)).cloned()
                    });
                    let id = fresh_id();
                    let op = default_op(first.as_ref(), as_of.get_untracked());
                    draft.update(|d| d.conds.push(Cond {
                        id,
                        column: first.map(|f| f.name).unwrap_or_default(),
                        op,
                        negate: false,
                    }));
                }
            >
                {move || format!("+ {}", t().add_condition)}
            </button>
        }
        .into_any()
    };

    let tiles = move || {
        let l = lang.get();
        let tx = l.mart();
        match selection.get()? {
            Err(e) => Some(
                view! { <p class="error-message" role="alert" data-testid="mart-error">{e}</p> }
                    .into_any(),
            ),
            Ok(s) => {
                let share = if s.total == 0 {
                    0.0
                } else {
                    s.matched as f64 / s.total as f64
                };
                Some(view! {
                    <div class="kpi-grid small" data-testid="mart-selection">
                        <article class="kpi-tile" data-kpi="mart-customers" data-value=s.matched.to_string()>
                            <header><span class="kpi-name">{tx.sel_customers}</span></header>
                            <p class="kpi-big">{l.int(s.matched as u64)}</p>
                        </article>
                        <article class="kpi-tile" data-kpi="mart-share" data-value=share.to_string()>
                            <header><span class="kpi-name">{tx.sel_share}</span></header>
                            <p class="kpi-big">{l.pct(share)}</p>
                        </article>
                        {s.revenue.map(|v| view! {
                            <article class="kpi-tile" data-kpi="mart-revenue" data-value=v.to_string()>
                                <header><span class="kpi-name">{tx.sel_revenue}</span></header>
                                <p class="kpi-big">{l.money(v)}</p>
                            </article>
                        })}
                        {s.clv.map(|v| view! {
                            <article class="kpi-tile" data-kpi="mart-clv" data-value=v.to_string()>
                                <header><span class="kpi-name">{tx.sel_clv}</span></header>
                                <p class="kpi-big">{l.money(v)}</p>
                            </article>
                        })}
                    </div>
                }.into_any())
            }
        }
    };

    let target_choices = move || {
        let l = lang.get();
        facets
            .get()
            .into_iter()
            .skip(1)
            .map(|f| {
                let name = f.name.clone();
                let n2 = name.clone();
                let n3 = name.clone();
                view! {
                    <label class="choice">
                        <input
                            type="checkbox"
                            data-target-col=name.clone()
                            prop:checked=move || target_cols.with(|c| c.contains(&n2))
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                target_cols.update(|c| {
                                    c.retain(|x| *x != n3);
                                    if on {
                                        c.push(n3.clone());
                                    }
                                });
                            }
                        />
                        {l.column_title(&name)}
                    </label>
                }
            })
            .collect_view()
    };

    let preview_filter = Signal::derive(move || Some(draft.with(Draft::filter)));
    let live = move || live_revision().is_some();
    let w = move || lang.get().wb();
    view! {
        <p class="intro page-intro">{move || t().intro}</p>
        {move || (!live()).then(|| view! { <p class="notice" data-testid="table-needs-run">{move || w().table_needs_run}</p> })}
        {move || status.get().map(|(ok, msg)| view! {
            <p class=if ok { "notice" } else { "error-message" } role="status" data-testid="mart-status">{msg}</p>
        })}
        {move || deleted.get().map(|m| view! {
            <p class="notice" data-testid="mart-undo">
                {format!("{} {}", t().deleted, m.name)}
                " "
                <button type="button" class="button ghost small" data-action="undo-delete" on:click=undo>{move || t().undo}</button>
            </p>
        })}
        <div class="mart-layout">
            <Section title=Signal::derive(move || t().saved.to_string()) intro=Signal::derive(move || t().saved_intro.to_string()) id="mart-list">
                <div class="row-actions">
                    <button type="button" class="button small" data-action="new-mart" on:click=move |_| {
                        set_open.set(None);
                        origin.set(None);
                        draft.set(Draft::default());
                    }>
                        {move || t().new}
                    </button>
                    <label class="button ghost small">
                        {move || t().import}
                        <input type="file" accept=".json,application/json" data-testid="import-mart" on:change=on_import />
                    </label>
                </div>
                {list}
            </Section>
            <Section title=Signal::derive(move || t().editor.to_string()) intro=Signal::derive(move || t().editor_intro.to_string()) id="mart-editor">
                <div class="mart-fields">
                    <label>
                        <span>{move || t().name}</span>
                        <input
                            type="text"
                            data-testid="mart-name"
                            placeholder=move || t().name_hint
                            prop:value=move || draft.with(|d| d.name.clone())
                            on:input=move |ev| draft.update(|d| d.name = event_target_value(&ev))
                        />
                    </label>
                    <label>
                        <span>{move || t().description}</span>
                        <input
                            type="text"
                            data-testid="mart-description"
                            prop:value=move || draft.with(|d| d.description.clone())
                            on:input=move |ev| draft.update(|d| d.description = event_target_value(&ev))
                        />
                    </label>
                    <label>
                        <span>{move || t().condition}</span>
                        <select
                            data-testid="mart-combine"
                            prop:value=move || if draft.with(|d| d.any) { "any" } else { "all" }
                            on:change=move |ev| draft.update(|d| d.any = event_target_value(&ev) == "any")
                        >
                            <option value="all">{move || t().match_all}</option>
                            <option value="any">{move || t().match_any}</option>
                        </select>
                    </label>
                </div>
                {conditions}
                <details class="mart-json">
                    <summary>{move || t().json}</summary>
                    <p class="intro">{move || t().json_intro}</p>
                    <textarea
                        rows="10"
                        spellcheck="false"
                        data-testid="mart-json"
                        aria-label=move || t().json
                        prop:value=move || json_text.get()
                        on:input=move |ev| json_text.set(event_target_value(&ev))
                    ></textarea>
                    <button type="button" class="button ghost small" data-action="apply-json" on:click=apply_json>
                        {move || t().apply_json}
                    </button>
                </details>
                <div class="row-actions">
                    <button type="button" class="button" data-action="save-mart" on:click=save>{move || t().save}</button>
                    {move || dirty().then(|| view! { <span class="muted" data-testid="mart-dirty">{t().unsaved}</span> })}
                </div>
            </Section>
        </div>
        <Section title=Signal::derive(move || t().selection.to_string()) intro=Signal::derive(move || t().selection_intro.to_string()) id="mart-selection">
            {tiles}
        </Section>
        <Section title=Signal::derive(move || t().target.to_string()) intro=Signal::derive(move || t().target_intro.to_string()) id="target-list">
            <fieldset class="choices">
                <legend>{move || t().target_columns}</legend>
                {target_choices}
            </fieldset>
            <fieldset class="choices">
                <legend>{move || t().style}</legend>
                <label class="choice">
                    <input type="radio" name="target-style" value="fr" data-testid="style-fr" prop:checked=move || french.get() on:change=move |_| french.set(true) />
                    {move || t().style_fr}
                </label>
                <label class="choice">
                    <input type="radio" name="target-style" value="plain" data-testid="style-plain" prop:checked=move || !french.get() on:change=move |_| french.set(false) />
                    {move || t().style_plain}
                </label>
            </fieldset>
            <p class="muted small">{move || t().pseudonyms}</p>
            {move || app.data.pseudonymized().then(|| view! {
                <label class="choice">
                    <input type="checkbox" data-testid="target-reidentify" prop:checked=move || reidentify.get() on:change=move |ev| reidentify.set(event_target_checked(&ev)) />
                    {move || t().reidentify}
                </label>
                <p class="muted small">{move || t().reidentify_note}</p>
            })}
            <div class="row-actions">
                <button type="button" class="button" data-action="export-target" prop:disabled=move || !live() on:click=export_target>
                    {move || t().export_target}
                </button>
                <button type="button" class="button ghost" data-action="export-mart" on:click=export_json>
                    {move || t().export_json}
                </button>
            </div>
        </Section>
        <Section title=Signal::derive(move || t().preview.to_string()) id="mart-preview">
            <CustomerTable
                id="mart-preview"
                caption=Signal::derive(move || draft.with(|d| d.name.clone()))
                columns=vec!["segment", "p_alive", "clv", "total_clv", "risk_90d", "churn_score"]
                filter=preview_filter
                initial_sort=SortBy { column: "clv".into(), descending: true }
            />
        </Section>
    }
}

/// One condition: column, "not", operator and value(s).
#[component]
fn ConditionRow(
    id: u32,
    draft: RwSignal<Draft>,
    facets: RwSignal<Vec<ColumnFacet>>,
    as_of: Memo<i32>,
) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let t = move || lang.get().mart();
    let cond = move || draft.with(|d| d.conds.iter().find(|c| c.id == id).cloned());
    let edit = move |f: &dyn Fn(&mut Cond)| {
        draft.update(|d| {
            if let Some(c) = d.conds.iter_mut().find(|c| c.id == id) {
                f(c);
            }
        })
    };
    let column = Memo::new(move |_| cond().map(|c| c.column).unwrap_or_default());
    let facet = Memo::new(move |_| {
        let name = column.get();
        facets.with(|f| f.iter().find(|c| c.name == name).cloned())
    });
    // The value editor is drawn again only when the column or the operator changes, so that
    // typing in it keeps the focus.
    let shape = Memo::new(move |_| (column.get(), cond().map(|c| c.op.key()).unwrap_or("in")));

    let columns = move || {
        let l = lang.get();
        let current = column.get();
        let mut names: Vec<String> =
            facets.with(|f| f.iter().skip(1).map(|c| c.name.clone()).collect());
        if !current.is_empty() && !names.contains(&current) {
            names.insert(0, current.clone());
        }
        names
            .into_iter()
            .map(|n| {
                let selected = n == current;
                view! { <option value=n.clone() selected=selected>{l.column_title(&n)}</option> }
            })
            .collect_view()
    };
    let ops = move || {
        let tx = t();
        let kind = facet.get().map(|f| f.kind);
        let key = shape.get().1;
        let mut list: Vec<(&'static str, String)> = Vec::new();
        match kind {
            Some(ValueKind::Date) => {
                list.push(("next", tx.op_next.into()));
                list.push(("before", tx.op_before.into()));
                list.push(("since", tx.op_since.into()));
            }
            Some(ValueKind::Number | ValueKind::Integer) => {
                for (c, sym) in CMPS {
                    list.push((cmp_key(c), sym.into()));
                }
                list.push(("between", tx.op_between.into()));
                list.push(("top", tx.op_top.into()));
            }
            _ => list.push(("in", tx.op_in.into())),
        }
        // A date compared as a number in a file from elsewhere.
        let key = date_key(kind, key, cond().map(|c| c.op));
        if !list.iter().any(|(k, _)| *k == key) {
            list.insert(0, (key, key.into()));
        }
        list.into_iter()
            .map(|(k, text)| view! { <option value=k selected=k == key>{text}</option> })
            .collect_view()
    };
    let set_column = move |name: String| {
        let f = facets.with_untracked(|f| f.iter().find(|c| c.name == name).cloned());
        let op = default_op(f.as_ref(), as_of.get_untracked());
        edit(&|c| {
            c.column = name.clone();
            c.op = op.clone();
        });
    };
    let set_op = move |key: String| {
        let snap = as_of.get_untracked();
        let f = facet.get_untracked();
        let current = cond().map(|c| c.op);
        let number = match &current {
            Some(Op::Cmp(_, v)) | Some(Op::Between(v, _)) => *v,
            _ => f
                .as_ref()
                .and_then(|f| Some(round_nicely((f.min? + f.max?) / 2.0)))
                .unwrap_or(0.0),
        };
        let op = match key.as_str() {
            "between" => Op::Between(
                number,
                f.as_ref().and_then(|f| f.max).map_or(number, round_nicely),
            ),
            "top" => Op::Top(10.0),
            "next" => Op::Next {
                as_of: snap,
                days: 60,
            },
            "before" => Op::Cmp(Cmp::Lt, f64::from(snap - 90)),
            "since" => Op::Cmp(Cmp::Ge, f64::from(snap - 90)),
            "in" => Op::In(Vec::new()),
            k => Op::Cmp(
                CMPS.iter()
                    .map(|(c, _)| *c)
                    .find(|c| cmp_key(*c) == k)
                    .unwrap_or(Cmp::Lt),
                number,
            ),
        };
        edit(&|c| c.op = op.clone());
    };

    let editor = move || {
        let (_, key) = shape.get();
        let l = lang.get_untracked();
        let tx = l.mart();
        let op = cond().map(|c| c.op);
        let f = facet.get_untracked();
        let kind = f.as_ref().map(|f| f.kind);
        let snap = as_of.get_untracked();
        let key = date_key(kind, key, op.clone());
        let range = f.as_ref().and_then(|f| {
            let (lo, hi) = (f.min?, f.max?);
            (kind != Some(ValueKind::Date))
                .then(|| format!("{} {} – {}", tx.range, l.dec(lo, 2), l.dec(hi, 2)))
        });
        match (key, op) {
            ("in", Some(Op::In(values))) => match f.filter(|f| !f.many && !f.values.is_empty()) {
                Some(f) => {
                    let column = f.name.clone();
                    f.values
                        .into_iter()
                        .map(|v| {
                            let label = if column == "segment" || column == "previous_segment" {
                                Segment::from_key(&v).map_or_else(|| v.clone(), |s| l.segment(s).to_string())
                            } else {
                                v.clone()
                            };
                            let checked = values.contains(&v);
                            let v2 = v.clone();
                            view! {
                                <label class="choice">
                                    <input
                                        type="checkbox"
                                        data-value=v.clone()
                                        prop:checked=checked
                                        on:change=move |ev| {
                                            let on = event_target_checked(&ev);
                                            let v = v2.clone();
                                            edit(&|c| {
                                                if let Op::In(vals) = &mut c.op {
                                                    vals.retain(|x| *x != v);
                                                    if on {
                                                        vals.push(v.clone());
                                                    }
                                                }
                                            });
                                        }
                                    />
                                    {label}
                                </label>
                            }
                        })
                        .collect_view()
                        .into_any()
                }
                None => view! {
                    <input
                        type="text"
                        data-field="values"
                        placeholder=tx.values_hint
                        aria-label=tx.values_hint
                        value=values.join(", ")
                        on:input=move |ev| {
                            let list: Vec<String> = event_target_value(&ev)
                                .split(',')
                                .map(|s| s.trim().to_string())
                                .filter(|s| !s.is_empty())
                                .collect();
                            edit(&|c| c.op = Op::In(list.clone()));
                        }
                    />
                }
                .into_any(),
            },
            ("between", Some(Op::Between(lo, hi))) => view! {
                <input type="number" step="any" data-field="value" aria-label=tx.range value=lo.to_string()
                    on:input=move |ev| if let Some(x) = parse_number(&event_target_value(&ev)) {
                        edit(&|c| if let Op::Between(a, _) = &mut c.op { *a = x });
                    } />
                <span>{tx.and}</span>
                <input type="number" step="any" data-field="value2" aria-label=tx.and value=hi.to_string()
                    on:input=move |ev| if let Some(x) = parse_number(&event_target_value(&ev)) {
                        edit(&|c| if let Op::Between(_, b) = &mut c.op { *b = x });
                    } />
                {range.map(|r| view! { <span class="muted small">{r}</span> })}
            }
            .into_any(),
            ("top", Some(Op::Top(p))) => view! {
                <input type="number" step="any" min="0" max="100" data-field="share" aria-label=tx.op_top value=p.to_string()
                    on:input=move |ev| if let Some(x) = parse_number(&event_target_value(&ev)) {
                        edit(&|c| c.op = Op::Top(x));
                    } />
                <span>"%"</span>
            }
            .into_any(),
            ("next", Some(Op::Next { as_of, days })) => {
                let date = l.date(&format_days(as_of));
                view! {
                    <input type="number" min="0" step="1" data-field="days" aria-label=tx.op_next value=days.to_string()
                        on:input=move |ev| if let Some(x) = parse_number(&event_target_value(&ev)) {
                            let d = x.max(0.0).round() as u32;
                            edit(&|c| if let Op::Next { days, .. } = &mut c.op { *days = d });
                        } />
                    <span class="muted small">{format!("{} {date}", tx.days_after)}</span>
                }
                .into_any()
            }
            ("before" | "since", Some(Op::Cmp(cmp, day))) => {
                let n = f64::from(snap) - day;
                let date = l.date(&format_days(snap));
                view! {
                    <input type="number" step="1" data-field="days" aria-label=tx.op_before value=n.to_string()
                        on:input=move |ev| if let Some(x) = parse_number(&event_target_value(&ev)) {
                            let day = f64::from(snap) - x.round();
                            edit(&|c| c.op = Op::Cmp(cmp, day));
                        } />
                    <span class="muted small">{format!("{} {date}", tx.days_before)}</span>
                }
                .into_any()
            }
            (_, Some(Op::Cmp(_, v))) => view! {
                <input type="number" step="any" data-field="value" aria-label=tx.condition value=v.to_string()
                    on:input=move |ev| if let Some(x) = parse_number(&event_target_value(&ev)) {
                        edit(&|c| if let Op::Cmp(_, v) = &mut c.op { *v = x });
                    } />
                {range.map(|r| view! { <span class="muted small">{r}</span> })}
            }
            .into_any(),
            _ => ().into_any(),
        }
    };

    view! {
        <li class="condition" data-cond=id.to_string() data-column=move || column.get()>
            <select
                data-field="column"
                aria-label=move || t().column
                on:change=move |ev| set_column(event_target_value(&ev))
            >
                {columns}
            </select>
            <label class="choice negate">
                <input
                    type="checkbox"
                    data-field="negate"
                    prop:checked=move || cond().is_some_and(|c| c.negate)
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        edit(&|c| c.negate = on);
                    }
                />
                {move || t().negate}
            </label>
            <select data-field="op" aria-label=move || t().condition on:change=move |ev| set_op(event_target_value(&ev))>
                {ops}
            </select>
            <span class="condition-values">{editor}</span>
            <button
                type="button"
                class="button ghost small"
                data-action="remove-condition"
                aria-label=move || t().remove
                on:click=move |_| draft.update(|d| d.conds.retain(|c| c.id != id))
            >
                "×"
            </button>
        </li>
    }
}

/// The editor's operator for a condition: a date column compared below or from a day reads
/// as "more than N days ago" / "within the last N days".
fn date_key(kind: Option<ValueKind>, key: &'static str, op: Option<Op>) -> &'static str {
    match (kind, op) {
        (Some(ValueKind::Date), Some(Op::Cmp(Cmp::Lt, _))) => "before",
        (Some(ValueKind::Date), Some(Op::Cmp(Cmp::Ge, _))) => "since",
        _ => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every condition the rows show goes to the CLI's filter and back unchanged.
    #[test]
    fn conditions_round_trip_through_the_cli_format() {
        let mart: Datamart = serde_json::from_str(
            r#"{"name": "À relancer", "description": "", "filter": {"op": "all", "of": [
              {"op": "in", "column": "segment", "values": ["at-risk", "cant-lose-them"]},
              {"op": "compare", "column": "p_alive", "cmp": "lt", "value": 0.3},
              {"op": "top", "column": "clv", "share": 0.1},
              {"op": "date-within", "column": "next_expiry", "as_of": 20000, "days": 60},
              {"op": "not", "filter": {"op": "in", "column": "region", "values": ["Nord"]}},
              {"op": "all", "of": [
                {"op": "compare", "column": "clv", "cmp": "ge", "value": 100},
                {"op": "compare", "column": "clv", "cmp": "le", "value": 500}]}
            ]}}"#,
        )
        .unwrap();
        let mut id = 0;
        let d = Draft::of(&mart, &mut id);
        assert!(d.raw.is_none());
        assert_eq!(d.conds.len(), 6);
        assert_eq!(d.conds[5].op, Op::Between(100.0, 500.0));
        assert!(d.conds[4].negate);
        assert_eq!(d.datamart(), mart);
    }

    #[test]
    fn nested_groups_stay_json() {
        let mart: Datamart = serde_json::from_str(
            r#"{"name": "x", "filter": {"op": "any", "of": [
              {"op": "all", "of": [{"op": "in", "column": "a", "values": ["1"]},
                                   {"op": "in", "column": "b", "values": ["2"]}]}]}}"#,
        )
        .unwrap();
        let d = Draft::of(&mart, &mut 0);
        assert!(d.raw.is_some());
        assert_eq!(d.datamart(), mart);
    }

    #[test]
    fn starting_values_read_as_typed() {
        assert_eq!(round_nicely(1234.5), 1200.0);
        assert_eq!(round_nicely(0.4567), 0.46);
        assert_eq!(parse_number("0,5"), Some(0.5));
        assert_eq!(parse_number("abc"), None);
        assert_eq!(file_stem("À relancer / Nord"), "À-relancer---Nord");
    }
}
