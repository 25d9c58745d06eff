//! The pages: one list drives the navigation, the routes and the `data-page` hooks.

use leptos::prelude::*;

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
            Page::Quick => view! { <shell::PageFrame page=self><quick::QuickPage /></shell::PageFrame> }.into_any(),
            Page::Data => view! { <shell::PageFrame page=self><data::DataPage /></shell::PageFrame> }.into_any(),
            Page::Dashboard => view! { <shell::PageFrame page=self><dashboard::DashboardPage /></shell::PageFrame> }.into_any(),
            Page::Segments => view! { <shell::PageFrame page=self><segments::SegmentsPage /></shell::PageFrame> }.into_any(),
            Page::Value => view! { <shell::PageFrame page=self><value::ValuePage /></shell::PageFrame> }.into_any(),
            Page::Attrition => view! { <shell::PageFrame page=self><attrition::AttritionPage /></shell::PageFrame> }.into_any(),
            Page::Cohorts => view! { <shell::PageFrame page=self><cohorts::CohortsPage /></shell::PageFrame> }.into_any(),
            Page::Customer => view! { <shell::PageFrame page=self><customer::CustomerPage /></shell::PageFrame> }.into_any(),
            Page::Datamarts => view! { <shell::PageFrame page=self><datamarts::DatamartsPage /></shell::PageFrame> }.into_any(),
            Page::Reports => view! { <shell::PageFrame page=self><reports::ReportsPage /></shell::PageFrame> }.into_any(),
        }
    }
}
