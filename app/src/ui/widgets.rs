//! Small pieces the pages share: indicator tiles, change badges, definitions, selectors and a
//! small table with its CSV export.

use leptos::prelude::*;

use crate::export;
use crate::i18n::Lang;

/// The notice of an analysis the report does not hold: computed from purchases, it could not
/// run on them; from a warehouse's customer summary alone, it needs the purchases (a summary
/// holds totals, not the date of each purchase); from neither, it needs a transactions file.
#[component]
pub fn Unavailable() -> impl IntoView {
    let app = crate::store::use_app();
    // What the report was computed from: purchases, a summary, or neither.
    let source = move || {
        app.report.with(|r| {
            let has = |kind: &str| {
                r.as_ref()
                    .is_some_and(|r| r.inputs.iter().any(|i| i.kind == kind))
            };
            (has("transactions"), has("summary"))
        })
    };
    view! {
        <p class="notice" data-testid="unavailable">
            {move || {
                let t = app.lang.get().wb();
                match source() {
                    (true, _) => t.not_available,
                    (false, true) => t.needs_rows,
                    (false, false) => t.needs_tx,
                }
            }}
        </p>
    }
}

/// An explanation behind an ⓘ: a tooltip for the mouse, the same text for screen readers.
#[component]
pub fn Info(#[prop(into)] text: Signal<String>) -> impl IntoView {
    view! {
        <span class="info" tabindex="0" role="note" title=move || text.get() aria-label=move || text.get()>
            "i"
        </span>
    }
}

/// A relative change as a badge: up, down or flat, coloured by whether up is good.
#[component]
pub fn ChangeBadge(
    /// Relative change (0.05 = +5 %), absent when not comparable.
    change: Option<f64>,
    #[prop(into)] label: Signal<String>,
    lang: Signal<Lang>,
    /// Whether a rise is good news (revenue) or bad (churn rate).
    #[prop(default = true)]
    up_is_good: bool,
) -> impl IntoView {
    let class = match change {
        Some(c) if c.abs() < 0.0005 => "change flat",
        Some(c) if (c > 0.0) == up_is_good => "change good",
        Some(_) => "change bad",
        None => "change none",
    };
    view! {
        <span class=class data-change=change.map(|c| c.to_string())>
            <span class="arrow" aria-hidden="true">
                {match change {
                    Some(c) if c.abs() < 0.0005 => "→",
                    Some(c) if c > 0.0 => "▲",
                    Some(_) => "▼",
                    None => "·",
                }}
            </span>
            {move || match change {
                Some(c) => lang.get().signed_pct(c),
                None => "–".to_string(),
            }}
            <span class="change-label">{move || label.get()}</span>
        </span>
    }
}

/// A labelled `<select>` over `(value, text)` options.
#[component]
pub fn Picker(
    #[prop(into)] label: Signal<String>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    #[prop(into)] value: Signal<String>,
    on_pick: impl Fn(String) + 'static,
    #[prop(optional)] testid: &'static str,
) -> impl IntoView {
    view! {
        <label class="picker">
            <span>{move || label.get()}</span>
            <select
                data-testid=testid
                on:change=move |ev| on_pick(event_target_value(&ev))
                prop:value=move || value.get()
            >
                {move || {
                    let current = value.get();
                    options
                        .get()
                        .into_iter()
                        .map(|(v, t)| {
                            let selected = v == current;
                            view! { <option value=v selected=selected>{t}</option> }
                        })
                        .collect_view()
                }}
            </select>
        </label>
    }
}

/// A small table (a few dozen rows, already in the page) with a CSV export of the same rows.
#[component]
pub fn SmallTable(
    id: &'static str,
    #[prop(into)] caption: Signal<String>,
    /// Header texts.
    head: Signal<Vec<String>>,
    /// Displayed cells, row by row.
    rows: Signal<Vec<Vec<String>>>,
    /// The same cells as raw values for the export (numbers with a point).
    raw: Signal<Vec<Vec<String>>>,
    /// Columns holding numbers (right-aligned).
    #[prop(optional)]
    numeric: Vec<usize>,
    lang: Signal<Lang>,
) -> impl IntoView {
    let numeric = StoredValue::new(numeric);
    view! {
        <div class="table-box" data-table=id>
            <div class="table-head">
                <strong>{move || caption.get()}</strong>
                <button
                    class="icon-button no-print"
                    data-export="csv"
                    title=move || lang.get().charts().export_csv
                    on:click=move |_| {
                        export::table_csv(id, &head.get_untracked(), &raw.get_untracked(), lang.get_untracked())
                    }
                >
                    "CSV"
                </button>
            </div>
            <div class="scroll-x" tabindex="0" role="region" aria-label=move || caption.get()>
                <table class="data">
                    <thead>
                        <tr>
                            {move || {
                                head.get()
                                    .into_iter()
                                    .enumerate()
                                    .map(|(i, h)| {
                                        let num = numeric.with_value(|n| n.contains(&i));
                                        view! { <th scope="col" class:num=num>{h}</th> }
                                    })
                                    .collect_view()
                            }}
                        </tr>
                    </thead>
                    <tbody>
                        {move || {
                            rows.get()
                                .into_iter()
                                .map(|r| {
                                    view! {
                                        <tr>
                                            {r
                                                .into_iter()
                                                .enumerate()
                                                .map(|(i, c)| {
                                                    let num = numeric.with_value(|n| n.contains(&i));
                                                    view! { <td class:num=num>{c}</td> }
                                                })
                                                .collect_view()}
                                        </tr>
                                    }
                                })
                                .collect_view()
                        }}
                    </tbody>
                </table>
            </div>
        </div>
    }
}

/// A section of a page, with a heading and an optional explanation.
#[component]
pub fn Section(
    #[prop(into)] title: Signal<String>,
    #[prop(optional, into)] intro: Option<Signal<String>>,
    #[prop(optional)] id: &'static str,
    children: Children,
) -> impl IntoView {
    view! {
        <section class="card section" data-section=id>
            <h2>{move || title.get()}</h2>
            {intro.map(|i| view! { <p class="intro">{move || i.get()}</p> })}
            {children()}
        </section>
    }
}

/// A moment (milliseconds since 1970, `Date.now()`) as the day it falls on, in the language's
/// date format.
pub fn day(lang: Lang, ms: f64) -> String {
    let iso: String = js_sys::Date::new(&ms.into())
        .to_iso_string()
        .as_string()
        .unwrap_or_default()
        .chars()
        .take(10)
        .collect();
    lang.date(&iso)
}
