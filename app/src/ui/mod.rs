//! The app: one store, one worker, a router over the pages.
//!
//! [`routes::Page`] lists the pages once: the navigation, the `<Routes>` and each page's
//! `data-page` hook come from it. Every address works from a cold load: the last report is
//! restored from local storage first, and a page with nothing to show says so and links to
//! the Data page and the demo.

pub mod analyze;
pub mod attrition;
pub mod cohorts;
pub mod customer;
pub mod dashboard;
pub mod data;
pub mod datamarts;
mod heatmap;
pub mod key;
pub mod mart_sync;
pub mod quick;
pub mod report_doc;
pub mod reports;
pub mod routes;
pub mod segments;
pub mod shell;
pub mod sync;
pub mod table;
pub mod value;
pub mod widgets;
pub mod workspace;

use leptos::prelude::*;
use leptos::web_sys;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::store::AppState;
use quick::QuickState;
use routes::Page;
use shell::{NotFound, Shell};

/// `/#data` (the address before the router) opens `/data`.
fn redirect_old_hash() {
    if let Some(w) = web_sys::window() {
        let loc = w.location();
        if loc.hash().ok().as_deref() == Some("#data")
            && let Ok(history) = w.history()
        {
            let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("data"));
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    redirect_old_hash();
    let quick = QuickState::new();
    let app = AppState::new(move |event| quick.on_event(event));
    provide_context(app);
    provide_context(quick);
    // Once the first page is drawn, the other pages' modules are fetched in the background.
    set_timeout(
        routes::preload_page_groups,
        std::time::Duration::from_millis(300),
    );

    Effect::new(move |_| {
        let l = app.lang.get();
        if let Some(doc) = web_sys::window().and_then(|w| w.document())
            && let Some(root) = doc.document_element()
        {
            let _ = root.set_attribute("lang", l.code());
            doc.set_title(l.wb().app_title);
        }
    });

    view! {
        <Router base=BASE.with(Clone::clone)>
            <Shell>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=|| Page::Quick.view() />
                    <Route path=path!("/data") view=|| Page::Data.view() />
                    <Route path=path!("/dashboard") view=|| Page::Dashboard.view() />
                    <Route path=path!("/segments") view=|| Page::Segments.view() />
                    <Route path=path!("/value") view=|| Page::Value.view() />
                    <Route path=path!("/attrition") view=|| Page::Attrition.view() />
                    <Route path=path!("/cohorts") view=|| Page::Cohorts.view() />
                    <Route path=path!("/customer") view=|| Page::Customer.view() />
                    <Route path=path!("/datamarts") view=|| Page::Datamarts.view() />
                    <Route path=path!("/reports") view=|| Page::Reports.view() />
                </Routes>
            </Shell>
        </Router>
    }
}

thread_local! {
    static BASE: String = base_path();
}

/// An address of the app (`"/dashboard"`) under the path it is served under: for links,
/// whose absolute `href`s the router leaves as written (its `navigate` adds the base itself).
pub fn at(path: &str) -> String {
    BASE.with(|b| format!("{b}{path}"))
}

/// The path the app is served under, from the page's `<base href>` (written by the bundler's
/// `--public-url`): `""` at a host's root, `"/prisme"` under `/prisme/`. The routes and links
/// are written from the root; the router puts them under it.
fn base_path() -> String {
    let base = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.base_uri().ok().flatten())
        .and_then(|uri| web_sys::Url::new(&uri).ok())
        .map(|u| u.pathname())
        .unwrap_or_default();
    base.trim_end_matches('/').to_string()
}
