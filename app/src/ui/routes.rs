//! The pages: one list drives the navigation, the routes and the `data-page` hooks.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use leptos::wasm_split::{SplitLoaderError, wasm_split};

use crate::i18n::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    Quick,
    Data,
    Dashboard,
    Segments,
    Value,
    Attrition,
    Cohorts,
    Customer,
    Datamarts,
    Reports,
}

impl Page {
    /// Navigation order.
    pub const NAV: [Page; 10] = [
        Page::Data,
        Page::Dashboard,
        Page::Segments,
        Page::Value,
        Page::Attrition,
        Page::Cohorts,
        Page::Customer,
        Page::Datamarts,
        Page::Reports,
        Page::Quick,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Page::Quick => "/",
            Page::Data => "/data",
            Page::Dashboard => "/dashboard",
            Page::Segments => "/segments",
            Page::Value => "/value",
            Page::Attrition => "/attrition",
            Page::Cohorts => "/cohorts",
            Page::Customer => "/customer",
            Page::Datamarts => "/datamarts",
            Page::Reports => "/reports",
        }
    }

    /// The `data-page` value.
    pub fn key(self) -> &'static str {
        match self {
            Page::Quick => "quick",
            Page::Data => "data",
            Page::Dashboard => "dashboard",
            Page::Segments => "segments",
            Page::Value => "value",
            Page::Attrition => "attrition",
            Page::Cohorts => "cohorts",
            Page::Customer => "customer",
            Page::Datamarts => "datamarts",
            Page::Reports => "reports",
        }
    }

    pub fn title(self, lang: Lang) -> &'static str {
        let n = &lang.wb().nav;
        match self {
            Page::Quick => n.quick,
            Page::Data => n.data,
            Page::Dashboard => n.dashboard,
            Page::Segments => n.segments,
            Page::Value => n.value,
            Page::Attrition => n.attrition,
            Page::Cohorts => n.cohorts,
            Page::Customer => n.customer,
            Page::Datamarts => n.datamarts,
            Page::Reports => n.reports,
        }
    }

    /// Whether the page shows an analysis (and needs one).
    pub fn needs_report(self) -> bool {
        !matches!(self, Page::Quick | Page::Data | Page::Reports)
    }

    /// An analysis page with something to do before any analysis: saved datamarts are listed,
    /// imported, opened from the sync server and edited as JSON (their customers wait for the
    /// data).
    pub fn opens_without_report(self) -> bool {
        matches!(self, Page::Datamarts)
    }

    pub fn view(self) -> AnyView {
        use super::*;
        match self {
            Page::Quick => {
                view! { <shell::PageFrame page=self><quick::QuickPage /></shell::PageFrame> }
                    .into_any()
            }
            Page::Data => lazy_page(self, || Box::pin(data_page())),
            Page::Dashboard => lazy_page(self, || Box::pin(dashboard_page())),
            Page::Segments => lazy_page(self, || Box::pin(segments_page())),
            Page::Value => lazy_page(self, || Box::pin(value_page())),
            Page::Attrition => lazy_page(self, || Box::pin(attrition_page())),
            Page::Cohorts => lazy_page(self, || Box::pin(cohorts_page())),
            Page::Customer => lazy_page(self, || Box::pin(customer_page())),
            Page::Datamarts => lazy_page(self, || Box::pin(datamarts_page())),
            Page::Reports => lazy_page(self, || Box::pin(reports_page())),
        }
    }
}

/// A page's code, once its group's module is loaded; `Err` when that module could not be
/// fetched (offline, or a deploy replaced the files since the page was opened).
type Loaded = Result<AnyView, SplitLoaderError>;
type PageFuture = Pin<Box<dyn Future<Output = Loaded> + Send>>;

/// A page whose code lives in a module of its own group, fetched the first time one of the
/// group's pages is shown (and ahead of that by [`preload_page_groups`]).
fn lazy_page(page: Page, load: fn() -> PageFuture) -> AnyView {
    view! {
        <super::shell::PageFrame page=page>
            <Suspense fallback=|| ()>
                {Suspend::new(async move {
                    load().await.unwrap_or_else(|_| view! { <super::shell::LoadFailed /> }.into_any())
                })}
            </Suspense>
        </super::shell::PageFrame>
    }
    .into_any()
}

/// Fetches the page groups' modules while the user looks at the first page, so that moving
/// to another page does not wait for the network.
pub fn preload_page_groups() {
    leptos::task::spawn_local(async {
        let _ = preload_analysis().await;
        let _ = preload_data().await;
        let _ = preload_library().await;
    });
}

// The page groups. The page's own module (the shell, the store, the Quick RFM page) is what
// a first visit downloads before anything shows: it must stay within the 500 KB budget
// (BENCHMARKS.md). Each `#[wasm_split(group)]` function goes, with the code only it
// reaches, into that group's module (xtask's bundler splits the linked module with
// `wasm_split_cli_support`, the splitter `cargo leptos --split` uses). Three groups rather
// than one module per page: pages of a group share most of their code (charts, tables), and
// fewer, larger modules mean fewer fetches.

#[wasm_split(data, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_data))]
fn data_page() -> Loaded {
    Ok(view! { <super::data::DataPage /> }.into_any())
}

#[wasm_split(analysis, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_analysis))]
fn dashboard_page() -> Loaded {
    Ok(view! { <super::dashboard::DashboardPage /> }.into_any())
}

#[wasm_split(analysis, wasm_split_path = ::leptos::wasm_split, fallible)]
fn segments_page() -> Loaded {
    Ok(view! { <super::segments::SegmentsPage /> }.into_any())
}

#[wasm_split(analysis, wasm_split_path = ::leptos::wasm_split, fallible)]
fn value_page() -> Loaded {
    Ok(view! { <super::value::ValuePage /> }.into_any())
}

#[wasm_split(analysis, wasm_split_path = ::leptos::wasm_split, fallible)]
fn attrition_page() -> Loaded {
    Ok(view! { <super::attrition::AttritionPage /> }.into_any())
}

#[wasm_split(analysis, wasm_split_path = ::leptos::wasm_split, fallible)]
fn cohorts_page() -> Loaded {
    Ok(view! { <super::cohorts::CohortsPage /> }.into_any())
}

#[wasm_split(analysis, wasm_split_path = ::leptos::wasm_split, fallible)]
fn customer_page() -> Loaded {
    Ok(view! { <super::customer::CustomerPage /> }.into_any())
}

#[wasm_split(library, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_library))]
fn datamarts_page() -> Loaded {
    Ok(view! { <super::datamarts::DatamartsPage /> }.into_any())
}

#[wasm_split(library, wasm_split_path = ::leptos::wasm_split, fallible)]
fn reports_page() -> Loaded {
    Ok(view! { <super::reports::ReportsPage /> }.into_any())
}
