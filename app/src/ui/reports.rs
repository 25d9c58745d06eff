//! Reports: `/reports?r=<id>&vs=<id>`, `data-page="reports"`.
//!
//! A saved report is the `report.json` document (the CLI's format: `prisme report FILE` reads
//! it) with the inputs' sizes and SHA-256, kept in IndexedDB ([`crate::persist`]) under a
//! name and a version (the same name in the same workspace makes the next version). It opens
//! read-only without the data, compares with another report (every headline figure side by
//! side), exports as one HTML file that needs no script (the document below, its SVG charts
//! inline, a stylesheet in the file) or as JSON, prints to PDF, and imports from JSON: a newer
//! format asks to update Prisme, a report whose figures disagree (edited or damaged) or that
//! holds per-customer rows is refused.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::web_sys;
use leptos_router::hooks::query_signal;
use prisme_core::analysis::{Report, ReportError, ReportPage};
use prisme_core::datamart::Datamart;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::engine::Request;
use crate::export;
use crate::i18n::Lang;
use crate::persist::{self, AttachedList, PersistError, SavedReport};
use crate::protocol::FromWorker;
use crate::store::{AppState, use_app};
use crate::ui::report_doc::{ReportDocument, day};

pub(crate) fn file_stem(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let s = s.trim_matches('-').to_string();
    if s.is_empty() { "report".into() } else { s }
}

/// A saved report's entry, from its document (an import or a save).
pub(crate) fn entry(
    report: &Report,
    document: String,
    name: &str,
    workspace: &str,
    existing: &[SavedReport],
) -> SavedReport {
    let version = existing
        .iter()
        .filter(|r| r.name == name && r.workspace == workspace)
        .map(|r| r.version)
        .max()
        .unwrap_or(0)
        + 1;
    let now = js_sys::Date::now();
    SavedReport {
        id: format!("r{}", now as u64),
        name: name.to_string(),
        version,
        workspace: workspace.to_string(),
        saved: now,
        engine_version: report.engine_version.clone(),
        inputs: report.inputs.iter().map(|i| i.file.clone()).collect(),
        customers: report.rfm.as_ref().map_or(0, |r| r.customers),
        document,
        target_list: None,
        // With a sync server set up, the report's copy there follows.
        remote: crate::sync::config()
            .is_set()
            .then(|| persist::RemoteState {
                id: crate::sync::remote_id(name),
                version: None,
                pending: true,
                conflict: None,
            }),
    }
}

/// Reads a report document as the import does: format, version, figures, no customer rows.
pub(crate) fn read_document(text: &str, l: Lang) -> Result<Report, String> {
    let report = Report::from_json(text).map_err(|e| match e {
        ReportError::TooNew { found } => l.rep().too_new.replace("{}", &found.to_string()),
        e => e.to_string(),
    })?;
    if report.customers.is_some() {
        return Err(l.rep().per_customer.to_string());
    }
    report.check_consistency()?;
    Ok(report)
}

