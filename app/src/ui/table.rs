//! Customer lists over the worker's customer table (100k rows and more): the page asks for
//! the rows it shows, sorted and searched in the worker, and exports the whole selection as
//! CSV written by the worker. A newer request supersedes an older one, so typing never shows
//! stale rows.

use leptos::prelude::*;
use prisme_core::datamart::Filter;
use prisme_core::explore::{SortBy, TablePage, TableQuery, Value};
use prisme_core::segment::Segment;

use crate::engine::Request;
use crate::export;
use crate::i18n::Lang;
use crate::protocol::FromWorker;
use crate::store::use_app;

/// Rows per page.
pub const PAGE: usize = 25;

/// How a column of the customer table reads.
pub fn cell_text(lang: Lang, column: &str, v: &Value) -> String {
    match v {
        Value::Null => "–".to_string(),
        Value::Text(t) if column == "segment" || column == "previous_segment" => {
            Segment::from_key(t).map_or_else(|| t.clone(), |s| lang.segment(s).to_string())
        }
        Value::Text(t) if column == "risk_90d" => lang.risk_band(t),
        Value::Text(t) if t.len() == 10 && t.as_bytes().get(4) == Some(&b'-') => lang.date(t),
        Value::Text(t) => t.clone(),
        Value::Number(x) => match column {
            "clv" | "historic_clv" | "total_clv" | "monetary" | "revenue" => lang.money(*x),
            "p_alive" | "churn_score" | "p_no_purchase_90d" => lang.pct(*x),
            "recency" | "days_between_orders" => lang.days(*x),
            "expected_purchases" => lang.dec(*x, 2),
            // A year is not a quantity: 1985, not 1,985.
            c if x.fract() == 0.0 && is_year_column(c) => format!("{x}"),
            _ if x.fract() == 0.0 => lang.int_signed(*x as i64),
            _ => lang.dec(*x, 2),
        },
    }
}

/// A column of years (`année_naissance`, `birth_year`…), by its name.
fn is_year_column(name: &str) -> bool {
    let n = name.to_lowercase();
    ["année", "annee", "year", "jahr", "año"]
        .iter()
        .any(|y| n.contains(y))
}

/// A cell as plain text (`data-raw`, links): blank, the number as Rust writes it, or the text.
pub fn raw(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Number(x) => format!("{x}"),
        Value::Text(t) => t.clone(),
    }
}

