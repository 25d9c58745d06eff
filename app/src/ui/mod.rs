//! The app: one store, one worker, a router over the pages.
//!
//! [`routes::Page`] lists the pages once: the navigation, the `<Routes>` and each page's
//! `data-page` hook come from it. Every address works from a cold load: the last report is
//! restored from local storage first, and a page with nothing to show says so and links to
//! the Data page and the demo.

pub mod analyze;
pub mod attrition;
pub mod cohorts;
pub mod dashboard;
pub mod data;
mod heatmap;
pub mod key;
pub mod quick;
pub mod routes;
pub mod segments;
pub mod shell;
pub mod table;
pub mod value;
pub mod widgets;

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
        <Router>
            <Shell>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=|| Page::Quick.view() />
                    <Route path=path!("/data") view=|| Page::Data.view() />
                    <Route path=path!("/dashboard") view=|| Page::Dashboard.view() />
                    <Route path=path!("/segments") view=|| Page::Segments.view() />
                    <Route path=path!("/value") view=|| Page::Value.view() />
                    <Route path=path!("/attrition") view=|| Page::Attrition.view() />
                    <Route path=path!("/cohorts") view=|| Page::Cohorts.view() />
                </Routes>
            </Shell>
        </Router>
    }
}