/// SHA-256 of a file, by the browser (`crypto.subtle`, off the main thread).
async fn sha256(file: &web_sys::File) -> Option<String> {
    let buffer = JsFuture::from(file.array_buffer()).await.ok()?;
    let subtle = web_sys::window()?.crypto().ok()?.subtle();
    let digest = JsFuture::from(
        subtle
            .digest_with_str_and_buffer_source("SHA-256", &buffer.unchecked_into())
            .ok()?,
    )
    .await
    .ok()?;
    let bytes = js_sys::Uint8Array::new(&digest).to_vec();
    Some(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

impl AppState {
    /// Saves the report on screen under `name`, with the chosen pages' aggregates only and,
    /// when asked, a datamart's target list; `done` gets the saved entry or the error.
    fn save_report<D: FnOnce(Result<SavedReport, String>) + 'static>(
        self,
        name: String,
        pages: Vec<ReportPage>,
        attach: Option<Datamart>,
        done: D,
    ) {
        let Some(kept) = self.kept.get_value() else {
            return;
        };
        let inputs: Vec<String> = self
            .report
            .with_untracked(|r| {
                r.as_ref()
                    .map(|r| r.inputs.iter().map(|i| i.file.clone()).collect())
            })
            .unwrap_or_default();
        let files = self.data.files();
        let workspace = self
            .ws
            .with_untracked(|w| w.current.as_ref().map(|c| c.id.clone()))
            .unwrap_or_default();
        let lang = self.lang.get_untracked();
        wasm_bindgen_futures::spawn_local(async move {
            let mut fingerprints = Vec::new();
            for f in files.iter().filter(|f| inputs.contains(&f.name())) {
                if let Some(sha) = sha256(f).await {
                    fingerprints.push((f.name(), f.size() as u64, sha));
                }
            }
            let engine = self.engine();
            let job = engine.next_job();
            let again = engine.clone();
            engine.call(
                Request::ReportJson {
                    job,
                    head: kept.head,
                    parts: kept.parts,
                    fingerprints,
                    pages,
                },
                move |answer| {
                    let text = match answer.and_then(|m| crate::engine::decode(&m)) {
                        Ok(FromWorker::Csv { text, .. }) => text,
                        Ok(FromWorker::Error { message, .. }) | Err(message) => {
                            return done(Err(message));
                        }
                        Ok(_) => return,
                    };
                    let report = match read_document(&text, lang) {
                        Ok(r) => r,
                        Err(e) => return done(Err(e)),
                    };
                    let store = move |list: Option<AttachedList>, done: D| {
                        wasm_bindgen_futures::spawn_local(async move {
                            let existing = persist::reports().await.unwrap_or_default();
                            let mut saved = entry(&report, text, &name, &workspace, &existing);
                            saved.target_list = list;
                            match persist::save_report(&saved).await {
                                Ok(()) => done(Ok(saved)),
                                Err(e) => done(Err(storage_message(&e, lang))),
                            }
                        });
                    };
                    let Some(mart) = attach else {
                        return store(None, done);
                    };
                    // The list as "Export target list" writes it, with the default columns.
                    let job = again.next_job();
                    again.call(
                        Request::TargetList {
                            job,
                            datamart: mart.clone(),
                            columns: crate::ui::datamarts::DEFAULT_TARGET
                                .iter()
                                .map(|c| c.to_string())
                                .collect(),
                            french: lang == Lang::Fr,
                            reidentify: None,
                        },
                        move |answer| match answer.and_then(|m| crate::engine::decode(&m)) {
                            Ok(FromWorker::Csv { text, .. }) => {
                                let customers = text.lines().count().saturating_sub(1);
                                store(
                                    Some(AttachedList {
                                        datamart: mart.name.clone(),
                                        customers,
                                        csv: text,
                                    }),
                                    done,
                                )
                            }
                            Ok(FromWorker::Error { message, .. }) | Err(message) => {
                                done(Err(message))
                            }
                            Ok(_) => {}
                        },
                    );
                },
            );
        });
    }
}

fn storage_message(e: &PersistError, l: Lang) -> String {
    match e {
        PersistError::Quota | PersistError::Unavailable(_) => l.rep().storage_error.to_string(),
        PersistError::Failed(m) => format!("{} ({m})", l.rep().storage_error),
    }
}

/// The stylesheet of an exported report (the page's own is not in the file).
const REPORT_CSS: &str = "body{font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1f2937;max-width:1000px;margin:24px auto;padding:0 16px}\
h1{font-size:1.6rem;margin:0 0 4px}h2{font-size:1.15rem;margin:24px 0 8px;border-bottom:1px solid #e5e7eb;padding-bottom:4px}\
.meta,.note{color:#556274;font-size:.9rem}table{border-collapse:collapse;width:100%;font-size:.9rem}\
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eef0f3}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}\
.figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(210px,1fr));gap:10px}\
.fig{border:1px solid #e5e7eb;border-radius:8px;padding:8px 12px}.fig .label{color:#556274;font-size:.8rem}.fig .value{font-size:1.35rem;font-weight:700}\
code{font-size:.8rem}.good{color:#166534}.bad{color:#b91c1c}svg{max-width:100%;height:auto}\
.two-col{display:grid;grid-template-columns:repeat(auto-fit,minmax(380px,1fr));gap:16px;align-items:start}\
.chart{margin:8px 0;display:flex;flex-direction:column;gap:4px}.chart-title{display:flex;flex-direction:column}\
.chart-note{color:#556274;font-size:.8rem}.chart svg{width:100%;height:auto;display:block}\
@media print{.report-section{break-inside:avoid}}\
.chart-actions,.chart-readout,button,.no-export{display:none}";

/// Downloads the document as one HTML file with no script.
fn export_html(id: &str, title: &str, lang: Lang) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let Some(el) = doc
        .query_selector(&format!("[data-report-doc='{id}']"))
        .ok()
        .flatten()
    else {
        return;
    };
    let Ok(copy) = el.clone_node_with_deep(true) else {
        return;
    };
    let copy: web_sys::Element = copy.unchecked_into();
    // Buttons (exports, focus) do nothing without a script: left out.
    while let Ok(Some(n)) = copy.query_selector("button, script, .no-export, [data-export]") {
        match n.parent_node() {
            Some(parent) if parent.remove_child(&n).is_ok() => {}
            _ => break,
        }
    }
    let html = format!(
        "<!doctype html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>{}</title><style>{REPORT_CSS}</style></head><body>{}</body></html>\n",
        lang.code(),
        escape(title),
        copy.outer_html()
    );
    export::download_text(
        &format!("{}.html", file_stem(title)),
        &html,
        "text/html;charset=utf-8",
    );
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[component]
pub fn ReportsPage() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let t = move || lang.get().rep();
    let (open_id, set_open) = query_signal::<String>("r");
    let (vs_id, set_vs) = query_signal::<String>("vs");
    let list = RwSignal::new(Vec::<SavedReport>::new());
    let status = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let reload = move || {
        wasm_bindgen_futures::spawn_local(async move {
            match persist::reports().await {
                Ok(r) => list.set(r),
                Err(e) => status.set(Some((false, storage_message(&e, lang.get_untracked())))),
            }
        })
    };
    reload();
    let default_name = move || {
        app.ws
            .with(|w| w.current.as_ref().map(|c| c.name.clone()))
            .unwrap_or_else(|| lang.get().wb().nav.reports.to_string())
    };
    let name = RwSignal::new(String::new());
    // Every page the analysis has, until the user unticks one.
    let unticked = RwSignal::new(Vec::<ReportPage>::new());
    let attach = RwSignal::new(String::new());
    let marts = RwSignal::new(crate::ui::datamarts::load_marts());
    let on_save = move |_| {
        let n = name.get_untracked();
        let n = if n.trim().is_empty() {
            default_name()
        } else {
            n.trim().to_string()
        };
        let available = app
            .report
            .with_untracked(|r| r.as_ref().map(|r| r.pages()))
            .unwrap_or_default();
        let pages: Vec<ReportPage> = unticked.with_untracked(|u| {
            available
                .into_iter()
                .filter(|p| *p == ReportPage::Segments || !u.contains(p))
                .collect()
        });
        let mart = attach.with_untracked(|a| {
            marts.with_untracked(|ms| ms.iter().find(|m| &m.name == a).cloned())
        });
        busy.set(true);
        app.save_report(n, pages, mart, move |r| {
            busy.set(false);
            match r {
                Ok(saved) => {
                    status.set(Some((
                        true,
                        format!(
                            "{} {} (v{})",
                            lang.get_untracked().rep().saved_as,
                            saved.name,
                            saved.version
                        ),
                    )));
                    set_open.set(Some(saved.id.clone()));
                    reload();
                    // Its copy on the server follows, if one is set up.
                    if saved.remote.is_some() {
                        wasm_bindgen_futures::spawn_local(async move {
                            let _ = crate::ui::sync::flush().await;
                            app.synced.update(|n| *n += 1);
                        });
                    }
                }
                Err(m) => status.set(Some((false, m))),
            }
        });
    };
    let on_import = move |ev: web_sys::Event| {
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        input.set_value("");
        let l = lang.get_untracked();
        let file_name = file.name();
        let workspace = app
            .ws
            .with_untracked(|w| w.current.as_ref().map(|c| c.id.clone()))
            .unwrap_or_default();
        wasm_bindgen_futures::spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string())
                .unwrap_or_default();
            match read_document(&text, l) {
                Ok(report) => {
                    let name = file_name
                        .trim_end_matches(".json")
                        .trim_end_matches(".report")
                        .to_string();
                    let existing = persist::reports().await.unwrap_or_default();
                    let saved = entry(&report, text, &name, &workspace, &existing);
                    match persist::save_report(&saved).await {
                        Ok(()) => {
                            status
                                .set(Some((true, format!("{} {}", l.rep().imported, saved.name))));
                            set_open.set(Some(saved.id.clone()));
                            reload();
                            if saved.remote.is_some() {
                                let _ = crate::ui::sync::flush().await;
                                app.synced.update(|n| *n += 1);
                            }
                        }
                        Err(e) => status.set(Some((false, storage_message(&e, l)))),
                    }
                }
                Err(e) => status.set(Some((
                    false,
                    format!("{file_name} : {} {e}", l.rep().import_error),
                ))),
            }
        });
    };
    let opened = Memo::new(move |_| {
        let id = open_id.get()?;
        list.with(|l| l.iter().find(|r| r.id == id).cloned())
    });
    let compared = Memo::new(move |_| {
        let id = vs_id.get()?;
        list.with(|l| l.iter().find(|r| r.id == id).cloned())
    });
    view! {
        <header class="page-head">
            <h1>{move || lang.get().wb().nav.reports}</h1>
        </header>
        <p class="page-intro">{move || t().intro}</p>
        <section class="card section" data-section="report-save">
            <h2>{move || t().save_title}</h2>
            {move || {
                if app.report.with(Option::is_none) {
                    view! { <p class="hint" data-testid="report-no-analysis">{t().no_analysis}</p> }.into_any()
                } else {
                    view! {
                        <p class="intro">{t().save_intro}</p>
                        <div class="report-save">
                            <label>
                                {t().name} " "
                                <input
                                    type="text"
                                    data-testid="report-name"
                                    placeholder=default_name
                                    prop:value=move || name.get()
                                    on:input=move |ev| name.set(event_target_value(&ev))
                                />
                            </label>
                            <button class="button primary" data-action="save-report" prop:disabled=move || busy.get() on:click=on_save>
                                {t().save}
                            </button>
                        </div>
                        <fieldset class="report-pages">
                            <legend>{t().pages_choice}</legend>
                            {move || {
                                let l = lang.get();
                                app.report
                                    .with(|r| r.as_ref().map(|r| r.pages()))
                                    .unwrap_or_default()
                                    .into_iter()
                                    .map(|p| {
                                        let always = p == ReportPage::Segments;
                                        view! {
                                            <label class="check">
                                                <input
                                                    type="checkbox"
                                                    data-testid="report-page"
                                                    value=p.key()
                                                    prop:checked=move || always || unticked.with(|u| !u.contains(&p))
                                                    prop:disabled=always
                                                    on:change=move |ev| {
                                                        let on = event_target_checked(&ev);
                                                        unticked.update(|u| {
                                                            u.retain(|x| *x != p);
                                                            if !on {
                                                                u.push(p);
                                                            }
                                                        });
                                                    }
                                                />
                                                " " {l.rep().page(p)}
                                            </label>
                                        }
                                    })
                                    .collect_view()
                            }}
                            <p class="hint">{move || t().pages_note}</p>
                        </fieldset>
                        <div class="report-attach">
                            <label>
                                {move || t().attach} " "
                                <select
                                    data-testid="report-attach"
                                    prop:disabled=move || marts.with(Vec::is_empty) || !app.data.pseudonymized()
                                    on:focus=move |_| marts.set(crate::ui::datamarts::load_marts())
                                    on:change=move |ev| attach.set(event_target_value(&ev))
                                >
                                    <option value="" selected=move || attach.with(String::is_empty)>{move || t().attach_none}</option>
                                    {move || marts.get().into_iter().map(|m| {
                                        let n = m.name.clone();
                                        let sel = attach.with(|a| a == &n);
                                        view! { <option value=n selected=sel>{m.name}</option> }
                                    }).collect_view()}
                                </select>
                            </label>
                            <p class="hint">
                                {move || if app.data.pseudonymized() { t().attach_note } else { t().attach_needs_pseudonyms }}
                            </p>
                        </div>
                    }
                    .into_any()
                }
            }}
        </section>
        {move || status.get().map(|(ok, m)| view! {
            <p class=if ok { "note ok" } else { "error-message" } role=if ok { "status" } else { "alert" } data-testid="report-status">{m}</p>
        })}
        <section class="card section" data-section="report-list">
            <h2>{move || t().list}</h2>
            <div class="report-actions">
                <label class="button ghost">
                    {move || t().import}
                    <input type="file" data-testid="report-import" accept=".json,application/json" class="visually-hidden" on:change=on_import />
                </label>
            </div>
            {move || {
                let l = lang.get();
                let items = list.get();
                // The server column only once a report has a copy there (or waits to).
                let any_remote = items.iter().any(|r| r.remote.is_some());
                if items.is_empty() {
                    return view! { <p class="hint">{l.rep().none}</p> }.into_any();
                }
                view! {
                    <table class="reports" data-testid="reports">
                        <thead>
                            <tr>
                                <th>{l.rep().col_name}</th>
                                <th class="num">{l.rep().col_version}</th>
                                <th>{l.rep().col_saved}</th>
                                <th class="num">{l.rep().col_customers}</th>
                                <th>{l.rep().col_inputs}</th>
                                {any_remote.then(|| view! { <th>{l.sync().col_server}</th> })}
                                <th></th>
                            </tr>
                        </thead>
                        <tbody>
                            {items
                                .into_iter()
                                .map(|r| {
                                    let (open, del, del_name) = (r.id.clone(), r.id.clone(), r.name.clone());
                                    let is_open = move || open_id.get().as_deref() == Some(open.as_str());
                                    let open2 = r.id.clone();
                                    view! {
                                        <tr data-report=r.name.clone() data-version=r.version class:current=is_open>
                                            <td><strong>{r.name.clone()}</strong></td>
                                            <td class="num">{format!("v{}", r.version)}</td>
                                            <td>{day(l, r.saved)}</td>
                                            <td class="num">{l.int(r.customers as u64)}</td>
                                            <td class="files">{r.inputs.join(", ")}</td>
                                            {any_remote.then(|| {
                                                let (state, text) = match &r.remote {
                                                    None => ("", String::new()),
                                                    Some(x) if x.conflict.is_some() => ("conflict", l.sync().state_conflict.to_string()),
                                                    Some(x) if x.pending => ("pending", l.sync().state_pending.to_string()),
                                                    Some(x) => ("synced", l.sync().state_synced.replace("{}", &x.version.unwrap_or(0).to_string())),
                                                };
                                                view! { <td class="sync-state" data-sync=state>{text}</td> }
                                            })}
                                            <td class="row-actions">
                                                <button class="button ghost small" data-action="open-report" on:click=move |_| set_open.set(Some(open2.clone()))>
                                                    {l.rep().open}
                                                </button>
                                                <button
                                                    class="button ghost small"
                                                    data-action="delete-report"
                                                    on:click=move |_| {
                                                        let ok = web_sys::window()
                                                            .and_then(|w| w.confirm_with_message(&l.rep().confirm_delete.replace("{}", &del_name)).ok())
                                                            .unwrap_or(false);
                                                        if ok {
                                                            let id = del.clone();
                                                            wasm_bindgen_futures::spawn_local(async move {
                                                                if let Err(e) = persist::delete_report(&id).await {
                                                                    status.set(Some((false, storage_message(&e, l))));
                                                                }
                                                                if open_id.get_untracked().as_deref() == Some(id.as_str()) {
                                                                    set_open.set(None);
                                                                }
                                                                reload();
                                                            });
                                                        }
                                                    }
                                                >
                                                    {l.rep().delete}
                                                </button>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </section>
        <crate::ui::sync::SyncPanel
            on_open=Callback::new(move |id: String| set_open.set(Some(id)))
            reload=Callback::new(move |_| reload())
            list=list
        />
        {move || {
            let saved = opened.get()?;
            let l = lang.get();
            let report = match Report::from_json(&saved.document) {
                Ok(r) => Arc::new(r),
                Err(e) => return Some(view! { <p class="error-message" role="alert">{e.to_string()}</p> }.into_any()),
            };
            let other = compared.get().filter(|o| o.id != saved.id).and_then(|o| {
                Report::from_json(&o.document).ok().map(|r| (o, Arc::new(r)))
            });
            let choices: Vec<(String, String)> = list.with(|items| {
                items
                    .iter()
                    .filter(|o| o.id != saved.id && o.workspace == saved.workspace)
                    .map(|o| (o.id.clone(), format!("{} v{} · {}", o.name, o.version, day(l, o.saved))))
                    .collect()
            });
            let (json_name, json_text) = (format!("{}-v{}.report.json", file_stem(&saved.name), saved.version), saved.document.clone());
            let title = format!("{} v{}", saved.name, saved.version);
            let doc_id = saved.id.clone();
            Some(view! {
                <div class="report-toolbar no-print">
                    <button class="button" data-action="export-report-html" on:click=move |_| export_html(&doc_id, &title, l)>
                        {l.rep().export_html}
                    </button>
                    <button class="button ghost" data-action="export-report-json" on:click=move |_| export::download_text(&json_name, &json_text, "application/json")>
                        {l.rep().export_json}
                    </button>
                    <button class="button ghost" data-action="print-report" on:click=move |_| {
                        if let Some(w) = web_sys::window() {
                            let _ = w.print();
                        }
                    }>
                        {l.rep().print}
                    </button>
                    <label>
                        {l.rep().compare_with} " "
                        <select data-testid="report-compare" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            set_vs.set((!v.is_empty()).then_some(v));
                        }>
                            <option value="" selected=other.is_none()>{l.rep().no_compare}</option>
                            {choices
                                .into_iter()
                                .map(|(id, text)| {
                                    let sel = vs_id.get_untracked().as_deref() == Some(id.as_str());
                                    view! { <option value=id selected=sel>{text}</option> }
                                })
                                .collect_view()}
                        </select>
                    </label>
                    <button class="button ghost" data-action="close-report" on:click=move |_| set_open.set(None)>
                        {l.rep().close}
                    </button>
                </div>
                <ReportDocument saved=saved report=report other=other lang=l />
            }
            .into_any())
        }}
        {move || (open_id.get().is_some() && opened.get().is_none() && !list.with(Vec::is_empty)).then(|| view! {
            <p class="hint" data-testid="report-missing">{t().not_found}</p>
        })}
    }
}