/// A sortable, searchable, paged list of customers with a CSV export.
#[component]
pub fn CustomerTable(
    id: &'static str,
    #[prop(into)] caption: Signal<String>,
    /// The columns shown after the id.
    columns: Vec<&'static str>,
    #[prop(into)] filter: Signal<Option<Filter>>,
    initial_sort: SortBy,
) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let search = RwSignal::new(String::new());
    let sort = RwSignal::new(Some(initial_sort));
    let offset = RwSignal::new(0usize);
    let page = RwSignal::new(None::<TablePage>);
    let error = RwSignal::new(None::<String>);
    let latest = StoredValue::new(0u32);
    let cols = StoredValue::new(columns.iter().map(|c| c.to_string()).collect::<Vec<_>>());
    let live = move || app.run.with(|r| r.as_ref().is_some_and(|r| r.live));
    let query = move || TableQuery {
        filter: filter.get(),
        search: search.get(),
        sort: sort.get(),
        offset: offset.get(),
        limit: PAGE,
        columns: cols.get_value(),
    };
    // A new filter or search starts again at the first page.
    Effect::new(move |_| {
        filter.track();
        search.track();
        offset.set(0);
    });
    Effect::new(move |_| {
        let revision = app
            .run
            .with(|r| r.as_ref().filter(|r| r.live).map(|r| r.revision));
        let q = query();
        if revision.is_none() {
            page.set(None);
            return;
        }
        let engine = app.engine();
        let job = engine.next_job();
        latest.set_value(job);
        engine.call(Request::Query { job, query: q }, move |answer| {
            if latest.try_get_value() != Some(job) {
                return;
            }
            match answer.and_then(|msg| match crate::engine::decode(&msg)? {
                FromWorker::Rows { page, .. } => Ok(page),
                other => Err(format!("unexpected {} message", other.kind())),
            }) {
                Ok(p) => {
                    error.set(None);
                    page.set(Some(p));
                }
                Err(e) => error.set(Some(e)),
            }
        });
    });
    let export_csv = move |french: bool| {
        let engine = app.engine();
        let job = engine.next_job();
        let q = TableQuery {
            offset: 0,
            limit: 0,
            ..query()
        };
        engine.call(
            Request::Export {
                job,
                query: q,
                french,
            },
            move |answer| {
                if let Ok(msg) = answer
                    && let Ok(FromWorker::Csv { text, .. }) = crate::engine::decode(&msg)
                {
                    export::download_text(&format!("{id}.csv"), &text, "text/csv;charset=utf-8");
                }
            },
        );
    };
    let set_sort = move |column: String| {
        sort.update(|s| {
            *s = Some(match s.take() {
                Some(cur) if cur.column == column => SortBy {
                    column,
                    descending: !cur.descending,
                },
                _ => SortBy {
                    column,
                    descending: true,
                },
            })
        });
        offset.set(0);
    };
    let header = move || {
        let l = lang.get();
        let current = sort.get();
        page.with(|p| {
            p.as_ref().map(|p| {
                p.columns
                    .iter()
                    .map(|c| {
                        let name = c.name.clone();
                        let dir = match &current {
                            Some(s) if s.column == name && s.descending => "descending",
                            Some(s) if s.column == name => "ascending",
                            _ => "none",
                        };
                        let text = l.column_title(&name);
                        let n2 = name.clone();
                        view! {
                            <th scope="col" aria-sort=dir>
                                <button class="sort" on:click=move |_| set_sort(n2.clone())>
                                    {text}
                                    <span aria-hidden="true">
                                        {match dir {
                                            "descending" => " ↓",
                                            "ascending" => " ↑",
                                            _ => "",
                                        }}
                                    </span>
                                </button>
                            </th>
                        }
                    })
                    .collect_view()
            })
        })
    };
    let body = move || {
        let l = lang.get();
        page.with(|p| {
            p.as_ref().map(|p| {
                let names: Vec<String> = p.columns.iter().map(|c| c.name.clone()).collect();
                p.rows
                    .iter()
                    .map(|r| {
                        let id = raw(&r[0]);
                        view! {
                            <tr data-id=id>
                                {r
                                    .iter()
                                    .zip(&names)
                                    .map(|(v, n)| {
                                        let num = matches!(v, Value::Number(_));
                                        if n == "customer_id" {
                                            let href = crate::ui::customer::card_href(&raw(v));
                                            return view! { <td data-col=n.clone() data-raw=raw(v)><a href=href>{cell_text(l, n, v)}</a></td> }.into_any();
                                        }
                                        view! { <td class:num=num data-col=n.clone() data-raw=raw(v)>{cell_text(l, n, v)}</td> }.into_any()
                                    })
                                    .collect_view()}
                            </tr>
                        }
                    })
                    .collect_view()
            })
        })
    };
    let w = move || lang.get().wb();
    let counts = move || {
        let l = lang.get();
        page.with(|p| {
            p.as_ref().map(|p| {
                let from = if p.matched == 0 { 0 } else { p.offset + 1 };
                let to = (p.offset + p.rows.len()).min(p.matched);
                format!(
                    "{}–{} / {} ({} {})",
                    l.int(from as u64),
                    l.int(to as u64),
                    l.int(p.matched as u64),
                    l.int(p.total as u64),
                    w().in_base
                )
            })
        })
    };
    let matched = move || page.with(|p| p.as_ref().map_or(0, |p| p.matched));
    view! {
        <div class="table-box" data-table=id>
            <div class="table-head">
                <strong>{move || caption.get()}</strong>
                <input
                    type="search"
                    class="search"
                    data-testid=format!("{id}-search")
                    placeholder=move || w().search_placeholder
                    aria-label=move || w().search_placeholder
                    prop:value=move || search.get()
                    on:input=move |ev| search.set(event_target_value(&ev))
                />
                <span class="muted" data-testid=format!("{id}-count") data-matched=matched>{counts}</span>
                <span class="spacer"></span>
                <button class="icon-button no-print" data-export="csv" title=move || w().export_fr on:click=move |_| export_csv(true)>
                    "CSV (Excel FR)"
                </button>
                <button class="icon-button no-print" data-export="csv-plain" title=move || w().export_plain on:click=move |_| export_csv(false)>
                    "CSV"
                </button>
            </div>
            {move || (!live()).then(|| view! { <p class="notice" data-testid="table-needs-run">{move || w().table_needs_run}</p> })}
            {move || error.get().map(|e| view! { <p class="error-message">{e}</p> })}
            <div class="scroll-x" tabindex="0" role="region" aria-label=move || caption.get()>
                <table class="data customers">
                    <thead><tr>{header}</tr></thead>
                    <tbody>{body}</tbody>
                </table>
            </div>
            <div class="pager no-print">
                <button
                    class="button ghost"
                    prop:disabled=move || offset.get() == 0
                    on:click=move |_| offset.update(|o| *o = o.saturating_sub(PAGE))
                >
                    {move || w().previous}
                </button>
                <button
                    class="button ghost"
                    prop:disabled=move || { offset.get() + PAGE >= matched() }
                    on:click=move |_| offset.update(|o| *o += PAGE)
                >
                    {move || w().next}
                </button>
            </div>
        </div>
    }
}
